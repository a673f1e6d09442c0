//! No body makes the send path panic: thousands of random JSON documents, built from the keys and
//! values the validators look for so that they reach deep into every type, go through `handle`.

use std::collections::BTreeSet;
use std::sync::Arc;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use serde_json::{Map, Value, json};

use super::handle;
use crate::config::SandboxConfig;
use crate::state::AppState;

/// Keys the validators know, so random documents are often almost valid.
const KEYS: [&str; 40] = [
    "messaging_product",
    "to",
    "type",
    "text",
    "body",
    "image",
    "id",
    "link",
    "caption",
    "document",
    "filename",
    "location",
    "latitude",
    "longitude",
    "contacts",
    "name",
    "formatted_name",
    "first_name",
    "phones",
    "birthday",
    "reaction",
    "message_id",
    "emoji",
    "interactive",
    "header",
    "footer",
    "action",
    "buttons",
    "reply",
    "title",
    "sections",
    "rows",
    "button",
    "parameters",
    "template",
    "language",
    "code",
    "components",
    "index",
    "status",
];

/// Values the validators branch on.
fn leaf(rng: &mut StdRng) -> Value {
    match rng.gen_range(0..12) {
        0 => json!(null),
        1 => json!(rng.r#gen::<bool>()),
        2 => json!(rng.gen_range(-1e6..1e6)),
        3 => json!(rng.r#gen::<i64>()),
        4 => json!("whatsapp"),
        5 => json!("+44 7700 900123"),
        6 => json!(
            [
                "text",
                "image",
                "interactive",
                "template",
                "reaction",
                "list",
                "button",
                "cta_url",
                "read",
                "body",
                "url",
                "header"
            ][rng.gen_range(0..12)]
        ),
        7 => json!("👍"),
        8 => json!("https://example.com/a"),
        9 => json!("x".repeat(rng.gen_range(0..5_000))),
        10 => json!(""),
        _ => json!("é\u{0}\u{200d}"),
    }
}

fn value(rng: &mut StdRng, depth: u32) -> Value {
    if depth == 0 || rng.gen_ratio(1, 3) {
        return leaf(rng);
    }
    if rng.gen_ratio(1, 3) {
        let n = rng.gen_range(0..4);
        return Value::Array((0..n).map(|_| value(rng, depth - 1)).collect());
    }
    let mut map = Map::new();
    for _ in 0..rng.gen_range(0..5) {
        let key = KEYS[rng.gen_range(0..KEYS.len())];
        map.insert(key.to_owned(), value(rng, depth - 1));
    }
    Value::Object(map)
}

#[tokio::test]
async fn random_bodies_never_panic() {
    let mut config = SandboxConfig::default();
    config.whatsapp.limits.enforce_window = false;
    config.whatsapp.limits.messages_per_second = u32::MAX;
    let state = Arc::new(AppState::new(config, "http://127.0.0.1:1".into()).expect("state"));
    let account = state.config.whatsapp.accounts[0].clone();
    let mut rng = StdRng::seed_from_u64(7);
    let mut codes = BTreeSet::new();
    for i in 0..10_000 {
        let mut doc = value(&mut rng, 5);
        // Half the documents start from a valid envelope so that the type checks run.
        if i % 2 == 0
            && let Value::Object(map) = &mut doc
        {
            map.insert("messaging_product".into(), json!("whatsapp"));
            map.insert("to".into(), json!("447700900123"));
        }
        let bytes = serde_json::to_vec(&doc).expect("serialise");
        if let Err(e) = handle(&state, &account, &bytes) {
            codes.insert(e.code);
        }
        // Raw bytes too: truncated and garbage documents.
        let cut = rng.gen_range(0..=bytes.len());
        let _ = handle(&state, &account, &bytes[..cut]);
    }
    // The documents reached both the shape checks and the value checks.
    assert!(
        codes.contains(&100) && codes.contains(&131_009),
        "{codes:?}"
    );
}
