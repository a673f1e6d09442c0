//! A burst of concurrent webhooks on SQLite: every one is stored exactly once through the
//! group-commit writer (many units share one commit), and the rate is printed for a glance.

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::{org, temp_store};
use switchboard_domain::{ChannelId, ChannelKind, ChannelStatus};
use switchboard_store::*;

fn channel(org: switchboard_domain::OrgId) -> Channel {
    let now = switchboard_domain::now();
    Channel {
        id: ChannelId::new(),
        org_id: org,
        kind: ChannelKind::Whatsapp,
        protocol: "whatsapp_cloud".into(),
        name: "Burst".into(),
        status: ChannelStatus::Active,
        last_error: None,
        last_error_at: None,
        config: serde_json::json!({}),
        credentials: Vec::new(),
        draft: None,
        webhook_secret: Vec::new(),
        account: None,
        created_at: now,
        updated_at: now,
    }
}

fn message(webhook: usize, i: usize) -> InboundMessage {
    InboundMessage {
        provider_message_id: format!("wamid.{webhook}.{i}"),
        // 200 customers, so conversations are both created and reused.
        from: format!("4477009{:05}", (webhook * 7 + i) % 200),
        profile_name: Some(format!("Customer {}", (webhook * 7 + i) % 200)),
        kind: "text".into(),
        content: serde_json::json!({ "type": "text", "text": { "body": "hi" } }),
        text: Some(format!("message {i} of webhook {webhook}")),
        reply_to: None,
        provider_at: switchboard_domain::now(),
        reaction_to: None,
        revision_of: None,
        jobs_if_new: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_webhooks_store_every_message_once() {
    const WEBHOOKS: usize = 400;
    const PER_WEBHOOK: usize = 5;
    let (_dir, _cfg, store) = temp_store().await;
    let store = Arc::new(store);
    let o = org("Burst Org");
    store.create_org(&o, &Effects::none()).await.unwrap();
    let ch = channel(o.id);
    store.create_channel(&ch, &Effects::none()).await.unwrap();

    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..WEBHOOKS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let batch = IngestBatch {
                messages: (0..PER_WEBHOOK).map(|i| message(w, i)).collect(),
                statuses: Vec::new(),
                events: Vec::new(),
            };
            // Every other webhook is delivered twice, concurrently with the rest.
            let first = store.ingest(o.id, ch.id, &batch).await.unwrap();
            let again = if w % 2 == 0 {
                store.ingest(o.id, ch.id, &batch).await.unwrap().duplicates
            } else {
                0
            };
            (first.stored.len(), first.duplicates + again)
        }));
    }
    let (mut stored, mut duplicates) = (0, 0);
    for t in tasks {
        let (s, d) = t.await.unwrap();
        stored += s;
        duplicates += d;
    }
    let elapsed = started.elapsed();
    assert_eq!(stored, WEBHOOKS * PER_WEBHOOK);
    assert_eq!(duplicates, WEBHOOKS / 2 * PER_WEBHOOK);
    eprintln!(
        "{stored} messages in {WEBHOOKS} webhooks (+{} redelivered) in {elapsed:?}: {:.0} messages/s",
        WEBHOOKS / 2,
        stored as f64 / elapsed.as_secs_f64()
    );

    let conversations = store
        .list_conversations(
            o.id,
            &ConversationFilter::default(),
            PageRequest::first(200),
        )
        .await
        .unwrap();
    assert_eq!(conversations.items.len(), 200, "one per customer");
    assert_eq!(conversations.next, None);
    let unread: u32 = conversations.items.iter().map(|c| c.unread_count).sum();
    assert_eq!(unread as usize, stored, "each new message counted once");
    store.close().await;
}
