//! Inbound messages: text, media, locations, contacts, reactions, replies, referrals, system
//! notices, and types kept raw.

use serde_json::Value;
use switchboard_connectors::whatsapp_cloud::webhook::{
    ButtonReply, InboundBody, ListReply, TemplateButton, WebhookEvent,
};

use super::{bytes, context, fixture, media, messages};

#[test]
fn text_with_reply_context_forward_flags_and_business_scoped_ids() {
    let events = fixture("inbound_text.json");
    let profiles: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            WebhookEvent::ContactProfile { profile, .. } => Some(profile),
            _ => None,
        })
        .collect();
    assert_eq!(profiles.len(), 2, "{events:#?}");
    assert_eq!(profiles[0].user_id.as_deref(), Some("GB.1111111111"));
    // An empty `profile` (name not shared) and no user id are both fine.
    assert_eq!(
        (profiles[1].name.as_deref(), profiles[1].user_id.as_deref()),
        (None, None)
    );

    let m = messages(&events);
    assert_eq!(m.len(), 4);
    assert_eq!(m[0].from_user_id.as_deref(), Some("GB.1111111111"));
    let reply = context(Some("447700900001"), Some("wamid.OUT9"), false, false);
    assert_eq!(m[0].context, Some(reply));
    assert_eq!(
        m[0].body,
        InboundBody::Text {
            body: "Yes, Tuesday works".into()
        }
    );
    // A forward without a quote has a context with only the flag.
    assert_eq!(m[1].context, Some(context(None, None, true, false)));
    assert_eq!(m[2].context, Some(context(None, None, false, true)));
    assert_eq!((m[3].from_user_id.as_deref(), &m[3].context), (None, &None));
    assert_eq!(
        m[3].body,
        InboundBody::Text {
            body: String::new()
        }
    );
    assert_eq!(m[3].timestamp.unix_timestamp(), 1_767_225_633);
}

#[test]
fn media_with_their_type_specific_fields_and_optional_ones_absent() {
    let events = fixture("inbound_media.json");
    let m = messages(&events);
    let bodies: Vec<_> = m.iter().map(|m| m.body.clone()).collect();
    let mut video = media("900002", "video/3gpp", "dmlk");
    video.caption = Some("the leak".into());
    let mut document = media("900003", "text/csv", "ZG9j");
    document.filename = Some("orders.csv".into());
    // Without the flag nothing is guessed from the MIME type; the type is kept for the caller.
    let unflagged = media("900006", "audio/ogg; codecs=opus", "dm9p");
    let mut forwarded = media("900007", "image/jpeg", "Zndk");
    forwarded.caption = Some("fwd".into());
    assert_eq!(
        bodies,
        [
            InboundBody::Image(media("900001", "image/png", "aW1n")),
            InboundBody::Video(video),
            InboundBody::Document(document),
            InboundBody::Sticker(media("900004", "image/webp", "c3Rr")),
            InboundBody::Audio(media("900005", "audio/mpeg", "YXVk")),
            InboundBody::Audio(unflagged),
            InboundBody::Image(forwarded),
        ]
    );
    assert_eq!(m[6].context, Some(context(None, None, true, false)));
}

#[test]
fn locations_and_full_contact_cards() {
    let events = fixture("inbound_location_contacts.json");
    let m = messages(&events);
    let InboundBody::Location(place) = &m[0].body else {
        panic!("{:?}", m[0].body)
    };
    assert_eq!(
        (place.latitude, place.longitude),
        (51.503_363_5, -0.127_624_8)
    );
    assert_eq!(place.name.as_deref(), Some("Downing Street"));
    assert_eq!(
        place.address.as_deref(),
        Some("10 Downing St, London SW1A 2AA")
    );
    assert_eq!(place.url.as_deref(), Some("https://www.gov.uk/"));
    // Whole-number coordinates and no optional fields.
    let InboundBody::Location(bare) = &m[1].body else {
        panic!("{:?}", m[1].body)
    };
    assert_eq!((bare.latitude, bare.longitude), (0.0, -180.0));
    assert_eq!(
        (&bare.name, &bare.address, &bare.url),
        (&None, &None, &None)
    );

    let InboundBody::Contacts(cards) = &m[2].body else {
        panic!("{:?}", m[2].body)
    };
    assert_eq!(cards.len(), 2);
    let grace = &cards[0];
    assert_eq!(grace.name.prefix.as_deref(), Some("Dr."));
    assert_eq!(grace.name.last_name.as_deref(), Some("Hopper"));
    assert_eq!(grace.phones.len(), 2);
    assert_eq!(grace.phones[0].wa_id, None);
    assert_eq!(grace.phones[1].wa_id.as_deref(), Some("447700900789"));
    assert_eq!(grace.emails[0].email.as_deref(), Some("grace@example.org"));
    assert_eq!(grace.urls[0].kind.as_deref(), Some("WORK"));
    assert_eq!(grace.addresses[0].country_code.as_deref(), Some("US"));
    assert_eq!(
        grace.org.as_ref().and_then(|o| o.title.as_deref()),
        Some("Rear Admiral")
    );
    assert_eq!(grace.birthday.as_deref(), Some("1906-12-09"));
    assert_eq!(cards[1].name.formatted_name, "Bob");
    assert!(cards[1].phones.is_empty() && cards[1].org.is_none());
}

#[test]
fn reactions_interactive_replies_and_template_buttons() {
    let events = fixture("inbound_replies.json");
    let m = messages(&events);
    assert_eq!(m.len(), 9, "{events:#?}");
    let reaction = |emoji: Option<&str>| InboundBody::Reaction {
        message_id: "wamid.OUT7".into(),
        emoji: emoji.map(Into::into),
    };
    // A surrogate pair plus a skin-tone modifier, escaped as Meta sends it.
    assert_eq!(m[0].body, reaction(Some("\u{1f44d}\u{1f3fd}")));
    // Removal: empty, missing, or null emoji.
    for removal in &m[1..4] {
        assert_eq!(removal.body, reaction(None), "{}", removal.id);
    }
    let button = ButtonReply {
        id: "confirm_yes".into(),
        title: "Yes".into(),
    };
    assert_eq!(m[4].body, InboundBody::ButtonReply(button));
    let quoted = context(Some("447700900001"), Some("wamid.OUT8"), false, false);
    assert_eq!(m[4].context.as_ref(), Some(&quoted));
    let row = ListReply {
        id: "size_m".into(),
        title: "Medium".into(),
        description: None,
    };
    assert_eq!(m[5].body, InboundBody::ListReply(row));
    let tap = TemplateButton {
        payload: "RESCHEDULE".into(),
        text: "Reschedule".into(),
    };
    assert_eq!(m[6].body, InboundBody::Button(tap));
    assert_eq!(
        m[6].context.as_ref().and_then(|c| c.id.as_deref()),
        Some("wamid.OUT10")
    );
    let bare = TemplateButton {
        payload: "NO_TEXT".into(),
        text: String::new(),
    };
    assert_eq!(m[7].body, InboundBody::Button(bare));
    // Interactive replies we do not model (flows) are kept whole.
    let InboundBody::Unsupported { kind, raw } = &m[8].body else {
        panic!("{:?}", m[8].body)
    };
    assert_eq!(kind, "interactive");
    assert_eq!(
        raw["interactive"]["nfm_reply"]["response_json"],
        r#"{"flow_token":"t1"}"#
    );
}

#[test]
fn referral_system_unsupported_and_unknown_types() {
    let raw_input: Value = serde_json::from_slice(&bytes("inbound_other.json")).unwrap();
    let events = fixture("inbound_other.json");
    let m = messages(&events);
    assert_eq!(m.len(), 5, "{events:#?}");
    let referral = m[0].referral.as_ref().unwrap();
    assert_eq!(
        (
            referral.source_type.as_deref(),
            referral.media_type.as_deref()
        ),
        (Some("post"), Some("video"))
    );
    assert_eq!(
        (referral.headline.as_deref(), referral.ctwa_clid.as_deref()),
        (Some("Summer"), None)
    );
    assert!(matches!(&m[0].body, InboundBody::Image(i) if i.id == "900010"));

    let InboundBody::System(changed) = &m[1].body else {
        panic!("{:?}", m[1].body)
    };
    assert_eq!(changed.kind.as_deref(), Some("user_changed_number"));
    assert_eq!(
        (changed.wa_id.as_deref(), changed.new_wa_id.as_deref()),
        (Some("447700900555"), None)
    );
    let InboundBody::System(older) = &m[2].body else {
        panic!("{:?}", m[2].body)
    };
    assert_eq!(
        (older.wa_id.as_deref(), older.new_wa_id.as_deref()),
        (None, Some("447700900556"))
    );

    // `unsupported` with its errors, even without an `unsupported` object.
    assert!(matches!(&m[3].body, InboundBody::Unsupported { kind, .. } if kind == "unsupported"));
    assert_eq!(m[3].errors.len(), 1);
    assert_eq!(
        (m[3].errors[0].code, m[3].errors[0].href.is_some()),
        (131051, true)
    );

    // A type nobody knows yet: the message object is kept exactly as received.
    let InboundBody::Unsupported { kind, raw } = &m[4].body else {
        panic!("{:?}", m[4].body)
    };
    assert_eq!(kind, "ephemeral");
    assert_eq!(
        raw,
        &raw_input["entry"][0]["changes"][0]["value"]["messages"][4]
    );
}
