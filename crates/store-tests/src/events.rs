//! Events: written with their change (including through `Effects`), listed oldest first with
//! kind and channel filters and cursor paging, never across organizations, never for a change
//! that did not happen.

use std::sync::Arc;

use switchboard_domain::{ChannelId, ChannelKind};
use switchboard_store::{Contact, Effects, Event, EventFilter, PageRequest, Store};

use crate::fixtures::{all_events, contact, inbound, ingest_one, new_channel, new_org, wa_number};

pub async fn events_list_oldest_first_with_filters(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let a = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let b = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    ingest_one(&*s, o.id, a.id, inbound(&wa_number(), "on a")).await;
    let c = contact(o.id);
    let by_hand = Event::contact_created(&c, None);
    s.create_contact(&c, &Effects::none().with_event(by_hand.clone()))
        .await
        .expect("contact with its event");
    ingest_one(&*s, o.id, b.id, inbound(&wa_number(), "on b")).await;

    let all = all_events(&*s, o.id, &EventFilter::default()).await;
    assert_eq!(all.len(), 7, "3 + 1 + 3: {all:?}");
    let ids: Vec<_> = all.iter().map(|e| e.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "ascending by id");
    assert_eq!(all[3], by_hand, "an Effects event round-trips exactly");

    let kinds = |k: &[&str]| EventFilter {
        kinds: k.iter().map(|s| (*s).to_owned()).collect(),
        only_channels: None,
    };
    let received = all_events(&*s, o.id, &kinds(&["message.received"])).await;
    assert_eq!(received.len(), 2);
    assert!(received.iter().all(|e| e.kind == "message.received"));
    let two = all_events(
        &*s,
        o.id,
        &kinds(&["contact.created", "conversation.created"]),
    )
    .await;
    assert_eq!(two.len(), 5);

    let only = |ids: Vec<ChannelId>| EventFilter {
        kinds: Vec::new(),
        only_channels: Some(ids),
    };
    let on_a = all_events(&*s, o.id, &only(vec![a.id])).await;
    assert_eq!(on_a.len(), 4, "a's three and the channel-less one");
    assert!(
        on_a.iter()
            .all(|e| e.channel_id.is_none() || e.channel_id == Some(a.id))
    );
    let on_none = all_events(&*s, o.id, &only(Vec::new())).await;
    assert_eq!(
        on_none,
        vec![by_hand.clone()],
        "events without a channel are included"
    );
    let filtered = EventFilter {
        kinds: vec!["message.received".to_owned()],
        only_channels: Some(vec![b.id]),
    };
    let got = all_events(&*s, o.id, &filtered).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].channel_id, Some(b.id));

    let page = s
        .list_events(o.id, &EventFilter::default(), PageRequest::first(3))
        .await
        .expect("page 1");
    assert_eq!(page.items, all[..3].to_vec());
    assert_eq!(page.next, Some(all[2].id.0));
    let rest = s
        .list_events(
            o.id,
            &EventFilter::default(),
            PageRequest {
                after: page.next,
                limit: 10,
            },
        )
        .await
        .expect("page 2");
    assert_eq!(rest.items, all[3..].to_vec());
    assert_eq!(rest.next, None);

    let other = new_org(&*s).await;
    assert!(
        all_events(&*s, other.id, &EventFilter::default())
            .await
            .is_empty(),
        "another org sees none"
    );
}

pub async fn refused_change_writes_no_event(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let c = Contact {
        external_id: Some(format!("ext-{}", crate::fixtures::tag())),
        ..contact(o.id)
    };
    s.create_contact(&c, &Effects::none()).await.expect("first");
    let dup = Contact {
        external_id: c.external_id.clone(),
        ..contact(o.id)
    };
    let event = Event::contact_created(&dup, None);
    let r = s
        .create_contact(&dup, &Effects::none().with_event(event))
        .await;
    assert!(r.is_err(), "duplicate refused");
    assert!(
        all_events(&*s, o.id, &EventFilter::default())
            .await
            .is_empty(),
        "its event is not written"
    );
}
