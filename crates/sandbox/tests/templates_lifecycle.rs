//! Templates through real HTTP: create, review (approve and reject with the status webhook), list
//! with cursor paging, get, edit, delete, forced statuses and the BSP paths.

mod hooks_support;

use hooks_support::*;
use serde_json::{Value, json};

fn template(name: &str) -> Value {
    json!({
        "name": name, "language": "en_GB", "category": "UTILITY",
        "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["7"]}},
            {"type": "BODY", "text": "Hi {{1}}, your order {{2}} is ready.", "example": {"body_text": [["Ada", "7"]]}},
            {"type": "FOOTER", "text": "Thanks"},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "Track", "url": "https://example.com/t/{{1}}", "example": ["https://example.com/t/7"]},
                {"type": "QUICK_REPLY", "text": "Stop"}]}
        ]
    })
}

async fn create(sandbox: &switchboard_sandbox::Sandbox, body: &Value) -> (u16, Value) {
    post_json(sandbox, &format!("/v21.0/{WABA}/message_templates"), body).await
}

/// The template status webhooks' values, in arrival order.
fn template_events(hub: &Hub) -> Vec<Value> {
    hub.of_field("message_template_status_update")
        .into_iter()
        .map(|w| {
            assert!(w["entry"][0]["time"].is_i64());
            assert_eq!(w["entry"][0]["id"], WABA);
            w["entry"][0]["changes"][0]["value"].clone()
        })
        .collect()
}

#[tokio::test]
async fn created_templates_are_approved_or_rejected_with_a_webhook() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    let (status, ok) = create(&sandbox, &template("order_ready")).await;
    assert_eq!(status, 200, "{ok}");
    assert_eq!(ok["status"], "PENDING");
    assert_eq!(ok["category"], "UTILITY");
    let (_, bad) = create(&sandbox, &template("please_reject_me")).await;
    let (_, pending) = get_json(&sandbox, &format!("/v21.0/{}", ok["id"].as_str().unwrap())).await;
    assert_eq!(pending["status"], "PENDING");

    wait_until(|| template_events(&hub).len() >= 2).await;
    let events = template_events(&hub);
    let approved = events
        .iter()
        .find(|e| e["message_template_name"] == "order_ready")
        .unwrap();
    assert_eq!(approved["event"], "APPROVED");
    assert_eq!(approved["reason"], "NONE");
    assert_eq!(approved["message_template_language"], "en_GB");
    assert_eq!(approved["message_template_category"], "UTILITY");
    assert_eq!(
        approved["message_template_id"]
            .as_u64()
            .unwrap()
            .to_string(),
        ok["id"].as_str().unwrap()
    );
    let rejected = events
        .iter()
        .find(|e| e["message_template_name"] == "please_reject_me")
        .unwrap();
    assert_eq!(rejected["event"], "REJECTED");
    assert_eq!(rejected["reason"], "INVALID_FORMAT");
    assert!(rejected["rejection_info"]["reason"].is_string());
    let signed = hub
        .received()
        .into_iter()
        .all(|r| r.signature.as_deref() == Some(expected_signature(SECRET, &r.body).as_str()));
    assert!(signed);

    let (status, got) = get_json(&sandbox, &format!("/v21.0/{}", ok["id"].as_str().unwrap())).await;
    assert_eq!(status, 200);
    assert_eq!(got["status"], "APPROVED");
    assert_eq!(got["name"], "order_ready");
    assert_eq!(got["parameter_format"], "POSITIONAL");
    assert_eq!(got["components"][0]["type"], "HEADER");
    let (_, got) = get_json(&sandbox, &format!("/v21.0/{}", bad["id"].as_str().unwrap())).await;
    assert_eq!(
        (got["status"].clone(), got["rejected_reason"].clone()),
        (json!("REJECTED"), json!("INVALID_FORMAT"))
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn duplicates_are_refused_with_metas_subcode() {
    let sandbox = sandbox(None).await;
    assert_eq!(create(&sandbox, &template("dup")).await.0, 200);
    let (status, e) = create(&sandbox, &template("dup")).await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["code"], 100);
    assert_eq!(e["error"]["error_subcode"], 2388023);
    // Another language of the same name is a different template.
    let mut french = template("dup");
    french["language"] = json!("fr");
    assert_eq!(create(&sandbox, &french).await.0, 200);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn list_pages_with_cursors_and_filters() {
    let sandbox = sandbox(None).await;
    for i in 0..5 {
        assert_eq!(create(&sandbox, &template(&format!("t_{i}"))).await.0, 200);
    }
    let (status, page) = get_json(
        &sandbox,
        &format!("/v21.0/{WABA}/message_templates?limit=2"),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let names = |p: &Value| -> Vec<String> {
        p["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&page), ["t_0", "t_1"]);
    let next = page["paging"]["next"].as_str().unwrap();
    let after = page["paging"]["cursors"]["after"].as_str().unwrap();
    let page2: Value = reqwest::Client::new()
        .get(next)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(names(&page2), ["t_2", "t_3"]);
    let (_, same) = get_json(
        &sandbox,
        &format!("/v21.0/{WABA}/message_templates?limit=2&after={after}"),
    )
    .await;
    assert_eq!(names(&same), ["t_2", "t_3"]);
    let after2 = page2["paging"]["cursors"]["after"].as_str().unwrap();
    let (_, last) = get_json(
        &sandbox,
        &format!("/v21.0/{WABA}/message_templates?limit=2&after={after2}"),
    )
    .await;
    assert_eq!(names(&last), ["t_4"]);
    assert!(last["paging"].get("next").is_none());
    let before = page2["paging"]["cursors"]["before"].as_str().unwrap();
    let (_, back) = get_json(
        &sandbox,
        &format!("/v21.0/{WABA}/message_templates?limit=2&before={before}"),
    )
    .await;
    assert_eq!(names(&back), ["t_0", "t_1"]);

    let (_, filtered) = get_json(
        &sandbox,
        &format!("/v21.0/{WABA}/message_templates?name=t_3"),
    )
    .await;
    assert_eq!(names(&filtered), ["t_3"]);
    let (_, none) = get_json(
        &sandbox,
        &format!("/v21.0/{WABA}/message_templates?status=REJECTED"),
    )
    .await;
    // No name contains "reject", so this filter finds nothing while the unfiltered list has all.
    assert!(names(&none).is_empty());
    assert_eq!(
        get_json(
            &sandbox,
            &format!("/v21.0/{WABA}/message_templates?after=garbage")
        )
        .await
        .0,
        400
    );
    assert_eq!(
        get_json(
            &sandbox,
            &format!("/v21.0/{WABA}/message_templates?limit=0")
        )
        .await
        .0,
        400
    );
    assert_eq!(
        get_json(&sandbox, "/v21.0/999/message_templates").await.0,
        400
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn edit_delete_and_forced_statuses() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    let (_, created) = create(&sandbox, &template("promo")).await;
    let id = created["id"].as_str().unwrap().to_owned();
    wait_until(|| !template_events(&hub).is_empty()).await;

    let (status, e) = post_json(
        &sandbox,
        &format!("/sandbox/v1/templates/{id}/status"),
        &json!({"status": "PAUSED", "reason": "LOW_QUALITY"}),
    )
    .await;
    assert_eq!(status, 200, "{e}");
    wait_until(|| template_events(&hub).len() >= 2).await;
    let paused = template_events(&hub).pop().unwrap();
    assert_eq!(
        (paused["event"].clone(), paused["reason"].clone()),
        (json!("PAUSED"), json!("LOW_QUALITY"))
    );
    assert_eq!(
        get_json(&sandbox, &format!("/v21.0/{id}")).await.1["status"],
        "PAUSED"
    );
    assert_eq!(
        post_json(
            &sandbox,
            &format!("/sandbox/v1/templates/{id}/status"),
            &json!({"status": "SLEEPY"})
        )
        .await
        .0,
        400
    );

    // An edit goes back to review.
    let edit = json!({"components": [{"type": "BODY", "text": "New text {{1}}", "example": {"body_text": [["x"]]}}]});
    let (status, ok) = post_json(&sandbox, &format!("/v21.0/{id}"), &edit).await;
    assert_eq!((status, ok), (200, json!({"success": true})));
    assert_eq!(
        get_json(&sandbox, &format!("/v21.0/{id}")).await.1["status"],
        "PENDING"
    );
    wait_until(|| template_events(&hub).len() >= 3).await;
    let (_, got) = get_json(&sandbox, &format!("/v21.0/{id}")).await;
    assert_eq!(got["status"], "APPROVED");
    assert_eq!(got["components"][0]["text"], "New text {{1}}");
    let bad_edit = json!({"components": [{"type": "BODY", "text": "Missing example {{1}}"}]});
    assert_eq!(
        post_json(&sandbox, &format!("/v21.0/{id}"), &bad_edit)
            .await
            .0,
        400
    );

    let client = reqwest::Client::new();
    let url = format!("{}/v21.0/{WABA}/message_templates", sandbox.base_url());
    let r = client
        .delete(format!("{url}?name=promo"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"success": true}));
    assert_eq!(get_json(&sandbox, &format!("/v21.0/{id}")).await.0, 400);
    let again = client
        .delete(format!("{url}?name=promo"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
    assert_eq!(
        client
            .delete(&url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .status(),
        400
    );

    // hsm_id deletes one language only.
    let (_, en) = create(&sandbox, &template("multi")).await;
    let mut fr = template("multi");
    fr["language"] = json!("fr");
    create(&sandbox, &fr).await;
    let r = client
        .delete(format!(
            "{url}?name=multi&hsm_id={}",
            en["id"].as_str().unwrap()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, left) = get_json(
        &sandbox,
        &format!("/v21.0/{WABA}/message_templates?name=multi"),
    )
    .await;
    assert_eq!(left["data"].as_array().unwrap().len(), 1);
    assert_eq!(left["data"][0]["language"], "fr");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bsp_paths_use_the_api_key() {
    let sandbox = sandbox(None).await;
    let client = reqwest::Client::new();
    let url = format!("{}/v1/configs/templates", sandbox.base_url());
    let created: Value = client
        .post(&url)
        .header("D360-API-KEY", API_KEY)
        .json(&template("bsp_one"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["status"], "PENDING");
    let list: Value = client
        .get(&url)
        .header("D360-API-KEY", API_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["waba_templates"][0]["name"], "bsp_one");
    // The same template is visible on the Graph path of its WABA.
    let (_, graph) = get_json(&sandbox, &format!("/v21.0/{WABA}/message_templates")).await;
    assert_eq!(graph["data"][0]["id"], created["id"]);
    assert_eq!(
        client
            .get(&url)
            .header("D360-API-KEY", "wrong")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let r = client
        .delete(format!("{url}/bsp_one"))
        .header("D360-API-KEY", API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let list: Value = client
        .get(&url)
        .header("D360-API-KEY", API_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn forced_quality_changes_send_the_quality_webhook() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    let (_, created) = create(&sandbox, &template("quality")).await;
    let id = created["id"].as_str().unwrap();
    for score in ["yellow", "RED"] {
        let (status, answer) = post_json(
            &sandbox,
            &format!("/sandbox/v1/templates/{id}/quality"),
            &json!({"score": score}),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
    }
    let quality = || hub.of_field("message_template_quality_update");
    wait_until(|| quality().len() >= 2).await;
    let values: Vec<Value> = quality()
        .iter()
        .map(|w| w["entry"][0]["changes"][0]["value"].clone())
        .collect();
    let pairs: Vec<(String, String)> = values
        .iter()
        .map(|v| {
            (
                v["previous_quality_score"].as_str().unwrap().to_owned(),
                v["new_quality_score"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        pairs.contains(&("UNKNOWN".into(), "YELLOW".into())),
        "{pairs:?}"
    );
    assert!(
        pairs.contains(&("YELLOW".into(), "RED".into())),
        "{pairs:?}"
    );
    assert_eq!(values[0]["message_template_name"], "quality");
    assert_eq!(
        values[0]["message_template_id"]
            .as_u64()
            .unwrap()
            .to_string(),
        id
    );
    let (status, _) = post_json(
        &sandbox,
        &format!("/sandbox/v1/templates/{id}/quality"),
        &json!({"score": "BLUE"}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = post_json(
        &sandbox,
        "/sandbox/v1/templates/42/quality",
        &json!({"score": "RED"}),
    )
    .await;
    assert_eq!(status, 400);
    sandbox.shutdown().await;
}
