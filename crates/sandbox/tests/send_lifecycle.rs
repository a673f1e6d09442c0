//! Sends that depend on the other half of the sandbox: a customer writing in opens the window and
//! makes mark-as-read and reactions possible; uploaded media can be sent by id; approved templates
//! are checked parameter by parameter against what was created.

mod send_support;

use std::time::Duration;

use send_support::{Answer, App, CUSTOMER};
use serde_json::{Value, json};
use switchboard_sandbox::config::{
    DEFAULT_ACCESS_TOKEN, DEFAULT_PHONE_NUMBER_ID, DEFAULT_WABA_ID, WhatsAppAccount,
};

impl App {
    /// The customer writes `text` in; answers the inbound message id.
    async fn customer_writes(&self, from: &str, text: &str) -> String {
        let a = self
            .post(
                "/sandbox/v1/inbound",
                None,
                &[],
                json!({"phone_number_id": DEFAULT_PHONE_NUMBER_ID, "from": from,
                    "type": "text", "text": {"body": text}}),
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.body);
        a.body["message_id"]
            .as_str()
            .expect("message_id")
            .to_owned()
    }

    async fn mark_read(&self, id: &str) -> Answer {
        let path = format!("/v21.0/{DEFAULT_PHONE_NUMBER_ID}/messages");
        let body = json!({"messaging_product": "whatsapp", "status": "read", "message_id": id});
        self.post(&path, Some(DEFAULT_ACCESS_TOKEN), &[], body)
            .await
    }

    /// Creates a template and waits until review approves it; answers its id.
    async fn approved_template(&self, body: Value) -> String {
        let path = format!("/v21.0/{DEFAULT_WABA_ID}/message_templates");
        let a = self
            .post(&path, Some(DEFAULT_ACCESS_TOKEN), &[], body)
            .await;
        assert_eq!(a.status, 200, "{:?}", a.body);
        let id = a.body["id"].as_str().expect("template id").to_owned();
        for _ in 0..200 {
            let got = self
                .client
                .get(self.url(&format!("/v21.0/{id}")))
                .bearer_auth(DEFAULT_ACCESS_TOKEN)
                .send()
                .await
                .expect("get template");
            let got: Value = got.json().await.unwrap_or_default();
            if got["status"] == "APPROVED" {
                return id;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("template {id} was never approved");
    }

    async fn force_status(&self, id: &str, status: &str) {
        let a = self
            .post(
                &format!("/sandbox/v1/templates/{id}/status"),
                None,
                &[],
                json!({"status": status}),
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.body);
    }
}

async fn app() -> App {
    App::start(|c| {
        c.whatsapp.limits.enforce_window = true;
        c.whatsapp.templates.review_after_ms = 0;
    })
    .await
}

#[tokio::test]
async fn a_customer_writing_in_opens_the_window_for_them_only() {
    let app = app().await;
    app.send_kind("text", json!({"body": "hi"}))
        .await
        .assert_error(400, 131_047);
    let inbound = app.customer_writes(CUSTOMER, "Where is my order?").await;
    let a = app.send_kind("text", json!({"body": "On its way"})).await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    let a = app.mark_read(&inbound).await;
    assert_eq!((a.status, &a.body), (200, &json!({"success": true})));
    let a = app
        .send_kind("reaction", json!({"message_id": inbound, "emoji": "👍"}))
        .await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    // Another customer's window is still closed.
    let a = app
        .send(
            json!({"messaging_product": "whatsapp", "to": "447700900456", "type": "text",
            "text": {"body": "hi"}}),
        )
        .await;
    a.assert_error(400, 131_047);
}

#[tokio::test]
async fn uploaded_media_is_sent_by_id_from_its_own_number() {
    let app = App::start(|c| {
        c.whatsapp.accounts.push(WhatsAppAccount {
            waba_id: "2001".into(),
            phone_number_id: "3001".into(),
            access_token: "other-token".into(),
            api_key: None,
            ..WhatsAppAccount::default()
        });
    })
    .await;
    let boundary = "sandboxboundary";
    let mut form = Vec::new();
    for (name, value) in [("messaging_product", "whatsapp"), ("type", "image/png")] {
        form.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    form.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
    );
    form.extend_from_slice(b"\x89PNG\r\n\x1a\n not really a png");
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = app
        .client
        .post(app.url(&format!("/v21.0/{DEFAULT_PHONE_NUMBER_ID}/media")))
        .bearer_auth(DEFAULT_ACCESS_TOKEN)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status().as_u16(), 200);
    let uploaded: Value = res.json().await.expect("json");
    let id = uploaded["id"].as_str().expect("media id");
    let a = app
        .send_kind("image", json!({"id": id, "caption": "Receipt"}))
        .await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    // Another number cannot send it.
    let body = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "image",
        "image": {"id": id}});
    let a = app
        .post("/v21.0/3001/messages", Some("other-token"), &[], body)
        .await;
    let details = a.assert_error(400, 100);
    assert!(details.contains("not a valid media id"), "{details}");
}

#[tokio::test]
async fn positional_templates_are_checked_against_their_parameters() {
    let app = app().await;
    let id = app
        .approved_template(json!({"name": "order_ready", "language": "en_GB", "category": "UTILITY",
            "components": [
                {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["7"]}},
                {"type": "BODY", "text": "Hi {{1}}, order {{2}} is ready.", "example": {"body_text": [["Ada", "7"]]}},
                {"type": "BUTTONS", "buttons": [
                    {"type": "URL", "text": "Track", "url": "https://example.com/t/{{1}}", "example": ["https://example.com/t/7"]},
                    {"type": "QUICK_REPLY", "text": "Stop"}]}]}))
        .await;
    let send = |components: Value| {
        app.send_kind(
            "template",
            json!({"name": "order_ready", "language": {"code": "en_GB"},
            "components": components}),
        )
    };
    let header = json!({"type": "header", "parameters": [{"type": "text", "text": "7"}]});
    let body = json!({"type": "body", "parameters": [{"type": "text", "text": "Ada"}, {"type": "text", "text": "7"}]});
    let url = json!({"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "7"}]});
    let quick = json!({"type": "BUTTON", "sub_type": "QUICK_REPLY", "index": 1, "parameters": [{"type": "payload", "payload": "STOP"}]});

    // Outside any window, with every parameter right: accepted, with Meta's template status.
    let a = send(json!([header, body, url, quick])).await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    assert_eq!(a.body["messages"][0]["message_status"], "accepted");
    // The quick reply's payload is optional.
    assert_eq!(send(json!([header, body, url])).await.status, 200);

    let short_body = json!({"type": "body", "parameters": [{"type": "text", "text": "Ada"}]});
    send(json!([header, short_body, url]))
        .await
        .assert_error(400, 132_000);
    send(json!([body, url])).await.assert_error(400, 132_000);
    send(json!([header, body])).await.assert_error(400, 132_000);
    let named = json!({"type": "body", "parameters": [
        {"type": "text", "parameter_name": "first_name", "text": "Ada"}, {"type": "text", "text": "7"}]});
    send(json!([header, named, url]))
        .await
        .assert_error(400, 132_012);
    let long = json!({"type": "body", "parameters": [{"type": "text", "text": "x".repeat(1025)}, {"type": "text", "text": "7"}]});
    send(json!([header, long, url]))
        .await
        .assert_error(400, 132_005);
    let wrong_button =
        json!({"type": "button", "sub_type": "quick_reply", "index": 0, "parameters": []});
    send(json!([header, body, wrong_button]))
        .await
        .assert_error(400, 131_009);
    // Another language of the same name does not exist.
    let a = app
        .send_kind(
            "template",
            json!({"name": "order_ready", "language": {"code": "fr"},
            "components": [header, body, url]}),
        )
        .await;
    a.assert_error(404, 132_001);

    app.force_status(&id, "PAUSED").await;
    send(json!([header, body, url]))
        .await
        .assert_error(400, 132_015);
    app.force_status(&id, "DISABLED").await;
    send(json!([header, body, url]))
        .await
        .assert_error(400, 132_016);
    app.force_status(&id, "REJECTED").await;
    send(json!([header, body, url]))
        .await
        .assert_error(404, 132_001);
}

#[tokio::test]
async fn named_templates_need_their_parameter_names() {
    let app = app().await;
    app.approved_template(json!({"name": "welcome", "language": "en", "category": "MARKETING",
        "parameter_format": "NAMED",
        "components": [{"type": "BODY", "text": "Hi {{first_name}}, your code is {{code}}.",
            "example": {"body_text_named_params": [
                {"param_name": "first_name", "example": "Ada"}, {"param_name": "code", "example": "7"}]}}]}))
        .await;
    let send = |params: Value| {
        app.send_kind(
            "template",
            json!({"name": "welcome", "language": {"code": "en"},
            "components": [{"type": "body", "parameters": params}]}),
        )
    };
    let a = send(json!([
        {"type": "text", "parameter_name": "code", "text": "7"},
        {"type": "text", "parameter_name": "first_name", "text": "Ada"}]))
    .await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    let a = send(json!([{"type": "text", "text": "Ada"}, {"type": "text", "text": "7"}])).await;
    a.assert_error(400, 132_012);
    let a = send(json!([
        {"type": "text", "parameter_name": "first_name", "text": "Ada"},
        {"type": "text", "parameter_name": "coupon", "text": "7"}]))
    .await;
    let details = a.assert_error(400, 132_000);
    assert!(details.contains("code"), "{details}");
}
