//! Who may send: the Graph Bearer token (190/401 when wrong, 100/33 for a number the token does
//! not reach) and the BSP style (`POST /messages` with `D360-API-KEY`).

mod send_support;

use send_support::{App, CUSTOMER};
use serde_json::{Value, json};
use switchboard_sandbox::config::{
    DEFAULT_ACCESS_TOKEN, DEFAULT_API_KEY, DEFAULT_PHONE_NUMBER_ID, WhatsAppAccount,
};

fn text() -> Value {
    json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text", "text": {"body": "hi"}})
}

fn second_account() -> WhatsAppAccount {
    WhatsAppAccount {
        waba_id: "2001".into(),
        phone_number_id: "3001".into(),
        access_token: "other-token".into(),
        api_key: Some("other-key".into()),
        ..WhatsAppAccount::default()
    }
}

#[tokio::test]
async fn graph_tokens() {
    let app = App::start(|c| c.whatsapp.accounts.push(second_account())).await;
    let path = format!("/v21.0/{DEFAULT_PHONE_NUMBER_ID}/messages");
    for token in [None, Some("wrong")] {
        let a = app.post(&path, token, &[], text()).await;
        a.assert_error(401, 190);
        assert!(a.body["error"].get("error_data").is_none());
    }
    // A valid token for another account: the number does not exist for it.
    let a = app.post(&path, Some("other-token"), &[], text()).await;
    a.assert_error(400, 100);
    assert_eq!(a.body["error"]["error_subcode"], 33);
    // An unknown number.
    let a = app
        .post(
            "/v21.0/555/messages",
            Some(DEFAULT_ACCESS_TOKEN),
            &[],
            text(),
        )
        .await;
    assert_eq!(a.body["error"]["error_subcode"], 33);
    // The path's version must look like one.
    let a = app
        .post(
            &format!("/latest/{DEFAULT_PHONE_NUMBER_ID}/messages"),
            Some(DEFAULT_ACCESS_TOKEN),
            &[],
            text(),
        )
        .await;
    assert_eq!(a.assert_error(400, 100), "Unknown path components: /latest");
    // Each account sends on its own number.
    let a = app
        .post("/v19.0/3001/messages", Some("other-token"), &[], text())
        .await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    let mine = app.outbox("?phone_number_id=3001").await;
    assert_eq!(mine.len(), 1);
    // Authentication comes before validation: a bad body with a bad token is a token error.
    let a = app.post(&path, Some("wrong"), &[], json!({})).await;
    a.assert_error(401, 190);
}

#[tokio::test]
async fn bsp_style_api_key() {
    let app = App::start(|c| c.whatsapp.accounts.push(second_account())).await;
    let a = app
        .post(
            "/messages",
            None,
            &[("D360-API-KEY", DEFAULT_API_KEY)],
            text(),
        )
        .await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    assert_eq!(a.body["contacts"][0]["wa_id"], CUSTOMER);
    let a = app
        .post("/messages", None, &[("D360-API-KEY", "other-key")], text())
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(app.outbox("?phone_number_id=3001").await.len(), 1);
    assert_eq!(
        app.outbox(&format!("?phone_number_id={DEFAULT_PHONE_NUMBER_ID}"))
            .await
            .len(),
        1
    );
    for headers in [vec![], vec![("D360-API-KEY", "nope")]] {
        let a = app.post("/messages", None, &headers, text()).await;
        a.assert_error(401, 190);
    }
    // Validation and its answers are the same in both styles.
    let a = app
        .post(
            "/messages",
            None,
            &[("D360-API-KEY", DEFAULT_API_KEY)],
            json!({"to": CUSTOMER}),
        )
        .await;
    assert_eq!(
        a.assert_error(400, 100),
        "Param messaging_product is required"
    );
    // A key names its own number: using it on another number's Graph path is refused.
    let a = app
        .post(
            &format!("/v21.0/{DEFAULT_PHONE_NUMBER_ID}/messages"),
            None,
            &[("D360-API-KEY", "other-key")],
            text(),
        )
        .await;
    assert_eq!(a.body["error"]["error_subcode"], 33, "{:?}", a.body);
}
