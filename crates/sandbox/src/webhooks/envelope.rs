//! Meta's webhook envelope (PROVIDERS §1.6): `{"object":"whatsapp_business_account","entry":[{"id":
//! <waba id>,"changes":[{"field","value"}]}]}`, and the `value` head every message and status
//! webhook carries (`messaging_product`, `metadata`).

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::config::WhatsAppAccount;

/// Unix seconds now.
pub(crate) fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// The envelope around one change. `time` (unix seconds, a number) is set on the entries of
/// template webhooks, as Meta does; message and status webhooks have none.
pub(crate) fn envelope(waba_id: &str, field: &str, value: Value, time: Option<i64>) -> Value {
    let mut entry = Map::new();
    entry.insert("id".into(), json!(waba_id));
    if let Some(time) = time {
        entry.insert("time".into(), json!(time));
    }
    entry.insert(
        "changes".into(),
        json!([{ "field": field, "value": value }]),
    );
    json!({ "object": "whatsapp_business_account", "entry": [entry] })
}

/// The start of a `messages` change value for this number; callers add `contacts`, `messages`
/// or `statuses`.
pub(crate) fn number_value(account: &WhatsAppAccount) -> Map<String, Value> {
    let mut value = Map::new();
    value.insert("messaging_product".into(), json!("whatsapp"));
    value.insert(
        "metadata".into(),
        json!({
            "display_phone_number": account.display_phone_number,
            "phone_number_id": account.phone_number_id,
        }),
    );
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_has_metas_shape() {
        let account = WhatsAppAccount::default();
        let mut value = number_value(&account);
        value.insert("statuses".into(), json!([]));
        let env = envelope(&account.waba_id, "messages", Value::Object(value), None);
        assert_eq!(env["object"], "whatsapp_business_account");
        assert_eq!(env["entry"][0]["id"], account.waba_id.as_str());
        assert!(env["entry"][0].get("time").is_none());
        let change = &env["entry"][0]["changes"][0];
        assert_eq!(change["field"], "messages");
        assert_eq!(
            change["value"]["metadata"]["phone_number_id"],
            account.phone_number_id.as_str()
        );
        let t = envelope("1", "message_template_status_update", json!({}), Some(5));
        assert_eq!(t["entry"][0]["time"], 5);
    }
}
