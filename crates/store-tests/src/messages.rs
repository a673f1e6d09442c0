//! Outbound messages and statuses: acceptance with its dispatch job, id conflicts, receipts,
//! statuses that arrive early, late, out of order or repeated, send failures, listing, and
//! tenant isolation.

use std::sync::Arc;

use switchboard_domain::{ChannelKind, Direction, MessageId, MessageStatus, Sender, UserId};
use switchboard_store::{
    Effects, Event, EventFilter, MessageError, PageRequest, Store, StoreError,
};

use crate::fixtures::{
    all_events, assert_conflict, assert_not_found, batch, dispatch_job, events_of, inbound,
    ingest_one, messages_of, new_channel, new_org, none, outbound, send, sent_message, status,
    wa_number,
};

fn error(code: &str) -> MessageError {
    MessageError {
        code: code.to_owned(),
        provider_code: Some("131026".to_owned()),
        provider_text: Some("Message undeliverable".to_owned()),
    }
}

pub async fn accept_outbound_stores_enqueued_message_with_its_job(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let number = wa_number();
    let mut r = outbound(ch.id, &number, "Hello from Switchboard");
    r.sender = Sender::User(UserId::new());
    r.reply_to = Some("wamid.quoted".to_owned());
    let job = dispatch_job(o.id, r.id);
    let accepted = s
        .accept_outbound(o.id, &r, &Effects::none().with_job(job.clone()))
        .await
        .expect("accept");

    let m = s.get_message(o.id, r.id).await.expect("stored");
    assert_eq!(m.status, MessageStatus::Enqueued);
    assert_eq!(m.direction, Direction::Outbound);
    assert_eq!(m.sender, Some(r.sender));
    assert_eq!(
        (m.kind.as_str(), &m.content, &m.text),
        ("text", &r.content, &r.text)
    );
    assert_eq!(m.reply_to, r.reply_to);
    assert_eq!(m.provider_message_id, None);
    assert_eq!(m.created_at, r.created_at);
    assert_eq!(
        (m.conversation_id, m.contact_id),
        (accepted.conversation_id, accepted.contact_id)
    );
    let queued = s
        .get_job(job.id)
        .await
        .expect("dispatch job in the same transaction");
    assert_eq!(queued.kind, "message.dispatch");

    let contact = s
        .get_contact(o.id, accepted.contact_id)
        .await
        .expect("contact");
    assert_eq!(
        contact.phone.as_ref().map(|p| p.digits()),
        Some(number.as_str())
    );
    assert_eq!(contact.name, None);
    let ids = s
        .list_identities(o.id, contact.id)
        .await
        .expect("identities");
    assert_eq!(ids[0].id, accepted.identity_id);
    let conv = s
        .get_conversation(o.id, accepted.conversation_id)
        .await
        .expect("conversation");
    assert_eq!(conv.unread_count, 0);
    assert_eq!(conv.last_inbound_at, None);

    let kinds: Vec<String> = all_events(&*s, o.id, &EventFilter::default())
        .await
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        ["contact.created", "conversation.created", "message.created"]
    );
    let created = events_of(&*s, o.id, "message.created").await;
    assert_eq!(created[0].payload, Event::message_created(&m).payload);

    // The reply of the customer lands in the same conversation.
    let reply = ingest_one(&*s, o.id, ch.id, inbound(&number, "Hi!")).await;
    assert_eq!(reply.conversation_id, accepted.conversation_id);
    assert_eq!(reply.contact_id, accepted.contact_id);
}

pub async fn accept_outbound_with_a_used_id_conflicts_and_writes_nothing(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let r = outbound(ch.id, &wa_number(), "first");
    let (accepted, first) = send(&*s, o.id, &r).await;
    let conv_before = s
        .get_conversation(o.id, accepted.conversation_id)
        .await
        .expect("conversation");

    let again = switchboard_store::OutboundRequest {
        to: wa_number(),
        text: Some("second".to_owned()),
        ..r.clone()
    };
    let job = dispatch_job(o.id, again.id);
    let result = s
        .accept_outbound(o.id, &again, &Effects::none().with_job(job.clone()))
        .await;
    assert!(
        matches!(result, Err(StoreError::Conflict { .. })),
        "a used message id conflicts: {result:?}"
    );
    assert!(s.get_job(job.id).await.is_err(), "its job is not written");
    assert_eq!(s.get_message(o.id, r.id).await.expect("first"), first);
    assert_eq!(
        s.get_conversation(o.id, conv_before.id)
            .await
            .expect("same"),
        conv_before
    );
    assert_eq!(
        events_of(&*s, o.id, "contact.created").await.len(),
        1,
        "no contact for the refused message's address"
    );
}

pub async fn send_notes_are_kept_on_the_message(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let sent = sent_message(&*s, o.id, ch.id).await;
    assert_eq!(sent.send_notes, None, "nothing noted by default");
    let notes = serde_json::json!({"downgraded": "list sent as numbered text", "sms_segments": 3});
    s.record_send_notes(o.id, sent.id, &notes)
        .await
        .expect("recorded");
    let read = s.get_message(o.id, sent.id).await.expect("message");
    assert_eq!(read.send_notes, Some(notes.clone()));
    assert_eq!(read.status, sent.status, "nothing else changes");
    let listed = s
        .list_messages(o.id, sent.conversation_id, PageRequest::first(10))
        .await
        .expect("list");
    assert_eq!(listed.items[0].send_notes, Some(notes.clone()));
    let other = new_org(&*s).await;
    assert!(
        matches!(
            s.record_send_notes(other.id, sent.id, &notes).await,
            Err(StoreError::NotFound)
        ),
        "another organization's message is not found"
    );
}

pub async fn receipt_conflicts_when_another_message_has_the_id(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let first = sent_message(&*s, o.id, ch.id).await;
    let pid = first.provider_message_id.clone().expect("pid");
    let r = outbound(ch.id, &wa_number(), "second");
    send(&*s, o.id, &r).await;
    let existing = assert_conflict(
        s.record_receipt(o.id, r.id, &pid, switchboard_domain::now())
            .await,
        "provider_message_id",
        "the id belongs to another message",
    );
    if let Some(id) = existing {
        assert_eq!(id, first.id.to_string(), "names the holder when it says");
    }
    let second = s.get_message(o.id, r.id).await.expect("second");
    assert_eq!(second.provider_message_id, None, "unchanged");

    // The same id on another channel is fine, and recording one's own id again too.
    let other = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let r2 = outbound(other.id, &wa_number(), "elsewhere");
    send(&*s, o.id, &r2).await;
    s.record_receipt(o.id, r2.id, &pid, switchboard_domain::now())
        .await
        .expect("another channel");
    s.record_receipt(o.id, first.id, &pid, switchboard_domain::now())
        .await
        .expect("own id again");
    // An inbound message's id is taken too.
    let inbound_msg = inbound(&wa_number(), "hi");
    ingest_one(&*s, o.id, ch.id, inbound_msg.clone()).await;
    assert_conflict(
        s.record_receipt(
            o.id,
            r.id,
            &inbound_msg.provider_message_id,
            switchboard_domain::now(),
        )
        .await,
        "provider_message_id",
        "an inbound message's id",
    );
}

pub async fn messages_list_oldest_first_in_pages(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let number = wa_number();
    let a = ingest_one(&*s, o.id, ch.id, inbound(&number, "one")).await;
    let r = outbound(ch.id, &number, "two");
    send(&*s, o.id, &r).await;
    let c = ingest_one(&*s, o.id, ch.id, inbound(&number, "three")).await;
    let all = messages_of(&*s, o.id, a.conversation_id).await;
    let ids: Vec<MessageId> = all.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![a.message_id, r.id, c.message_id], "oldest first");
    let texts: Vec<_> = all
        .iter()
        .map(|m| m.text.clone().unwrap_or_default())
        .collect();
    assert_eq!(texts, ["one", "two", "three"]);
    let page = s
        .list_messages(o.id, a.conversation_id, PageRequest::first(2))
        .await
        .expect("page");
    assert_eq!(page.next, Some(r.id.0));
    let rest = s
        .list_messages(
            o.id,
            a.conversation_id,
            PageRequest {
                after: page.next,
                limit: 2,
            },
        )
        .await
        .expect("rest");
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.next, None);
}

pub async fn messages_of_another_org_are_not_found(s: Arc<dyn Store>) {
    let mine = new_org(&*s).await;
    let theirs = new_org(&*s).await;
    let ch = new_channel(&*s, theirs.id, ChannelKind::Whatsapp).await;
    let m = sent_message(&*s, theirs.id, ch.id).await;
    let pid = m.provider_message_id.clone().expect("pid");
    let now = switchboard_domain::now();

    assert_not_found(s.get_message(mine.id, m.id).await, "get");
    assert_not_found(
        s.record_receipt(mine.id, m.id, "wamid.hijack", now).await,
        "receipt",
    );
    assert_not_found(
        s.record_send_failure(mine.id, m.id, &error("x"), now).await,
        "failure",
    );
    assert_not_found(
        s.ingest(
            mine.id,
            ch.id,
            &batch(vec![inbound(&wa_number(), "x")], Vec::new()),
        )
        .await,
        "ingest on another org's channel",
    );
    assert_not_found(
        s.ingest(
            mine.id,
            ch.id,
            &batch(Vec::new(), vec![status(&pid, MessageStatus::Read, now)]),
        )
        .await,
        "statuses on another org's channel",
    );
    let r = outbound(ch.id, &wa_number(), "x");
    assert_not_found(
        s.accept_outbound(mine.id, &r, &none()).await,
        "send on another org's channel",
    );
    assert_eq!(s.get_message(theirs.id, m.id).await.expect("untouched"), m);
    assert!(
        all_events(&*s, mine.id, &EventFilter::default())
            .await
            .is_empty(),
        "no events of theirs seen"
    );
}
