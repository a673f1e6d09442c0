//! Status reports and send failures: early statuses wait for the receipt, late and repeated ones
//! record only their timestamps, nothing moves a message backwards, and a failure after delivery
//! changes no status.

use std::sync::Arc;

use switchboard_domain::{ChannelKind, MessageStatus};
use switchboard_store::{Event, MessageError, Store};

use crate::fixtures::{
    batch, events_of, new_channel, new_org, outbound, plus_secs, send, sent_message, status,
    wa_number,
};

fn error(code: &str) -> MessageError {
    MessageError {
        code: code.to_owned(),
        provider_code: Some("131026".to_owned()),
        provider_text: Some("Message undeliverable".to_owned()),
    }
}

pub async fn status_before_its_receipt_waits_then_applies(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let r = outbound(ch.id, &wa_number(), "racing");
    send(&*s, o.id, &r).await;
    let pid = "wamid.raced";
    let t = switchboard_domain::now();
    let early = batch(
        Vec::new(),
        vec![
            status(pid, MessageStatus::Delivered, plus_secs(t, 2)),
            status(pid, MessageStatus::Sent, plus_secs(t, 1)),
        ],
    );
    let out = s.ingest(o.id, ch.id, &early).await.expect("early statuses");
    assert_eq!((out.statuses_applied, out.statuses_pending), (0, 2));
    let m = s.get_message(o.id, r.id).await.expect("still enqueued");
    assert_eq!(m.status, MessageStatus::Enqueued);
    // The same report again waits once.
    s.ingest(o.id, ch.id, &early).await.expect("repeat");

    let m = s
        .record_receipt(o.id, r.id, pid, plus_secs(t, 3))
        .await
        .expect("receipt");
    assert_eq!(m.provider_message_id.as_deref(), Some(pid));
    assert_eq!(
        m.status,
        MessageStatus::Delivered,
        "pending statuses applied"
    );
    assert_eq!(m.sent_at, Some(plus_secs(t, 1)));
    assert_eq!(m.delivered_at, Some(plus_secs(t, 2)));
    assert_eq!(s.get_message(o.id, r.id).await.expect("stored"), m);
    let changes: Vec<_> = events_of(&*s, o.id, "message.status_changed")
        .await
        .into_iter()
        .map(|e| (e.payload["from"].clone(), e.payload["to"].clone()))
        .collect();
    assert_eq!(
        changes,
        vec![
            ("enqueued".into(), "sent".into()),
            ("sent".into(), "delivered".into())
        ],
        "applied in the order they happened, once each"
    );

    // Applied ones are gone: recording the receipt again applies nothing twice.
    s.record_receipt(o.id, r.id, pid, plus_secs(t, 4))
        .await
        .expect("receipt again");
    assert_eq!(
        events_of(&*s, o.id, "message.status_changed").await.len(),
        2
    );
    // A report naming an inbound message is neither applied nor kept.
    let theirs = crate::fixtures::inbound(&wa_number(), "hello");
    crate::fixtures::ingest_one(&*s, o.id, ch.id, theirs.clone()).await;
    let on_inbound = batch(
        Vec::new(),
        vec![status(&theirs.provider_message_id, MessageStatus::Read, t)],
    );
    let out = s
        .ingest(o.id, ch.id, &on_inbound)
        .await
        .expect("status on inbound");
    assert_eq!((out.statuses_applied, out.statuses_pending), (0, 0));
    // Later reports find the message directly.
    let read = batch(
        Vec::new(),
        vec![status(pid, MessageStatus::Read, plus_secs(t, 5))],
    );
    let out = s.ingest(o.id, ch.id, &read).await.expect("read");
    assert_eq!((out.statuses_applied, out.statuses_pending), (1, 0));
}

pub async fn read_before_delivered_ends_read_with_both_times(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let m = sent_message(&*s, o.id, ch.id).await;
    let pid = m.provider_message_id.clone().expect("pid");
    let t = switchboard_domain::now();
    let out = s
        .ingest(
            o.id,
            ch.id,
            &batch(
                Vec::new(),
                vec![status(&pid, MessageStatus::Read, plus_secs(t, 5))],
            ),
        )
        .await
        .expect("read");
    assert_eq!(out.statuses_applied, 1);
    let out = s
        .ingest(
            o.id,
            ch.id,
            &batch(
                Vec::new(),
                vec![
                    status(&pid, MessageStatus::Delivered, plus_secs(t, 3)),
                    status(&pid, MessageStatus::Sent, plus_secs(t, 1)),
                ],
            ),
        )
        .await
        .expect("late ones");
    assert_eq!(out.statuses_applied, 2, "each recorded its timestamp");
    let got = s.get_message(o.id, m.id).await.expect("message");
    assert_eq!(got.status, MessageStatus::Read, "never backwards");
    assert_eq!(got.read_at, Some(plus_secs(t, 5)));
    assert_eq!(got.delivered_at, Some(plus_secs(t, 3)));
    assert_eq!(got.sent_at, Some(plus_secs(t, 1)));
    let changes = events_of(&*s, o.id, "message.status_changed").await;
    assert_eq!(changes.len(), 1, "only the move to read: {changes:?}");
    assert_eq!(
        changes[0].payload,
        Event::message_status_changed(&got, MessageStatus::Enqueued, t).payload
    );

    // A repeat changes nothing and counts nothing.
    let out = s
        .ingest(
            o.id,
            ch.id,
            &batch(
                Vec::new(),
                vec![status(&pid, MessageStatus::Delivered, plus_secs(t, 9))],
            ),
        )
        .await
        .expect("repeat");
    assert_eq!(out.statuses_applied, 0);
    let again = s.get_message(o.id, m.id).await.expect("message");
    assert_eq!(
        again.delivered_at,
        Some(plus_secs(t, 3)),
        "the first time is kept"
    );
}

pub async fn failed_after_delivered_keeps_delivered(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let m = sent_message(&*s, o.id, ch.id).await;
    let pid = m.provider_message_id.clone().expect("pid");
    let t = switchboard_domain::now();
    let delivered = status(&pid, MessageStatus::Delivered, t);
    s.ingest(o.id, ch.id, &batch(Vec::new(), vec![delivered]))
        .await
        .expect("delivered");
    let mut failed = status(&pid, MessageStatus::Failed, plus_secs(t, 1));
    failed.error = Some(error("undeliverable"));
    s.ingest(o.id, ch.id, &batch(Vec::new(), vec![failed]))
        .await
        .expect("failed");
    let got = s.get_message(o.id, m.id).await.expect("message");
    assert_eq!(got.status, MessageStatus::Delivered, "the recipient has it");
    assert_eq!(got.delivered_at, Some(t));
    let moves = events_of(&*s, o.id, "message.status_changed").await;
    assert_eq!(moves.len(), 1, "no move to failed: {moves:?}");

    // Failed before delivery fails, with the error; a late sent does not undo it.
    let other = sent_message(&*s, o.id, ch.id).await;
    let opid = other.provider_message_id.clone().expect("pid");
    let mut fail = status(&opid, MessageStatus::Failed, t);
    fail.error = Some(error("blocked"));
    s.ingest(
        o.id,
        ch.id,
        &batch(
            Vec::new(),
            vec![fail, status(&opid, MessageStatus::Sent, plus_secs(t, 1))],
        ),
    )
    .await
    .expect("fail then sent");
    let got = s.get_message(o.id, other.id).await.expect("other");
    assert_eq!(got.status, MessageStatus::Failed);
    assert_eq!(got.error, Some(error("blocked")));
    assert_eq!(got.failed_at, Some(t));
    assert_eq!(
        got.sent_at,
        Some(plus_secs(t, 1)),
        "its time is still recorded"
    );
}

pub async fn send_failure_fails_unless_already_delivered(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let r = outbound(ch.id, &wa_number(), "doomed");
    send(&*s, o.id, &r).await;
    let at = switchboard_domain::now();
    let m = s
        .record_send_failure(o.id, r.id, &error("invalid_recipient"), at)
        .await
        .expect("failure");
    assert_eq!(m.status, MessageStatus::Failed);
    assert_eq!(m.error, Some(error("invalid_recipient")));
    assert_eq!(m.failed_at, Some(at));
    assert_eq!(s.get_message(o.id, r.id).await.expect("stored"), m);
    let moves = events_of(&*s, o.id, "message.status_changed").await;
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0].payload["to"], "failed");
    assert_eq!(moves[0].payload["error"]["code"], "invalid_recipient");

    let delivered = sent_message(&*s, o.id, ch.id).await;
    let pid = delivered.provider_message_id.clone().expect("pid");
    s.ingest(
        o.id,
        ch.id,
        &batch(Vec::new(), vec![status(&pid, MessageStatus::Delivered, at)]),
    )
    .await
    .expect("delivered");
    let m = s
        .record_send_failure(o.id, delivered.id, &error("late"), at)
        .await
        .expect("late failure");
    assert_eq!(m.status, MessageStatus::Delivered, "past failed already");
    assert_eq!(
        events_of(&*s, o.id, "message.status_changed").await.len(),
        2
    );
}
