//! Customers writing in, through real HTTP: the inbound message webhook's shape for several types,
//! media the hub can download, the window it opens, and refusals of bad requests.

mod hooks_support;

use base64::Engine as _;
use hooks_support::*;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const CUSTOMER: &str = "447700900123";

/// Posts an inbound message and answers the `messages[0]` the hub received, with the change value.
async fn inbound(sandbox: &switchboard_sandbox::Sandbox, hub: &Hub, body: Value) -> (Value, Value) {
    let before = hub.received().len();
    let (status, answer) = post_json(sandbox, "/sandbox/v1/inbound", &body).await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer["delivery_id"]
            .as_str()
            .is_some_and(|d| d.starts_with("dlv_"))
    );
    let got = hub.wait_for(before + 1).await.remove(before);
    assert_eq!(
        got.signature.as_deref(),
        Some(expected_signature(SECRET, &got.body).as_str())
    );
    let webhook = got.json();
    assert_eq!(webhook["object"], "whatsapp_business_account");
    assert_eq!(webhook["entry"][0]["id"], WABA);
    assert_eq!(webhook["entry"][0]["changes"][0]["field"], "messages");
    let value = webhook["entry"][0]["changes"][0]["value"].clone();
    let message = value["messages"][0].clone();
    assert_eq!(message["id"], answer["message_id"]);
    (message, value)
}

fn base(kind: &str, object: Value) -> Value {
    json!({"phone_number_id": NUMBER, "from": format!("+{CUSTOMER}"), "type": kind, kind: object})
}

#[tokio::test]
async fn text_has_metas_shape_and_opens_the_window() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    // Outside the window, a free-form send is refused.
    let text = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text", "text": {"body": "hi"}});
    let (status, refused) = post_json(&sandbox, &format!("/v21.0/{NUMBER}/messages"), &text).await;
    assert_eq!(
        (status, refused["error"]["code"].clone()),
        (400, json!(131047))
    );

    let mut body = base("text", json!({"body": "Hi, où est ma commande? 📦"}));
    body["name"] = json!("Ada");
    let (message, value) = inbound(&sandbox, &hub, body).await;
    assert_eq!(value["messaging_product"], "whatsapp");
    assert_eq!(
        value["metadata"],
        json!({"display_phone_number": "447700900001", "phone_number_id": NUMBER})
    );
    assert_eq!(
        value["contacts"],
        json!([{"profile": {"name": "Ada"}, "wa_id": CUSTOMER}])
    );
    assert_eq!(message["from"], CUSTOMER);
    assert_eq!(message["type"], "text");
    assert_eq!(message["text"]["body"], "Hi, où est ma commande? 📦");
    assert!(message["id"].as_str().unwrap().starts_with("wamid."));
    let ts: i64 = message["timestamp"].as_str().unwrap().parse().unwrap();
    assert!(ts > 1_700_000_000);
    assert!(
        std::str::from_utf8(&hub.received()[0].body)
            .unwrap()
            .contains(r"o\u00f9")
    );

    let (status, answer) = post_json(&sandbox, &format!("/v21.0/{NUMBER}/messages"), &text).await;
    assert_eq!(status, 200, "window now open: {answer}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn interactive_replies_buttons_locations_contacts_and_reactions() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;

    let mut body = base(
        "interactive",
        json!({"type": "button_reply", "button_reply": {"id": "slot_am", "title": "Morning"}}),
    );
    body["context"] = json!({"id": "wamid.OUT2"});
    body["id"] = json!("wamid.IN-given");
    body["timestamp"] = json!(1767225601);
    let (m, _) = inbound(&sandbox, &hub, body).await;
    assert_eq!(m["id"], "wamid.IN-given");
    assert_eq!(m["timestamp"], "1767225601");
    assert_eq!(
        m["context"],
        json!({"id": "wamid.OUT2", "from": "447700900001"})
    );
    assert_eq!(m["interactive"]["button_reply"]["id"], "slot_am");

    let list = json!({"type": "list_reply", "list_reply": {"id": "ord_status", "title": "Order status", "description": "Where?"}});
    let (m, _) = inbound(&sandbox, &hub, base("interactive", list.clone())).await;
    assert_eq!(m["interactive"], list);

    let mut body = base(
        "button",
        json!({"payload": "STOP_PROMOS", "text": "Stop promotions"}),
    );
    body["context"] = json!({"id": "wamid.OUT3", "from": "447700900001"});
    let (m, _) = inbound(&sandbox, &hub, body).await;
    assert_eq!(m["button"]["payload"], "STOP_PROMOS");
    assert_eq!(m["context"]["id"], "wamid.OUT3");

    let location = json!({"latitude": 51.5, "longitude": -0.12, "name": "Big Ben"});
    let (m, _) = inbound(&sandbox, &hub, base("location", location.clone())).await;
    assert_eq!(m["location"], location);

    let contacts = json!([{"name": {"formatted_name": "Ada Lovelace", "first_name": "Ada"}, "phones": [{"phone": "+44 7700 900456", "wa_id": "447700900456", "type": "CELL"}]}]);
    let (m, _) = inbound(&sandbox, &hub, base("contacts", contacts.clone())).await;
    assert_eq!(m["contacts"], contacts);

    let (m, _) = inbound(
        &sandbox,
        &hub,
        base(
            "reaction",
            json!({"message_id": "wamid.OUT1", "emoji": "❤️"}),
        ),
    )
    .await;
    assert_eq!(m["reaction"]["emoji"], "❤️");

    let mut forwarded = base("text", json!({"body": "fwd"}));
    forwarded["context"] = json!({"forwarded": true});
    let (m, _) = inbound(&sandbox, &hub, forwarded).await;
    assert_eq!(m["context"], json!({"forwarded": true}));

    let unsupported = json!({"phone_number_id": NUMBER, "from": CUSTOMER, "type": "unsupported"});
    let (m, _) = inbound(&sandbox, &hub, unsupported).await;
    assert_eq!(m["errors"][0]["code"], 131051);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn media_bytes_are_stored_for_the_hub_to_download() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    let bytes = b"\xff\xd8\xff\xe0 not really a jpeg".to_vec();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let (m, _) = inbound(
        &sandbox,
        &hub,
        base(
            "image",
            json!({"data_base64": b64, "mime_type": "image/jpeg", "caption": "receipt"}),
        ),
    )
    .await;
    let image = &m["image"];
    assert!(image.get("data_base64").is_none());
    assert_eq!(image["mime_type"], "image/jpeg");
    assert_eq!(image["caption"], "receipt");
    let sha = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&bytes));
    assert_eq!(image["sha256"], sha.as_str());

    // The hub's two-step download.
    let media_id = image["id"].as_str().unwrap();
    let (status, info) = get_json(&sandbox, &format!("/v21.0/{media_id}")).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["sha256"], sha.as_str());
    let downloaded = reqwest::Client::new()
        .get(info["url"].as_str().unwrap())
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(downloaded.status(), 200);
    assert_eq!(downloaded.headers()["content-type"], "image/jpeg");
    assert_eq!(downloaded.bytes().await.unwrap().to_vec(), bytes);

    // No bytes and no id: a placeholder is stored; a voice note by default.
    let (m, _) = inbound(&sandbox, &hub, base("audio", json!({}))).await;
    assert_eq!(m["audio"]["mime_type"], "audio/ogg; codecs=opus");
    assert_eq!(m["audio"]["voice"], true);
    let (status, _) = get_json(
        &sandbox,
        &format!("/v21.0/{}", m["audio"]["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, 200);

    // A given id is kept as is.
    let (m, _) = inbound(&sandbox, &hub, base("document", json!({"id": "778899", "mime_type": "application/pdf", "sha256": "x", "filename": "a.pdf"}))).await;
    assert_eq!(
        m["document"],
        json!({"id": "778899", "mime_type": "application/pdf", "sha256": "x", "filename": "a.pdf"})
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bad_inbound_requests_are_refused() {
    let sandbox = sandbox(None).await;
    let cases = [
        json!({"phone_number_id": "42", "from": CUSTOMER, "type": "text", "text": {"body": "x"}}),
        json!({"phone_number_id": NUMBER, "from": "abc", "type": "text", "text": {"body": "x"}}),
        json!({"phone_number_id": NUMBER, "type": "text", "text": {"body": "x"}}),
        json!({"phone_number_id": NUMBER, "from": CUSTOMER, "text": {"body": "x"}}),
        json!({"phone_number_id": NUMBER, "from": CUSTOMER, "type": "text"}),
        json!({"phone_number_id": NUMBER, "from": CUSTOMER, "type": "image", "image": {"data_base64": "***"}}),
        json!({"phone_number_id": NUMBER, "from": CUSTOMER, "type": "image", "image": {"data_base64": "AAAA", "mime_type": "image/gif"}}),
        json!({"phone_number_id": NUMBER, "from": CUSTOMER, "type": "text", "text": {"body": "x"}, "context": "wamid"}),
        json!({"phone_number_id": NUMBER, "from": CUSTOMER, "type": "text", "text": {"body": "x"}, "timestamp": "soon"}),
        json!([1, 2]),
    ];
    for case in cases {
        let (status, body) = post_json(&sandbox, "/sandbox/v1/inbound", &case).await;
        assert_eq!(status, 400, "{case} -> {body}");
        assert_eq!(body["error"]["code"], 100, "{case} -> {body}");
    }
    // Not JSON at all.
    let r = reqwest::Client::new()
        .post(format!("{}/sandbox/v1/inbound", sandbox.base_url()))
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Nothing was delivered for any of them.
    assert!(deliveries(&sandbox).await.is_empty());
    sandbox.shutdown().await;
}
