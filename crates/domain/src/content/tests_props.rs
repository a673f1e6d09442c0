//! Property tests: no input makes parsing, validation or summaries panic, and whatever
//! validates survives a serde round trip unchanged.

use super::tests_serde::examples;
use super::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::Value;

/// Replacement material for a mutated example, drawn once per case.
#[derive(Debug, Clone)]
struct Mutation {
    example: usize,
    strings: Vec<String>,
    numbers: Vec<f64>,
    lengths: Vec<usize>,
}

/// Strings around the limits as well as arbitrary Unicode, so both sides of each rule are hit.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,30}",
        "[a-z_]{0,4}",
        "[ \t\n]{0,6}",
        Just("https://e.x/a".to_owned()),
        (0usize..1100).prop_map(|n| "é".repeat(n)),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (
        0..examples().len(),
        prop::collection::vec(any_text(), 1..8),
        prop::collection::vec(prop_oneof![any::<f64>(), -200.0..200.0f64], 1..4),
        prop::collection::vec(0usize..13, 1..6),
    )
        .prop_map(|(example, strings, numbers, lengths)| Mutation {
            example,
            strings,
            numbers,
            lengths,
        })
}

/// Rewrites every leaf of `v` from the mutation's pools (cycling through them) and resizes
/// every array by repeating its items, keeping `type` and `sub_type` tags so most results
/// still deserialise and reach `validate`.
fn mutate(v: &mut Value, m: &Mutation, n: &mut usize) {
    *n += 1;
    match v {
        Value::String(s) => *s = m.strings[*n % m.strings.len()].clone(),
        Value::Number(_) => {
            let x = m.numbers[*n % m.numbers.len()];
            *v = serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
        }
        Value::Array(items) if !items.is_empty() => {
            let len = m.lengths[*n % m.lengths.len()];
            let source = items.clone();
            *items = source.iter().cycle().take(len).cloned().collect();
            for item in items {
                mutate(item, m, n);
            }
        }
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key != "type" && key != "sub_type" {
                    mutate(value, m, n);
                }
            }
        }
        _ => {}
    }
}

proptest! {
    #[test]
    fn parsing_arbitrary_text_never_panics(raw in "\\PC{0,200}") {
        let _ = serde_json::from_str::<Content>(&raw);
        let _ = serde_json::from_str::<OutboundContent>(&raw);
    }

    #[test]
    fn parsing_json_like_text_never_panics(raw in r#"[{}\[\]":,a-z_0-9 .\-]{0,120}"#) {
        if let Ok(content) = serde_json::from_str::<Content>(&raw) {
            let _ = content.validate();
        }
    }

    #[test]
    fn mutated_examples_validate_and_summarise_without_panicking(m in mutation()) {
        let mut v = examples()[m.example].clone();
        mutate(&mut v, &m, &mut 0);
        if let Ok(content) = serde_json::from_value::<Content>(v) {
            let verdict = content.validate();
            prop_assert!(content.summary().chars().count() <= 100);
            if verdict.is_ok() {
                let again: Content =
                    serde_json::from_value(serde_json::to_value(&content).unwrap()).unwrap();
                prop_assert_eq!(again, content);
            } else {
                prop_assert!(verdict.unwrap_err().iter().all(|e| !e.to_string().is_empty()));
            }
        }
    }
}

/// Guards the property above against testing nothing: the mutations must reach `validate`
/// both with valid and with invalid content.
#[test]
fn mutations_reach_both_verdicts() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut ok, mut bad) = (0, 0);
    for _ in 0..500 {
        let m = mutation().new_tree(&mut runner).unwrap().current();
        let mut v = examples()[m.example].clone();
        mutate(&mut v, &m, &mut 0);
        if let Ok(content) = serde_json::from_value::<Content>(v) {
            match content.validate() {
                Ok(()) => ok += 1,
                Err(_) => bad += 1,
            }
        }
    }
    assert!(ok > 10 && bad > 10, "valid {ok}, invalid {bad}");
}
