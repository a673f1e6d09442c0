//! The messaging hot paths on PostgreSQL under load: their query plans use indexes, concurrent
//! deliveries make each row once, and (ignored by default) ingest throughput.

mod support;

use support::{channel, inbound, linked_org, org};
use switchboard_domain::ChannelKind;
use switchboard_store::{
    ChannelStore, ContactStore, Effects, EventFilter, EventStore, InboundMessage, IngestBatch,
    MessageStore, PageRequest,
};
use switchboard_store_postgres::testing;

/// The hot paths use their indexes: on ten organizations' channels and messages, analyzed, with
/// sequential scans turned off, every plan must find its rows through an index condition.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_paths_use_indexes() {
    let Some((store, schema)) = testing::fresh_store().await else {
        return;
    };
    // Ten organizations of two channels each, so that one organization's rows are a tenth.
    let mut orgs = Vec::new();
    let mut channels = Vec::new();
    for n in 0..20 {
        if n % 2 == 0 {
            orgs.push(org(&store).await);
        }
        let o = orgs[n / 2];
        let c = channel(
            o,
            ChannelKind::Whatsapp,
            &format!("WA {n}"),
            &format!("80{n:02}"),
        );
        store.create_channel(&c, &Effects::none()).await.unwrap();
        channels.push((o, c.id));
    }
    for (b, (o, channel)) in channels.iter().enumerate() {
        let messages = (0..100)
            .map(|i| {
                let from = format!("4477008{:05}", (b * 100 + i) % 700);
                inbound(&format!("wamid.{b}.{i}"), &from, "hello")
            })
            .collect();
        let batch = IngestBatch {
            messages,
            statuses: vec![],
            events: Vec::new(),
        };
        store.ingest(*o, *channel, &batch).await.unwrap();
    }
    let (o, channel) = channels[0];
    drop(store);
    let mut conn = {
        use sqlx::Connection;
        sqlx::PgConnection::connect(&testing::database_url())
            .await
            .unwrap()
    };
    let setup = format!(
        "SET search_path TO \"{}\"; ANALYZE; SET enable_seqscan = off; SET random_page_cost = 1.1",
        schema.name()
    );
    sqlx::raw_sql(&setup).execute(&mut conn).await.unwrap();
    let id = uuid::Uuid::now_v7();
    // (what, query, the index that must serve it, or `|` between those that may)
    let plans = [
        (
            "messages by provider id",
            "SELECT id FROM messages WHERE channel_id = {channel} AND provider_message_id = 'x'",
            "provider_message_id",
        ),
        (
            "messages of a conversation",
            "SELECT id FROM messages WHERE conversation_id = {id} ORDER BY id LIMIT 50",
            "messages_conversation",
        ),
        (
            "conversations newest first",
            "SELECT id FROM conversations WHERE org_id = {org} ORDER BY id DESC LIMIT 50",
            "conversations_org",
        ),
        (
            "conversations by status",
            "SELECT id FROM conversations WHERE org_id = {org} AND status = 'resolved' ORDER BY id DESC LIMIT 50",
            "conversations_status",
        ),
        (
            "identity by address",
            "SELECT id FROM identities WHERE channel_id = {channel} AND address = 'x'",
            "identity_address",
        ),
        (
            "events in order",
            "SELECT id FROM events WHERE org_id = {org} ORDER BY id LIMIT 50",
            "events_org",
        ),
        (
            "channel by account",
            "SELECT id FROM channels WHERE protocol = 'p' AND account = 'a' AND deleted_at IS NULL",
            "channel_account",
        ),
        (
            "conversation of an identity",
            "SELECT id FROM conversations WHERE channel_id = {channel} AND identity_id = {id}",
            "conversation_identity|conversations_identity",
        ),
        (
            "conversations of an identity (cascade)",
            "SELECT id FROM conversations WHERE identity_id = {id}",
            "conversations_identity",
        ),
        (
            "conversations of a contact (cascade)",
            "SELECT id FROM conversations WHERE contact_id = {id}",
            "conversations_contact",
        ),
        (
            "identities of a contact (cascade)",
            "SELECT id FROM identities WHERE contact_id = {id}",
            "identities_contact",
        ),
        (
            "events of a conversation",
            "SELECT id FROM events WHERE conversation_id = {id}",
            "events_conversation",
        ),
        (
            "timeline of a conversation",
            "SELECT id FROM conversation_events WHERE conversation_id = {id} ORDER BY id",
            "conversation_events_conversation",
        ),
        (
            "pending statuses of a provider id",
            "SELECT status FROM pending_statuses WHERE channel_id = {channel} AND provider_message_id = 'x'",
            "pending_statuses_pkey",
        ),
        (
            "contacts with a tag",
            "SELECT contact_id FROM contact_tags WHERE org_id = {org} AND tag = 'vip'",
            "contact_tags_tag",
        ),
        (
            "contact by phone",
            "SELECT id FROM contacts WHERE org_id = {org} AND phone = '+447700900123'",
            "contact_phone",
        ),
    ];
    for (what, sql, index) in plans {
        // Literal ids, as the planner sees a bound value: the organization's and a channel's
        // (which match rows) or an unknown one.
        let sql = sql
            .replace("{org}", &format!("'{}'", o.0))
            .replace("{channel}", &format!("'{}'", channel.0))
            .replace("{id}", &format!("'{id}'"));
        let lines: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN {sql}"))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let plan = lines.join("\n");
        // Named, because a whole-index scan of another index filtering its rows would also
        // show an index condition.
        let served = index.split('|').any(|index| {
            plan.contains(&format!("using {index} on"))
                || plan.contains(&format!("Bitmap Index Scan on {index} "))
        });
        assert!(served, "{what} should use {index}: {plan}");
        assert!(!plan.contains("Seq Scan"), "{what}: {plan}");
    }
}

/// The same webhook delivered twice at once, and one phone writing in on two channels at once:
/// every row is made exactly once and neither delivery fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deliveries_make_each_row_once() {
    let Some((store, _schema)) = testing::fresh_store().await else {
        return;
    };
    let o = linked_org(&store).await;
    let wa = channel(o, ChannelKind::Whatsapp, "WA", "5005");
    let sms = channel(o, ChannelKind::Sms, "SMS", "+15550002");
    store.create_channel(&wa, &Effects::none()).await.unwrap();
    store.create_channel(&sms, &Effects::none()).await.unwrap();

    for round in 0..5 {
        let senders: Vec<String> = (0..8).map(|i| format!("4477009{round}{i:04}")).collect();
        let batch = |forward: bool| {
            let mut messages: Vec<InboundMessage> = senders
                .iter()
                .enumerate()
                .map(|(i, from)| inbound(&format!("wamid.{round}.{i}"), from, "hi"))
                .collect();
            if !forward {
                messages.reverse();
            }
            IngestBatch {
                messages,
                statuses: vec![],
                events: Vec::new(),
            }
        };
        let sms_batch = IngestBatch {
            messages: senders
                .iter()
                .enumerate()
                .map(|(i, from)| inbound(&format!("SM.{round}.{i}"), &format!("+{from}"), "hey"))
                .collect(),
            statuses: vec![],
            events: Vec::new(),
        };
        let (forward, backward) = (batch(true), batch(false));
        let (a, b, c) = tokio::join!(
            store.ingest(o, wa.id, &forward),
            store.ingest(o, wa.id, &backward),
            store.ingest(o, sms.id, &sms_batch),
        );
        let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
        assert_eq!(
            a.stored.len() + b.stored.len(),
            senders.len(),
            "round {round}"
        );
        assert_eq!(a.duplicates + b.duplicates, senders.len(), "round {round}");
        assert_eq!(c.stored.len(), senders.len());
        // One contact per phone, shared by both channels' identities.
        for from in &senders {
            let phone = switchboard_domain::E164::parse(&format!("+{from}")).unwrap();
            let contact = store
                .find_contact(o, &switchboard_store::ContactKey::Phone(phone))
                .await
                .unwrap();
            let identities = store.list_identities(o, contact.id).await.unwrap();
            assert_eq!(identities.len(), 2, "{from}: {identities:?}");
        }
    }
    let contacts = store
        .list_contacts(o, &Default::default(), PageRequest::first(200))
        .await
        .unwrap();
    assert_eq!(contacts.items.len(), 40);
    let created = store
        .list_events(
            o,
            &EventFilter {
                kinds: vec!["contact.created".into()],
                only_channels: None,
            },
            PageRequest::first(200),
        )
        .await
        .unwrap();
    assert_eq!(created.items.len(), 40, "one contact.created per contact");
}

/// Ingest throughput, for a look by hand (`cargo test -p switchboard-store-postgres --test
/// messaging_load -- --ignored --nocapture`): webhooks of 50 messages, 8 deliveries in flight as
/// several provider connections would send them; first from 2000 senders met for the first time,
/// then again from the same (now known) senders.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a check"]
async fn ingest_throughput() {
    let Some((store, _schema)) = testing::fresh_store().await else {
        return;
    };
    let o = org(&store).await;
    let wa = channel(o, ChannelKind::Whatsapp, "WA", "7007");
    store.create_channel(&wa, &Effects::none()).await.unwrap();
    for pass in ["new senders", "known senders"] {
        let started = std::time::Instant::now();
        let total = deliver(&store, o, wa.id, pass).await;
        let elapsed = started.elapsed();
        eprintln!(
            "{pass}: {total} messages in {elapsed:?}: {:.0} messages/s",
            total as f64 / elapsed.as_secs_f64()
        );
    }
}

/// Delivers 400 webhooks of 50 messages from senders 0..2000, 8 at a time; returns the count.
async fn deliver(
    store: &switchboard_store_postgres::PgStore,
    o: switchboard_domain::OrgId,
    channel: switchboard_domain::ChannelId,
    pass: &str,
) -> usize {
    const BATCHES: usize = 400;
    const PER_BATCH: usize = 50;
    let mut next = 0usize;
    while next < BATCHES {
        let wave: Vec<_> = (next..(next + 8).min(BATCHES))
            .map(|b| {
                let messages: Vec<InboundMessage> = (0..PER_BATCH)
                    .map(|i| {
                        let sender = (b * 5 + i) % 2000;
                        let id = format!("wamid.{pass}.{b}.{i}");
                        inbound(&id, &format!("4477009{sender:05}"), "hi")
                    })
                    .collect();
                let store = store.clone();
                tokio::spawn(async move {
                    let batch = IngestBatch {
                        messages,
                        statuses: vec![],
                        events: Vec::new(),
                    };
                    store.ingest(o, channel, &batch).await
                })
            })
            .collect();
        next += wave.len();
        for task in wave {
            let out = task.await.unwrap().unwrap();
            assert_eq!(out.stored.len(), PER_BATCH);
        }
    }
    BATCHES * PER_BATCH
}
