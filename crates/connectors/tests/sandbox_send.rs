//! The real WhatsApp connector against the in-process sandbox over HTTP: every outbound type is
//! accepted, gets a wamid and lands in the outbox, in the Graph and the BSP style.

mod support;

use serde_json::{Value, json};
use support::{CUSTOMER, Env, message, message_replying};
use switchboard_connectors::Connector;
use switchboard_connectors::outbound::{ReceiptStatus, SendAction};
use switchboard_connectors::templates::{
    ButtonSpec, ComponentSpec, Examples, NewTemplate, ParameterFormat, TemplateCategory,
};
use switchboard_connectors::whatsapp_cloud::client::WhatsAppCloud;

/// Creates `name` (body with two positional placeholders and a quick-reply button) and forces
/// it APPROVED; returns its id.
pub async fn approved_template(env: &Env, wa: &WhatsAppCloud, name: &str) -> String {
    let created = wa
        .templates()
        .expect("WhatsApp manages templates")
        .create_template(&NewTemplate {
            name: name.to_owned(),
            language: "en_GB".to_owned(),
            category: TemplateCategory::Utility,
            parameter_format: ParameterFormat::Positional,
            components: vec![
                ComponentSpec::Body {
                    text: "Hi {{1}}, order {{2}} is ready.".to_owned(),
                    example: Some(Examples::Positional(vec!["Ada".into(), "7".into()])),
                },
                ComponentSpec::Buttons(vec![ButtonSpec::QuickReply {
                    text: "Stop promotions".to_owned(),
                }]),
            ],
        })
        .await
        .expect("template created");
    env.control(
        &format!("templates/{}/status", created.id),
        json!({"status": "APPROVED"}),
    )
    .await;
    created.id
}

fn template_send(name: &str, body_params: &[&str]) -> Value {
    let params: Vec<Value> = body_params
        .iter()
        .map(|p| json!({"type": "text", "text": p}))
        .collect();
    json!({"type": "template", "name": name, "language": "en_GB", "components": [
        {"type": "body", "parameters": params},
        {"type": "button", "sub_type": "quick_reply", "index": 0,
         "parameters": [{"type": "payload", "payload": "STOP_PROMOS"}]}]})
}

/// Every content kind, as the send API would receive it (media by id needs `media_id`).
fn every_kind(media_id: &str, earlier: &str) -> Vec<Value> {
    vec![
        json!({"type": "text", "body": "Your order shipped."}),
        json!({"type": "text", "body": "Track it at https://example.com/t/7", "preview_url": true}),
        json!({"type": "image", "media_id": media_id, "caption": "Receipt"}),
        json!({"type": "image", "url": "https://files.example.com/r.jpg"}),
        json!({"type": "video", "url": "https://files.example.com/v.mp4", "caption": "Clip"}),
        json!({"type": "audio", "url": "https://files.example.com/a.mp3"}),
        json!({"type": "document", "url": "https://files.example.com/inv-7.pdf",
               "filename": "inv-7.pdf", "caption": "Invoice 7"}),
        json!({"type": "sticker", "url": "https://files.example.com/s.webp"}),
        json!({"type": "location", "latitude": 51.5007, "longitude": -0.1246,
               "name": "Big Ben", "address": "Westminster, London"}),
        json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Ada Lovelace"},
               "phones": [{"phone": "+44 7700 900456", "type": "CELL", "wa_id": "447700900456"}]}]}),
        json!({"type": "reply_buttons", "header": {"type": "text", "text": "Delivery"},
               "body": "When should we deliver?", "footer": "Reply with a button",
               "buttons": [{"id": "slot_am", "title": "Morning"}, {"id": "slot_pm", "title": "Afternoon"}]}),
        json!({"type": "reply_buttons", "header": {"type": "image", "media_id": media_id},
               "body": "Like it?", "buttons": [{"id": "yes", "title": "Yes"}]}),
        json!({"type": "list", "header": "Help", "body": "Pick a topic", "button": "Topics",
               "sections": [{"title": "Orders", "rows": [
                   {"id": "ord_status", "title": "Order status", "description": "Where is my parcel?"}]},
                   {"title": "Other", "rows": [{"id": "agent", "title": "Talk to us"}]}]}),
        json!({"type": "cta_url", "body": "Track your parcel.", "display_text": "Track",
               "url": "https://example.com/t/7"}),
        json!({"type": "reaction", "message_id": earlier, "emoji": "👍"}),
        json!({"type": "reaction", "message_id": earlier, "emoji": ""}),
        template_send("order_ready", &["Ada", "7"]),
    ]
}

/// Sends every kind through `wa` and checks each receipt against the outbox.
async fn sends_every_kind(env: &Env, wa: &WhatsAppCloud) {
    let media_id = wa
        .upload_media(
            bytes::Bytes::from_static(b"\x89PNG fake"),
            "image/png",
            "r.png",
        )
        .await
        .expect("upload");
    let first = wa
        .send(&message(CUSTOMER, json!({"type": "text", "body": "First"})))
        .await
        .expect("first send");
    approved_template(env, wa, "order_ready").await;
    let kinds = every_kind(&media_id, &first.provider_message_id);
    let mut wamids = vec![first.provider_message_id.clone()];
    for content in &kinds {
        let receipt = wa
            .send(&message(CUSTOMER, content.clone()))
            .await
            .unwrap_or_else(|e| panic!("{content}: {e}"));
        assert!(
            receipt.provider_message_id.starts_with("wamid."),
            "{receipt:?}"
        );
        assert_eq!(receipt.recipient_id.as_deref(), Some(CUSTOMER));
        assert!(matches!(
            receipt.status,
            ReceiptStatus::Accepted | ReceiptStatus::HeldForQualityAssessment
        ));
        wamids.push(receipt.provider_message_id);
    }
    // A reply quoting the first message carries its context to the provider.
    let reply = wa
        .send(&message_replying(
            CUSTOMER,
            json!({"type": "text", "body": "Yes"}),
            Some(&first.provider_message_id),
        ))
        .await
        .expect("reply");
    wamids.push(reply.provider_message_id.clone());

    let outbox = env.outbox(CUSTOMER).await;
    let ids: Vec<&str> = outbox.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids, wamids.iter().map(String::as_str).collect::<Vec<_>>());
    let types: Vec<&str> = outbox.iter().filter_map(|e| e["type"].as_str()).collect();
    for kind in [
        "text",
        "image",
        "video",
        "audio",
        "document",
        "sticker",
        "location",
        "contacts",
        "interactive",
        "reaction",
        "template",
    ] {
        assert!(types.contains(&kind), "{kind} missing from {types:?}");
    }
    let last = outbox.last().expect("entries");
    assert_eq!(
        last["body"]["context"]["message_id"],
        json!(first.provider_message_id)
    );
}

#[tokio::test]
async fn graph_style_sends_every_outbound_type() {
    let env = Env::open_window().await;
    sends_every_kind(&env, &env.graph()).await;
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn bsp_style_sends_every_outbound_type_with_the_api_key_header() {
    let env = Env::open_window().await;
    sends_every_kind(&env, &env.bsp()).await;
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn callback_data_reaches_the_provider() {
    let env = Env::open_window().await;
    let mut m = message(CUSTOMER, json!({"type": "text", "body": "Hi"}));
    m.callback_data = Some("job-42".to_owned());
    env.graph().send(&m).await.expect("sent");
    let outbox = env.outbox(CUSTOMER).await;
    assert_eq!(
        outbox[0]["body"]["biz_opaque_callback_data"],
        json!("job-42")
    );
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn invalid_content_never_reaches_the_provider() {
    let env = Env::open_window().await;
    let four_buttons = json!({"type": "reply_buttons", "body": "Pick", "buttons": [
        {"id": "a", "title": "A"}, {"id": "b", "title": "B"},
        {"id": "c", "title": "C"}, {"id": "d", "title": "D"}]});
    let e = env
        .graph()
        .send(&message(CUSTOMER, four_buttons))
        .await
        .unwrap_err();
    assert_eq!(
        (e.action, e.code),
        (SendAction::Rejected, "invalid_content")
    );
    assert_eq!(e.http_status, None);
    let stats = env.get("stats").await;
    assert_eq!(stats["accepted"], json!(0));
    assert_eq!(stats["rejected"], json!({}), "nothing was sent");
    env.sandbox.shutdown().await;
}
