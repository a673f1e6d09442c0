//! Every message type the sandbox accepts, answered in Meta's success shape and recorded in the
//! outbox as received.

mod send_support;

use send_support::{App, CUSTOMER};
use serde_json::{Value, json};

fn assert_accepted(a: &send_support::Answer, input: &str, template: bool) {
    assert_eq!(a.status, 200, "{:#}", a.body);
    assert_eq!(a.body["messaging_product"], "whatsapp");
    assert_eq!(
        a.body["contacts"],
        json!([{"input": input, "wa_id": CUSTOMER}])
    );
    let messages = a.body["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 1);
    let id = messages[0]["id"].as_str().expect("id");
    assert!(id.starts_with("wamid.") && id.len() <= 128, "{id}");
    assert_eq!(
        messages[0].get("message_status"),
        template.then(|| json!("accepted")).as_ref()
    );
}

#[tokio::test]
async fn every_free_form_type_is_accepted_and_recorded() {
    let app = App::start(|_| {}).await;
    let link = "https://files.example.com/a.bin";
    let cases: Vec<(&str, Value)> = vec![
        (
            "text",
            json!({"body": "Your order shipped.", "preview_url": false}),
        ),
        ("image", json!({"link": link, "caption": "Receipt"})),
        ("video", json!({"link": link, "caption": "Unboxing"})),
        ("audio", json!({"link": link})),
        (
            "document",
            json!({"link": link, "filename": "inv-7.pdf", "caption": "Invoice 7"}),
        ),
        ("sticker", json!({"link": link})),
        (
            "location",
            json!({"latitude": 51.5007, "longitude": -0.1246, "name": "Big Ben", "address": "Westminster, London"}),
        ),
        (
            "contacts",
            json!([{
                "name": {"formatted_name": "Ada Lovelace", "first_name": "Ada"},
                "phones": [{"phone": "+44 7700 900456", "type": "CELL", "wa_id": "447700900456"}],
                "emails": [{"email": "ada@example.com", "type": "WORK"}],
                "urls": [{"url": "https://example.com", "type": "WORK"}],
                "addresses": [{"street": "1 Road", "city": "London", "country_code": "GB", "type": "HOME"}],
                "org": {"company": "Analytical Engines"},
                "birthday": "1815-12-10"
            }]),
        ),
        (
            "interactive",
            json!({"type": "button",
            "header": {"type": "text", "text": "Delivery"},
            "body": {"text": "When should we deliver?"},
            "footer": {"text": "Reply with a button"},
            "action": {"buttons": [
                {"type": "reply", "reply": {"id": "slot_am", "title": "Morning"}},
                {"type": "reply", "reply": {"id": "slot_pm", "title": "Afternoon"}},
                {"type": "reply", "reply": {"id": "slot_eve", "title": "Evening"}}]}}),
        ),
        (
            "interactive",
            json!({"type": "button",
            "header": {"type": "image", "image": {"link": link}},
            "body": {"text": "Like it?"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "y", "title": "Yes"}}]}}),
        ),
        (
            "interactive",
            json!({"type": "list", "body": {"text": "Pick a topic"},
            "header": {"type": "text", "text": "Help"},
            "action": {"button": "Topics", "sections": [
                {"title": "Orders", "rows": [{"id": "ord_status", "title": "Order status", "description": "Where is my parcel?"}]},
                {"title": "Account", "rows": [{"id": "acc", "title": "My account"}]}]}}),
        ),
        (
            "interactive",
            json!({"type": "cta_url", "body": {"text": "Track your parcel."},
            "action": {"name": "cta_url", "parameters": {"display_text": "Track", "url": "https://example.com/t/7"}}}),
        ),
    ];
    let mut ids = Vec::new();
    for (kind, object) in &cases {
        let a = app.send_kind(kind, object.clone()).await;
        assert_accepted(&a, CUSTOMER, false);
        ids.push(a.wamid());
    }
    let outbox = app.outbox("?limit=100").await;
    assert_eq!(outbox.len(), cases.len());
    for ((entry, (kind, object)), id) in outbox.iter().zip(&cases).zip(&ids) {
        assert_eq!(entry["id"], json!(id));
        assert_eq!(entry["type"], json!(kind));
        assert_eq!(entry["body"][kind], *object, "the body is kept as received");
        assert_eq!(entry["wa_id"], CUSTOMER);
        assert!(
            entry["received_at"]
                .as_str()
                .is_some_and(|t| t.contains('T'))
        );
    }
    let texts = app.outbox("?type=text").await;
    assert_eq!(texts.len(), 1);
}

#[tokio::test]
async fn reply_context_callback_data_and_formatted_numbers() {
    let app = App::start(|_| {}).await;
    let first = app.send_kind("text", json!({"body": "hi"})).await;
    let a = app
        .send(json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "+44 (7700) 900-123",
            "type": "text",
            "context": {"message_id": first.wamid()},
            "biz_opaque_callback_data": "order-7",
            "text": {"body": "a reply"}
        }))
        .await;
    assert_accepted(&a, "+44 (7700) 900-123", false);
    let mine = app.outbox("?to=447700900123").await;
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[1]["to"], "+44 (7700) 900-123");
}

#[tokio::test]
async fn reactions_need_a_message_in_the_chat() {
    let app = App::start(|_| {}).await;
    let sent = app.send_kind("text", json!({"body": "hi"})).await.wamid();
    for emoji in ["👍", "❤️", ""] {
        let a = app
            .send_kind("reaction", json!({"message_id": sent, "emoji": emoji}))
            .await;
        assert_accepted(&a, CUSTOMER, false);
    }
    let a = app
        .send_kind(
            "reaction",
            json!({"message_id": "wamid.NOPE", "emoji": "👍"}),
        )
        .await;
    let details = a.assert_error(400, 131_009);
    assert!(details.contains("wamid.NOPE"), "{details}");
    // Our message to one customer is not in another customer's chat.
    let a = app
        .send(
            json!({"messaging_product": "whatsapp", "to": "447700900456", "type": "reaction",
            "reaction": {"message_id": sent, "emoji": "👍"}}),
        )
        .await;
    a.assert_error(400, 131_009);
}

#[tokio::test]
async fn unknown_templates_and_media_ids_are_refused() {
    let app = App::start(|_| {}).await;
    let a = app
        .send_kind(
            "template",
            json!({"name": "no_such_template", "language": {"code": "en_GB"}}),
        )
        .await;
    let details = a.assert_error(404, 132_001);
    assert!(details.contains("no_such_template"), "{details}");
    let a = app.send_kind("image", json!({"id": "1234567890"})).await;
    let details = a.assert_error(400, 100);
    assert_eq!(
        details,
        "Param image['id'] is not a valid media id: 1234567890"
    );
    assert!(
        app.outbox("").await.is_empty(),
        "refused sends are not recorded"
    );
}

#[tokio::test]
async fn group_sends_take_a_group_id() {
    let app = App::start(|c| c.whatsapp.limits.enforce_window = true).await;
    let a = app
        .send(
            json!({"messaging_product": "whatsapp", "recipient_type": "group",
            "to": "Ab12Cd34Ef", "type": "text", "text": {"body": "hello all"}}),
        )
        .await;
    assert_eq!(a.status, 200, "{:#}", a.body);
    assert_eq!(a.body["contacts"][0]["wa_id"], "Ab12Cd34Ef");
}
