//! Template creation is validated as Meta does: every refusal answers 100 with details, and what
//! passes is what template sends are later checked against.

mod hooks_support;

use hooks_support::*;
use serde_json::{Value, json};

fn with_body(text: &str, example: Value) -> Value {
    json!({"name": "t", "language": "en_US", "category": "MARKETING",
           "components": [{"type": "BODY", "text": text, "example": example}]})
}

fn with_components(components: Value) -> Value {
    json!({"name": "t", "language": "en_US", "category": "MARKETING", "components": components})
}

fn body() -> Value {
    json!({"type": "BODY", "text": "Hello"})
}

#[tokio::test]
async fn invalid_templates_are_refused_with_details() {
    let sandbox = sandbox(None).await;
    let long = "x".repeat(1025);
    let url_button = |url: &str, example: Value| {
        with_components(
            json!([body(), {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": url, "example": example}]}]),
        )
    };
    let cases: Vec<(&str, Value)> = vec![
        (
            "uppercase name",
            json!({"name": "Order", "language": "en_US", "category": "UTILITY", "components": [body()]}),
        ),
        (
            "long name",
            json!({"name": "a".repeat(513), "language": "en_US", "category": "UTILITY", "components": [body()]}),
        ),
        (
            "no language",
            json!({"name": "a", "category": "UTILITY", "components": [body()]}),
        ),
        (
            "bad category",
            json!({"name": "a", "language": "en_US", "category": "PROMO", "components": [body()]}),
        ),
        (
            "no components",
            json!({"name": "a", "language": "en_US", "category": "UTILITY"}),
        ),
        (
            "no body",
            with_components(json!([{"type": "FOOTER", "text": "f"}])),
        ),
        ("two bodies", with_components(json!([body(), body()]))),
        ("long body", with_body(&long, json!({}))),
        (
            "gap in placeholders",
            with_body("Hi {{1}} {{3}}", json!({"body_text": [["a", "b"]]})),
        ),
        ("no example", with_body("Hi {{1}}", json!({}))),
        (
            "short example",
            with_body("Hi {{1}} {{2}}", json!({"body_text": [["a"]]})),
        ),
        ("named without format", with_body("Hi {{name}}", json!({}))),
        (
            "mixed",
            with_body("Hi {{1}} {{name}}", json!({"body_text": [["a"]]})),
        ),
        (
            "long footer",
            with_components(json!([body(), {"type": "FOOTER", "text": "f".repeat(61)}])),
        ),
        (
            "footer placeholder",
            with_components(json!([body(), {"type": "FOOTER", "text": "{{1}}"}])),
        ),
        (
            "header two params",
            with_components(
                json!([{"type": "HEADER", "format": "TEXT", "text": "{{1}} {{2}}", "example": {"header_text": ["a", "b"]}}, body()]),
            ),
        ),
        (
            "header long",
            with_components(
                json!([{"type": "HEADER", "format": "TEXT", "text": "h".repeat(61)}, body()]),
            ),
        ),
        (
            "header format",
            with_components(json!([{"type": "HEADER", "format": "GIF"}, body()])),
        ),
        (
            "image header without handle",
            with_components(json!([{"type": "HEADER", "format": "IMAGE"}, body()])),
        ),
        (
            "unknown component",
            with_components(json!([body(), {"type": "SIDEBAR"}])),
        ),
        (
            "url placeholder not at end",
            url_button("https://e.com/{{1}}/x", json!(["https://e.com/1/x"])),
        ),
        (
            "url without example",
            url_button("https://e.com/{{1}}", json!(null)),
        ),
        ("url not http", url_button("ftp://e.com", json!(null))),
        (
            "too many buttons",
            with_components(
                json!([body(), {"type": "BUTTONS", "buttons": (0..11).map(|i| json!({"type": "QUICK_REPLY", "text": format!("b{i}")})).collect::<Vec<_>>()}]),
            ),
        ),
        (
            "two phone buttons",
            with_components(json!([body(), {"type": "BUTTONS", "buttons": [
            {"type": "PHONE_NUMBER", "text": "Call", "phone_number": "+447700900001"},
            {"type": "PHONE_NUMBER", "text": "Call 2", "phone_number": "+447700900002"}]}])),
        ),
        (
            "long button text",
            with_components(
                json!([body(), {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "q".repeat(26)}]}]),
            ),
        ),
        (
            "copy code too long",
            with_components(
                json!([body(), {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "C".repeat(16)}]}]),
            ),
        ),
        (
            "flow without id",
            with_components(
                json!([body(), {"type": "BUTTONS", "buttons": [{"type": "FLOW", "text": "Open"}]}]),
            ),
        ),
    ];
    for (what, case) in cases {
        let (status, e) =
            post_json(&sandbox, &format!("/v21.0/{WABA}/message_templates"), &case).await;
        assert_eq!(status, 400, "{what}: {e}");
        assert_eq!(e["error"]["code"], 100, "{what}: {e}");
        assert!(
            e["error"]["error_data"]["details"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{what}: {e}"
        );
    }
    let (_, list) = get_json(&sandbox, &format!("/v21.0/{WABA}/message_templates")).await;
    assert_eq!(list["data"], json!([]));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn valid_shapes_are_accepted_in_any_case() {
    let sandbox = sandbox(None).await;
    let named = json!({"name": "named_one", "language": "en_US", "category": "marketing", "parameter_format": "NAMED",
        "components": [
            {"type": "header", "format": "image", "example": {"header_handle": ["4::aW1hZ2U="]}},
            {"type": "body", "text": "Hi {{first_name}}, use {{code}}", "example": {"body_text_named_params": [
                {"param_name": "first_name", "example": "Ada"}, {"param_name": "code", "example": "X1"}]}},
            {"type": "buttons", "buttons": [
                {"type": "copy_code", "example": "SAVE10"},
                {"type": "phone_number", "text": "Call", "phone_number": "+447700900001"},
                {"type": "url", "text": "Shop", "url": "https://e.com/s"},
                {"type": "flow", "text": "Book", "flow_id": "123"},
                {"type": "quick_reply", "text": "Stop"}]}]});
    let (status, ok) = post_json(
        &sandbox,
        &format!("/v21.0/{WABA}/message_templates"),
        &named,
    )
    .await;
    assert_eq!(status, 200, "{ok}");
    assert_eq!(ok["category"], "MARKETING");
    let (_, got) = get_json(&sandbox, &format!("/v21.0/{}", ok["id"].as_str().unwrap())).await;
    assert_eq!(got["parameter_format"], "NAMED");
    assert_eq!(got["components"][0]["type"], "HEADER");
    assert_eq!(got["components"][0]["format"], "IMAGE");
    assert_eq!(got["components"][2]["buttons"][0]["type"], "COPY_CODE");
    for location in [json!({"type": "HEADER", "format": "LOCATION"})] {
        let t = json!({"name": "where", "language": "pt_BR", "category": "UTILITY", "components": [location, body()]});
        assert_eq!(
            post_json(&sandbox, &format!("/v21.0/{WABA}/message_templates"), &t)
                .await
                .0,
            200
        );
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn approved_templates_are_what_sends_are_checked_against() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    let t = json!({"name": "ready", "language": "en_GB", "category": "UTILITY",
        "components": [{"type": "BODY", "text": "Hi {{1}}, order {{2}} is ready.", "example": {"body_text": [["Ada", "7"]]}}]});
    assert_eq!(
        post_json(&sandbox, &format!("/v21.0/{WABA}/message_templates"), &t)
            .await
            .0,
        200
    );
    let send = |params: Vec<&str>| {
        json!({"messaging_product": "whatsapp", "to": "447700900123", "type": "template",
        "template": {"name": "ready", "language": {"code": "en_GB"}, "components": [{"type": "body",
            "parameters": params.iter().map(|p| json!({"type": "text", "text": p})).collect::<Vec<_>>()}]}})
    };
    // Still PENDING: not sendable yet.
    let (status, e) = post_json(
        &sandbox,
        &format!("/v21.0/{NUMBER}/messages"),
        &send(vec!["Ada", "7"]),
    )
    .await;
    assert_eq!(
        (status, e["error"]["code"].clone()),
        (404, json!(132001)),
        "{e}"
    );
    wait_until(|| !hub.of_field("message_template_status_update").is_empty()).await;
    let (status, e) = post_json(
        &sandbox,
        &format!("/v21.0/{NUMBER}/messages"),
        &send(vec!["Ada"]),
    )
    .await;
    assert_eq!(
        (status, e["error"]["code"].clone()),
        (400, json!(132000)),
        "{e}"
    );
    let (status, ok) = post_json(
        &sandbox,
        &format!("/v21.0/{NUMBER}/messages"),
        &send(vec!["Ada", "7"]),
    )
    .await;
    assert_eq!(status, 200, "{ok}");
    sandbox.shutdown().await;
}
