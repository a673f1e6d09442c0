//! Inbound webhooks of every type PROVIDERS §1.6 documents, in the variants the other webhook
//! tests leave out: optional fields absent, escaped non-ASCII, group and business-scoped ids,
//! unknown values kept, mixed good and bad pieces in one batch, and replayed deliveries.
//!
//! Messages are checked in `messages.rs`, statuses and template changes in `changes.rs`; this
//! file holds the helpers and the tests about whole deliveries.

#[path = "webhook_every_type/changes.rs"]
mod changes;
#[path = "webhook_every_type/messages.rs"]
mod messages;

use serde_json::Value;
use switchboard_connectors::whatsapp_cloud::webhook::{
    InboundBody, InboundContext, InboundMedia, InboundMessage, SignatureError, StatusUpdate,
    WebhookEvent, parse, sign, verify_signature,
};

pub(crate) fn bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).unwrap()
}

pub(crate) fn fixture(name: &str) -> Vec<WebhookEvent> {
    parse(&bytes(name)).unwrap()
}

pub(crate) fn messages(events: &[WebhookEvent]) -> Vec<&InboundMessage> {
    let m = events.iter().filter_map(|e| match e {
        WebhookEvent::Message { message, .. } => Some(message),
        _ => None,
    });
    m.collect()
}

pub(crate) fn statuses(events: &[WebhookEvent]) -> Vec<&StatusUpdate> {
    let s = events.iter().filter_map(|e| match e {
        WebhookEvent::Status { status, .. } => Some(status),
        _ => None,
    });
    s.collect()
}

pub(crate) fn media(id: &str, mime: &str, sha: &str) -> InboundMedia {
    InboundMedia {
        id: id.into(),
        mime_type: Some(mime.into()),
        sha256: Some(sha.into()),
        caption: None,
        filename: None,
        voice: false,
        animated: false,
    }
}

pub(crate) fn context(
    from: Option<&str>,
    id: Option<&str>,
    fwd: bool,
    often: bool,
) -> InboundContext {
    InboundContext {
        from: from.map(Into::into),
        id: id.map(Into::into),
        forwarded: fwd,
        frequently_forwarded: often,
    }
}

#[test]
fn escaped_non_ascii_is_decoded_and_signed_as_received() {
    let body = bytes("inbound_unicode.json");
    assert!(
        body.is_ascii() && body.windows(2).any(|w| w == b"\\u"),
        "fixture is Meta-escaped"
    );
    let events = parse(&body).unwrap();
    let WebhookEvent::ContactProfile { profile, .. } = &events[0] else {
        panic!("{events:#?}")
    };
    assert_eq!(profile.name.as_deref(), Some("Zoë Łódź"));
    let m = messages(&events);
    assert_eq!(
        m[0].body,
        InboundBody::Text {
            body: "Grüße ✓ 👋 日本 \"q\" \\ /".into()
        }
    );
    assert!(
        matches!(&m[1].body, InboundBody::Image(i) if i.caption.as_deref() == Some("ça va ❤️"))
    );

    let secret = b"app-secret-2";
    let header = sign(secret, &body);
    assert_eq!(verify_signature(secret, &body, Some(&header)), Ok(()));
    // Re-serialising writes UTF-8 (and drops the `\/` escape): other bytes, so no match,
    // although it parses to the same events.
    let reencoded = serde_json::to_vec(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    assert_ne!(reencoded, body);
    assert_eq!(
        verify_signature(secret, &reencoded, Some(&header)),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(parse(&reencoded).unwrap(), events);
}

/// Messages, statuses and template events by their ids; `unparsed:<field>` for the bad pieces.
fn summary(events: &[WebhookEvent]) -> Vec<String> {
    let one = |e: &WebhookEvent| match e {
        WebhookEvent::Message { source, message } => format!("{}/{}", source.waba_id, message.id),
        WebhookEvent::Status { source, status } => format!("{}/{}", source.waba_id, status.id),
        WebhookEvent::ContactProfile { profile, .. } => format!("profile:{}", profile.wa_id),
        WebhookEvent::TemplateStatus { source, update } => {
            format!("{}/template:{}", source.waba_id, update.event)
        }
        WebhookEvent::Unparsed { field, .. } => format!("unparsed:{field}"),
        other => format!("{other:?}"),
    };
    events.iter().map(one).collect()
}

#[test]
fn one_bad_entry_and_one_bad_change_lose_nothing_beside_them() {
    let events = fixture("inbound_batch.json");
    let expected = [
        "profile:447700900123",
        "301/wamid.X1",
        "301/wamid.X2",
        "unparsed:messages", // change whose value is a string
        "301/wamid.Y1",
        "301/wamid.Y2",
        "unparsed:", // entry whose id is an object
        "302/template:APPROVED",
        "profile:447700900127",
        "302/wamid.Z1",
        "302/wamid.Z2",
    ];
    assert_eq!(summary(&events), expected);
    let WebhookEvent::Unparsed { raw, .. } = &events[6] else {
        panic!("{events:#?}")
    };
    assert_eq!(
        raw["id"]["not"], "an id",
        "the bad entry is kept for the log"
    );
    let numbers: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            WebhookEvent::Message { source, .. } | WebhookEvent::Status { source, .. } => {
                Some(source.metadata.as_ref()?.phone_number_id.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(numbers, ["401", "401", "402", "402", "404", "404"]);
}

#[test]
fn a_replayed_delivery_parses_to_identical_events_carrying_the_wamids() {
    let body = bytes("inbound_batch.json");
    let first = parse(&body).unwrap();
    let replay = parse(&body).unwrap();
    assert_eq!(first, replay);
    // What the hub dedupes on: every message and status names its wamid, the same both times.
    let wamids = |events: &[WebhookEvent]| -> Vec<String> {
        let m = messages(events).into_iter().map(|m| m.id.clone());
        m.chain(statuses(events).into_iter().map(|s| s.id.clone()))
            .collect()
    };
    let ids = wamids(&first);
    assert_eq!(
        ids,
        [
            "wamid.X1", "wamid.X2", "wamid.Z1", "wamid.Z2", "wamid.Y1", "wamid.Y2"
        ]
    );
    let again = wamids(&replay);
    assert_eq!(ids, again);
    let mut seen = std::collections::HashSet::new();
    let fresh: Vec<_> = ids
        .iter()
        .chain(&again)
        .filter(|id| seen.insert(*id))
        .collect();
    assert_eq!(fresh.len(), ids.len(), "the replay adds no new wamid");
}

#[test]
fn an_unpaired_surrogate_in_one_message_does_not_lose_the_others() {
    // Meta escapes UTF-16 code units; text cut in the middle of an emoji leaves half a pair.
    let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
      "metadata":{"display_phone_number":"447700900001","phone_number_id":"201"},
      "messages":[{"from":"447700900123","id":"wamid.GOOD","timestamp":"1767225600","type":"text","text":{"body":"fine"}},
                  {"from":"447700900123","id":"wamid.HALF","timestamp":"1767225601","type":"text","text":{"body":"cut \ud83d"}}]}}]}]}"#;
    let events = parse(body).expect("the envelope is still read");
    let ids: Vec<_> = messages(&events).iter().map(|m| m.id.as_str()).collect();
    assert!(ids.contains(&"wamid.GOOD"), "{events:#?}");
}
