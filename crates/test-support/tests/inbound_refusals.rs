//! What `/hooks/{channel_id}` refuses, end to end: bad or missing signatures (401, nothing
//! stored), bodies that are not the provider's envelope (400), unknown and disabled channels,
//! oversized bodies, and the GET verification handshake with the right and a wrong token.

mod inbound_support;

use inbound_support::{Sandbox, conversations, envelope, post_hook, text_message};
use serde_json::{Value, json};
use switchboard_test_support::{Auth, both_backends};

both_backends! {
    async fn bad_signatures_are_refused_and_nothing_is_stored(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        let payload = envelope(&ch.phone_number_id, vec![text_message("wamid.forged", "pay me")]);

        let badly = sb.webhook(&ch.phone_number_id, payload.clone(), json!("bad")).await;
        assert_eq!(badly["attempts"][0]["status"], 401, "{badly}");
        let unsigned = sb.webhook(&ch.phone_number_id, payload, Value::Bool(false)).await;
        assert_eq!(unsigned["attempts"][0]["status"], 401, "{unsigned}");

        let body = badly["body"].as_str().expect("body");
        let forged = format!("sha256={}", "0".repeat(64));
        let res = post_hook(&app, ch.id, body, Some(&forged)).await;
        let p = res.assert_problem(401, "webhook_signature_invalid");
        assert!(p["detail"].as_str().is_some_and(|d| d.contains("does not match")), "{p}");
        let res = post_hook(&app, ch.id, body, None).await;
        let p = res.assert_problem(401, "webhook_signature_invalid");
        assert!(p["detail"].as_str().is_some_and(|d| d.contains("missing")), "{p}");
        let res = post_hook(&app, ch.id, body, Some("md5=abc")).await;
        res.assert_problem(401, "webhook_signature_invalid");

        assert!(conversations(&app, ch.id).await.is_empty(), "nothing stored");

        // Refusals are counted by reason.
        let metrics = app
            .call(reqwest::Method::GET, "/metrics")
            .auth(Auth::None)
            .send()
            .await;
        assert!(
            metrics.text.lines().any(|l| l.starts_with("switchboard_webhooks_rejected_total")
                && l.contains("reason=\"webhook_signature_invalid\"")),
            "{}",
            metrics.text
        );
        assert!(metrics.text.contains("switchboard_webhooks_received_total"));
    }

    async fn bodies_that_are_not_the_envelope_are_malformed(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        let wrong = json!({"object": "page", "entry": []});
        let delivery = sb.webhook(&ch.phone_number_id, wrong, Value::Bool(true)).await;
        assert_eq!(delivery["attempts"][0]["status"], 400, "{delivery}");

        let body = delivery["body"].as_str().expect("body");
        let signature = delivery["signature"].as_str().expect("signature");
        let res = post_hook(&app, ch.id, body, Some(signature)).await;
        assert_eq!(res.header("content-type"), Some("application/problem+json"));
        let p = res.assert_problem(400, "webhook_malformed");
        assert!(p["detail"].as_str().is_some_and(|d| d.contains("page")), "{p}");
        assert!(conversations(&app, ch.id).await.is_empty());
    }

    async fn unknown_channels_and_oversized_bodies_are_refused(app) {
        let ch = app.whatsapp_channel().await;
        let unknown = uuid::Uuid::now_v7();
        post_hook(&app, unknown, "{}", Some("sha256=00")).await.assert_problem(404, "not_found");
        app.call(reqwest::Method::POST, "/hooks/not-a-uuid")
            .auth(Auth::None)
            .raw("application/json", b"{}".to_vec())
            .send()
            .await
            .assert_problem(404, "not_found");
        // Meta caps webhooks at 3 MB; a larger body never reaches verification.
        let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(3 * 1024 * 1024 + 1));
        post_hook(&app, ch.id, &huge, Some("sha256=00"))
            .await
            .assert_problem(413, "payload_too_large");
        // Hooks need no API key, and an API key does not replace the signature.
        let res = app
            .call(reqwest::Method::POST, &format!("/hooks/{}", ch.id))
            .raw("application/json", b"{}".to_vec())
            .send()
            .await;
        res.assert_problem(401, "webhook_signature_invalid");
    }

    async fn the_handshake_echoes_the_challenge_only_for_the_right_token(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        // The channel's own verify token: the challenge comes back as text/plain.
        let query = format!(
            "hub.mode=subscribe&hub.verify_token={}&hub.challenge=1234567890",
            ch.verify_token
        );
        let res = app
            .call(reqwest::Method::GET, &format!("/hooks/{}?{query}", ch.id))
            .auth(Auth::None)
            .send()
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
        assert_eq!(res.text, "1234567890");
        assert!(res.header("content-type").is_some_and(|c| c.starts_with("text/plain")));

        // Meta's own verification, from the sandbox: with the channel's token it passes, with
        // any other token the hub refuses it.
        let shake = |token: String| {
            let sb = &sb;
            let number = ch.phone_number_id.clone();
            async move {
                sb.control(
                    reqwest::Method::PATCH,
                    &format!("/sandbox/v1/accounts/{number}"),
                    Some(json!({"verify_token": token})),
                )
                .await;
                sb.control(
                    reqwest::Method::POST,
                    "/sandbox/v1/handshake",
                    Some(json!({"phone_number_id": number})),
                )
                .await
            }
        };
        let good = shake(ch.verify_token.clone()).await;
        assert_eq!(good["verified"], true, "{good}");
        let bad = shake("not-the-token".to_owned()).await;
        assert_eq!(bad["verified"], false, "{bad}");
        assert_eq!(bad["status"], 403, "{bad}");

        let get = |query: String| {
            app.call(reqwest::Method::GET, &format!("/hooks/{}?{query}", ch.id))
                .auth(Auth::None)
                .send()
        };
        let res = get("hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1234567890".into()).await;
        res.assert_problem(403, "webhook_handshake_failed");
        let res = get("hub.mode=unsubscribe&hub.challenge=1".into()).await;
        res.assert_problem(403, "webhook_handshake_failed");
        let res = app
            .call(reqwest::Method::GET, &format!("/hooks/{}?hub.mode=subscribe", uuid::Uuid::now_v7()))
            .auth(Auth::None)
            .send()
            .await;
        res.assert_problem(404, "not_found");
    }

    async fn a_disabled_channel_receives_nothing(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        let org = switchboard_domain::OrgId(app.org.id);
        let mut channel = app
            .store
            .find_channel(switchboard_domain::ChannelId(ch.id))
            .await
            .expect("channel");
        assert_eq!(channel.org_id, org);
        channel.status = switchboard_domain::ChannelStatus::Disabled;
        app.store
            .update_channel(&channel, &switchboard_store::Effects::none())
            .await
            .expect("disable");

        let payload = envelope(&ch.phone_number_id, vec![text_message("wamid.off", "anyone?")]);
        let delivery = sb.webhook(&ch.phone_number_id, payload, Value::Bool(true)).await;
        assert_eq!(delivery["attempts"][0]["status"], 403, "{delivery}");
        let body = delivery["body"].as_str().expect("body");
        let signature = delivery["signature"].as_str().expect("signature");
        post_hook(&app, ch.id, body, Some(signature)).await.assert_problem(403, "channel_disabled");
        let res = app
            .call(reqwest::Method::GET, &format!("/hooks/{}?hub.mode=subscribe", ch.id))
            .auth(Auth::None)
            .send()
            .await;
        res.assert_problem(403, "channel_disabled");
        assert!(conversations(&app, ch.id).await.is_empty());
    }
}

/// The API's per-caller limiter never throttles a provider: a burst of customer messages must
/// not turn into 429s and retries. The limiter is in memory, the same on both backends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hooks_are_not_rate_limited_like_the_api() {
    let mut options = switchboard_test_support::TestOptions::default();
    options.http.rate_limit_per_minute = 2;
    let app = switchboard_test_support::TestApp::spawn_with(
        switchboard_test_support::Backend::Sqlite,
        options,
    )
    .await
    .expect("SQLite app");
    let ch = app.whatsapp_channel().await;
    let sb = Sandbox::of(&app).await;
    let payload = envelope(&ch.phone_number_id, vec![text_message("wamid.burst", "hi")]);
    let delivery = sb
        .webhook(&ch.phone_number_id, payload, Value::Bool(true))
        .await;
    assert_eq!(delivery["attempts"][0]["status"], 200, "{delivery}");
    let body = delivery["body"].as_str().expect("body");
    let signature = delivery["signature"].as_str();
    for _ in 0..5 {
        post_hook(&app, ch.id, body, signature)
            .await
            .assert_status(200);
    }
    // The API itself is limited at two a minute (creating the channel took its share).
    let mut limited = false;
    for _ in 0..3 {
        limited |= app.get("/v1/conversations").await.status == 429;
    }
    assert!(limited, "the API limiter is on in this app");
}
