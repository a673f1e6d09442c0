//! The delivery client against real receivers on loopback: signatures checked by an HMAC written
//! here from RFC 2104 and the Standard Webhooks text (not by our signer), the SSRF guard on IP
//! literals and on names, no redirects, `Retry-After`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use switchboard_webhooks::client::DeliveryError;
use switchboard_webhooks::signature::signature_header;
use switchboard_webhooks::{AddressGuard, DeliveryClient, Refusal, WebhookSecret};

type Seen = Arc<Mutex<Vec<(HeaderMap, Vec<u8>)>>>;

/// A receiver: `/ok` records and answers 204, `/busy` 429 with Retry-After, `/moved` redirects.
async fn receiver() -> (SocketAddr, Seen) {
    let seen: Seen = Arc::default();
    let s = seen.clone();
    let app = Router::new()
        .route(
            "/ok",
            post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let s = s.clone();
                async move {
                    s.lock().unwrap().push((headers, body.to_vec()));
                    StatusCode::NO_CONTENT
                }
            }),
        )
        .route(
            "/busy",
            post(|| async {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [("retry-after", "7")],
                    "slow down",
                )
            }),
        )
        .route(
            "/moved",
            post(|| async { (StatusCode::FOUND, [("location", "/ok")]) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, seen)
}

fn loopback_allowed() -> DeliveryClient {
    DeliveryClient::new(AddressGuard::new(vec!["127.0.0.0/8".parse().unwrap()]))
}

/// HMAC-SHA256 by RFC 2104: H((K ^ opad) || H((K ^ ipad) || m)), K padded to the 64-byte block.
fn rfc2104_hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = block
        .iter()
        .map(|b| b ^ 0x36)
        .chain(message.iter().copied())
        .collect();
    let inner_hash = Sha256::digest(&inner);
    let outer: Vec<u8> = block
        .iter()
        .map(|b| b ^ 0x5c)
        .chain(inner_hash.iter().copied())
        .collect();
    Sha256::digest(&outer).to_vec()
}

#[tokio::test]
async fn a_delivery_carries_a_signature_an_independent_verifier_accepts() {
    let (addr, seen) = receiver().await;
    let secret = WebhookSecret::generate();
    let (id, ts, body) = (
        "msg_2Kx",
        1_767_225_600i64,
        br#"{"type":"message.received"}"#.to_vec(),
    );
    let headers = [
        ("webhook-id", id.to_owned()),
        ("webhook-timestamp", ts.to_string()),
        (
            "webhook-signature",
            signature_header(&[&secret], id, ts, &body),
        ),
        ("content-type", "application/json".to_owned()),
    ];
    let answer = loopback_allowed()
        .post(&format!("http://{addr}/ok"), &headers, body.clone().into())
        .await
        .unwrap();
    assert_eq!(answer.status, 204);

    let (got, got_body) = seen.lock().unwrap().pop().unwrap();
    assert_eq!(got_body, body);
    // From the specification: the key is the base64 after `whsec_`; the signed content is
    // `{id}.{timestamp}.{body}`; the header is space-delimited `v1,<base64>`.
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.expose().strip_prefix("whsec_").unwrap())
        .unwrap();
    let signed = format!(
        "{}.{}.",
        got["webhook-id"].to_str().unwrap(),
        got["webhook-timestamp"].to_str().unwrap()
    );
    let mut content = signed.into_bytes();
    content.extend_from_slice(&got_body);
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(rfc2104_hmac_sha256(&key, &content))
    );
    let header = got["webhook-signature"].to_str().unwrap();
    assert!(
        header.split(' ').any(|s| s == expected),
        "{header} vs {expected}"
    );
}

#[tokio::test]
async fn loopback_is_refused_unless_allowed_by_literal_name_or_mapped_form() {
    let (addr, seen) = receiver().await;
    let guarded = DeliveryClient::new(AddressGuard::default());
    let port = addr.port();
    for url in [
        format!("http://127.0.0.1:{port}/ok"),
        format!("http://localhost:{port}/ok"),
        format!("http://[::ffff:127.0.0.1]:{port}/ok"),
        format!("http://[::1]:{port}/ok"),
    ] {
        let err = guarded.post(&url, &[], "{}".into()).await.unwrap_err();
        assert!(
            matches!(
                err,
                DeliveryError::Refused {
                    reason: Refusal::Loopback,
                    ..
                }
            ),
            "{url}: {err:?}"
        );
        assert_eq!(err.code(), "address_refused");
        assert!(guarded.check_url(&url).await.is_err(), "{url}");
    }
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing reached the receiver"
    );
    for (url, code) in [
        ("http://10.0.0.1/x", "address_refused"),
        ("http://169.254.169.254/latest/meta-data", "address_refused"),
        ("ftp://example.com/x", "invalid_url"),
        ("http://user:pw@example.com/x", "invalid_url"),
        ("not a url", "invalid_url"),
    ] {
        assert_eq!(
            guarded.check_url(url).await.unwrap_err().code(),
            code,
            "{url}"
        );
    }
    let allowed = loopback_allowed();
    assert_eq!(
        allowed
            .post(&format!("http://localhost:{port}/ok"), &[], "{}".into())
            .await
            .unwrap()
            .status,
        204
    );
}

#[tokio::test]
async fn redirects_are_not_followed_and_retry_after_is_read() {
    let (addr, seen) = receiver().await;
    let client = loopback_allowed();
    let moved = client
        .post(&format!("http://{addr}/moved"), &[], "{}".into())
        .await
        .unwrap();
    assert_eq!(moved.status, 302);
    assert!(
        seen.lock().unwrap().is_empty(),
        "the redirect target was not called"
    );
    let busy = client
        .post(&format!("http://{addr}/busy"), &[], "{}".into())
        .await
        .unwrap();
    assert_eq!(
        (busy.status, busy.retry_after),
        (429, Some(std::time::Duration::from_secs(7)))
    );
    assert_eq!(busy.body, "slow down");
}
