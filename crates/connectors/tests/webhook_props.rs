//! `parse` never panics: not on arbitrary bytes, arbitrary JSON, nor a valid envelope whose
//! messages, statuses and values are replaced by arbitrary JSON.

use proptest::prelude::*;
use serde_json::{Value, json};
use switchboard_connectors::whatsapp_cloud::webhook::{WebhookEvent, parse};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        // Words the parser looks for, so objects often hit real code paths.
        prop::sample::select(vec![
            "messages",
            "whatsapp_business_account",
            "text",
            "image",
            "interactive",
            "button_reply",
            "1767225600",
            "reaction",
            "sent",
            "failed",
            "",
        ])
        .prop_map(Value::from),
        ".*".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop::sample::select(vec![
            "object",
            "entry",
            "id",
            "changes",
            "field",
            "value",
            "metadata",
            "messages",
            "statuses",
            "contacts",
            "errors",
            "type",
            "text",
            "body",
            "timestamp",
            "from",
            "interactive",
            "phone_number_id",
            "display_phone_number",
            "status",
            "recipient_id",
            "event",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::btree_map(keys.prop_map(String::from), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn arbitrary_json(value in arb_json()) {
        let _ = parse(&serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn arbitrary_pieces_in_a_valid_envelope(message in arb_json(), status in arb_json(), value in arb_json()) {
        let body = json!({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[
            {"field":"messages","value":{
                "metadata":{"display_phone_number":"1","phone_number_id":"2"},
                "messages":[
                    {"from":"1","id":"wamid.GOOD","timestamp":"1","type":"text","text":{"body":"ok"}},
                    message],
                "statuses":[status]}},
            {"field":"messages","value":value}]}]});
        let events = parse(&serde_json::to_vec(&body).unwrap()).unwrap();
        // Whatever surrounds it, the good message survives.
        let good = events.iter().any(|e| matches!(e,
            WebhookEvent::Message { message, .. } if message.id == "wamid.GOOD"));
        prop_assert!(good);
    }
}
