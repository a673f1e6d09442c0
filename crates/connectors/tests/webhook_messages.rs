//! Inbound messages of every type (PROVIDERS §1.6) parse into typed events with their metadata.

use switchboard_connectors::whatsapp_cloud::webhook::{
    InboundBody, InboundMessage, Metadata, WebhookEvent, parse,
};

fn fixture(name: &str) -> Vec<WebhookEvent> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    parse(&std::fs::read(path).unwrap()).unwrap()
}

fn messages(events: &[WebhookEvent]) -> Vec<&InboundMessage> {
    events
        .iter()
        .filter_map(|e| match e {
            WebhookEvent::Message { message, .. } => Some(message),
            _ => None,
        })
        .collect()
}

#[test]
fn text_message_with_profile_and_metadata() {
    let events = fixture("text.json");
    assert_eq!(events.len(), 2, "{events:#?}");
    let WebhookEvent::ContactProfile { source, profile } = &events[0] else {
        panic!("profile first: {events:#?}");
    };
    assert_eq!(source.waba_id, "102290129340398");
    assert_eq!(profile.wa_id, "447700900123");
    assert_eq!(profile.name.as_deref(), Some("Ada"));
    let WebhookEvent::Message { source, message } = &events[1] else {
        panic!("then the message: {events:#?}");
    };
    assert_eq!(
        source.metadata,
        Some(Metadata {
            display_phone_number: "447700900001".into(),
            phone_number_id: "109876543210".into()
        })
    );
    assert_eq!(
        (message.from.as_str(), message.id.as_str()),
        ("447700900123", "wamid.IN1")
    );
    assert_eq!(message.timestamp.unix_timestamp(), 1_767_225_600);
    assert_eq!(message.body, InboundBody::Text { body: "Hi".into() });
    assert_eq!(message.context, None);
}

#[test]
fn media_types() {
    let events = fixture("media.json");
    let msgs = messages(&events);
    assert_eq!(msgs.len(), 5);
    let InboundBody::Image(image) = &msgs[0].body else {
        panic!("{:?}", msgs[0].body)
    };
    assert_eq!(image.id, "778899");
    assert_eq!(image.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(image.sha256.as_deref(), Some("base64hash="));
    assert_eq!(image.caption.as_deref(), Some("optional"));
    assert!(matches!(&msgs[1].body, InboundBody::Video(v) if v.id == "778900"));
    let InboundBody::Document(doc) = &msgs[2].body else {
        panic!("{:?}", msgs[2].body)
    };
    assert_eq!(doc.filename.as_deref(), Some("inv-7.pdf"));
    assert!(matches!(&msgs[3].body, InboundBody::Sticker(s) if s.animated));
    let InboundBody::Audio(audio) = &msgs[4].body else {
        panic!("{:?}", msgs[4].body)
    };
    assert!(audio.voice);
    assert_eq!(audio.mime_type.as_deref(), Some("audio/ogg; codecs=opus"));
}

#[test]
fn location_reactions_and_replies() {
    let events = fixture("replies.json");
    let msgs = messages(&events);
    assert_eq!(msgs.len(), 7);
    let InboundBody::Location(loc) = &msgs[0].body else {
        panic!("{:?}", msgs[0].body)
    };
    assert_eq!((loc.latitude, loc.longitude), (51.5, -0.12));
    assert_eq!(loc.url.as_deref(), Some("optional"));
    assert_eq!(
        msgs[1].body,
        InboundBody::Reaction {
            message_id: "wamid.OUT1".into(),
            emoji: Some("❤️".into())
        }
    );
    // Removal arrives with an empty or a missing emoji; both read as `None`.
    for removal in &msgs[2..4] {
        assert_eq!(
            removal.body,
            InboundBody::Reaction {
                message_id: "wamid.OUT1".into(),
                emoji: None
            }
        );
    }
    let InboundBody::ButtonReply(button) = &msgs[4].body else {
        panic!("{:?}", msgs[4].body)
    };
    assert_eq!(
        (button.id.as_str(), button.title.as_str()),
        ("slot_am", "Morning")
    );
    let context = msgs[4].context.as_ref().unwrap();
    assert_eq!(context.id.as_deref(), Some("wamid.OUT2"));
    let InboundBody::ListReply(row) = &msgs[5].body else {
        panic!("{:?}", msgs[5].body)
    };
    assert_eq!(row.id, "ord_status");
    assert_eq!(row.description.as_deref(), Some("…"));
    let InboundBody::Button(tap) = &msgs[6].body else {
        panic!("{:?}", msgs[6].body)
    };
    assert_eq!(
        (tap.payload.as_str(), tap.text.as_str()),
        ("STOP_PROMOS", "Stop promotions")
    );
}

#[test]
fn contacts_context_referral_system_unsupported_order_and_unknown() {
    let events = fixture("other_types.json");
    let WebhookEvent::ContactProfile { profile, .. } = &events[0] else {
        panic!("{events:#?}")
    };
    assert_eq!(profile.user_id.as_deref(), Some("GB.1234567890"));
    let msgs = messages(&events);
    assert_eq!(msgs.len(), 7, "{events:#?}");

    let InboundBody::Contacts(cards) = &msgs[0].body else {
        panic!("{:?}", msgs[0].body)
    };
    assert_eq!(cards[0].name.formatted_name, "Ada Lovelace");
    assert_eq!(cards[0].phones[0].wa_id.as_deref(), Some("447700900456"));

    let context = msgs[1].context.as_ref().unwrap();
    assert_eq!(context.id.as_deref(), Some("wamid.OUT4"));
    assert!(context.forwarded && context.frequently_forwarded);

    assert_eq!(msgs[2].from_user_id.as_deref(), Some("GB.1234567890"));
    let referral = msgs[2].referral.as_ref().unwrap();
    assert_eq!(referral.source_id.as_deref(), Some("120200"));
    assert_eq!(referral.ctwa_clid.as_deref(), Some("ARAkx"));

    let InboundBody::System(system) = &msgs[3].body else {
        panic!("{:?}", msgs[3].body)
    };
    assert_eq!(system.kind.as_deref(), Some("user_changed_number"));
    assert_eq!(system.wa_id.as_deref(), Some("447700900999"));

    let InboundBody::Unsupported { kind, raw } = &msgs[4].body else {
        panic!("{:?}", msgs[4].body)
    };
    assert_eq!(kind, "unsupported");
    assert_eq!(raw["unsupported"]["type"], "poll");
    assert_eq!(msgs[4].errors[0].code, 131051);
    assert_eq!(
        msgs[4].errors[0].details(),
        Some("Message type is currently not supported.")
    );

    let InboundBody::Order(order) = &msgs[5].body else {
        panic!("{:?}", msgs[5].body)
    };
    assert_eq!(order.catalog_id, "987");
    assert_eq!(order.product_items[0].quantity, 2);
    assert_eq!(order.product_items[0].item_price, 9.5);

    let InboundBody::Unsupported { kind, raw } = &msgs[6].body else {
        panic!("{:?}", msgs[6].body)
    };
    assert_eq!(kind, "hologram");
    assert_eq!(raw["hologram"]["x"], 1);
}
