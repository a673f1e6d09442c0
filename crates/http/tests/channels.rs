//! `/v1/channels` against the sandbox: create (verify token shown once), masked reads, test
//! connection with good and bad credentials, and credentials never in any answer.

use serde_json::json;
use switchboard_test_support::both_backends;

both_backends! {
    async fn a_whatsapp_channel_is_created_tested_and_never_shows_its_credentials(app) {
        let ch = app.whatsapp_channel().await;
        assert_eq!(ch.json["status"], "pending");
        assert_eq!(ch.json["protocol"], "whatsapp_cloud");
        assert_eq!(ch.json["account"], ch.phone_number_id.as_str());
        assert_eq!(ch.json["handoff"]["verify_token_revealed"], true);
        assert!(ch.verify_token.len() >= 32, "{}", ch.verify_token);
        let inbound = ch.json["handoff"]["inbound_url"].as_str().unwrap();
        assert!(inbound.ends_with(&format!("/hooks/{}", ch.id)), "{inbound}");
        assert!(!ch.json.to_string().contains(&ch.access_token));
        assert!(!ch.json.to_string().contains(&ch.app_secret));

        let got = app.get(&format!("/v1/channels/{}", ch.id)).await;
        let body = got.assert_status(200);
        let text = got.text.clone();
        assert!(!text.contains(&ch.access_token) && !text.contains(&ch.app_secret));
        assert!(!text.contains(&ch.verify_token), "verify token shown again: {text}");
        assert_eq!(body["handoff"]["verify_token_revealed"], false);
        let masked = body["secrets"]["access_token"].as_str().unwrap();
        assert!(masked.starts_with("••••"), "{masked}");
        assert!(ch.access_token.ends_with(masked.trim_start_matches('•')));

        let tested = app.post_json(&format!("/v1/channels/{}/test", ch.id), json!({})).await;
        let tested = tested.assert_status(200);
        assert_eq!(tested["ok"], true, "{tested}");
        assert_eq!(tested["channel"]["status"], "active");

        // A bad token: the test fails and the channel shows the provider's refusal.
        let res = app.patch_json(&format!("/v1/channels/{}", ch.id),
            json!({"secrets": {"access_token": "not-the-token"}})).await;
        res.assert_status(200);
        app.post_json(&format!("/v1/channels/{}/publish", ch.id), json!({})).await.assert_status(200);
        let tested = app.post_json(&format!("/v1/channels/{}/test", ch.id), json!({})).await;
        let tested = tested.assert_status(200);
        assert_eq!(tested["ok"], false);
        assert_eq!(tested["channel"]["status"], "error");
        assert!(tested["channel"]["last_error"].as_str().unwrap().contains("190"), "{tested}");
    }
}
