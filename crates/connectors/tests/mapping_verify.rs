//! Webhook verification through the neutral contract: the WhatsApp connector's `verify_webhook`
//! checks `X-Hub-Signature-256` over the raw bytes, and `handshake` echoes the challenge only for
//! our verify token.

use http::{HeaderMap, HeaderValue};
use switchboard_connectors::Connector;
use switchboard_connectors::inbound::{HandshakeQuery, VerifyError};
use switchboard_connectors::whatsapp_cloud::client::{WhatsAppCloud, WhatsAppCloudConfig};
use switchboard_connectors::whatsapp_cloud::webhook::sign;

const SECRET: &str = "app-secret";

fn connector() -> WhatsAppCloud {
    let config = WhatsAppCloudConfig::graph("http://127.0.0.1:9", "109876543210", "1", "token")
        .with_webhook_secrets(SECRET, "verify-me");
    WhatsAppCloud::new(config, reqwest::Client::new()).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn signed(body: &[u8], secret: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let value = sign(secret.as_bytes(), body);
    headers.insert(
        "x-hub-signature-256",
        HeaderValue::from_str(&value).unwrap(),
    );
    headers
}

#[test]
fn signatures_verify_over_the_raw_bytes_only() {
    let c = connector();
    let body = fixture("text.json");
    assert_eq!(c.verify_webhook(&signed(&body, SECRET), &body), Ok(()));
    assert_eq!(
        c.verify_webhook(&signed(&body, "other"), &body),
        Err(VerifyError::BadSignature)
    );
    let mut changed = body.clone();
    changed.push(b' ');
    assert_eq!(
        c.verify_webhook(&signed(&body, SECRET), &changed),
        Err(VerifyError::BadSignature)
    );
    assert_eq!(
        c.verify_webhook(&HeaderMap::new(), &body),
        Err(VerifyError::MissingSignature)
    );
    let mut bad = HeaderMap::new();
    bad.insert("x-hub-signature-256", HeaderValue::from_static("md5=abc"));
    assert_eq!(
        c.verify_webhook(&bad, &body),
        Err(VerifyError::MalformedSignature)
    );
}

#[test]
fn without_an_app_secret_nothing_verifies() {
    let config = WhatsAppCloudConfig::graph("http://127.0.0.1:9", "1", "1", "token");
    let c = WhatsAppCloud::new(config, reqwest::Client::new()).unwrap();
    let body = b"{}";
    assert_eq!(
        c.verify_webhook(&signed(body, ""), body),
        Err(VerifyError::Unsupported)
    );
}

#[test]
fn the_handshake_echoes_the_challenge_for_our_token_only() {
    let c = connector();
    let query = |mode: &str, token: &str| HandshakeQuery {
        mode: Some(mode.into()),
        verify_token: Some(token.into()),
        challenge: Some("1158201444".into()),
    };
    assert_eq!(
        c.handshake(&query("subscribe", "verify-me")).as_deref(),
        Ok("1158201444")
    );
    assert_eq!(
        c.handshake(&query("subscribe", "nope")),
        Err(VerifyError::TokenMismatch)
    );
    assert_eq!(
        c.handshake(&query("other", "verify-me")),
        Err(VerifyError::WrongMode)
    );
    let parsed: HandshakeQuery = serde_json::from_value(serde_json::json!({
        "hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "42"}))
    .unwrap();
    assert_eq!(c.handshake(&parsed).as_deref(), Ok("42"));
}
