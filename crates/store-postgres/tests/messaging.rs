//! The messaging stores on PostgreSQL: the flows of one webhook and one send end to end. The
//! behavioural suite shared with SQLite lives in `switchboard-store-tests`; these check what is
//! particular to this backend.

mod support;

use serde_json::json;
use support::{channel, inbound, linked_org, org};
use switchboard_domain::{
    ChannelKind, ChannelStatus, ContactId, ConversationStatus, MessageId, MessageStatus, Sender,
    now,
};
use switchboard_store::{
    ChannelStore, Contact, ContactFilter, ContactStore, ConversationStore, Effects, EventFilter,
    EventStore, IngestBatch, JobFilter, JobStore, MessageStore, NewJob, OutboundRequest,
    PageRequest, StatusReport, StoreError,
};
use switchboard_store_postgres::testing;

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
    let o = linked_org(&store).await;
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
        events: Vec::new(),
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
        events: Vec::new(),
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
                events: Vec::new(),
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

/// Attributes keep any text (NUL included: the column is `json`), and the attribute filter
/// compares JSON values as SQLite does: `1` is not `1.0`, and strings are exact.
#[tokio::test]
async fn contact_attributes_round_trip_and_filter_by_json_value() {
    let Some((store, _schema)) = testing::fresh_store().await else {
        return;
    };
    let o = org(&store).await;
    let mut gold = Contact::new(o, now());
    gold.name = Some("Zoë Ærø".to_owned());
    gold.attributes.insert("plan".into(), json!("gold"));
    gold.attributes.insert("seats".into(), json!(1));
    gold.attributes.insert("raw".into(), json!("a\u{0}b"));
    gold.tags = vec!["vip".into(), "eu".into(), "vip".into()];
    store.create_contact(&gold, &Effects::none()).await.unwrap();
    let mut silver = Contact::new(o, now());
    silver.attributes.insert("plan".into(), json!("Gold"));
    silver.attributes.insert("seats".into(), json!(1.0));
    store
        .create_contact(&silver, &Effects::none())
        .await
        .unwrap();

    let got = store.get_contact(o, gold.id).await.unwrap();
    assert_eq!(got.attributes, gold.attributes);
    assert_eq!(got.tags, ["vip", "eu"]);

    let find = |attribute: Option<(&str, serde_json::Value)>, query: Option<&str>| {
        let filter = ContactFilter {
            attribute: attribute.map(|(k, v)| (k.to_owned(), v)),
            query: query.map(str::to_owned),
            ..ContactFilter::default()
        };
        let store = store.clone();
        async move {
            let page = store
                .list_contacts(o, &filter, PageRequest::first(10))
                .await
                .unwrap();
            page.items.into_iter().map(|c| c.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(find(Some(("plan", json!("gold"))), None).await, [gold.id]);
    assert_eq!(find(Some(("seats", json!(1))), None).await, [gold.id]);
    assert_eq!(find(Some(("seats", json!(1.0))), None).await, [silver.id]);
    assert_eq!(find(None, Some("ZOË")).await, [gold.id], "non-ASCII folds");
    assert_eq!(
        find(None, Some("%")).await,
        Vec::<ContactId>::new(),
        "no wildcards"
    );
}
