//! Fuzzes the WhatsApp webhook entry points on arbitrary bytes: `parse` (checked against an
//! independent model of the envelope, on the input itself and on the input wrapped into every
//! slot of a valid envelope) and `verify_signature` (checked against the documented header
//! format and `sign`). Mutations are half byte-level, half JSON-tree edits.
#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};
use serde_json::Value;
use switchboard_connectors::whatsapp_cloud::webhook::{
    InboundBody, ParseError, SignatureError, WebhookEvent, parse, sign, verify_signature,
};
use switchboard_fuzz::json_mutator::{Rng, mutate};
use switchboard_fuzz::signature_model::{Verdict, split, verdict};
use switchboard_fuzz::webhook_model::expected;
use switchboard_fuzz::wrap::envelopes;

/// Inputs up to this size are also wrapped into every slot of an envelope.
const MAX_FRAGMENT: usize = 1024;

fuzz_target!(|data: &[u8]| {
    check_parse(data);
    check_signature(data);
});

// Half the mutations edit the JSON tree (see `json_mutator`), the rest are libFuzzer's own.
fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    let mut rng = Rng::new(seed);
    if rng.below(2) == 0 {
        return fuzzer_mutate(data, size, max_size);
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(&data[..size]) else {
        return fuzzer_mutate(data, size, max_size);
    };
    if !mutate(&mut value, &mut rng) {
        return fuzzer_mutate(data, size, max_size);
    }
    match serde_json::to_vec(&value) {
        Ok(bytes) if bytes.len() <= max_size => {
            data[..bytes.len()].copy_from_slice(&bytes);
            bytes.len()
        }
        _ => fuzzer_mutate(data, size, max_size),
    }
});

fn check_parse(data: &[u8]) {
    let result = parse(data);
    // A replayed delivery (the same bytes again) must give the very same events.
    assert_eq!(result, parse(data), "parse is not deterministic");
    let Ok(json) = serde_json::from_slice::<Value>(data) else {
        // Not JSON to serde_json: refused, unless the parser repaired half a surrogate pair
        // (`\ud83d` alone) and read the rest, which only a body with such an escape allows.
        if !matches!(result, Err(ParseError::Json(_))) {
            assert!(has_surrogate_escape(data), "{result:?}");
        }
        return;
    };
    if let Some(events) = check_result(&json, result) {
        // The events depend on the JSON, not on its spelling: re-encoding gives the same pieces.
        if let Ok(reencoded) = serde_json::to_vec(&json) {
            let again = parse(&reencoded).unwrap_or_default();
            assert_eq!(
                shape(&events),
                shape(&again),
                "re-encoded body parses differently"
            );
        }
    }
    // Wrapping is for fragments; a large input is an envelope of its own, already checked.
    if data.len() > MAX_FRAGMENT {
        return;
    }
    for envelope in envelopes(&json) {
        let Ok(bytes) = serde_json::to_vec(&envelope) else {
            continue;
        };
        let events = check_result(&envelope, parse(&bytes));
        assert!(
            events.is_some(),
            "a wrapped fragment was refused: {envelope}"
        );
    }
}

/// Checks `parse`'s answer for a body that is the JSON `json`; the events if it was an envelope.
fn check_result(
    json: &Value,
    result: Result<Vec<WebhookEvent>, ParseError>,
) -> Option<Vec<WebhookEvent>> {
    if json.get("object").and_then(Value::as_str) != Some("whatsapp_business_account") {
        assert!(
            matches!(result, Err(ParseError::WrongObject(_))),
            "{result:?}"
        );
        return None;
    }
    let Some(entries) = json.get("entry").and_then(Value::as_array) else {
        assert_eq!(result, Err(ParseError::MissingEntry));
        return None;
    };
    let events = match result {
        Ok(events) => events,
        Err(e) => panic!("a valid envelope was refused: {e}"),
    };
    let model = expected(entries);
    assert!(
        (model.min_events..=model.max_events).contains(&events.len()),
        "{} events, expected {}..={}: {events:#?}",
        events.len(),
        model.min_events,
        model.max_events
    );
    let mut messages = 0;
    let mut statuses = 0;
    for event in &events {
        check_event(event, &model.waba_ids, &model.fields);
        match event {
            WebhookEvent::Message { message, .. } => {
                messages += 1;
                assert!(model.message_ids.contains(&message.id), "{message:?}");
                if let InboundBody::Reaction { emoji, .. } = &message.body {
                    assert_ne!(emoji.as_deref(), Some(""), "an empty emoji is a removal");
                }
            }
            WebhookEvent::Status { status, .. } => {
                statuses += 1;
                assert!(model.status_ids.contains(&status.id), "{status:?}");
            }
            _ => {}
        }
    }
    assert!(messages <= model.message_elements && statuses <= model.status_elements);
    Some(events)
}

/// Checks that hold for every event whatever the payload.
fn check_event(event: &WebhookEvent, waba_ids: &[String], fields: &[String]) {
    use WebhookEvent as E;
    let (source, number_scoped) = match event {
        E::Message { source, .. }
        | E::Status { source, .. }
        | E::ContactProfile { source, .. }
        | E::Errors { source, .. }
        | E::MarketingPreference { source, .. } => (source, true),
        E::TemplateStatus { source, .. }
        | E::TemplateQuality { source, .. }
        | E::PhoneQuality { source, .. }
        | E::Account { source, .. } => (source, false),
        E::Unparsed { field, .. } => {
            assert!(field.is_empty() || fields.contains(field), "{field:?}");
            return;
        }
    };
    assert!(waba_ids.contains(&source.waba_id), "{source:?}");
    assert_eq!(source.metadata.is_some(), number_scoped, "{event:?}");
}

/// The kind of each event and the wamid of messages and statuses.
fn shape(events: &[WebhookEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            WebhookEvent::Message { message, .. } => format!("message {}", message.id),
            WebhookEvent::Status { status, .. } => format!("status {}", status.id),
            WebhookEvent::Unparsed { field, .. } => format!("unparsed {field}"),
            other => format!("{:?}", std::mem::discriminant(other)),
        })
        .collect()
}

fn check_signature(data: &[u8]) {
    let (secret, header, body) = split(data);
    let correct = sign(secret, body);
    assert_eq!(verify_signature(secret, body, Some(&correct)), Ok(()));
    assert_eq!(
        verify_signature(secret, body, None),
        Err(SignatureError::Missing)
    );

    let header = String::from_utf8_lossy(header);
    let got = verify_signature(secret, body, Some(&header));
    let want = match verdict(Some(&header), &correct) {
        Verdict::Missing => Err(SignatureError::Missing),
        Verdict::Malformed => Err(SignatureError::Malformed),
        Verdict::Mismatch => Err(SignatureError::Mismatch),
        Verdict::Valid => Ok(()),
    };
    assert_eq!(got, want, "header {header:?}");

    // One flipped bit anywhere in the body breaks the signature.
    if let Some(last) = body.len().checked_sub(1) {
        let mut tampered = body.to_vec();
        let at = usize::from(data[0]) % body.len().max(1);
        tampered[at.min(last)] ^= 1;
        assert_eq!(
            verify_signature(secret, &tampered, Some(&correct)),
            Err(SignatureError::Mismatch)
        );
    }
}

/// Whether the bytes hold a `\uD800`..`\uDFFF` escape (either case).
fn has_surrogate_escape(data: &[u8]) -> bool {
    data.windows(4).any(|w| {
        w[0] == b'\\'
            && w[1] == b'u'
            && matches!(w[2], b'd' | b'D')
            && matches!(w[3], b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F')
    })
}
