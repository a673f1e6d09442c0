//! Webhook delivery through real HTTP: Meta's bytes and signature, retries, failures, the log,
//! deliberately bad signatures, and the GET handshake.

mod hooks_support;

use hooks_support::*;
use serde_json::json;

#[tokio::test]
async fn signature_covers_the_exact_bytes_and_non_ascii_is_escaped() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    let payload = json!({"object": "whatsapp_business_account", "entry": [{"id": WABA,
        "changes": [{"field": "messages", "value": {"text": "café 👍 日本"}}]}]});
    let (status, answer) = post_json(
        &sandbox,
        "/sandbox/v1/webhooks",
        &json!({"phone_number_id": NUMBER, "payload": payload}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let got = hub.wait_for(1).await.remove(0);
    assert_eq!(
        got.signature.as_deref(),
        Some(expected_signature(SECRET, &got.body).as_str())
    );
    assert_eq!(got.content_type.as_deref(), Some("application/json"));
    assert_eq!(got.user_agent.as_deref(), Some("facebookexternalua"));
    let text = std::str::from_utf8(&got.body).unwrap();
    assert!(text.is_ascii(), "{text}");
    assert!(
        text.contains(r"caf\u00e9 \ud83d\udc4d \u65e5\u672c"),
        "{text}"
    );
    assert!(
        !text.contains(": ") && !text.contains('\n'),
        "compact: {text}"
    );
    assert_eq!(got.json(), payload);

    let d = settled(&sandbox, answer["delivery_id"].as_str().unwrap()).await;
    assert_eq!(d["state"], "delivered");
    assert_eq!(d["body"], text);
    assert_eq!(d["url"], hub.url.as_str());
    assert_eq!(d["field"], "messages");
    assert_eq!(d["signature"], got.signature.unwrap().as_str());
    assert_eq!(d["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(d["attempts"][0]["status"], 200);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_hub_failing_twice_gets_three_attempts() {
    let hub = Hub::start().await;
    hub.answer_next(&[500, 500]);
    let sandbox = sandbox(Some(&hub.url)).await;
    let (_, answer) = post_json(
        &sandbox,
        "/sandbox/v1/webhooks",
        &json!({"phone_number_id": NUMBER, "payload": {"n": 1}}),
    )
    .await;
    let d = settled(&sandbox, answer["delivery_id"].as_str().unwrap()).await;
    assert_eq!(d["state"], "delivered", "{d}");
    let codes: Vec<_> = d["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].clone())
        .collect();
    assert_eq!(codes, [json!(500), json!(500), json!(200)]);
    let got = hub.received();
    assert_eq!(got.len(), 3);
    // Every retry sends the same bytes with the same signature.
    assert!(
        got.iter()
            .all(|r| r.body == got[0].body && r.signature == got[0].signature)
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_dead_url_fails_after_max_attempts() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sandbox = sandbox(Some(&format!("http://127.0.0.1:{port}/hooks"))).await;
    let (_, answer) = post_json(
        &sandbox,
        "/sandbox/v1/webhooks",
        &json!({"phone_number_id": NUMBER, "payload": {"n": 1}}),
    )
    .await;
    let d = settled(&sandbox, answer["delivery_id"].as_str().unwrap()).await;
    assert_eq!(d["state"], "failed");
    let attempts = d["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3);
    assert!(
        attempts
            .iter()
            .all(|a| a["error"].is_string() && a.get("status").is_none()),
        "{d}"
    );
    let (_, failed) = get_json(&sandbox, "/sandbox/v1/deliveries?state=failed").await;
    assert_eq!(failed.as_array().unwrap().len(), 1);
    let (_, delivered) = get_json(&sandbox, "/sandbox/v1/deliveries?state=delivered").await;
    assert_eq!(delivered, json!([]));
    let (status, _) = get_json(&sandbox, "/sandbox/v1/deliveries?state=nope").await;
    assert_eq!(status, 400);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn no_url_is_recorded_only() {
    let sandbox = sandbox(None).await;
    let (status, answer) = post_json(
        &sandbox,
        "/sandbox/v1/webhooks",
        &json!({"phone_number_id": NUMBER, "payload": {"n": 1}}),
    )
    .await;
    assert_eq!(status, 200);
    let d = settled(&sandbox, answer["delivery_id"].as_str().unwrap()).await;
    assert_eq!(d["state"], "no_url");
    assert_eq!(d["url"], serde_json::Value::Null);
    assert_eq!(d["attempts"], json!([]));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn unsigned_and_badly_signed_payloads_are_sent_as_asked() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    for sign in [json!(false), json!("bad")] {
        let (status, _) = post_json(
            &sandbox,
            "/sandbox/v1/webhooks",
            &json!({"phone_number_id": NUMBER, "payload": "not even an object", "sign": sign}),
        )
        .await;
        assert_eq!(status, 200);
    }
    let got = hub.wait_for(2).await;
    let unsigned = got
        .iter()
        .find(|r| r.signature.is_none())
        .expect("one unsigned");
    assert_eq!(&unsigned.body[..], br#""not even an object""#);
    let bad = got
        .iter()
        .find(|r| r.signature.is_some())
        .expect("one badly signed");
    let sig = bad.signature.as_deref().unwrap();
    assert!(sig.starts_with("sha256=") && sig.len() == 71, "{sig}");
    assert_ne!(sig, expected_signature(SECRET, &bad.body));

    let (status, body) = post_json(
        &sandbox,
        "/sandbox/v1/webhooks",
        &json!({"phone_number_id": NUMBER, "payload": {}, "sign": "maybe"}),
    )
    .await;
    assert_eq!((status, body["error"]["code"].clone()), (400, json!(100)));
    let (status, _) = post_json(
        &sandbox,
        "/sandbox/v1/webhooks",
        &json!({"phone_number_id": "999", "payload": {}}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = post_json(
        &sandbox,
        "/sandbox/v1/webhooks",
        &json!({"phone_number_id": NUMBER}),
    )
    .await;
    assert_eq!(status, 400);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn handshake_reports_whether_the_hub_echoed_the_challenge() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    let (status, answer) = post_json(
        &sandbox,
        "/sandbox/v1/handshake",
        &json!({"phone_number_id": NUMBER}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["verified"], true, "{answer}");
    assert_eq!(answer["status"], 200);
    let challenge = answer["challenge"].as_str().unwrap();
    assert!(challenge.len() == 10 && challenge.bytes().all(|b| b.is_ascii_digit()));

    hub.expect_verify_token("something-else");
    let (_, answer) = post_json(
        &sandbox,
        "/sandbox/v1/handshake",
        &json!({"phone_number_id": NUMBER}),
    )
    .await;
    assert_eq!(answer["verified"], false);
    assert_eq!(answer["status"], 403);
    sandbox.shutdown().await;

    let no_url = hooks_support::sandbox(None).await;
    let (status, _) = post_json(
        &no_url,
        "/sandbox/v1/handshake",
        &json!({"phone_number_id": NUMBER}),
    )
    .await;
    assert_eq!(status, 400);
    no_url.shutdown().await;
}

#[tokio::test]
async fn a_slow_hub_neither_blocks_the_api_nor_sees_more_than_64_at_once() {
    let hub = Hub::start().await;
    hub.answer_slowly(1_500);
    let sandbox = sandbox(Some(&hub.url)).await;
    let client = reqwest::Client::new();
    let url = format!("{}/sandbox/v1/webhooks", sandbox.base_url());
    let mut ids = Vec::new();
    for n in 0..100 {
        let body = json!({"phone_number_id": NUMBER, "payload": {"n": n}});
        let answer: serde_json::Value = client
            .post(&url)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(answer["delivery_id"].as_str().unwrap().to_owned());
    }
    // Had the API waited for the hub, the 65th request could only have been answered after one
    // of the first 64 deliveries finished: all 100 answers came back while the hub (1.5 s per
    // answer) had finished fewer than 36 of them, so none waited. Causal, not a stopwatch.
    let answered = hub.received().len();
    assert!(
        answered < 36,
        "the API waited for the hub: {answered} answered first"
    );
    hub.wait_for(100).await;
    let max = hub.max_in_flight();
    assert!((2..=64).contains(&max), "in flight at once: {max}");
    for id in ids {
        assert_eq!(settled(&sandbox, &id).await["state"], "delivered");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn retries_stop_at_shutdown() {
    let hub = Hub::start().await;
    hub.answer_next(&[500; 50]);
    let mut config = config(Some(&hub.url));
    config.whatsapp.webhooks.max_attempts = 50;
    config.whatsapp.webhooks.first_retry_ms = 30;
    config.whatsapp.webhooks.max_delay_ms = 30;
    let sandbox = switchboard_sandbox::Sandbox::start(config).await.unwrap();
    post_json(
        &sandbox,
        "/sandbox/v1/webhooks",
        &json!({"phone_number_id": NUMBER, "payload": {}}),
    )
    .await;
    hub.wait_for(2).await;
    sandbox.shutdown().await;
    let seen = hub.received().len();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(hub.received().len(), seen, "no attempt after shutdown");
}

#[tokio::test]
async fn a_replay_resends_the_same_bytes_and_signature() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    let (_, first) = post_json(&sandbox, "/sandbox/v1/webhooks",
        &json!({"phone_number_id": NUMBER, "payload": {"entry": [{"changes": [{"field": "messages"}]}], "é": 1}})).await;
    let first_id = first["delivery_id"].as_str().unwrap();
    settled(&sandbox, first_id).await;
    let (status, again) = post_json(
        &sandbox,
        &format!("/sandbox/v1/deliveries/{first_id}/replay"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    let again_id = again["delivery_id"].as_str().unwrap();
    assert_ne!(again_id, first_id);
    let replayed = settled(&sandbox, again_id).await;
    assert_eq!(replayed["field"], "messages");
    let got = hub.wait_for(2).await;
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(got[0].signature, got[1].signature);
    assert_eq!(
        got[1].signature.as_deref(),
        Some(expected_signature(SECRET, &got[1].body).as_str())
    );
    let (status, _) = post_json(
        &sandbox,
        "/sandbox/v1/deliveries/dlv_999999/replay",
        &json!({}),
    )
    .await;
    assert_eq!(status, 400);
    sandbox.shutdown().await;
}
