//! Ingest: one webhook's messages stored with their contact, identity and conversation, the
//! events they imply, deduplication of redelivered webhooks, joining contacts by phone, profile
//! names, reactions, and jobs only for new messages.

use std::sync::Arc;

use switchboard_domain::{ChannelKind, Direction, MessageStatus};
use switchboard_store::{Contact, Event, EventFilter, OrgSettings, PageRequest, Store};

use crate::fixtures::{
    all_events, batch, contact, e164, events_of, inbound, ingest_one, messages_of, new_channel,
    new_org, none, wa_number,
};

/// Events compared without their ids and times, which each write makes fresh.
fn shape(
    e: &Event,
) -> (
    String,
    Option<switchboard_domain::ChannelId>,
    serde_json::Value,
) {
    (e.kind.clone(), e.channel_id, e.payload.clone())
}

pub async fn ingest_stores_message_contact_conversation_and_events(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let number = wa_number();
    let mut m = inbound(&number, "Where is my order?");
    m.profile_name = Some("Ada".to_owned());
    m.reply_to = Some("wamid.earlier".to_owned());
    let stored = ingest_one(&*s, o.id, ch.id, m.clone()).await;
    assert!(stored.new_conversation);

    let msg = s
        .get_message(o.id, stored.message_id)
        .await
        .expect("message");
    assert_eq!(msg.direction, Direction::Inbound);
    assert_eq!(msg.status, MessageStatus::Received);
    assert_eq!(
        msg.provider_message_id.as_deref(),
        Some(m.provider_message_id.as_str())
    );
    assert_eq!(msg.provider_at, Some(m.provider_at));
    assert_eq!((msg.kind.as_str(), &msg.content), ("text", &m.content));
    assert_eq!(msg.text, m.text);
    assert_eq!(msg.reply_to, m.reply_to);
    assert_eq!(
        (msg.conversation_id, msg.contact_id),
        (stored.conversation_id, stored.contact_id)
    );
    assert_eq!(msg.channel_id, ch.id);
    assert_eq!(msg.sender, None);

    let c = s
        .get_contact(o.id, stored.contact_id)
        .await
        .expect("contact");
    assert_eq!(c.name.as_deref(), Some("Ada"), "named from the profile");
    assert_eq!(c.phone, Some(e164(&number)), "WhatsApp ids are phones");
    let ids = s.list_identities(o.id, c.id).await.expect("identities");
    assert_eq!(ids.len(), 1);
    assert_eq!((ids[0].id, ids[0].channel_id), (stored.identity_id, ch.id));
    assert_eq!(ids[0].address, number);
    assert_eq!(ids[0].profile_name.as_deref(), Some("Ada"));

    let conv = s
        .get_conversation(o.id, stored.conversation_id)
        .await
        .expect("conversation");
    let events = all_events(&*s, o.id, &EventFilter::default()).await;
    let want = vec![
        shape(&Event::contact_created(&c, Some(ch.id))),
        shape(&Event::conversation_created(&conv)),
        shape(&Event::message_received(&msg)),
    ];
    let got: Vec<_> = events.iter().map(shape).collect();
    assert_eq!(
        got, want,
        "one event per creation, payloads from the shared builders"
    );
    assert!(events.iter().all(|e| e.org_id == o.id));

    // A second message reuses all of it and adds only its own event.
    let second = ingest_one(&*s, o.id, ch.id, inbound(&number, "Hello?")).await;
    assert_eq!(
        (
            second.contact_id,
            second.identity_id,
            second.conversation_id
        ),
        (
            stored.contact_id,
            stored.identity_id,
            stored.conversation_id
        )
    );
    assert!(!second.new_conversation);
    let kinds: Vec<String> = all_events(&*s, o.id, &EventFilter::default())
        .await
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "contact.created",
            "conversation.created",
            "message.received",
            "message.received"
        ]
    );
}

pub async fn redelivered_webhook_stores_one_message(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let m = inbound(&wa_number(), "once");
    let webhook = batch(vec![m.clone()], Vec::new());
    let first = s.ingest(o.id, ch.id, &webhook).await.expect("first");
    assert_eq!((first.stored.len(), first.duplicates), (1, 0));
    let conv_before = s
        .get_conversation(o.id, first.stored[0].conversation_id)
        .await
        .expect("conversation");
    let events_before = all_events(&*s, o.id, &EventFilter::default()).await;

    let again = s.ingest(o.id, ch.id, &webhook).await.expect("redelivery");
    assert!(again.stored.is_empty(), "nothing new: {again:?}");
    assert_eq!(again.duplicates, 1);
    assert_eq!(
        s.get_conversation(o.id, conv_before.id)
            .await
            .expect("after"),
        conv_before,
        "the conversation is untouched (unread count, preview, times)"
    );
    assert_eq!(messages_of(&*s, o.id, conv_before.id).await.len(), 1);
    assert_eq!(
        all_events(&*s, o.id, &EventFilter::default()).await,
        events_before,
        "no new events"
    );

    // Twice in one batch: stored once. The same provider id on another channel is another message.
    let twin = inbound(&wa_number(), "twice");
    let out = s
        .ingest(
            o.id,
            ch.id,
            &batch(vec![twin.clone(), twin.clone()], Vec::new()),
        )
        .await
        .expect("twice in a batch");
    assert_eq!((out.stored.len(), out.duplicates), (1, 1));
    let other = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let elsewhere = ingest_one(&*s, o.id, other.id, m).await;
    assert_ne!(elsewhere.conversation_id, conv_before.id);
}

pub async fn identity_joins_the_contact_with_the_same_phone(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let wa = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let sms = new_channel(&*s, o.id, ChannelKind::Sms).await;
    let tg = new_channel(&*s, o.id, ChannelKind::Telegram).await;
    let number = wa_number();
    let known = Contact {
        phone: Some(e164(&number)),
        ..contact(o.id)
    };
    s.create_contact(&known, &none())
        .await
        .expect("known contact");

    let via_wa = ingest_one(&*s, o.id, wa.id, inbound(&number, "hi on WhatsApp")).await;
    assert_eq!(via_wa.contact_id, known.id, "WhatsApp digits match +digits");
    // By default SMS and WhatsApp keep separate contacts: the phone stays with the first.
    let apart = ingest_one(
        &*s,
        o.id,
        sms.id,
        inbound(&format!("+{number}"), "hi by SMS"),
    )
    .await;
    assert_ne!(
        apart.contact_id, known.id,
        "not linked unless the org says so"
    );
    let other = s.get_contact(o.id, apart.contact_id).await.expect("made");
    assert_eq!(other.phone, None, "the phone is the first contact's");
    let sms_address = format!("+{number}");
    assert_eq!(
        s.contact_of_address(o.id, sms.id, &sms_address)
            .await
            .expect("the sender's own contact"),
        apart.contact_id
    );
    let elsewhere = new_org(&*s).await;
    assert!(matches!(
        s.contact_of_address(elsewhere.id, sms.id, &sms_address)
            .await,
        Err(switchboard_store::StoreError::NotFound)
    ));
    assert_eq!(events_of(&*s, o.id, "contact.created").await.len(), 1);

    // Linked: a new SMS identity joins the contact with the phone.
    let linked = OrgSettings {
        link_sms_and_whatsapp: true,
    };
    s.update_org_settings(o.id, &linked, &none())
        .await
        .expect("settings");
    assert_eq!(s.get_org(o.id).await.expect("org").settings, linked);
    let sms = new_channel(&*s, o.id, ChannelKind::Sms).await;
    let via_sms = ingest_one(
        &*s,
        o.id,
        sms.id,
        inbound(&format!("+{number}"), "hi by SMS"),
    )
    .await;
    assert_eq!(via_sms.contact_id, known.id, "SMS numbers match too");
    assert_ne!(
        via_sms.identity_id, via_wa.identity_id,
        "one identity per channel"
    );
    assert_ne!(via_sms.conversation_id, via_wa.conversation_id);
    let ids = s.list_identities(o.id, known.id).await.expect("identities");
    assert_eq!(
        ids.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![via_wa.identity_id, via_sms.identity_id],
        "ascending by id"
    );
    assert_eq!(
        events_of(&*s, o.id, "contact.created").await.len(),
        1,
        "no contact made but the one kept apart"
    );

    // A chat id that happens to be digits is not a phone: a new contact, with no phone.
    let chat = ingest_one(&*s, o.id, tg.id, inbound(&number, "hi on Telegram")).await;
    assert_ne!(chat.contact_id, known.id);
    let made = s
        .get_contact(o.id, chat.contact_id)
        .await
        .expect("new contact");
    assert_eq!(made.phone, None);
    assert_eq!(events_of(&*s, o.id, "contact.created").await.len(), 2);

    // A new WhatsApp number makes a contact with that phone; SMS then joins it.
    let fresh = wa_number();
    let first = ingest_one(&*s, o.id, wa.id, inbound(&fresh, "new here")).await;
    let c = s.get_contact(o.id, first.contact_id).await.expect("made");
    assert_eq!(c.phone, Some(e164(&fresh)));
    let joined = ingest_one(&*s, o.id, sms.id, inbound(&format!("+{fresh}"), "me again")).await;
    assert_eq!(joined.contact_id, c.id);
}

pub async fn profile_names_refresh_identity_and_name_nameless_contacts(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let number = wa_number();
    let first = ingest_one(&*s, o.id, ch.id, inbound(&number, "no name yet")).await;
    let c = s
        .get_contact(o.id, first.contact_id)
        .await
        .expect("contact");
    assert_eq!(c.name, None);

    let mut named = inbound(&number, "now with a name");
    named.profile_name = Some("Grace".to_owned());
    ingest_one(&*s, o.id, ch.id, named).await;
    let c = s
        .get_contact(o.id, first.contact_id)
        .await
        .expect("contact");
    assert_eq!(
        c.name.as_deref(),
        Some("Grace"),
        "a nameless contact takes the profile name"
    );
    let found = s
        .list_contacts(
            o.id,
            &switchboard_store::ContactFilter {
                query: Some("grace".to_owned()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .expect("search");
    assert_eq!(found.items.len(), 1, "and is found by it");

    let mut renamed = inbound(&number, "new profile");
    renamed.profile_name = Some("Grace H.".to_owned());
    ingest_one(&*s, o.id, ch.id, renamed).await;
    let ids = s.list_identities(o.id, c.id).await.expect("identities");
    assert_eq!(
        ids[0].profile_name.as_deref(),
        Some("Grace H."),
        "identity refreshed"
    );
    let c = s.get_contact(o.id, c.id).await.expect("contact");
    assert_eq!(
        c.name.as_deref(),
        Some("Grace"),
        "a contact's own name is kept"
    );
}
