//! The provider side of a channel, played by the sandbox: its verification handshake succeeds
//! with the token the channel generated, stops with a regenerated one until the provider is given
//! the new token, and is refused while the channel is disabled.

use serde_json::{Value, json};
use switchboard_test_support::{ChannelFixture, TestApp, both_backends};

async fn handshake(app: &TestApp, ch: &ChannelFixture) -> Value {
    let (status, answer) = app
        .sandbox()
        .await
        .request(
            reqwest::Method::POST,
            "/sandbox/v1/handshake",
            Some(json!({"phone_number_id": ch.phone_number_id})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer
}

both_backends! {
    async fn the_handshake_follows_the_channels_verify_token(app) {
        let ch = app.whatsapp_channel().await;
        assert_eq!(handshake(&app, &ch).await["verified"], true);

        let path = format!("/v1/channels/{}", ch.id);
        let res = app.post_json(&format!("{path}/regenerate-webhook-secret"), json!({})).await;
        let token = res.assert_status(200)["handoff"]["verify_token"].as_str().unwrap().to_owned();
        let stale = handshake(&app, &ch).await;
        assert_eq!(stale["verified"], false, "the old token must stop working: {stale}");
        app.sandbox().await.update_account(&ch.phone_number_id, json!({"verify_token": token})).await;
        assert_eq!(handshake(&app, &ch).await["verified"], true);

        app.post_json(&format!("{path}/disable"), json!({})).await.assert_status(200);
        assert_eq!(handshake(&app, &ch).await["verified"], false);
        app.post_json(&format!("{path}/enable"), json!({})).await.assert_status(200);
        assert_eq!(handshake(&app, &ch).await["verified"], true);
    }
}
