//! What Meta enforces beyond the body: the customer-service window, the number's messages per
//! second, the pair rate, armed faults; and the control API that lists and counts it all.

mod send_support;

use send_support::{App, CUSTOMER};
use serde_json::json;
use switchboard_sandbox::config::{DEFAULT_ACCESS_TOKEN, DEFAULT_PHONE_NUMBER_ID};

#[tokio::test]
async fn free_form_outside_the_window_is_131047_templates_are_not() {
    let app = App::start(|c| c.whatsapp.limits.enforce_window = true).await;
    let a = app.send_kind("text", json!({"body": "hello?"})).await;
    let details = a.assert_error(400, 131_047);
    assert_eq!(
        a.body["error"]["message"],
        "(#131047) Re-engagement message"
    );
    assert!(details.contains("24 hours"), "{details}");
    assert_eq!(
        a.body["error"]["error_data"]["messaging_product"],
        "whatsapp"
    );
    let a = app
        .send_kind("image", json!({"link": "https://example.com/a.jpg"}))
        .await;
    a.assert_error(400, 131_047);
    // A template is not held to the window: it reaches the template check (none exists here).
    let a = app
        .send_kind(
            "template",
            json!({"name": "hello", "language": {"code": "en"}}),
        )
        .await;
    a.assert_error(404, 132_001);
    // Validation comes first: a malformed free-form send is told what is wrong with it.
    let a = app.send_kind("text", json!({})).await;
    a.assert_error(400, 100);
}

#[tokio::test]
async fn messages_per_second_over_the_limit_is_130429() {
    let app = App::start(|c| c.whatsapp.limits.messages_per_second = 3).await;
    // Four at once, to four recipients so the pair rate plays no part.
    let sends = (0..4).map(|i| {
        app.send(
            json!({"messaging_product": "whatsapp", "to": format!("44770090010{i}"),
            "type": "text", "text": {"body": "hi"}}),
        )
    });
    // Joined, not awaited in turn: all four are in flight together.
    let answers = futures::future::join_all(sends).await;
    let ok = answers.iter().filter(|a| a.status == 200).count();
    let limited: Vec<_> = answers.iter().filter(|a| a.status != 200).collect();
    assert_eq!((ok, limited.len()), (3, 1), "{answers:?}");
    let details = limited[0].assert_error(400, 130_429);
    assert!(details.contains("3 per second"), "{details}");
    // The window is a second long: after it, the number may send again.
    tokio::time::sleep(std::time::Duration::from_millis(1_050)).await;
    assert_eq!(
        app.send_kind("text", json!({"body": "again"})).await.status,
        200
    );
}

#[tokio::test]
async fn the_same_recipient_too_often_is_131056() {
    let app = App::start(|c| {
        c.whatsapp.limits.pair_burst = 2;
        c.whatsapp.limits.pair_interval_ms = 60_000;
    })
    .await;
    for _ in 0..2 {
        assert_eq!(
            app.send_kind("text", json!({"body": "hi"})).await.status,
            200
        );
    }
    let a = app.send_kind("text", json!({"body": "hi"})).await;
    a.assert_error(400, 131_056);
    // Templates count too: they are messages to the same person.
    let a = app
        .send_kind("template", json!({"name": "t", "language": {"code": "en"}}))
        .await;
    a.assert_error(404, 132_001);
    // Another recipient is not affected.
    let a = app
        .send(
            json!({"messaging_product": "whatsapp", "to": "447700900456", "type": "text",
            "text": {"body": "hi"}}),
        )
        .await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn armed_faults_fail_the_next_matching_sends() {
    let app = App::start(|_| {}).await;
    let arm = |body| app.post("/sandbox/v1/faults", None, &[], body);
    let a = arm(
        json!({"phone_number_id": DEFAULT_PHONE_NUMBER_ID, "code": 131026, "count": 2,
        "to": "+44 7700 900123", "details": "Receiver is incapable of receiving this message"}),
    )
    .await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    let a = arm(json!({"phone_number_id": DEFAULT_PHONE_NUMBER_ID, "code": 131016})).await;
    assert_eq!(a.status, 201);
    for _ in 0..2 {
        let a = app.send_kind("text", json!({"body": "hi"})).await;
        let details = a.assert_error(400, 131_026);
        assert_eq!(details, "Receiver is incapable of receiving this message");
    }
    // Faults come before validation: even a malformed send gets the armed answer.
    let a = app
        .send(json!({"messaging_product": "whatsapp", "to": "447700900456", "type": "text"}))
        .await;
    a.assert_error(503, 131_016);
    // Everything armed is used up.
    assert_eq!(
        app.send_kind("text", json!({"body": "hi"})).await.status,
        200
    );

    // Unknown numbers and malformed bodies are refused; DELETE disarms everything.
    let a = arm(json!({"phone_number_id": "999", "code": 4})).await;
    assert_eq!(a.status, 404);
    let a = arm(json!({"phone_number_id": DEFAULT_PHONE_NUMBER_ID})).await;
    assert_eq!(a.status, 422, "{:?}", a.body);
    arm(json!({"phone_number_id": DEFAULT_PHONE_NUMBER_ID, "code": 4, "count": 5})).await;
    assert_eq!(
        app.get("/sandbox/v1/faults").await.body["data"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(app.delete("/sandbox/v1/faults").await, 204);
    assert_eq!(
        app.send_kind("text", json!({"body": "hi"})).await.status,
        200
    );
}

#[tokio::test]
async fn stats_count_refusals_by_code_and_the_outbox_can_be_cleared() {
    let app = App::start(|c| c.whatsapp.limits.enforce_window = true).await;
    app.send_kind("text", json!({"body": "hi"}))
        .await
        .assert_error(400, 131_047);
    app.send_kind("text", json!({"body": "hi"}))
        .await
        .assert_error(400, 131_047);
    app.send_kind("text", json!({}))
        .await
        .assert_error(400, 100);
    app.send_kind("template", json!({"name": "t", "language": {"code": "en"}}))
        .await
        .assert_error(404, 132_001);
    let ok = app
        .send(
            json!({"messaging_product": "whatsapp", "recipient_type": "group", "to": "g1",
            "type": "text", "text": {"body": "hi"}}),
        )
        .await;
    assert_eq!(ok.status, 200);
    let stats = app.get("/sandbox/v1/stats").await.body;
    assert_eq!(stats["accepted"], 1);
    assert_eq!(
        stats["rejected"],
        json!({"100": 1, "131047": 2, "132001": 1})
    );
    assert_eq!(app.outbox("?phone_number_id=109876543210").await.len(), 1);
    assert!(app.outbox("?phone_number_id=1").await.is_empty());
    assert_eq!(app.get("/sandbox/v1/outbox?limit=x").await.status, 400);
    assert_eq!(app.delete("/sandbox/v1/outbox").await, 204);
    assert!(app.outbox("").await.is_empty());
    assert_eq!(app.get("/sandbox/v1/stats").await.body["accepted"], 0);
}

#[tokio::test]
async fn mark_as_read_needs_a_message_the_customer_sent() {
    let app = App::start(|_| {}).await;
    let sent = app.send_kind("text", json!({"body": "hi"})).await.wamid();
    let path = format!("/v21.0/{DEFAULT_PHONE_NUMBER_ID}/messages");
    let read = |id: &str| {
        json!({"messaging_product": "whatsapp", "status": "read", "message_id": id,
            "typing_indicator": {"type": "text"}})
    };
    // Our own message is not one the customer sent.
    let a = app
        .post(&path, Some(DEFAULT_ACCESS_TOKEN), &[], read(&sent))
        .await;
    let details = a.assert_error(400, 100);
    assert!(details.contains(&sent), "{details}");
    let mut bad = read("wamid.X");
    bad["status"] = json!("delivered");
    let a = app.post(&path, Some(DEFAULT_ACCESS_TOKEN), &[], bad).await;
    assert_eq!(
        a.assert_error(400, 131_009),
        "Param status must be read, got delivered"
    );
    let mut bad = read("wamid.X");
    bad["to"] = json!(CUSTOMER);
    let a = app.post(&path, Some(DEFAULT_ACCESS_TOKEN), &[], bad).await;
    assert_eq!(a.assert_error(400, 100), "Unexpected key \"to\" on param");
}
