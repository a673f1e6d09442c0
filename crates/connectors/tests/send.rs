//! Every send body serialises to exactly the JSON of PROVIDERS §1.2–1.4, and the answers parse.

use serde_json::{Value, json};
use switchboard_connectors::whatsapp_cloud::contact::{Contact, ContactName, ContactPhone};
use switchboard_connectors::whatsapp_cloud::send::*;

const TO: &str = "447700900123";

/// The common fields plus the type-specific part, as PROVIDERS writes them.
fn expected(type_part: Value) -> Value {
    let mut body = json!({"messaging_product": "whatsapp", "to": TO});
    let (Value::Object(map), Value::Object(part)) = (&mut body, type_part) else {
        panic!("objects expected");
    };
    map.extend(part);
    body
}

fn assert_wire(request: &SendRequest, type_part: Value) {
    let actual = serde_json::to_value(request).unwrap();
    assert_eq!(actual, expected(type_part));
    // And the same JSON reads back into the same request (the sandbox parses what we send).
    let back: SendRequest = serde_json::from_value(actual).unwrap();
    assert_eq!(&back, request);
}

#[test]
fn text() {
    let body = MessageBody::Text {
        text: Text {
            body: "Your order shipped.".into(),
            preview_url: Some(false),
        },
    };
    assert_wire(
        &SendRequest::new(TO, body),
        json!({"type":"text","text":{"body":"Your order shipped.","preview_url":false}}),
    );
}

#[test]
fn text_leaves_absent_optionals_out() {
    let body = MessageBody::Text {
        text: Text {
            body: "Hi".into(),
            preview_url: None,
        },
    };
    assert_wire(
        &SendRequest::new(TO, body),
        json!({"type":"text","text":{"body":"Hi"}}),
    );
}

#[test]
fn image_by_id() {
    let mut image = Media::new(MediaSource::Id("1234567890".into()));
    image.caption = Some("Receipt".into());
    assert_wire(
        &SendRequest::new(TO, MessageBody::Image { image }),
        json!({"type":"image","image":{"id":"1234567890","caption":"Receipt"}}),
    );
}

#[test]
fn document_by_link() {
    let document = Media {
        source: MediaSource::Link("https://files.example.com/inv-7.pdf".into()),
        caption: Some("Invoice 7".into()),
        filename: Some("inv-7.pdf".into()),
    };
    assert_wire(
        &SendRequest::new(TO, MessageBody::Document { document }),
        json!({"type":"document","document":{"link":"https://files.example.com/inv-7.pdf","filename":"inv-7.pdf","caption":"Invoice 7"}}),
    );
}

#[test]
fn other_media_kinds_use_their_own_key() {
    let media = || Media::new(MediaSource::Id("42".into()));
    let cases = [
        (MessageBody::Video { video: media() }, "video"),
        (MessageBody::Audio { audio: media() }, "audio"),
        (MessageBody::Sticker { sticker: media() }, "sticker"),
    ];
    for (body, kind) in cases {
        assert_wire(
            &SendRequest::new(TO, body),
            json!({"type": kind, kind: {"id": "42"}}),
        );
    }
}

#[test]
fn media_with_both_sources_is_refused() {
    let both = json!({"messaging_product":"whatsapp","to":TO,"type":"image",
        "image":{"id":"1","link":"https://x.example/a.jpg"}});
    assert!(serde_json::from_value::<SendRequest>(both).is_err());
    let neither = json!({"messaging_product":"whatsapp","to":TO,"type":"image","image":{}});
    assert!(serde_json::from_value::<SendRequest>(neither).is_err());
}

#[test]
fn location() {
    let location = Location {
        latitude: 51.5007,
        longitude: -0.1246,
        name: Some("Big Ben".into()),
        address: Some("Westminster, London".into()),
    };
    assert_wire(
        &SendRequest::new(TO, MessageBody::Location { location }),
        json!({"type":"location","location":{"latitude":51.5007,"longitude":-0.1246,"name":"Big Ben","address":"Westminster, London"}}),
    );
}

#[test]
fn contacts() {
    let contact = Contact {
        name: ContactName {
            formatted_name: "Ada Lovelace".into(),
            first_name: Some("Ada".into()),
            ..ContactName::default()
        },
        phones: vec![ContactPhone {
            phone: Some("+44 7700 900456".into()),
            kind: Some("CELL".into()),
            wa_id: Some("447700900456".into()),
        }],
        emails: vec![],
        urls: vec![],
        addresses: vec![],
        org: None,
        birthday: None,
    };
    assert_wire(
        &SendRequest::new(
            TO,
            MessageBody::Contacts {
                contacts: vec![contact],
            },
        ),
        json!({"type":"contacts","contacts":[{"name":{"formatted_name":"Ada Lovelace","first_name":"Ada"},"phones":[{"phone":"+44 7700 900456","type":"CELL","wa_id":"447700900456"}]}]}),
    );
}

#[test]
fn reaction_and_its_removal() {
    let react = |emoji: &str| MessageBody::Reaction {
        reaction: Reaction {
            message_id: "wamid.INBOUND1".into(),
            emoji: emoji.into(),
        },
    };
    assert_wire(
        &SendRequest::new(TO, react("👍")),
        json!({"type":"reaction","reaction":{"message_id":"wamid.INBOUND1","emoji":"👍"}}),
    );
    assert_wire(
        &SendRequest::new(TO, react("")),
        json!({"type":"reaction","reaction":{"message_id":"wamid.INBOUND1","emoji":""}}),
    );
}

#[test]
fn reply_context_and_callback_data() {
    let mut request = SendRequest::new(
        TO,
        MessageBody::Text {
            text: Text {
                body: "Yes".into(),
                preview_url: None,
            },
        },
    );
    request.context = Some(ReplyContext {
        message_id: "wamid.IN1".into(),
    });
    request.biz_opaque_callback_data = Some("msg_01".into());
    request.recipient_type = Some("individual".into());
    assert_wire(
        &request,
        json!({"type":"text","text":{"body":"Yes"},"context":{"message_id":"wamid.IN1"},
               "biz_opaque_callback_data":"msg_01","recipient_type":"individual"}),
    );
}

#[test]
fn mark_read_with_and_without_typing() {
    let read = serde_json::to_value(MarkRead::new("wamid.IN1", false)).unwrap();
    assert_eq!(
        read,
        json!({"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN1"})
    );
    let typing = serde_json::to_value(MarkRead::new("wamid.IN1", true)).unwrap();
    assert_eq!(
        typing,
        json!({"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN1",
               "typing_indicator":{"type":"text"}})
    );
}

#[test]
fn success_response_parses() {
    let body = r#"{"messaging_product":"whatsapp",
 "contacts":[{"input":"+447700900123","wa_id":"447700900123"}],
 "messages":[{"id":"wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQUJDREVGMDEyMzQ1Njc4OQA="}]}"#;
    let response: SendResponse = serde_json::from_str(body).unwrap();
    assert_eq!(response.contacts[0].input, "+447700900123");
    assert_eq!(response.contacts[0].wa_id, "447700900123");
    assert_eq!(
        response.messages[0].id,
        "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQUJDREVGMDEyMzQ1Njc4OQA="
    );
    assert_eq!(response.messages[0].message_status, None);

    let held = r#"{"messaging_product":"whatsapp","contacts":[],
 "messages":[{"id":"wamid.X","message_status":"held_for_quality_assessment"}]}"#;
    let response: SendResponse = serde_json::from_str(held).unwrap();
    assert_eq!(
        response.messages[0].message_status.as_deref(),
        Some("held_for_quality_assessment")
    );

    let ok: SuccessResponse = serde_json::from_str(r#"{"success":true}"#).unwrap();
    assert!(ok.success);
}
