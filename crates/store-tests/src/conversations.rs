//! Conversations: what inbound and outbound messages do to them (reopen, preview, unread count,
//! customer-service window), workflow changes with their timeline and effects, the inbox listing
//! with every filter, and tenant isolation.

use std::sync::Arc;

use switchboard_domain::{ChannelKind, ConversationId, ConversationStatus, OrgId, Priority, Role};
use switchboard_store::{
    Actor, ConversationChange, ConversationEvent, ConversationFilter, Effects, PREVIEW_CHARS,
    PageRequest, Store,
};

use crate::fixtures::{
    assert_empty_or_not_found, assert_not_found, audit, events_of, inbound, ingest_one,
    new_channel, new_member, new_org, new_team, none, outbound, plus_secs, send, wa_number,
};

async fn timeline(s: &dyn Store, org: OrgId, id: ConversationId) -> Vec<ConversationEvent> {
    s.list_conversation_events(org, id, PageRequest::default())
        .await
        .expect("timeline")
        .items
}

pub async fn inbound_reopens_and_counts_unread(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let number = wa_number();
    let first = inbound(&number, "hello");
    let t1 = first.provider_at;
    let stored = ingest_one(&*s, o.id, ch.id, first).await;
    let c = s
        .get_conversation(o.id, stored.conversation_id)
        .await
        .expect("conversation");
    assert_eq!(c.status, ConversationStatus::Open, "born open");
    assert_eq!(c.unread_count, 1);
    assert_eq!(c.last_inbound_at, Some(t1));
    assert_eq!(c.last_message_preview.as_deref(), Some("hello"));
    assert_eq!(
        (c.contact_id, c.identity_id),
        (stored.contact_id, stored.identity_id)
    );
    assert!(
        timeline(&*s, o.id, c.id).await.is_empty(),
        "nothing changed status yet"
    );

    // Snoozed (then resolved, below): the customer's next message reopens it.
    let snooze = ConversationChange {
        status: Some(ConversationStatus::Snoozed),
        snoozed_until: Some(Some(plus_secs(t1, 3600))),
        ..ConversationChange::default()
    };
    s.change_conversation(o.id, c.id, &snooze, &[], &none())
        .await
        .expect("snooze");
    let long = "ß".repeat(PREVIEW_CHARS + 30);
    let mut second = inbound(&number, &long);
    // An older provider time (a late delivery) does not move the window back.
    second.provider_at = plus_secs(t1, -60);
    let again = ingest_one(&*s, o.id, ch.id, second).await;
    assert_eq!(again.conversation_id, c.id, "one conversation per identity");
    assert!(!again.new_conversation);
    let c2 = s.get_conversation(o.id, c.id).await.expect("reopened");
    assert_eq!(c2.status, ConversationStatus::Open, "snoozed reopens");
    assert_eq!(c2.snoozed_until, None, "snooze cleared");
    assert_eq!(c2.unread_count, 2);
    assert_eq!(
        c2.last_inbound_at,
        Some(t1),
        "the window keeps the latest time"
    );
    let preview = c2.last_message_preview.clone().expect("preview");
    assert_eq!(
        preview.chars().count(),
        PREVIEW_CHARS,
        "cut to the preview length"
    );
    assert!(long.starts_with(&preview), "on a character boundary");
    let entries = timeline(&*s, o.id, c.id).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].kind, "status.changed");
    assert_eq!(entries[0].actor, Actor::System);
    assert_eq!(
        entries[0].data,
        serde_json::json!({ "from": "snoozed", "to": "open" })
    );

    // Open stays open without a timeline entry; read resets the count.
    ingest_one(&*s, o.id, ch.id, inbound(&number, "still there?")).await;
    assert_eq!(
        timeline(&*s, o.id, c.id).await.len(),
        1,
        "no change, no entry"
    );
    s.mark_conversation_read(o.id, c.id).await.expect("read");
    let c3 = s.get_conversation(o.id, c.id).await.expect("read");
    assert_eq!(c3.unread_count, 0);

    let resolve = ConversationChange {
        status: Some(ConversationStatus::Resolved),
        ..ConversationChange::default()
    };
    s.change_conversation(o.id, c.id, &resolve, &[], &none())
        .await
        .expect("resolve");
    ingest_one(&*s, o.id, ch.id, inbound(&number, "one more thing")).await;
    let c4 = s.get_conversation(o.id, c.id).await.expect("reopened");
    assert_eq!(c4.status, ConversationStatus::Open, "resolved reopens");
    assert_eq!(c4.unread_count, 1);
    let entries = timeline(&*s, o.id, c.id).await;
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[1].data,
        serde_json::json!({ "from": "resolved", "to": "open" })
    );
}

pub async fn outbound_shows_in_the_conversation_without_reopening(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let number = wa_number();
    let stored = ingest_one(&*s, o.id, ch.id, inbound(&number, "hi")).await;
    let resolve = ConversationChange {
        status: Some(ConversationStatus::Resolved),
        ..ConversationChange::default()
    };
    s.change_conversation(o.id, stored.conversation_id, &resolve, &[], &none())
        .await
        .expect("resolve");
    let before = s
        .get_conversation(o.id, stored.conversation_id)
        .await
        .expect("before");
    let r = outbound(ch.id, &number, "Thanks, all done");
    let (accepted, _) = send(&*s, o.id, &r).await;
    assert_eq!(
        accepted.conversation_id, stored.conversation_id,
        "same conversation"
    );
    assert_eq!(accepted.identity_id, stored.identity_id);
    let after = s
        .get_conversation(o.id, stored.conversation_id)
        .await
        .expect("after");
    assert_eq!(
        after.status,
        ConversationStatus::Resolved,
        "outbound does not reopen"
    );
    assert_eq!(after.unread_count, before.unread_count, "nor count unread");
    assert_eq!(
        after.last_inbound_at, before.last_inbound_at,
        "nor move the window"
    );
    assert_eq!(after.last_message_at, Some(r.created_at));
    assert_eq!(
        after.last_message_preview.as_deref(),
        Some("Thanks, all done")
    );
}

pub async fn change_conversation_applies_given_fields_with_timeline_and_effects(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let agent = new_member(&*s, o.id, Role::Agent).await;
    let team = new_team(&*s, o.id, "Support").await;
    let stored = ingest_one(&*s, o.id, ch.id, inbound(&wa_number(), "help")).await;
    let id = stored.conversation_id;
    let before = s.get_conversation(o.id, id).await.expect("before");

    let now = switchboard_domain::now();
    let assigned = ConversationEvent {
        id: uuid::Uuid::now_v7(),
        org_id: o.id,
        conversation_id: id,
        kind: "conversation.assigned".to_owned(),
        actor: Actor::User(agent.id),
        data: serde_json::json!({ "assignee": agent.id, "team": team.id }),
        created_at: now,
    };
    let change = ConversationChange {
        priority: Some(Priority::High),
        assignee: Some(Some(agent.id)),
        team: Some(Some(team.id)),
        ..ConversationChange::default()
    };
    let entry = audit(
        o.id,
        "conversation.assigned",
        "conversation",
        Some(id.to_string()),
    );
    let fx = Effects::audit(entry.clone()).with_event(switchboard_store::Event::new(
        o.id,
        "conversation.assigned",
        Some(ch.id),
        serde_json::json!({ "conversation_id": id }),
        now,
    ));
    let got = s
        .change_conversation(o.id, id, &change, std::slice::from_ref(&assigned), &fx)
        .await
        .expect("assign");
    assert_eq!(got.priority, Priority::High);
    assert_eq!(got.assignee, Some(agent.id));
    assert_eq!(got.team, Some(team.id));
    assert_eq!(got.status, before.status, "status untouched");
    assert_eq!(got.unread_count, before.unread_count);
    assert_eq!(
        s.get_conversation(o.id, id).await.expect("stored"),
        got,
        "returned as stored"
    );
    assert_eq!(timeline(&*s, o.id, id).await, vec![assigned]);
    assert_eq!(
        events_of(&*s, o.id, "conversation.assigned").await.len(),
        1,
        "event effect"
    );
    let audit_log = s
        .list_audit(o.id, &Default::default(), PageRequest::default())
        .await
        .expect("audit");
    assert!(audit_log.items.contains(&entry), "audit effect");

    // `Some(None)` clears; `None` leaves.
    let clear = ConversationChange {
        assignee: Some(None),
        status: Some(ConversationStatus::Pending),
        ..ConversationChange::default()
    };
    let got = s
        .change_conversation(o.id, id, &clear, &[], &none())
        .await
        .expect("unassign");
    assert_eq!(got.assignee, None);
    assert_eq!(got.team, Some(team.id), "team left as it was");
    assert_eq!(got.priority, Priority::High);
    assert_eq!(got.status, ConversationStatus::Pending);

    let note = ConversationEvent {
        id: uuid::Uuid::now_v7(),
        kind: "note.added".to_owned(),
        data: serde_json::json!({ "text": "Called them back" }),
        ..timeline(&*s, o.id, id).await[0].clone()
    };
    s.add_conversation_events(o.id, std::slice::from_ref(&note), &none())
        .await
        .expect("note");
    let entries = timeline(&*s, o.id, id).await;
    assert_eq!(entries.last(), Some(&note), "oldest first, note last");
    let first = s
        .list_conversation_events(o.id, id, PageRequest::first(1))
        .await
        .expect("page");
    assert_eq!(first.items.len(), 1);
    let second = s
        .list_conversation_events(
            o.id,
            id,
            PageRequest {
                after: first.next,
                limit: 5,
            },
        )
        .await
        .expect("page 2");
    assert_eq!(second.items, vec![note], "pages resume after the cursor");
}

pub async fn conversations_of_another_org_are_not_found(s: Arc<dyn Store>) {
    let mine = new_org(&*s).await;
    let theirs = new_org(&*s).await;
    let ch = new_channel(&*s, theirs.id, ChannelKind::Whatsapp).await;
    let stored = ingest_one(&*s, theirs.id, ch.id, inbound(&wa_number(), "secret")).await;
    let id = stored.conversation_id;
    let before = s.get_conversation(theirs.id, id).await.expect("theirs");

    assert_not_found(s.get_conversation(mine.id, id).await, "get");
    let change = ConversationChange {
        status: Some(ConversationStatus::Resolved),
        ..ConversationChange::default()
    };
    assert_not_found(
        s.change_conversation(mine.id, id, &change, &[], &none())
            .await,
        "change",
    );
    let note = ConversationEvent {
        id: uuid::Uuid::now_v7(),
        org_id: mine.id,
        conversation_id: id,
        kind: "note.added".to_owned(),
        actor: Actor::System,
        data: serde_json::json!({}),
        created_at: switchboard_domain::now(),
    };
    assert_not_found(
        s.add_conversation_events(mine.id, &[note], &none()).await,
        "note on a foreign conversation",
    );
    assert_not_found(s.mark_conversation_read(mine.id, id).await, "mark read");
    assert_empty_or_not_found(
        s.list_conversation_events(mine.id, id, PageRequest::default())
            .await
            .map(|p| p.items),
        "timeline",
    );
    assert_empty_or_not_found(
        s.list_messages(mine.id, id, PageRequest::default())
            .await
            .map(|p| p.items),
        "messages",
    );
    let listed = s
        .list_conversations(
            mine.id,
            &ConversationFilter::default(),
            PageRequest::default(),
        )
        .await
        .expect("list");
    assert!(listed.items.is_empty());
    assert_eq!(
        s.get_conversation(theirs.id, id).await.expect("untouched"),
        before
    );
    assert!(
        timeline(&*s, theirs.id, id).await.is_empty(),
        "no foreign timeline entry"
    );
}
