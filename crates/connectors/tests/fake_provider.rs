//! Answers no well-behaved provider gives, from a tiny local server: the connector maps each to
//! a retryable or final error and never panics.

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use serde_json::json;
use switchboard_connectors::Connector;
use switchboard_connectors::media::sha256_hex;
use switchboard_connectors::outbound::{OutboundMessage, SendAction};
use switchboard_connectors::whatsapp_cloud::client::{
    WhatsAppCloud, WhatsAppCloudConfig, http_client,
};

/// Serves `app` on 127.0.0.1 and returns a connector whose base URL points at it.
async fn connector(app: Router) -> WhatsAppCloud {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let config = WhatsAppCloudConfig::graph(base, "109", "100", "token");
    WhatsAppCloud::new(config, http_client().unwrap()).unwrap()
}

fn hello() -> OutboundMessage {
    OutboundMessage {
        to: "447700900123".to_owned(),
        content: serde_json::from_value(json!({"content": {"type": "text", "body": "Hi"}}))
            .unwrap(),
        callback_data: None,
        tag: None,
    }
}

#[tokio::test]
async fn garbled_or_empty_success_answers_are_retryable() {
    let app = Router::new().route("/v21.0/109/messages", post(|| async { "OK!" }));
    let e = connector(app).await.send(&hello()).await.unwrap_err();
    assert_eq!(
        (e.action, e.code),
        (SendAction::Retry, "provider_bad_response"),
        "{e}"
    );
    assert_eq!(e.raw_body.as_deref(), Some("OK!"));

    let app = Router::new().route(
        "/v21.0/109/messages",
        post(|| async { axum::Json(json!({"messaging_product": "whatsapp", "messages": []})) }),
    );
    let e = connector(app).await.send(&hello()).await.unwrap_err();
    assert_eq!(
        (e.action, e.code),
        (SendAction::Retry, "provider_bad_response"),
        "{e}"
    );
}

#[tokio::test]
async fn an_html_error_page_with_retry_after_waits_that_long() {
    let app = Router::new().route(
        "/v21.0/109/messages",
        post(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "17")],
                "<html>maintenance</html>",
            )
        }),
    );
    let e = connector(app).await.send(&hello()).await.unwrap_err();
    assert_eq!(
        e.action,
        SendAction::RetryAfter(Duration::from_secs(17)),
        "{e}"
    );
    assert_eq!(e.code, "provider_unavailable");
    assert_eq!(e.http_status, Some(503));
}

#[tokio::test]
async fn the_receipt_keeps_a_held_template_status() {
    let app = Router::new().route(
        "/v21.0/109/messages",
        post(|| async {
            axum::Json(json!({"messaging_product": "whatsapp",
                "contacts": [{"input": "447700900123", "wa_id": "447700900123"}],
                "messages": [{"id": "wamid.X", "message_status": "held_for_quality_assessment"}]}))
        }),
    );
    let receipt = connector(app).await.send(&hello()).await.unwrap();
    assert_eq!(receipt.provider_message_id, "wamid.X");
    assert_eq!(
        receipt.status,
        switchboard_connectors::ReceiptStatus::HeldForQualityAssessment
    );
}

/// A provider whose lookup promises a digest (or size) the download does not have.
fn lying_media(sha256: String, file_size: u64) -> Router {
    Router::new()
        .route(
            "/v21.0/{id}",
            get(move |headers: HeaderMap| {
                let sha256 = sha256.clone();
                async move {
                    let host = headers[header::HOST].to_str().unwrap().to_owned();
                    axum::Json(json!({"messaging_product": "whatsapp",
                        "url": format!("http://{host}/file?t=1"), "mime_type": "image/png",
                        "sha256": sha256, "file_size": file_size, "id": "1"}))
                }
            }),
        )
        .route(
            "/file",
            get(|headers: HeaderMap| async move {
                // The download wants the same credential as the API.
                match headers.get(header::AUTHORIZATION) {
                    Some(v) if v == "Bearer token" => (StatusCode::OK, "bytes"),
                    _ => (StatusCode::UNAUTHORIZED, "no"),
                }
            }),
        )
}

#[tokio::test]
async fn downloads_are_checked_against_the_promised_digest_and_size() {
    let wa = connector(lying_media(sha256_hex(b"bytes"), 5)).await;
    let fetched = wa.fetch_media("1").await.expect("honest answer");
    assert_eq!(&fetched.bytes[..], b"bytes");

    let wa = connector(lying_media(sha256_hex(b"other"), 5)).await;
    let e = wa.fetch_media("1").await.unwrap_err();
    assert_eq!(
        (e.action, e.code),
        (SendAction::Retry, "media_checksum_mismatch"),
        "{e}"
    );

    let wa = connector(lying_media(sha256_hex(b"bytes"), 6)).await;
    let e = wa.fetch_media("1").await.unwrap_err();
    assert_eq!(e.code, "media_checksum_mismatch", "{e}");
}

#[tokio::test]
async fn media_ids_that_would_leave_their_path_segment_are_refused() {
    let wa = connector(Router::new()).await;
    for id in ["", ".", ".."] {
        let e = wa.fetch_media(id).await.unwrap_err();
        assert_eq!(
            (e.action, e.code),
            (SendAction::Rejected, "invalid_media"),
            "{id:?}"
        );
    }
}

#[tokio::test]
async fn a_provider_that_never_answers_times_out_retryably() {
    let app = Router::new().route(
        "/v21.0/109/messages",
        post(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "late"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    // The shared client waits 30 s; a test client with a short timeout shows the same mapping.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let wa = WhatsAppCloud::new(WhatsAppCloudConfig::graph(base, "109", "100", "t"), http).unwrap();
    let e = wa.send(&hello()).await.unwrap_err();
    assert_eq!(
        (e.action, e.code),
        (SendAction::Retry, "provider_timeout"),
        "{e}"
    );
}

#[tokio::test]
async fn an_oversized_download_is_refused_as_final() {
    let app = Router::new()
        .route(
            "/v21.0/{id}",
            get(|headers: HeaderMap| async move {
                let host = headers[header::HOST].to_str().unwrap().to_owned();
                axum::Json(json!({"url": format!("http://{host}/big"), "mime_type": "video/mp4"}))
            }),
        )
        .route(
            "/big",
            get(|| async {
                // 101 chunks of 1 MiB, streamed without a length: one more than WhatsApp's
                // largest file. The chunks share one buffer, so the server holds 1 MiB.
                let chunk = bytes::Bytes::from(vec![0u8; 1 << 20]);
                let chunks = (0..101).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
                axum::body::Body::from_stream(futures::stream::iter(chunks))
            }),
        );
    let e = connector(app).await.fetch_media("1").await.unwrap_err();
    assert_eq!(
        (e.action, e.code),
        (SendAction::Rejected, "provider_answer_too_large"),
        "{e}"
    );
}
