//! Fuzzes `GraphError::parse` and `classify` on arbitrary error bodies: parsing never fails and
//! is a fixed point of re-encoding, and classification follows PROVIDERS §1.5 (documented codes
//! decide alone, whatever the HTTP status; without a code only the status speaks).
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};
use switchboard_connectors::whatsapp_cloud::errors::{ErrorAction, GraphError, classify};

/// Statuses a Graph call can come back with, plus nonsense ones a proxy might invent.
const STATUSES: [u16; 14] = [
    0,
    200,
    400,
    401,
    403,
    404,
    408,
    429,
    499,
    500,
    503,
    599,
    600,
    u16::MAX,
];

/// The most a rate-limit delay may be: 131049 asks for 24 h, nothing asks for more.
const MAX_DELAY: Duration = Duration::from_secs(24 * 3600);

fuzz_target!(|data: &[u8]| {
    let error = GraphError::parse(data);
    assert_eq!(error, GraphError::parse(data), "parse is not deterministic");
    check_fields(data, &error);
    assert_eq!(
        GraphError::parse(&reencode(&error)),
        error,
        "not a fixed point"
    );
    check_classify(&error);
});

/// Without an `error` object every typed field is empty and the message is a short prefix.
fn check_fields(data: &[u8], error: &GraphError) {
    let has_error_object = serde_json::from_slice::<Value>(data)
        .ok()
        .and_then(|v| v.get("error").map(Value::is_object))
        .unwrap_or(false);
    if !has_error_object {
        let lossy = String::from_utf8_lossy(data);
        assert!(lossy.starts_with(&error.message), "{error:?}");
        assert!(error.message.chars().count() <= 200, "{error:?}");
        assert_eq!(
            (&error.error_type, error.code, error.error_subcode),
            (&None, None, None)
        );
        assert_eq!((&error.details, &error.fbtrace_id), (&None, &None));
    }
    let text = match error.details.as_deref() {
        Some(d) if !d.is_empty() => d,
        _ => error.message.as_str(),
    };
    assert_eq!(error.text(), text);
}

/// The Graph body Meta would send for this error.
fn reencode(error: &GraphError) -> Vec<u8> {
    let mut e = Map::new();
    e.insert("message".into(), json!(error.message));
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            e.insert(k.into(), v);
        }
    };
    put("type", error.error_type.as_ref().map(|t| json!(t)));
    put("code", error.code.map(|c| json!(c)));
    put("error_subcode", error.error_subcode.map(|c| json!(c)));
    put(
        "error_data",
        error.details.as_ref().map(|d| json!({"details": d})),
    );
    put("fbtrace_id", error.fbtrace_id.as_ref().map(|t| json!(t)));
    serde_json::to_vec(&json!({ "error": e })).unwrap_or_default()
}

/// What §1.5 says a documented code means, independent of the HTTP status.
fn documented(code: i64) -> Option<Kind> {
    Some(match code {
        4 | 80007 | 130429 | 131048 | 131049 | 131056 | 131057 => Kind::RetryAfter,
        131000 | 131016 => Kind::Retry,
        0
        | 3
        | 10
        | 100
        | 190
        | 200..=299
        | 368
        | 131008
        | 131009
        | 131026
        | 131030
        | 131031
        | 131042
        | 131047
        | 131050
        | 131051
        | 131052
        | 131053
        | 132000
        | 132001
        | 132005
        | 132007
        | 132008
        | 132012
        | 132015
        | 132016 => Kind::Rejected,
        _ => return None,
    })
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Retry,
    RetryAfter,
    Rejected,
}

fn kind(action: ErrorAction) -> Kind {
    match action {
        ErrorAction::Retry => Kind::Retry,
        ErrorAction::RetryAfter(_) => Kind::RetryAfter,
        ErrorAction::Rejected => Kind::Rejected,
    }
}

fn check_classify(error: &GraphError) {
    let first = classify(STATUSES[0], error);
    for status in STATUSES {
        let class = classify(status, error);
        assert_eq!(class.provider_code, error.code);
        assert_eq!(class.provider_text, error.text());
        assert!(
            !class.code.is_empty()
                && class
                    .code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
            "unstable code {:?}",
            class.code
        );
        if let ErrorAction::RetryAfter(delay) = class.action {
            assert!(!delay.is_zero() && delay <= MAX_DELAY, "{delay:?}");
        }
        match error.code.map(|c| (c, documented(c))) {
            // Documented codes decide alone: same answer on every status.
            Some((c, Some(want))) => {
                assert_eq!(kind(class.action), want, "code {c} on {status}");
                assert_eq!(class, first, "code {c} changed with status {status}");
            }
            Some((_, None)) => {}
            None => {
                let want = match status {
                    408 | 500..=599 => Kind::Retry,
                    429 => Kind::RetryAfter,
                    _ => Kind::Rejected,
                };
                assert_eq!(kind(class.action), want, "no code, status {status}");
            }
        }
    }
}
