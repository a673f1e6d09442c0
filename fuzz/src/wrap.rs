//! Puts a JSON fragment the fuzzer produced into every slot of an otherwise valid envelope.
//!
//! Byte-level mutation rarely keeps a whole envelope valid while changing one piece deep inside
//! it, so most inputs would stop at `ParseError::Json`. Wrapping lets any fragment that is JSON
//! reach each reader (message, status, contact, errors, change value, change, entry, the
//! account-level fields) with good pieces beside it, where the model checks that nothing is lost.

use serde_json::{Value, json};

/// One envelope per slot, each holding `fragment` once.
pub fn envelopes(fragment: &Value) -> Vec<Value> {
    let f = fragment;
    let metadata = json!({"display_phone_number": "447700900001", "phone_number_id": "201"});
    let good_message = json!({"from": "447700900123", "id": "wamid.GOOD", "timestamp": "1767225600",
        "type": "text", "text": {"body": "ok"}});
    let good_status = json!({"id": "wamid.OUT", "status": "sent", "timestamp": "1767225601",
        "recipient_id": "447700900123"});
    let messages_value = |key: &str| {
        let mut value = json!({"metadata": metadata, "messages": [good_message],
            "statuses": [good_status]});
        value[key] = f.clone();
        value
    };
    let change = |field: &str, value: Value| json!({"field": field, "value": value});
    let good_change = change(
        "messages",
        json!({"metadata": metadata, "messages": [good_message], "statuses": [good_status]}),
    );
    let in_changes = |c: Value| json!([{"id": "1", "changes": [good_change, c]}]);
    let entries = vec![
        json!([{"id": "1", "changes": [change("messages", json!({"metadata": metadata,
            "messages": [good_message, f], "statuses": [f, good_status]}))]}]),
        in_changes(change("messages", messages_value("contacts"))),
        in_changes(change("messages", messages_value("errors"))),
        in_changes(change("messages", messages_value("metadata"))),
        in_changes(change("messages", f.clone())),
        in_changes(change(
            "user_preferences",
            json!({"metadata": metadata,
            "user_preferences": [f]}),
        )),
        in_changes(change("message_template_status_update", f.clone())),
        in_changes(change("message_template_quality_update", f.clone())),
        in_changes(change("phone_number_quality_update", f.clone())),
        in_changes(change("account_update", f.clone())),
        in_changes(f.clone()),
        json!([f, {"id": 2, "changes": [good_change]}]),
    ];
    entries
        .into_iter()
        .map(|entry| json!({"object": "whatsapp_business_account", "entry": entry}))
        .collect()
}
