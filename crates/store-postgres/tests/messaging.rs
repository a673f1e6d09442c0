//! The messaging stores on PostgreSQL: the flows of one webhook and one send end to end, and the
//! query plans of the hot paths. The behavioural suite shared with SQLite lives in
//! `switchboard-store-tests`; these check what is particular to this backend.

use serde_json::json;
use switchboard_domain::{
    ChannelId, ChannelKind, ChannelStatus, ConversationStatus, MessageId, MessageStatus, Name,
    OrgId, Sender, now,
};
use switchboard_store::{
    Channel, ChannelStore, ContactStore, ConversationStore, Effects, EventFilter, EventStore,
    InboundMessage, IngestBatch, JobFilter, JobStore, MessageStore, NewJob, Org, OrgStore,
    OutboundRequest, PageRequest, StatusReport, StoreError,
};
use switchboard_store_postgres::{PgStore, testing};

async fn org(store: &PgStore) -> OrgId {
    let org = Org {
        id: OrgId::new(),
        name: Name::parse(&format!("Org {}", uuid::Uuid::now_v7().simple())).unwrap(),
        created_at: now(),
    };
    store.create_org(&org, &Effects::none()).await.unwrap();
    org.id
}

fn channel(org: OrgId, kind: ChannelKind, name: &str, account: &str) -> Channel {
    Channel {
        id: ChannelId::new(),
        org_id: org,
        kind,
        protocol: format!("{kind}_test"),
        name: name.to_owned(),
        status: ChannelStatus::Active,
        last_error: None,
        last_error_at: None,
        config: json!({ "k": "v" }),
        credentials: vec![1, 2, 3],
        draft: None,
        webhook_secret: vec![9; 8],
        account: Some(account.to_owned()),
        created_at: now(),
        updated_at: now(),
    }
}

fn inbound(id: &str, from: &str, text: &str) -> InboundMessage {
    InboundMessage {
        provider_message_id: id.to_owned(),
        from: from.to_owned(),
        profile_name: Some("Ada".to_owned()),
        kind: "text".to_owned(),
        content: json!({ "type": "text", "body": text }),
        text: Some(text.to_owned()),
        reply_to: None,
        provider_at: now(),
        reaction_to: None,
        jobs_if_new: Vec::new(),
    }
}

#[tokio::test]
async fn channels_are_unique_by_name_and_live_account() {
    let Some((store, _schema)) = testing::fresh_store().await else {
        return;
    };
    let o = org(&store).await;
    let wa = channel(o, ChannelKind::Whatsapp, "Support", "1001");
    store.create_channel(&wa, &Effects::none()).await.unwrap();
    assert_eq!(store.get_channel(o, wa.id).await.unwrap(), wa);

    let same_name = channel(o, ChannelKind::Sms, "SUPPORT", "2002");
    let err = store.create_channel(&same_name, &Effects::none()).await;
    assert!(
        matches!(
            err,
            Err(StoreError::Conflict {
                what: "channel_name",
                ..
            })
        ),
        "{err:?}"
    );
    let same_account = channel(o, ChannelKind::Whatsapp, "Sales", "1001");
    let err = store.create_channel(&same_account, &Effects::none()).await;
    assert!(
        matches!(
            err,
            Err(StoreError::Conflict {
                what: "channel_account",
                ..
            })
        ),
        "{err:?}"
    );

    store
        .record_channel_health(o, wa.id, Some("token expired"), now())
        .await
        .unwrap();
    let sick = store.find_channel(wa.id).await.unwrap();
    assert_eq!(sick.status, ChannelStatus::Error);
    assert_eq!(sick.last_error.as_deref(), Some("token expired"));

    store
        .delete_channel(o, wa.id, &Effects::none())
        .await
        .unwrap();
    assert!(matches!(
        store.get_channel(o, wa.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.find_channel_by_account(&wa.protocol, "1001").await,
        Err(StoreError::NotFound)
    ));
    // The deleted channel's name and account are free again.
    store
        .create_channel(&same_account, &Effects::none())
        .await
        .unwrap();
    let found = store
        .find_channel_by_account(&wa.protocol, "1001")
        .await
        .unwrap();
    assert_eq!(found.id, same_account.id);
}

#[tokio::test]
async fn a_webhook_then_a_reply_then_its_statuses() {
    let Some((store, _schema)) = testing::fresh_store().await else {
        return;
    };
    let o = org(&store).await;
    let wa = channel(o, ChannelKind::Whatsapp, "WA", "3003");
    store.create_channel(&wa, &Effects::none()).await.unwrap();

    let mut first = inbound("wamid.1", "447700900123", "hello");
    first.jobs_if_new = vec![NewJob::new(
        Some(o),
        "media.fetch",
        json!({ "media": "m1" }),
    )];
    let mut reaction = inbound("wamid.2", "447700900123", "");
    reaction.kind = "reaction".to_owned();
    reaction.text = None;
    reaction.reaction_to = Some(("wamid.1".to_owned(), "👍".to_owned()));
    let batch = IngestBatch {
        messages: vec![first.clone(), reaction, first.clone()],
        statuses: vec![],
    };
    let out = store.ingest(o, wa.id, &batch).await.unwrap();
    assert_eq!(out.stored.len(), 2);
    assert_eq!(out.duplicates, 1, "the repeat inside the batch");
    let stored = out.stored[0];
    assert!(stored.new_conversation);

    let contact = store.get_contact(o, stored.contact_id).await.unwrap();
    assert_eq!(
        contact.phone.as_ref().map(|p| p.as_str()),
        Some("+447700900123")
    );
    assert_eq!(contact.name.as_deref(), Some("Ada"));
    let message = store.get_message(o, stored.message_id).await.unwrap();
    assert_eq!(message.status, MessageStatus::Received);
    assert_eq!(message.reactions.len(), 1);
    assert_eq!(message.reactions[0].emoji, "👍");

    let conversation = store
        .get_conversation(o, stored.conversation_id)
        .await
        .unwrap();
    assert_eq!(conversation.unread_count, 2);
    assert_eq!(conversation.status, ConversationStatus::Open);

    let jobs = store
        .list_jobs(
            &JobFilter {
                kind: Some("media.fetch".into()),
                ..Default::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(jobs.items.len(), 1);
    assert_eq!(
        jobs.items[0].payload["message_id"],
        json!(stored.message_id)
    );

    // Redelivered: nothing changes, not even the unread count.
    let again = store.ingest(o, wa.id, &batch).await.unwrap();
    assert_eq!((again.stored.len(), again.duplicates), (0, 3));
    let unchanged = store
        .get_conversation(o, stored.conversation_id)
        .await
        .unwrap();
    assert_eq!(unchanged, conversation);

    // An SMS reply to the same phone joins the same contact.
    let sms = channel(o, ChannelKind::Sms, "SMS", "+15550001");
    store.create_channel(&sms, &Effects::none()).await.unwrap();
    let reply = OutboundRequest {
        id: MessageId::new(),
        channel_id: sms.id,
        to: "+447700900123".to_owned(),
        kind: "text".to_owned(),
        content: json!({ "type": "text", "body": "hi" }),
        text: Some("hi".to_owned()),
        reply_to: None,
        sender: Sender::System,
        created_at: now(),
    };
    let dispatch = NewJob::new(
        Some(o),
        "message.dispatch",
        json!({ "message_id": reply.id }),
    );
    let accepted = store
        .accept_outbound(o, &reply, &Effects::none().with_job(dispatch))
        .await
        .unwrap();
    assert_eq!(accepted.contact_id, stored.contact_id);
    assert_ne!(accepted.conversation_id, stored.conversation_id);

    // Statuses race the receipt: read arrives first and waits.
    let read = StatusReport {
        provider_message_id: "SM1".to_owned(),
        status: MessageStatus::Read,
        at: now(),
        error: None,
    };
    let batch = IngestBatch {
        messages: vec![],
        statuses: vec![read],
    };
    let out = store.ingest(o, sms.id, &batch).await.unwrap();
    assert_eq!((out.statuses_applied, out.statuses_pending), (0, 1));
    let sent = store
        .record_receipt(o, reply.id, "SM1", now())
        .await
        .unwrap();
    assert_eq!(sent.status, MessageStatus::Read);
    assert!(sent.read_at.is_some());
    // A late `delivered` keeps its timestamp but does not move the status back.
    let late = StatusReport {
        provider_message_id: "SM1".to_owned(),
        status: MessageStatus::Delivered,
        at: now(),
        error: None,
    };
    let out = store
        .ingest(
            o,
            sms.id,
            &IngestBatch {
                messages: vec![],
                statuses: vec![late],
            },
        )
        .await
        .unwrap();
    assert_eq!(out.statuses_applied, 1);
    let now_read = store.get_message(o, reply.id).await.unwrap();
    assert_eq!(now_read.status, MessageStatus::Read);
    assert!(now_read.delivered_at.is_some());

    let other = OutboundRequest {
        id: MessageId::new(),
        ..reply.clone()
    };
    store
        .accept_outbound(o, &other, &Effects::none())
        .await
        .unwrap();
    let err = store.record_receipt(o, other.id, "SM1", now()).await;
    assert!(
        matches!(
            err,
            Err(StoreError::Conflict {
                what: "provider_message_id",
                ..
            })
        ),
        "{err:?}"
    );

    let events = store
        .list_events(o, &EventFilter::default(), PageRequest::first(50))
        .await
        .unwrap();
    let kinds: Vec<&str> = events.items.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "contact.created",
            "conversation.created",
            "message.received",
            "message.received",
            "conversation.created",
            "message.created",
            "message.status_changed",
            "message.created",
        ],
    );

    // Deleting the contact takes its conversations, messages and their events along.
    store
        .delete_contact(o, stored.contact_id, &Effects::none())
        .await
        .unwrap();
    assert!(matches!(
        store.get_message(o, reply.id).await,
        Err(StoreError::NotFound)
    ));
    let left = store
        .list_events(o, &EventFilter::default(), PageRequest::first(50))
        .await
        .unwrap();
    assert!(
        left.items.iter().all(|e| e.kind == "contact.created"),
        "{:?}",
        left.items.iter().map(|e| &e.kind).collect::<Vec<_>>()
    );
}

/// The hot paths use their indexes (sequential scans are turned off, so a plan without a usable
/// index would still show one).
#[tokio::test]
async fn hot_paths_use_indexes() {
    let Some((store, schema)) = testing::fresh_store().await else {
        return;
    };
    drop(store);
    let mut conn = {
        use sqlx::Connection;
        sqlx::PgConnection::connect(&testing::database_url())
            .await
            .unwrap()
    };
    let setup = format!(
        "SET search_path TO \"{}\"; SET enable_seqscan = off",
        schema.name()
    );
    sqlx::raw_sql(&setup).execute(&mut conn).await.unwrap();
    let id = uuid::Uuid::now_v7();
    let plans = [
        (
            "messages by provider id",
            "SELECT id FROM messages WHERE channel_id = $1 AND provider_message_id = 'x'",
        ),
        (
            "messages of a conversation",
            "SELECT id FROM messages WHERE conversation_id = $1 ORDER BY id LIMIT 50",
        ),
        (
            "conversations newest first",
            "SELECT id FROM conversations WHERE org_id = $1 ORDER BY id DESC LIMIT 50",
        ),
        (
            "identity by address",
            "SELECT id FROM identities WHERE channel_id = $1 AND address = 'x'",
        ),
        (
            "events in order",
            "SELECT id FROM events WHERE org_id = $1 ORDER BY id LIMIT 50",
        ),
    ];
    for (what, sql) in plans {
        let lines: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN {sql}"))
            .bind(id)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let plan = lines.join("\n");
        assert!(plan.contains("Index"), "{what}: {plan}");
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
    let o = org(&store).await;
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
            }
        };
        let sms_batch = IngestBatch {
            messages: senders
                .iter()
                .enumerate()
                .map(|(i, from)| inbound(&format!("SM.{round}.{i}"), &format!("+{from}"), "hey"))
                .collect(),
            statuses: vec![],
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
