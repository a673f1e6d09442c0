//! The real Messenger and Instagram connector against the in-process sandbox over HTTP: every
//! content kind is accepted (or refused before any I/O), every error path maps to its code and
//! retry decision, and the sandbox's signed webhooks verify and parse.

use std::sync::Arc;

use http::HeaderMap;
use serde_json::{Value, json};
use switchboard_connectors::outbound::{ReceiptStatus, SendAction};
use switchboard_connectors::registry::{self, BuildContext};
use switchboard_connectors::{Connector, InboundEvent, OutboundMessage, VerifyError};
use switchboard_sandbox::{Sandbox, SandboxConfig};

const PSID: &str = "24000000000001";

struct Meta {
    sandbox: Sandbox,
    http: reqwest::Client,
}

/// One sandbox account and its connector.
struct Account {
    id: String,
    app_secret: String,
    connector: Arc<dyn Connector>,
}

impl Meta {
    async fn start() -> Self {
        let sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox");
        Self {
            sandbox,
            http: reqwest::Client::new(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.sandbox.base_url()));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("sandbox answers");
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.expect("json")
    }

    /// A fresh account; `token` overrides the connector's token (to test refusals).
    async fn account(&self, platform: &str, token: Option<&str>) -> Account {
        let a = self
            .call(
                reqwest::Method::POST,
                "/sandbox/v1/meta/accounts",
                Some(json!({"platform": platform})),
            )
            .await;
        let text = |k: &str| a[k].as_str().unwrap().to_owned();
        let token = token.map_or_else(|| text("access_token"), str::to_owned);
        let (config, secrets) = if platform == "messenger" {
            (
                json!({"base_url": self.sandbox.base_url(), "page_id": text("id")}),
                json!({"page_access_token": token, "app_secret": text("app_secret")}),
            )
        } else {
            (
                json!({"base_url": self.sandbox.base_url(), "ig_account_id": text("id")}),
                json!({"access_token": token, "app_secret": text("app_secret")}),
            )
        };
        let ctx = BuildContext::new("verify-me", self.http.clone());
        let connector = registry::build(platform, &config, &secrets, &ctx).expect("connector");
        Account {
            id: text("id"),
            app_secret: text("app_secret"),
            connector,
        }
    }

    /// The customer writes `ms_ago` milliseconds ago; answers the control API's JSON.
    async fn customer_writes(&self, account: &Account, ms_ago: i64) -> Value {
        let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        let at = i64::try_from(now).unwrap() - ms_ago;
        self.call(reqwest::Method::POST, "/sandbox/v1/meta/inbound", Some(json!({
            "account_id": account.id, "from": PSID, "timestamp_ms": at,
            "message": {"text": "Hello", "attachments": [{"type": "image", "payload": {"url": "https://cdn.example/p.jpg"}}]}})))
            .await
    }

    async fn outbox(&self, account: &Account) -> Vec<Value> {
        let list = self
            .call(
                reqwest::Method::GET,
                &format!("/sandbox/v1/outbox?phone_number_id={}", account.id),
                None,
            )
            .await;
        list["data"].as_array().cloned().unwrap_or_default()
    }
}

fn message(content: Value, tag: Option<&str>) -> OutboundMessage {
    OutboundMessage {
        to: PSID.into(),
        content: serde_json::from_value(json!({"content": content})).unwrap(),
        callback_data: Some("msg-1".into()),
        tag: tag.map(str::to_owned),
    }
}

fn every_kind() -> Vec<Value> {
    vec![
        json!({"type": "text", "body": "Your order shipped."}),
        json!({"type": "image", "url": "https://files.example/p.jpg"}),
        json!({"type": "video", "url": "https://files.example/v.mp4"}),
        json!({"type": "audio", "media_id": "8800112233"}),
        json!({"type": "document", "url": "https://files.example/i.pdf", "filename": "i.pdf"}),
        json!({"type": "sticker", "url": "https://files.example/s.webp"}),
        json!({"type": "location", "latitude": 51.5, "longitude": -0.12, "name": "Shop"}),
        json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Ada"}, "phones": [{"phone": "+447700900123"}]}]}),
        json!({"type": "reply_buttons", "body": "When?", "buttons": [{"id": "am", "title": "Morning"}]}),
        json!({"type": "list", "body": "Topic?", "button": "Pick", "sections": [{"rows": [{"id": "r1", "title": "Orders"}]}]}),
        json!({"type": "cta_url", "body": "Track", "display_text": "Open", "url": "https://t.example/1"}),
    ]
}

#[tokio::test]
async fn every_kind_reaches_the_sandbox_on_both_platforms() {
    let meta = Meta::start().await;
    for platform in ["messenger", "instagram"] {
        let account = meta.account(platform, None).await;
        meta.customer_writes(&account, 1_000).await;
        for content in every_kind() {
            let receipt = account
                .connector
                .send(&message(content.clone(), None))
                .await
                .unwrap_or_else(|e| panic!("{platform} {content}: {e}"));
            assert!(receipt.provider_message_id.starts_with("m_"), "{receipt:?}");
            assert_eq!(receipt.status, ReceiptStatus::Sent);
            assert_eq!(receipt.recipient_id.as_deref(), Some(PSID));
        }
        let outbox = meta.outbox(&account).await;
        assert_eq!(outbox.len(), every_kind().len(), "{platform}: {outbox:?}");
        assert_eq!(outbox[0]["body"]["message"]["metadata"], "msg-1");
        let cta_kind = if platform == "messenger" {
            "template"
        } else {
            "text"
        };
        assert_eq!(outbox.last().unwrap()["type"], cta_kind, "{platform}");
    }
}

#[tokio::test]
async fn instagram_hearts_and_refusals_before_any_io() {
    let meta = Meta::start().await;
    let ig = meta.account("instagram", None).await;
    let wrote = meta.customer_writes(&ig, 1_000).await;
    let mid = wrote["mid"].as_str().unwrap();
    ig.connector
        .send(&message(
            json!({"type": "reaction", "message_id": mid, "emoji": "❤️"}),
            None,
        ))
        .await
        .expect("a heart on the customer's message");
    let e = ig
        .connector
        .send(&message(
            json!({"type": "reaction", "message_id": "m_nope", "emoji": "❤️"}),
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!((e.code, e.provider_code), ("invalid_parameter", Some(100)));
    let e = ig
        .connector
        .send(&message(
            json!({"type": "text", "body": "é".repeat(501)}),
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.http_status),
        ("invalid_content", None),
        "refused locally"
    );
    let e = ig
        .connector
        .send(&message(
            json!({"type": "text", "body": "x"}),
            Some("account_update"),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code, "invalid_content");
    // Only the heart reached the provider.
    assert_eq!(
        meta.outbox(&ig).await.len(),
        0,
        "sender actions are not messages"
    );
}

#[tokio::test]
async fn error_answers_map_to_codes_and_retry_decisions() {
    let meta = Meta::start().await;
    let page = meta.account("messenger", None).await;
    let text = || message(json!({"type": "text", "body": "Hi"}), None);

    let e = page.connector.send(&text()).await.unwrap_err();
    assert_eq!(
        (e.code, e.provider_code, e.action),
        ("invalid_recipient", Some(100), SendAction::Rejected)
    );

    let forged = meta.account("messenger", Some("wrong-token")).await;
    let e = forged.connector.send(&text()).await.unwrap_err();
    assert_eq!(
        (e.code, e.provider_code, e.http_status),
        ("provider_auth_failed", Some(190), Some(401))
    );

    // Two days after the customer wrote: closed, but a human agent may still answer.
    meta.customer_writes(&page, 2 * 24 * 3600 * 1000).await;
    let e = page.connector.send(&text()).await.unwrap_err();
    assert_eq!((e.code, e.provider_code), ("window_closed", Some(10)));
    page.connector
        .send(&message(
            json!({"type": "text", "body": "Hi"}),
            Some("human_agent"),
        ))
        .await
        .expect("HUMAN_AGENT within 7 days");
    let late = meta.account("messenger", None).await;
    meta.customer_writes(&late, 8 * 24 * 3600 * 1000).await;
    let e = late
        .connector
        .send(&message(
            json!({"type": "text", "body": "Hi"}),
            Some("human_agent"),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code, "window_closed");

    let fresh = meta.account("messenger", None).await;
    meta.customer_writes(&fresh, 0).await;
    for (code, expected, action) in [
        (
            613,
            "rate_limited",
            SendAction::RateLimited(std::time::Duration::from_secs(60)),
        ),
        (2, "provider_unavailable", SendAction::Retry),
        (551, "recipient_unavailable", SendAction::Rejected),
    ] {
        meta.call(
            reqwest::Method::POST,
            "/sandbox/v1/meta/faults",
            Some(json!({"account_id": fresh.id, "code": code})),
        )
        .await;
        let e = fresh.connector.send(&text()).await.unwrap_err();
        assert_eq!((e.code, e.action), (expected, action), "{code}");
    }
    // The sandbox is strict about shapes the connector never builds, too.
    let too_many: Vec<Value> = (0..14)
        .map(|i| json!({"id": format!("r{i}"), "title": "T"}))
        .collect();
    let e = fresh
        .connector
        .send(&message(
            json!({"type": "list", "body": "b", "button": "x",
        "sections": [{"rows": too_many}]}),
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code, "invalid_content", "13 quick replies at most");
}

#[tokio::test]
async fn the_sandboxs_webhooks_verify_and_parse() {
    let meta = Meta::start().await;
    let page = meta.account("messenger", None).await;
    meta.customer_writes(&page, 0).await;
    let log = meta
        .call(
            reqwest::Method::GET,
            &format!("/sandbox/v1/deliveries?phone_number_id={}", page.id),
            None,
        )
        .await;
    let delivery = log
        .as_array()
        .and_then(|l| l.last())
        .cloned()
        .expect("a delivery");
    let body = delivery["body"].as_str().unwrap().as_bytes().to_vec();
    let mut headers = HeaderMap::new();
    headers.insert(
        "X-Hub-Signature-256",
        delivery["signature"].as_str().unwrap().parse().unwrap(),
    );

    page.connector
        .verify_webhook(&headers, &body)
        .expect("good signature");
    // Replayed bytes verify again (dedupe on the mid is the hub's job).
    page.connector
        .verify_webhook(&headers, &body)
        .expect("replayed body");
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    assert_eq!(
        page.connector.verify_webhook(&headers, &tampered),
        Err(VerifyError::BadSignature)
    );
    assert_eq!(
        page.connector.verify_webhook(&HeaderMap::new(), &body),
        Err(VerifyError::MissingSignature)
    );
    let other = meta.account("messenger", None).await;
    assert_ne!(other.app_secret, page.app_secret);
    assert_eq!(
        other.connector.verify_webhook(&headers, &body),
        Err(VerifyError::BadSignature)
    );

    let events = page.connector.parse_webhook(&body).expect("parses");
    let [InboundEvent::Message(m)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(m.from, PSID);
    // Another page's connector skips the entry rather than filing it under itself.
    let events = other.connector.parse_webhook(&body).expect("parses");
    assert!(
        matches!(events.as_slice(), [InboundEvent::Unparsed { .. }]),
        "{events:?}"
    );
}
