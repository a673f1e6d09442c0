//! The Twilio connectors against the in-process sandbox over real HTTP: every content kind SMS
//! and WhatsApp-through-Twilio can carry (or have downgraded), every documented error path, the
//! signed status callbacks and inbound messages (verified and parsed by the connector), and MMS
//! media fetched with Basic auth.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Uri};
use serde_json::{Value, json};
use switchboard_connectors::inbound::{DeliveryState, InboundContent, InboundEvent, MediaKind};
use switchboard_connectors::outbound::{OutboundMessage, SendAction};
use switchboard_connectors::registry::{self, BuildContext};
use switchboard_connectors::{Connector, SendError};
use switchboard_domain::content::OutboundContent;
use switchboard_sandbox::{Sandbox, SandboxConfig};
use tokio::sync::mpsc;

/// A request the fake hub received.
struct Hit {
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

/// An HTTP server standing in for the hub's hook: records every POST, answers empty TwiML.
async fn hub() -> (String, mpsc::UnboundedReceiver<Hit>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/hooks/twilio",
        axum::routing::post(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(Hit { uri, headers, body });
                "<Response></Response>"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hooks/twilio"), rx)
}

struct Env {
    sandbox: Sandbox,
    http: reqwest::Client,
    account: Value,
}

impl Env {
    async fn start(messaging_url: Option<&str>) -> Self {
        let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
        let http = reqwest::Client::new();
        let account: Value = http
            .post(format!("{}/sandbox/v1/twilio/accounts", sandbox.base_url()))
            .json(&json!({ "messaging_url": messaging_url, "messages_per_second": 50 }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Self {
            sandbox,
            http,
            account,
        }
    }

    fn field(&self, k: &str) -> String {
        self.account[k].as_str().unwrap().to_owned()
    }

    fn connector(&self, protocol: &str, token: &str, hook: Option<&str>) -> Arc<dyn Connector> {
        let config = json!({
            "base_url": self.sandbox.base_url(),
            "account_sid": self.field("account_sid"),
            "from": self.field("phone_number"),
        });
        let mut ctx = BuildContext::new("unused", switchboard_connectors::http_client().unwrap());
        ctx.hook_url = hook.map(str::to_owned);
        registry::build(protocol, &config, &json!({ "auth_token": token }), &ctx).unwrap()
    }

    fn sms(&self) -> Arc<dyn Connector> {
        self.connector("twilio_sms", &self.field("auth_token"), None)
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.sandbox.base_url()));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.unwrap()
    }

    async fn outbox(&self) -> Vec<Value> {
        let path = format!(
            "/sandbox/v1/twilio/messages?account_sid={}",
            self.field("account_sid")
        );
        let list = self.control(reqwest::Method::GET, &path, None).await;
        list.as_array().unwrap().clone()
    }
}

fn message(to: &str, content: Value) -> OutboundMessage {
    OutboundMessage {
        to: to.to_owned(),
        content: serde_json::from_value::<OutboundContent>(json!({ "content": content })).unwrap(),
        callback_data: None,
        tag: None,
    }
}

const CUSTOMER: &str = "+447700900123";

#[tokio::test]
async fn sms_carries_text_and_media_and_downgrades_the_rest() {
    let env = Env::start(None).await;
    let sms = env.sms();
    let text = sms
        .send(&message(
            CUSTOMER,
            json!({"type": "text", "body": "Your code is 4821"}),
        ))
        .await
        .unwrap();
    assert!(text.provider_message_id.starts_with("SM") && text.provider_message_id.len() == 34);
    assert_eq!(text.notes.sms_segments, Some(1));
    assert_eq!(text.recipient_id.as_deref(), Some(CUSTOMER));
    let image = sms
        .send(&message(
            CUSTOMER,
            json!({"type": "image", "url": "https://files.example/r.jpg", "caption": "Receipt"}),
        ))
        .await
        .unwrap();
    assert!(
        image.provider_message_id.starts_with("MM"),
        "media messages are MM…"
    );
    let buttons = sms
        .send(&message(
            CUSTOMER,
            json!({"type": "reply_buttons", "body": "When?",
            "buttons": [{"id": "am", "title": "Morning"}, {"id": "pm", "title": "Afternoon"}]}),
        ))
        .await
        .unwrap();
    assert_eq!(
        buttons.notes.downgraded.as_deref(),
        Some("reply_buttons sent as numbered text")
    );
    let place = sms
        .send(&message(
            CUSTOMER,
            json!({"type": "location", "latitude": 51.5, "longitude": -0.12}),
        ))
        .await
        .unwrap();
    assert!(place.notes.downgraded.is_some());
    for refused in [
        json!({"type": "sticker", "url": "https://files.example/s.webp"}),
        json!({"type": "reaction", "message_id": "SM1", "emoji": "👍"}),
    ] {
        let e = sms.send(&message(CUSTOMER, refused)).await.unwrap_err();
        assert_eq!(
            (e.code, e.action),
            ("unsupported_content", SendAction::Rejected)
        );
    }

    let outbox = env.outbox().await;
    assert_eq!(outbox.len(), 4, "{outbox:?}");
    let r = &outbox[0]["resource"];
    assert_eq!(r["to"], CUSTOMER);
    assert_eq!(r["from"], env.field("phone_number"));
    assert_eq!(r["body"], "Your code is 4821");
    assert_eq!(r["num_segments"], "1", "a string, as Twilio writes it");
    assert_eq!(r["status"], "queued");
    assert_eq!(
        outbox[1]["media_urls"],
        json!(["https://files.example/r.jpg"])
    );
    assert_eq!(outbox[1]["resource"]["body"], "Receipt");
    assert_eq!(
        outbox[2]["resource"]["body"],
        "When?\n\n1. Morning\n2. Afternoon"
    );
    assert!(
        outbox[3]["resource"]["body"]
            .as_str()
            .unwrap()
            .contains("https://maps.google.com/?q=51.5,-0.12")
    );
}

#[tokio::test]
async fn whatsapp_through_twilio_prefixes_addresses_and_sends_content_templates() {
    let env = Env::start(None).await;
    let wa = env.connector("twilio_whatsapp", &env.field("auth_token"), None);
    let receipt = wa
        .send(&message(
            "447700900123",
            json!({"type": "text", "body": "Hello"}),
        ))
        .await
        .unwrap();
    assert_eq!(receipt.recipient_id.as_deref(), Some("447700900123"));
    assert_eq!(receipt.notes.sms_segments, None);
    let sid = format!("HX{}", "ab".repeat(16));
    wa.send(&message(
        "447700900123",
        json!({"type": "template", "name": sid, "language": "en",
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ada"}]}]}),
    ))
    .await
    .unwrap();
    let outbox = env.outbox().await;
    assert_eq!(outbox[0]["resource"]["to"], "whatsapp:+447700900123");
    assert_eq!(
        outbox[0]["resource"]["from"],
        format!("whatsapp:{}", env.field("phone_number"))
    );
    assert_eq!(outbox[1]["content_sid"], sid.as_str());
    assert_eq!(outbox[1]["content_variables"], r#"{"1":"Ada"}"#);
}

fn expect_err(r: Result<switchboard_connectors::SendReceipt, SendError>) -> SendError {
    r.expect_err("the sandbox refuses it")
}

#[tokio::test]
async fn every_error_path_gets_its_code_and_decision() {
    let env = Env::start(None).await;
    let sms = env.sms();
    let text = |to: &str| message(to, json!({"type": "text", "body": "hi"}));
    for (to, code, provider) in [
        ("+15005550001", "invalid_recipient", 21211),
        ("+15005550003", "region_not_enabled", 21408),
        ("+15005550004", "recipient_opted_out", 21610),
        ("+15005550009", "invalid_recipient", 21614),
    ] {
        let e = expect_err(sms.send(&text(to)).await);
        assert_eq!(
            (e.code, e.action, e.provider_code),
            (code, SendAction::Rejected, Some(provider)),
            "{to}"
        );
        assert_eq!(e.http_status, Some(400));
    }
    let wrong = env.connector("twilio_sms", "not-the-token", None);
    let e = expect_err(wrong.send(&text(CUSTOMER)).await);
    assert_eq!(
        (e.code, e.provider_code, e.http_status),
        ("provider_auth_failed", Some(20003), Some(401))
    );

    // One message per second on a long code: a burst is throttled with 20429.
    env.control(
        reqwest::Method::PATCH,
        &format!("/sandbox/v1/twilio/accounts/{}", env.field("account_sid")),
        Some(json!({"messages_per_second": 1})),
    )
    .await;
    let mut throttled = None;
    for _ in 0..5 {
        if let Err(e) = sms.send(&text(CUSTOMER)).await {
            throttled = Some(e);
            break;
        }
    }
    let e = throttled.expect("a burst of five trips the limit");
    assert_eq!(
        (e.code, e.provider_code, e.http_status),
        ("rate_limited", Some(20429), Some(429))
    );
    assert!(matches!(e.action, SendAction::RateLimited(_)));
}

/// Waits for the next request the fake hub receives.
async fn next(rx: &mut mpsc::UnboundedReceiver<Hit>) -> Hit {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a webhook")
        .expect("open")
}

#[tokio::test]
async fn status_callbacks_are_signed_and_parse_into_statuses() {
    let (hook, mut rx) = hub().await;
    let env = Env::start(None).await;
    let sms = env.connector("twilio_sms", &env.field("auth_token"), Some(&hook));
    let ok = sms
        .send(&message(CUSTOMER, json!({"type": "text", "body": "hi"})))
        .await
        .unwrap();
    let mut states = Vec::new();
    // queued (no event: it tells the hub nothing new), sent, delivered; SMS has no read.
    let mut callbacks = 0;
    while states.len() < 2 {
        let hit = next(&mut rx).await;
        sms.verify_request(Some(&hook), &hit.headers, &hit.body)
            .expect("signed by the sandbox");
        callbacks += 1;
        for event in sms.parse_webhook(&hit.body).unwrap() {
            let InboundEvent::Status(s) = event else {
                panic!("{event:?}")
            };
            assert_eq!(s.provider_message_id, ok.provider_message_id);
            assert_eq!(s.recipient, CUSTOMER);
            states.push(s.status);
        }
    }
    assert_eq!(callbacks, 3);
    assert_eq!(states, [DeliveryState::Sent, DeliveryState::Delivered]);

    let failing = sms
        .send(&message(
            "+447700900997",
            json!({"type": "text", "body": "hi"}),
        ))
        .await
        .unwrap();
    let failed = loop {
        let hit = next(&mut rx).await;
        let events = sms.parse_webhook(&hit.body).unwrap();
        if let Some(InboundEvent::Status(s)) = events.into_iter().next()
            && s.status == DeliveryState::Failed
        {
            break s;
        }
    };
    assert_eq!(failed.provider_message_id, failing.provider_message_id);
    assert_eq!(failed.errors[0].code, 30007);
    assert_eq!(failed.errors[0].title.as_deref(), Some("carrier_filtered"));
}

#[tokio::test]
async fn customers_write_in_signed_and_mms_media_is_fetched_with_basic_auth() {
    let (hook, mut rx) = hub().await;
    let env = Env::start(Some(&hook)).await;
    let sms = env.connector("twilio_sms", &env.field("auth_token"), Some(&hook));
    use base64::Engine as _;
    let photo = b"\xff\xd8\xff\xe0 a tiny jpeg".to_vec();
    let answer = env
        .control(reqwest::Method::POST, "/sandbox/v1/twilio/inbound", Some(json!({
            "account_sid": env.field("account_sid"), "from": CUSTOMER, "body": "Here it is",
            "media": [{"content_type": "image/jpeg",
                       "data_base64": base64::engine::general_purpose::STANDARD.encode(&photo)}],
        })))
        .await;
    assert_eq!(answer["status"], 200);
    let hit = next(&mut rx).await;
    assert_eq!(hit.uri.path(), "/hooks/twilio");
    sms.verify_request(Some(&hook), &hit.headers, &hit.body)
        .expect("signed");
    let events = sms.parse_webhook(&hit.body).unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    let InboundEvent::Message(m) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(m.from, CUSTOMER);
    assert_eq!(
        m.provider_message_id,
        answer["message_sid"].as_str().unwrap()
    );
    let InboundContent::Media(media) = &m.content else {
        panic!("{:?}", m.content)
    };
    assert_eq!(
        (media.kind, media.caption.as_deref()),
        (MediaKind::Image, Some("Here it is"))
    );
    let fetched = sms.fetch_media(&media.id).await.expect("fetched");
    assert_eq!(&fetched.bytes[..], &photo[..]);
    assert_eq!(fetched.mime_type, "image/jpeg");
    let e = sms
        .fetch_media("https://elsewhere.example/steal")
        .await
        .unwrap_err();
    assert_eq!(
        e.code, "media_not_found",
        "the auth token never leaves for another host"
    );

    // The same webhook replayed with one parameter changed is refused.
    let tampered = String::from_utf8(hit.body.to_vec())
        .unwrap()
        .replace("Here+it+is", "STOP");
    assert!(
        sms.verify_request(Some(&hook), &hit.headers, tampered.as_bytes())
            .is_err()
    );

    // A WhatsApp customer's shared place.
    let wa = env.connector("twilio_whatsapp", &env.field("auth_token"), Some(&hook));
    env.control(
        reqwest::Method::POST,
        "/sandbox/v1/twilio/inbound",
        Some(json!({
            "account_sid": env.field("account_sid"), "from": CUSTOMER, "channel": "whatsapp",
            "profile_name": "Ada", "latitude": 51.5, "longitude": -0.12,
        })),
    )
    .await;
    let hit = next(&mut rx).await;
    wa.verify_request(Some(&hook), &hit.headers, &hit.body)
        .expect("signed");
    let events = wa.parse_webhook(&hit.body).unwrap();
    let InboundEvent::Message(m) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        m.from, "447700900123",
        "WhatsApp addresses are digits in the hub"
    );
    assert_eq!(m.profile_name.as_deref(), Some("Ada"));
    assert!(matches!(m.content, InboundContent::Location { latitude, .. } if latitude == 51.5));
}

#[tokio::test]
async fn stop_blocks_the_sender_with_21610_until_start() {
    let (hook, mut rx) = hub().await;
    let env = Env::start(Some(&hook)).await;
    let sms = env.sms();
    let write = |body: &str| json!({"account_sid": env.field("account_sid"), "from": CUSTOMER, "body": body});
    env.control(
        reqwest::Method::POST,
        "/sandbox/v1/twilio/inbound",
        Some(write("stop")),
    )
    .await;
    let hit = next(&mut rx).await;
    assert!(
        String::from_utf8_lossy(&hit.body).contains("Body=stop"),
        "the keyword is still forwarded"
    );
    let e = sms
        .send(&message(CUSTOMER, json!({"type": "text", "body": "hi"})))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.provider_code),
        ("recipient_opted_out", Some(21610))
    );
    let outbox = env.outbox().await;
    assert_eq!(outbox.last().unwrap()["auto_reply"], true);
    assert!(
        outbox.last().unwrap()["resource"]["body"]
            .as_str()
            .unwrap()
            .contains("unsubscribed")
    );

    env.control(
        reqwest::Method::POST,
        "/sandbox/v1/twilio/inbound",
        Some(write("START")),
    )
    .await;
    next(&mut rx).await;
    sms.send(&message(
        CUSTOMER,
        json!({"type": "text", "body": "welcome back"}),
    ))
    .await
    .expect("unblocked");
}
