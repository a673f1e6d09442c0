//! Seeding for the contacts and conversations API tests: a channel written straight to the store
//! and inbound messages through the store's `ingest`, as the webhook pipeline would store them,
//! so these tests need neither the channels API nor a provider.

use switchboard_domain::{ChannelId, ChannelKind, ChannelStatus, OrgId};
use switchboard_store::{Channel, Effects, InboundMessage, IngestBatch, StoredInbound};
use switchboard_test_support::TestApp;
use uuid::Uuid;

/// A live channel of `kind` in the test's organization.
pub async fn channel(app: &TestApp, kind: ChannelKind) -> Uuid {
    let now = switchboard_domain::now();
    let tag = Uuid::now_v7().simple().to_string();
    let ch = Channel {
        id: ChannelId::new(),
        org_id: OrgId(app.org.id),
        kind,
        protocol: format!("{kind}_test"),
        name: format!("Seeded {tag}"),
        status: ChannelStatus::Active,
        last_error: None,
        last_error_at: None,
        config: serde_json::json!({}),
        credentials: b"sealed".to_vec(),
        draft: None,
        webhook_secret: b"sealed".to_vec(),
        account: Some(format!("acct-{tag}")),
        created_at: now,
        updated_at: now,
    };
    app.store
        .create_channel(&ch, &Effects::none())
        .await
        .expect("create channel");
    ch.id.0
}

/// A customer's text message on `channel` from `from` (its canonical address there, e.g. WhatsApp
/// digits), stored as the webhook pipeline stores it.
pub async fn inbound(app: &TestApp, channel: Uuid, from: &str, text: &str) -> StoredInbound {
    let msg = InboundMessage {
        provider_message_id: format!("wamid.{}", Uuid::now_v7().simple()),
        from: from.to_owned(),
        profile_name: Some("Customer".to_owned()),
        kind: "text".to_owned(),
        content: serde_json::json!({ "type": "text", "text": { "body": text } }),
        text: Some(text.to_owned()),
        reply_to: None,
        provider_at: switchboard_domain::now(),
        reaction_to: None,
        revision_of: None,
        jobs_if_new: Vec::new(),
    };
    let batch = IngestBatch {
        messages: vec![msg],
        statuses: Vec::new(),
        events: Vec::new(),
    };
    let out = app
        .store
        .ingest(OrgId(app.org.id), ChannelId(channel), &batch)
        .await
        .expect("ingest");
    *out.stored.first().expect("one stored message")
}

/// A WhatsApp number (digits, no `+`) unique within the run.
pub fn wa_number() -> String {
    let n = Uuid::new_v4().as_u128() % 1_000_000_000;
    format!("447{n:09}")
}
