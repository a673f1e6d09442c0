//! The inbox listing: newest first, every filter alone and combined, cursor paging.

use std::sync::Arc;

use switchboard_domain::{ChannelKind, ConversationStatus, Role, TeamId};
use switchboard_store::{Conversation, ConversationChange, ConversationFilter, PageRequest, Store};

use crate::fixtures::{
    inbound, ingest_one, new_channel, new_member, new_org, new_team, none, outbound, send,
    wa_number,
};

pub async fn conversation_list_newest_first_with_filters(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let wa = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let sms = new_channel(&*s, o.id, ChannelKind::Sms).await;
    let agent = new_member(&*s, o.id, Role::Agent).await;
    let team: TeamId = new_team(&*s, o.id, "Sales").await.id;
    let a = ingest_one(&*s, o.id, wa.id, inbound(&wa_number(), "a")).await;
    let b = ingest_one(
        &*s,
        o.id,
        sms.id,
        inbound(&format!("+{}", wa_number()), "b"),
    )
    .await;
    let (c, _) = send(&*s, o.id, &outbound(wa.id, &wa_number(), "c")).await;
    let change = ConversationChange {
        status: Some(ConversationStatus::Pending),
        assignee: Some(Some(agent.id)),
        team: Some(Some(team)),
        ..ConversationChange::default()
    };
    s.change_conversation(o.id, b.conversation_id, &change, &[], &none())
        .await
        .expect("change b");
    let mut tagged = s.get_contact(o.id, a.contact_id).await.expect("contact a");
    tagged.tags = vec!["vip".to_owned()];
    s.update_contact(&tagged, &none()).await.expect("tag a");

    let ids = |f: ConversationFilter| {
        let s = s.clone();
        async move {
            s.list_conversations(o.id, &f, PageRequest::default())
                .await
                .expect("list")
                .items
                .into_iter()
                .map(|c: Conversation| c.id)
                .collect::<Vec<_>>()
        }
    };
    let (ca, cb, cc) = (a.conversation_id, b.conversation_id, c.conversation_id);
    assert_eq!(
        ids(ConversationFilter::default()).await,
        vec![cc, cb, ca],
        "newest first"
    );
    let f = |status| ConversationFilter {
        status: Some(status),
        ..ConversationFilter::default()
    };
    assert_eq!(ids(f(ConversationStatus::Open)).await, vec![cc, ca]);
    assert_eq!(ids(f(ConversationStatus::Pending)).await, vec![cb]);
    let by_channel = ConversationFilter {
        channel: Some(wa.id),
        ..ConversationFilter::default()
    };
    assert_eq!(ids(by_channel).await, vec![cc, ca]);
    let mine = ConversationFilter {
        assignee: Some(Some(agent.id)),
        ..ConversationFilter::default()
    };
    assert_eq!(ids(mine).await, vec![cb]);
    let unassigned = ConversationFilter {
        assignee: Some(None),
        ..ConversationFilter::default()
    };
    assert_eq!(ids(unassigned).await, vec![cc, ca]);
    let by_team = ConversationFilter {
        team: Some(team),
        ..ConversationFilter::default()
    };
    assert_eq!(ids(by_team).await, vec![cb]);
    let by_contact = ConversationFilter {
        contact: Some(a.contact_id),
        ..ConversationFilter::default()
    };
    assert_eq!(ids(by_contact).await, vec![ca]);
    let by_tag = ConversationFilter {
        tag: Some("vip".to_owned()),
        ..ConversationFilter::default()
    };
    assert_eq!(ids(by_tag).await, vec![ca]);
    let unread = ConversationFilter {
        unread: Some(true),
        ..ConversationFilter::default()
    };
    assert_eq!(
        ids(unread).await,
        vec![cb, ca],
        "inbound counted, outbound not"
    );
    let read = ConversationFilter {
        unread: Some(false),
        ..ConversationFilter::default()
    };
    assert_eq!(ids(read).await, vec![cc]);
    let only = ConversationFilter {
        only_channels: Some(vec![sms.id]),
        ..ConversationFilter::default()
    };
    assert_eq!(ids(only).await, vec![cb]);
    let combined = ConversationFilter {
        channel: Some(wa.id),
        unread: Some(true),
        only_channels: Some(vec![wa.id, sms.id]),
        ..ConversationFilter::default()
    };
    assert_eq!(ids(combined).await, vec![ca]);

    let page = s
        .list_conversations(o.id, &ConversationFilter::default(), PageRequest::first(2))
        .await
        .expect("page 1");
    assert_eq!(page.next, Some(cb.0));
    let rest = s
        .list_conversations(
            o.id,
            &ConversationFilter::default(),
            PageRequest {
                after: page.next,
                limit: 2,
            },
        )
        .await
        .expect("page 2");
    assert_eq!(
        rest.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ca]
    );
    assert_eq!(rest.next, None);
}
