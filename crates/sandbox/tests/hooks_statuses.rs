//! Status webhooks through real HTTP: after real sends (text in the window, templates, reactions,
//! failing numbers), batched when due together, and the control route.

mod hooks_support;

use hooks_support::*;
use serde_json::{Value, json};

const CUSTOMER: &str = "447700900123";

/// Every status for `message_id` the hub has received, in arrival order.
fn statuses_of(hub: &Hub, message_id: &str) -> Vec<Value> {
    hub.of_field("messages")
        .iter()
        .flat_map(|w| {
            w["entry"][0]["changes"][0]["value"]["statuses"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|s| s["id"] == message_id)
        .collect()
}

async fn wait_statuses(hub: &Hub, message_id: &str, n: usize) -> Vec<Value> {
    wait_until(|| statuses_of(hub, message_id).len() >= n).await;
    // A moment more, so a status that should not come has its chance to show up.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    statuses_of(hub, message_id)
}

async fn customer_writes(sandbox: &switchboard_sandbox::Sandbox, from: &str) -> String {
    let (status, body) = post_json(
        sandbox,
        "/sandbox/v1/inbound",
        &json!({
            "phone_number_id": NUMBER, "from": from, "type": "text", "text": {"body": "hello"}
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["message_id"].as_str().unwrap().to_owned()
}

async fn send(sandbox: &switchboard_sandbox::Sandbox, body: Value) -> String {
    let (status, answer) = post_json(sandbox, &format!("/v21.0/{NUMBER}/messages"), &body).await;
    assert_eq!(status, 200, "{answer}");
    answer["messages"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_text_in_the_window_is_sent_delivered_and_read_with_service_pricing() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    customer_writes(&sandbox, CUSTOMER).await;
    let id = send(&sandbox, json!({"messaging_product": "whatsapp", "to": format!("+{CUSTOMER}"),
        "type": "text", "text": {"body": "Your order shipped."}, "biz_opaque_callback_data": "order-7"})).await;
    let statuses = wait_statuses(&hub, &id, 3).await;
    let names: Vec<&str> = statuses
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sent", "delivered", "read"]);
    let free = json!({"billable": false, "pricing_model": "PMP", "type": "free_customer_service", "category": "service"});
    assert_eq!(statuses[0]["pricing"], free);
    assert_eq!(statuses[1]["pricing"], free);
    assert!(statuses[2].get("pricing").is_none());
    for s in &statuses {
        assert_eq!(s["recipient_id"], CUSTOMER);
        assert_eq!(s["biz_opaque_callback_data"], "order-7");
        assert!(s["timestamp"].as_str().unwrap().parse::<i64>().unwrap() > 1_700_000_000);
        assert!(s.get("errors").is_none());
    }
    // Envelope and signature of a status webhook.
    for got in hub.received() {
        assert_eq!(
            got.signature.as_deref(),
            Some(expected_signature(SECRET, &got.body).as_str())
        );
    }
    let webhook = hub
        .of_field("messages")
        .into_iter()
        .find(|w| {
            w["entry"][0]["changes"][0]["value"]
                .get("statuses")
                .is_some()
        })
        .unwrap();
    assert_eq!(webhook["object"], "whatsapp_business_account");
    assert_eq!(webhook["entry"][0]["id"], WABA);
    let value = &webhook["entry"][0]["changes"][0]["value"];
    assert_eq!(value["messaging_product"], "whatsapp");
    assert_eq!(value["metadata"]["phone_number_id"], NUMBER);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_template_is_billed_in_its_category() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    let (status, created) = post_json(
        &sandbox,
        &format!("/v21.0/{WABA}/message_templates"),
        &json!({
            "name": "order_shipped", "language": "en_GB", "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Your order shipped."}]
        }),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    wait_until(|| !hub.of_field("message_template_status_update").is_empty()).await;
    let id = send(
        &sandbox,
        json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "template",
        "template": {"name": "order_shipped", "language": {"code": "en_GB"}}}),
    )
    .await;
    let statuses = wait_statuses(&hub, &id, 3).await;
    assert_eq!(statuses[0]["status"], "sent");
    assert_eq!(
        statuses[0]["pricing"],
        json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "utility"})
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn failing_numbers_fail_and_reactions_are_only_sent() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    let failing = "447700900999";
    customer_writes(&sandbox, failing).await;
    let failed = send(&sandbox, json!({"messaging_product": "whatsapp", "to": failing, "type": "text", "text": {"body": "hi"}})).await;
    let inbound = customer_writes(&sandbox, CUSTOMER).await;
    let reaction = send(
        &sandbox,
        json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "reaction",
        "reaction": {"message_id": inbound, "emoji": "👍"}}),
    )
    .await;

    let statuses = wait_statuses(&hub, &failed, 1).await;
    assert_eq!(statuses.len(), 1, "{statuses:?}");
    assert_eq!(statuses[0]["status"], "failed");
    let error = &statuses[0]["errors"][0];
    assert_eq!(error["code"], 131026);
    assert_eq!(error["title"], "Message Undeliverable");
    assert!(error["message"].is_string() && error["href"].is_string());
    assert!(error["error_data"]["details"].is_string());

    let statuses = wait_statuses(&hub, &reaction, 1).await;
    assert_eq!(statuses.len(), 1, "{statuses:?}");
    assert_eq!(statuses[0]["status"], "sent");
    assert!(statuses[0].get("pricing").is_none());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn statuses_due_together_share_a_webhook() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    let customers: Vec<String> = (0..20).map(|i| format!("4477009002{i:02}")).collect();
    for c in &customers {
        customer_writes(&sandbox, c).await;
    }
    let sends = customers.iter().map(|c| {
        let body = json!({"messaging_product": "whatsapp", "to": c, "type": "text", "text": {"body": "hi"}});
        let url = format!("{}/v21.0/{NUMBER}/messages", sandbox.base_url());
        tokio::spawn(async move {
            let r = reqwest::Client::new().post(url).bearer_auth(TOKEN).json(&body).send().await.unwrap();
            assert_eq!(r.status(), 200);
        })
    });
    for s in sends.collect::<Vec<_>>() {
        s.await.unwrap();
    }
    let status_webhooks = || -> Vec<usize> {
        hub.of_field("messages")
            .iter()
            .filter_map(|w| {
                w["entry"][0]["changes"][0]["value"]["statuses"]
                    .as_array()
                    .map(Vec::len)
            })
            .collect()
    };
    wait_until(|| status_webhooks().iter().sum::<usize>() >= 60).await;
    let sizes = status_webhooks();
    assert_eq!(sizes.iter().sum::<usize>(), 60);
    assert!(
        sizes.len() < 60 && sizes.iter().any(|n| *n > 1),
        "no batching: {sizes:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_control_route_sends_any_status_now() {
    let hub = Hub::start().await;
    let sandbox = sandbox(Some(&hub.url)).await;
    for (status, extra) in [
        ("read", json!({})),
        ("delivered", json!({"timestamp": "1767225700"})),
        ("read", json!({})),
        ("failed", json!({"error_code": 131049})),
    ] {
        let mut body = json!({"phone_number_id": NUMBER, "message_id": "wamid.X1", "recipient": "+447700900123", "status": status});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let (code, answer) = post_json(&sandbox, "/sandbox/v1/statuses", &body).await;
        assert_eq!(code, 200, "{answer}");
        assert!(answer["delivery_id"].is_string());
    }
    let statuses = wait_statuses(&hub, "wamid.X1", 4).await;
    let names: std::collections::BTreeSet<&str> = statuses
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 4);
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["delivered", "failed", "read"]
    );
    let delivered = statuses
        .iter()
        .find(|s| s["status"] == "delivered")
        .unwrap();
    assert_eq!(delivered["timestamp"], "1767225700");
    assert_eq!(delivered["recipient_id"], "447700900123");
    assert_eq!(delivered["pricing"]["category"], "service");
    let failed = statuses.iter().find(|s| s["status"] == "failed").unwrap();
    assert_eq!(failed["errors"][0]["code"], 131049);

    let (code, _) = post_json(
        &sandbox,
        "/sandbox/v1/statuses",
        &json!({"phone_number_id": NUMBER,
        "message_id": "wamid.X1", "recipient": "1", "status": "lost"}),
    )
    .await;
    assert_eq!(code, 400);
    sandbox.shutdown().await;
}
