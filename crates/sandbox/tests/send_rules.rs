//! Every limit of PROVIDERS §1.2–1.3 refused with Meta's code and a `details` naming the
//! parameter, one test per rule family. 100: missing, mistyped or unexpected; 131009: out of
//! bounds.

mod send_support;

use send_support::App;
use serde_json::{Value, json};

/// Sends each `(type, object)` and checks the code and exact details.
async fn refused(app: &App, cases: Vec<(&str, Value, i64, &str)>) {
    for (kind, object, code, details) in cases {
        let a = app.send_kind(kind, object.clone()).await;
        let got = a.assert_error(if code == 132_001 { 404 } else { 400 }, code);
        assert_eq!(got, details, "{kind}: {object}");
    }
    assert!(app.outbox("").await.is_empty());
}

fn s(n: usize) -> String {
    "x".repeat(n)
}

#[tokio::test]
async fn common_fields() {
    let app = App::start(|_| {}).await;
    let cases = [
        (
            json!({"to": "447700900123", "type": "text", "text": {"body": "x"}}),
            100,
            "Param messaging_product is required",
        ),
        (
            json!({"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}}),
            100,
            "Param to is required",
        ),
        (
            json!({"messaging_product": "whatsapp", "to": "12ab", "type": "text", "text": {"body": "x"}}),
            131_009,
            "Param to must be a valid phone number in international format (8 to 15 digits with the country code), got \"12ab\"",
        ),
        (
            json!({"messaging_product": "whatsapp", "to": "1234567", "type": "text", "text": {"body": "x"}}),
            131_009,
            "Param to must be a valid phone number in international format (8 to 15 digits with the country code), got \"1234567\"",
        ),
        (
            json!({"messaging_product": "whatsapp", "to": "447700900123", "type": "fax", "fax": {}}),
            131_009,
            "Param type has an invalid value: fax",
        ),
        (
            json!({"messaging_product": "whatsapp", "to": "447700900123", "type": "order", "order": {}}),
            131_051,
            "Message type order is not supported for sending",
        ),
        (
            json!({"messaging_product": "whatsapp", "to": "447700900123", "type": "text", "text": {"body": "x"}, "x": 1}),
            100,
            "Unexpected key \"x\" on param",
        ),
        (
            json!({"messaging_product": "whatsapp", "to": "447700900123", "type": "text", "text": {"body": "x"}, "biz_opaque_callback_data": s(513)}),
            131_009,
            "Param biz_opaque_callback_data must be at most 512 characters long",
        ),
        (
            json!({"messaging_product": "whatsapp", "to": "447700900123", "type": "text", "text": {"body": "x"}, "context": {"message_id": 1}}),
            100,
            "Param context['message_id'] must be a string",
        ),
    ];
    for (body, code, details) in cases {
        let a = app.send(body.clone()).await;
        assert_eq!(a.assert_error(400, code), details, "{body}");
    }
    let a = app
        .post(
            &format!(
                "/v21.0/{}/messages",
                switchboard_sandbox::config::DEFAULT_PHONE_NUMBER_ID
            ),
            Some(switchboard_sandbox::config::DEFAULT_ACCESS_TOKEN),
            &[],
            json!("not an object"),
        )
        .await;
    a.assert_error(400, 100);
}

#[tokio::test]
async fn text_and_media() {
    let app = App::start(|_| {}).await;
    let link = "https://example.com/a.jpg";
    refused(
        &app,
        vec![
            ("text", json!({}), 100, "Param text['body'] is required"),
            (
                "text",
                json!({"body": ""}),
                131_009,
                "Param text['body'] must not be empty",
            ),
            (
                "text",
                json!({"body": s(4097)}),
                131_009,
                "Param text['body'] must be at most 4096 characters long",
            ),
            (
                "text",
                json!({"body": "x", "preview_url": "yes"}),
                100,
                "Param text['preview_url'] must be a boolean",
            ),
            (
                "text",
                json!({"body": "x", "bdy": "x"}),
                100,
                "Unexpected key \"bdy\" on param \"text\"",
            ),
            (
                "image",
                json!({}),
                100,
                "Param image must have either id or link",
            ),
            (
                "image",
                json!({"id": "1", "link": link}),
                131_009,
                "Param image must have exactly one of id or link, not both",
            ),
            (
                "image",
                json!({"link": "ftp://example.com/a.jpg"}),
                131_009,
                "Param image['link'] must be a valid http or https URL",
            ),
            (
                "image",
                json!({"link": link, "caption": s(1025)}),
                131_009,
                "Param image['caption'] must be at most 1024 characters long",
            ),
            (
                "image",
                json!({"link": link, "filename": "a.jpg"}),
                100,
                "Unexpected key \"filename\" on param \"image\"",
            ),
            (
                "audio",
                json!({"link": link, "caption": "no"}),
                100,
                "Unexpected key \"caption\" on param \"audio\"",
            ),
            (
                "sticker",
                json!({"link": link, "caption": "no"}),
                100,
                "Unexpected key \"caption\" on param \"sticker\"",
            ),
        ],
    )
    .await;
    // The caption limit counts characters, not bytes.
    let a = app
        .send_kind("video", json!({"link": link, "caption": "é".repeat(1024)}))
        .await;
    assert_eq!(a.status, 200, "{:#}", a.body);
}

#[tokio::test]
async fn location_contacts_and_reaction() {
    let app = App::start(|_| {}).await;
    refused(&app, vec![
        ("location", json!({"longitude": 0}), 100, "Param location['latitude'] is required"),
        ("location", json!({"latitude": 91, "longitude": 0}), 131_009, "Param location['latitude'] must be between -90 and 90"),
        ("location", json!({"latitude": 0, "longitude": -180.5}), 131_009, "Param location['longitude'] must be between -180 and 180"),
        ("location", json!({"latitude": "north", "longitude": 0}), 131_009, "Param location['latitude'] must be a number"),
        ("contacts", json!([]), 131_009, "Param contacts must have at least 1 element"),
        ("contacts", json!([{"name": {"formatted_name": "Ada"}}]), 100, "Param contacts[0]['name'] requires at least one of first_name, last_name, middle_name, suffix, prefix besides formatted_name"),
        ("contacts", json!([{"name": {"first_name": "Ada"}}]), 100, "Param contacts[0]['name']['formatted_name'] is required"),
        ("contacts", json!([{"name": {"formatted_name": "Ada L", "first_name": "Ada"}, "birthday": "10/12/1815"}]), 131_009, "Param contacts[0]['birthday'] must be a date as YYYY-MM-DD"),
        ("contacts", json!([{"name": {"formatted_name": "Ada L", "first_name": "Ada"}, "phones": [{"phone": "1", "kind": "x"}]}]), 100, "Unexpected key \"kind\" on param \"contacts[0]['phones'][0]\""),
        ("reaction", json!({"emoji": "👍"}), 100, "Param reaction['message_id'] is required"),
        ("reaction", json!({"message_id": "wamid.X", "emoji": "ok"}), 131_009, "Param reaction['emoji'] must be a single emoji, or empty to remove the reaction"),
        ("reaction", json!({"message_id": "wamid.X", "emoji": "👍👍"}), 131_009, "Param reaction['emoji'] must be a single emoji, or empty to remove the reaction"),
    ]).await;
}

fn button(id: &str, title: &str) -> Value {
    json!({"type": "reply", "reply": {"id": id, "title": title}})
}

fn buttons(list: Vec<Value>) -> Value {
    json!({"type": "button", "body": {"text": "Pick"}, "action": {"buttons": list}})
}

#[tokio::test]
async fn reply_buttons() {
    let app = App::start(|_| {}).await;
    let p = "interactive['action']['buttons']";
    let four = (0..4)
        .map(|i| button(&format!("b{i}"), &format!("B{i}")))
        .collect();
    let details_ids = format!("Param {p}[1]['reply']['id'] must be unique, \"a\" is repeated");
    let details_titles =
        format!("Param {p}[1]['reply']['title'] must be unique, \"A\" is repeated");
    refused(&app, vec![
        ("interactive", buttons(four), 131_009, &format!("Param {p} must have at most 3 elements")),
        ("interactive", buttons(vec![]), 131_009, &format!("Param {p} must have at least 1 element")),
        ("interactive", buttons(vec![button("a", &s(21))]), 131_009, &format!("Param {p}[0]['reply']['title'] must be at most 20 characters long")),
        ("interactive", buttons(vec![button("a", " ")]), 131_009, &format!("Param {p}[0]['reply']['title'] must not be empty")),
        ("interactive", buttons(vec![button(&s(257), "A")]), 131_009, &format!("Param {p}[0]['reply']['id'] must be at most 256 characters long")),
        ("interactive", buttons(vec![button(" a", "A")]), 131_009, &format!("Param {p}[0]['reply']['id'] must not have leading or trailing spaces")),
        ("interactive", buttons(vec![button("a", "A"), button("a", "B")]), 131_009, &details_ids),
        ("interactive", buttons(vec![button("a", "A"), button("b", "A")]), 131_009, &details_titles),
        ("interactive", json!({"type": "button", "action": {"buttons": [button("a", "A")]}}), 100, "Param interactive['body'] is required"),
        ("interactive", json!({"type": "button", "body": {"text": s(1025)}, "action": {"buttons": [button("a", "A")]}}), 131_009, "Param interactive['body']['text'] must be at most 1024 characters long"),
        ("interactive", json!({"type": "button", "header": {"type": "text", "text": s(61)}, "body": {"text": "x"}, "action": {"buttons": [button("a", "A")]}}), 131_009, "Param interactive['header']['text'] must be at most 60 characters long"),
        ("interactive", json!({"type": "button", "footer": {"text": s(61)}, "body": {"text": "x"}, "action": {"buttons": [button("a", "A")]}}), 131_009, "Param interactive['footer']['text'] must be at most 60 characters long"),
        ("interactive", json!({"type": "button", "header": {"type": "sticker"}, "body": {"text": "x"}, "action": {"buttons": [button("a", "A")]}}), 131_009, "Param interactive['header']['type'] must be one of {text, image, video, document}, got sticker"),
        ("interactive", json!({"type": "carousel"}), 131_051, "Interactive type carousel is not supported by the sandbox"),
        ("interactive", json!({"type": "poll"}), 131_009, "Param interactive['type'] must be one of {button, list, cta_url}, got poll"),
    ]).await;
}

fn rows(n: usize, prefix: &str) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"id": format!("{prefix}{i}"), "title": format!("Row {i}")}))
        .collect()
}

fn list(button: &str, sections: Value) -> Value {
    json!({"type": "list", "body": {"text": "Pick"}, "action": {"button": button, "sections": sections}})
}

#[tokio::test]
async fn lists_and_cta_urls() {
    let app = App::start(|_| {}).await;
    let p = "interactive['action']";
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"title": format!("S{i}"), "rows": rows(1, &format!("s{i}r"))}))
        .collect();
    let cta = |text: &str, url: &str| {
        json!({"type": "cta_url", "body": {"text": "Go"},
        "action": {"name": "cta_url", "parameters": {"display_text": text, "url": url}}})
    };
    refused(&app, vec![
        ("interactive", list(&s(21), json!([{"rows": rows(1, "r")}])), 131_009, &format!("Param {p}['button'] must be at most 20 characters long")),
        ("interactive", list("Go", json!(eleven)), 131_009, &format!("Param {p}['sections'] must have at most 10 elements")),
        ("interactive", list("Go", json!([{"title": "A", "rows": rows(6, "a")}, {"title": "B", "rows": rows(5, "b")}])), 131_009, &format!("Param {p}['sections'] must have at most 10 rows in total")),
        ("interactive", list("Go", json!([{"rows": rows(1, "a")}, {"title": "B", "rows": rows(1, "b")}])), 100, &format!("Param {p}['sections'][0]['title'] is required")),
        ("interactive", list("Go", json!([{"title": s(25), "rows": rows(1, "a")}])), 131_009, &format!("Param {p}['sections'][0]['title'] must be at most 24 characters long")),
        ("interactive", list("Go", json!([{"rows": []}])), 131_009, &format!("Param {p}['sections'][0]['rows'] must have at least 1 element")),
        ("interactive", list("Go", json!([{"rows": [{"id": s(201), "title": "t"}]}])), 131_009, &format!("Param {p}['sections'][0]['rows'][0]['id'] must be at most 200 characters long")),
        ("interactive", list("Go", json!([{"rows": [{"id": "a", "title": s(25)}]}])), 131_009, &format!("Param {p}['sections'][0]['rows'][0]['title'] must be at most 24 characters long")),
        ("interactive", list("Go", json!([{"rows": [{"id": "a", "title": "t", "description": s(73)}]}])), 131_009, &format!("Param {p}['sections'][0]['rows'][0]['description'] must be at most 72 characters long")),
        ("interactive", list("Go", json!([{"title": "A", "rows": rows(1, "a")}, {"title": "B", "rows": rows(1, "a")}])), 131_009, &format!("Param {p}['sections'][1]['rows'][0]['id'] must be unique, \"a0\" is repeated")),
        ("interactive", json!({"type": "list", "header": {"type": "image", "image": {"link": "https://e.com/a.jpg"}}, "body": {"text": "x"}, "action": {"button": "Go", "sections": [{"rows": rows(1, "r")}]}}), 131_009, "Param interactive['header']['type'] must be text, got image"),
        ("interactive", cta(&s(21), "https://example.com"), 131_009, &format!("Param {p}['parameters']['display_text'] must be at most 20 characters long")),
        ("interactive", cta("Go", "example.com"), 131_009, &format!("Param {p}['parameters']['url'] must be a valid http or https URL")),
    ]).await;
    // 4096 characters is a valid list body (not 1024 as for buttons).
    let mut body = list("Go", json!([{"rows": rows(10, "r")}]));
    body["body"]["text"] = json!(s(4096));
    assert_eq!(app.send_kind("interactive", body).await.status, 200);
}

#[tokio::test]
async fn template_shape() {
    let app = App::start(|_| {}).await;
    refused(&app, vec![
        ("template", json!({"language": {"code": "en"}}), 100, "Param template['name'] is required"),
        ("template", json!({"name": "t"}), 100, "Param template['language'] is required"),
        ("template", json!({"name": "t", "language": {}}), 100, "Param template['language']['code'] is required"),
        ("template", json!({"name": "t", "language": {"code": "en"}, "components": [{"type": "footer"}]}), 131_009, "Param template['components'][0]['type'] must be one of {header, body, button}, got footer"),
        ("template", json!({"name": "t", "language": {"code": "en"}, "components": [{"type": "BUTTON", "sub_type": "URL"}]}), 100, "Param template['components'][0]['index'] is required"),
        ("template", json!({"name": "t", "language": {"code": "en"}, "components": [{"type": "body", "parameters": [{"type": "txt", "text": "a"}]}]}), 131_009, "Param template['components'][0]['parameters'][0]['type'] has an invalid value: txt"),
        ("template", json!({"name": "t", "language": {"code": "en"}, "components": [{"type": "body", "parameters": [{"type": "text"}]}]}), 100, "Param template['components'][0]['parameters'][0]['text'] is required"),
        // A well-formed send of a template that does not exist.
        ("template", json!({"name": "t", "language": {"code": "en"}, "components": [
            {"type": "BODY", "parameters": [{"type": "text", "text": "Ada"}]},
            {"type": "button", "sub_type": "quick_reply", "index": 0, "parameters": [{"type": "payload", "payload": "P"}]}]}),
            132_001, "template name (t) does not exist in en"),
    ]).await;
}
