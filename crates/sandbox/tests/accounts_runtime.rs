//! Business numbers made at runtime through the control API: fresh ids and credentials that the
//! provider API accepts at once, webhooks signed with the new secret to the URL set later, and
//! refusals for clashes and unknown fields.

mod hooks_support;

use hooks_support::*;
use serde_json::{Value, json};

async fn patch_json(
    sandbox: &switchboard_sandbox::Sandbox,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let r = reqwest::Client::new()
        .patch(format!("{}{path}", sandbox.base_url()))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_new_account_works_at_once_and_its_webhooks_follow_the_patched_url() {
    let hub = Hub::start().await;
    let sandbox = sandbox(None).await;
    let (status, created) = post_json(&sandbox, "/sandbox/v1/accounts", &json!({})).await;
    assert_eq!(status, 200, "{created}");
    let number = created["phone_number_id"].as_str().unwrap().to_owned();
    let token = created["access_token"].as_str().unwrap().to_owned();
    let secret = created["app_secret"].as_str().unwrap().to_owned();
    assert_ne!(number, NUMBER);
    assert_ne!(token, TOKEN);
    assert!(created["webhook_url"].is_null());

    // Its own token reaches its number; the default account's token does not.
    let waba_url = format!(
        "{}/v21.0/{}/message_templates",
        sandbox.base_url(),
        created["waba_id"].as_str().unwrap()
    );
    let http = reqwest::Client::new();
    let ok = http
        .get(&waba_url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let other = http.get(&waba_url).bearer_auth(TOKEN).send().await.unwrap();
    assert_ne!(other.status(), 200);

    let (status, patched) = patch_json(
        &sandbox,
        &format!("/sandbox/v1/accounts/{number}"),
        &json!({"webhook_url": hub.url, "verify_token": "hub-token"}),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["webhook_url"], hub.url.as_str());
    assert_eq!(patched["verify_token"], "hub-token");
    assert_eq!(patched["access_token"], token.as_str(), "the rest is kept");

    let (status, answer) = post_json(
        &sandbox,
        "/sandbox/v1/inbound",
        &json!({"phone_number_id": number, "from": "447700900123", "type": "text", "text": {"body": "hi"}}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let got = hub.wait_for(1).await.remove(0);
    assert_eq!(
        got.signature.as_deref(),
        Some(expected_signature(&secret, &got.body).as_str())
    );
    let body = got.json();
    assert_eq!(
        body["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"],
        number.as_str()
    );

    let (_, listed) = get_json(&sandbox, "/sandbox/v1/accounts").await;
    let numbers: Vec<&str> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["phone_number_id"].as_str())
        .collect();
    assert_eq!(numbers, [NUMBER, number.as_str()]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn clashes_unknown_fields_and_unknown_numbers_are_refused() {
    let sandbox = sandbox(None).await;
    let (status, _) = post_json(
        &sandbox,
        "/sandbox/v1/accounts",
        &json!({"phone_number_id": NUMBER}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = post_json(
        &sandbox,
        "/sandbox/v1/accounts",
        &json!({"access_token": TOKEN}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, answer) =
        post_json(&sandbox, "/sandbox/v1/accounts", &json!({"colour": "blue"})).await;
    assert_eq!(status, 400);
    assert!(answer.to_string().contains("colour"), "{answer}");
    let (status, _) = post_json(
        &sandbox,
        "/sandbox/v1/accounts",
        &json!({"webhook_url": "ftp://x"}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = patch_json(
        &sandbox,
        "/sandbox/v1/accounts/999",
        &json!({"webhook_url": "http://127.0.0.1:1/"}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, chosen) = post_json(
        &sandbox,
        "/sandbox/v1/accounts",
        &json!({"phone_number_id": "555", "access_token": "tok-555", "messages_per_second": 2}),
    )
    .await;
    assert_eq!(status, 200, "{chosen}");
    assert_eq!(chosen["phone_number_id"], "555");
    assert_eq!(chosen["access_token"], "tok-555");
    assert_eq!(chosen["messages_per_second"], 2);
    sandbox.shutdown().await;
}
