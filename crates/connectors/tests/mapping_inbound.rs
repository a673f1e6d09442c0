//! Webhooks through the neutral contract: `parse_webhook` of the WhatsApp connector gives the
//! channel-neutral events the hub consumes (verification is in `mapping_verify`).

use switchboard_connectors::Connector;
use switchboard_connectors::inbound::{
    DeliveryState, Forwarded, InboundContent, InboundEvent, InboundMessage, MarketingChoice,
    MediaKind,
};
use switchboard_connectors::whatsapp_cloud::client::{WhatsAppCloud, WhatsAppCloudConfig};

fn connector() -> WhatsAppCloud {
    let config = WhatsAppCloudConfig::graph("http://127.0.0.1:9", "109876543210", "1", "token")
        .with_webhook_secrets("app-secret", "verify-me");
    WhatsAppCloud::new(config, reqwest::Client::new()).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn events(name: &str) -> Vec<InboundEvent> {
    connector().parse_webhook(&fixture(name)).unwrap()
}

fn messages(events: &[InboundEvent]) -> Vec<&InboundMessage> {
    events
        .iter()
        .filter_map(|e| match e {
            InboundEvent::Message(m) => Some(m.as_ref()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_text_message_carries_account_sender_profile_and_time() {
    let events = events("text.json");
    assert_eq!(events.len(), 1, "the profile is folded in, not an event");
    let m = messages(&events)[0];
    assert_eq!(m.account, "109876543210");
    assert_eq!(m.provider_message_id, "wamid.IN1");
    assert_eq!(m.from, "447700900123");
    assert_eq!(m.profile_name.as_deref(), Some("Ada"));
    assert_eq!(m.timestamp.unix_timestamp(), 1_767_225_600);
    assert_eq!(m.content, InboundContent::Text { body: "Hi".into() });
    assert_eq!(m.forwarded, Forwarded::No);
    assert_eq!(m.reply_to, None);
}

#[test]
fn media_of_every_kind_keeps_id_mime_digest_and_flags() {
    let events = events("media.json");
    let media: Vec<_> = messages(&events)
        .into_iter()
        .map(|m| match &m.content {
            InboundContent::Media(media) => media.clone(),
            other => panic!("not media: {other:?}"),
        })
        .collect();
    let kinds: Vec<_> = media.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MediaKind::Image,
            MediaKind::Video,
            MediaKind::Document,
            MediaKind::Sticker,
            MediaKind::Audio
        ]
    );
    assert_eq!(media[0].id, "778899");
    assert_eq!(media[0].sha256.as_deref(), Some("base64hash="));
    assert_eq!(media[0].caption.as_deref(), Some("optional"));
    assert_eq!(media[2].filename.as_deref(), Some("inv-7.pdf"));
    assert!(media[3].animated && !media[3].voice);
    assert!(media[4].voice);
    assert_eq!(
        media[4].mime_type.as_deref(),
        Some("audio/ogg; codecs=opus")
    );
}

#[test]
fn replies_reactions_and_button_taps() {
    let events = events("replies.json");
    let m = messages(&events);
    assert!(
        matches!(&m[0].content, InboundContent::Location { latitude, .. } if *latitude == 51.5)
    );
    let contents: Vec<_> = m.iter().map(|m| &m.content).collect();
    assert!(
        contents
            .iter()
            .any(|c| matches!(c, InboundContent::Reaction { emoji: None, .. })),
        "a removal has no emoji"
    );
    assert!(
        contents
            .iter()
            .any(|c| matches!(c, InboundContent::Reaction { emoji: Some(_), .. }))
    );
    assert!(contents.iter().any(|c| matches!(c,
        InboundContent::ButtonReply { id, title } if id == "slot_am" && title == "Morning")));
    assert!(contents.iter().any(|c| matches!(c,
        InboundContent::ListReply { id, .. } if id == "ord_status")));
    assert!(contents.iter().any(|c| matches!(c,
        InboundContent::TemplateButton { payload, .. } if payload == "STOP_PROMOS")));
    let button_reply = m
        .iter()
        .find(|m| matches!(m.content, InboundContent::ButtonReply { .. }))
        .unwrap();
    assert_eq!(button_reply.reply_to.as_deref(), Some("wamid.OUT2"));
}

#[test]
fn contacts_forwards_referrals_system_orders_and_unknown_types() {
    let events = events("other_types.json");
    let m = messages(&events);
    assert_eq!(m.len(), 7);
    let InboundContent::Contacts(cards) = &m[0].content else {
        panic!("contacts expected");
    };
    assert_eq!(cards[0].name.formatted_name, "Ada Lovelace");
    assert_eq!(cards[0].phones[0].wa_id.as_deref(), Some("447700900456"));
    assert_eq!(m[1].forwarded, Forwarded::Frequently);
    assert_eq!(m[1].reply_to.as_deref(), Some("wamid.OUT4"));
    let referral = m[2].referral.as_ref().unwrap();
    assert_eq!(referral.click_id.as_deref(), Some("ARAkx"));
    assert!(matches!(&m[3].content,
        InboundContent::System(s) if s.new_id.as_deref() == Some("447700900999")));
    assert!(
        matches!(&m[4].content, InboundContent::Unsupported { kind, .. } if kind == "unsupported")
    );
    assert_eq!(m[4].errors[0].code, 131051);
    assert!(matches!(&m[5].content,
        InboundContent::Order { items, .. } if items[0].product_id == "SKU-1" && items[0].quantity == 2));
    assert!(matches!(&m[6].content,
        InboundContent::Unsupported { kind, raw } if kind == "hologram" && raw["hologram"]["x"] == 1));
}

#[test]
fn statuses_with_errors_pricing_and_callback_data() {
    let events = events("statuses.json");
    let s: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            InboundEvent::Status(s) => Some(s),
            _ => None,
        })
        .collect();
    let states: Vec<_> = s.iter().map(|s| s.status.clone()).collect();
    assert_eq!(
        states,
        [
            DeliveryState::Delivered,
            DeliveryState::Sent,
            DeliveryState::Failed,
            DeliveryState::Read,
            DeliveryState::Played,
            DeliveryState::Other("warning".into())
        ]
    );
    assert_eq!(s[0].account, "109876543210");
    let pricing = s[0].pricing.as_ref().unwrap();
    assert_eq!(pricing.billable, Some(true));
    assert_eq!(pricing.model.as_deref(), Some("PMP"));
    assert_eq!(pricing.category.as_deref(), Some("utility"));
    assert_eq!(s[1].callback_data.as_deref(), Some("msg_01"));
    assert_eq!(s[2].errors[0].code, 131026);
    assert_eq!(
        s[2].errors[0].details.as_deref(),
        Some("Message Undeliverable.")
    );
    assert_eq!(s[2].recipient, "447700900124");
}

#[test]
fn account_level_changes() {
    let events = events("account.json");
    let mut seen = Vec::new();
    for e in &events {
        match e {
            InboundEvent::TemplateStatus(t) => {
                assert_eq!(
                    (t.status.as_str(), t.template_id.as_str()),
                    ("REJECTED", "1234567890")
                );
                assert_eq!(t.reason.as_deref(), Some("INVALID_FORMAT"));
                seen.push("template_status");
            }
            InboundEvent::TemplateQuality(q) => {
                assert_eq!(
                    (q.previous.as_deref(), q.quality.as_str()),
                    (Some("GREEN"), "YELLOW")
                );
                seen.push("template_quality");
            }
            InboundEvent::PhoneQuality(p) => {
                assert_eq!(
                    (p.event.as_str(), p.tier.as_deref()),
                    ("FLAGGED", Some("TIER_10K"))
                );
                seen.push("phone_quality");
            }
            InboundEvent::Account { event, .. } => {
                assert_eq!(event, "ACCOUNT_VIOLATION");
                seen.push("account");
            }
            InboundEvent::MarketingPreference(p) => {
                assert_eq!(p.choice, MarketingChoice::Stop);
                assert_eq!(
                    (p.account.as_str(), p.user.as_str()),
                    ("109876543210", "447700900123")
                );
                seen.push("marketing");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        seen,
        [
            "template_status",
            "template_quality",
            "phone_quality",
            "account",
            "marketing"
        ]
    );
}

#[test]
fn broken_pieces_become_unparsed_beside_good_events() {
    let events = events("broken.json");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, InboundEvent::Unparsed { .. }))
    );
    assert!(connector().parse_webhook(b"not json").is_err());
    assert!(
        connector()
            .parse_webhook(br#"{"object":"page","entry":[]}"#)
            .is_err()
    );
}
