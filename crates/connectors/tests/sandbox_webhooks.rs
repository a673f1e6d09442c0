//! The sandbox's signed webhooks reach a tiny hub (`support::hub`) that uses only the connector
//! contract: `handshake`, `verify_webhook` on the raw bytes, then `parse_webhook`.
//! Inbound messages, inbound media, statuses and template updates all verify and parse.

mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use base64::Engine as _;
use serde_json::json;
use support::hub::Setup;
use support::{CUSTOMER, message};
use switchboard_connectors::Connector;
use switchboard_connectors::inbound::{DeliveryState, InboundContent, InboundEvent};
use switchboard_connectors::media::sha256_hex;

#[tokio::test]
async fn the_handshake_verifies_with_our_token() {
    let s = Setup::start().await;
    let number = s.env.account().phone_number_id.clone();
    let answer = s
        .env
        .control("handshake", json!({"phone_number_id": number}))
        .await;
    assert_eq!(answer["verified"], json!(true), "{answer}");
    s.env.sandbox.shutdown().await;
}

#[tokio::test]
async fn an_inbound_text_arrives_signed_and_parses() {
    let mut s = Setup::start().await;
    let sent = s
        .env
        .customer_writes(CUSTOMER, "Hello, is my order ready?")
        .await;
    let m = s
        .next(|e| match e {
            InboundEvent::Message(m) => Some(m),
            _ => None,
        })
        .await;
    assert_eq!(m.provider_message_id, sent["message_id"].as_str().unwrap());
    assert_eq!(m.account, s.env.account().phone_number_id);
    assert_eq!(m.from, CUSTOMER);
    assert_eq!(m.profile_name.as_deref(), Some("Ada"));
    assert_eq!(
        m.content,
        InboundContent::Text {
            body: "Hello, is my order ready?".into()
        }
    );
    assert_eq!(s.hub.refused.load(Ordering::SeqCst), 0);
    s.env.sandbox.shutdown().await;
}

#[tokio::test]
async fn inbound_media_parses_and_downloads_with_its_digest() {
    let mut s = Setup::start().await;
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
    let number = s.env.account().phone_number_id.clone();
    s.env
        .control(
            "inbound",
            json!({"phone_number_id": number, "from": CUSTOMER, "type": "image",
                   "image": {"data_base64": base64::engine::general_purpose::STANDARD.encode(&bytes),
                             "mime_type": "image/jpeg", "caption": "the parcel"}}),
        )
        .await;
    let media = s
        .next(|e| match e {
            InboundEvent::Message(m) => match m.content {
                InboundContent::Media(media) => Some(media),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(media.caption.as_deref(), Some("the parcel"));
    assert_eq!(media.mime_type.as_deref(), Some("image/jpeg"));
    let fetched = s
        .env
        .graph()
        .fetch_media(&media.id)
        .await
        .expect("downloaded");
    assert_eq!(&fetched.bytes[..], &bytes[..]);
    assert_eq!(fetched.sha256, sha256_hex(&bytes));
    s.env.sandbox.shutdown().await;
}

#[tokio::test]
async fn statuses_follow_a_send_with_pricing_and_callback_data() {
    let mut s = Setup::start().await;
    s.env.customer_writes(CUSTOMER, "Hi").await;
    let mut m = message(
        CUSTOMER,
        json!({"type": "text", "body": "Your order shipped."}),
    );
    m.callback_data = Some("job-42".into());
    let receipt = s.env.graph().send(&m).await.expect("sent");
    let wamid = receipt.provider_message_id;
    let sent = s.next_status(&wamid, DeliveryState::Sent).await;
    assert_eq!(sent.recipient, CUSTOMER);
    assert_eq!(sent.callback_data.as_deref(), Some("job-42"));
    assert!(sent.pricing.is_some(), "{sent:?}");
    s.next_status(&wamid, DeliveryState::Delivered).await;
    s.next_status(&wamid, DeliveryState::Read).await;
    s.env.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_send_to_a_failing_number_gets_a_failed_status_with_the_error() {
    let mut s = Setup::start().await;
    let failing = "447700900999";
    s.env.customer_writes(failing, "Hi").await;
    let receipt = s
        .env
        .graph()
        .send(&message(failing, json!({"type": "text", "body": "Hello"})))
        .await
        .expect("accepted first, fails later");
    let failed = s
        .next_status(&receipt.provider_message_id, DeliveryState::Failed)
        .await;
    assert_eq!(failed.errors[0].code, 131_026);
    s.env.sandbox.shutdown().await;
}

#[tokio::test]
async fn template_reviews_arrive_as_template_status_events() {
    let mut s = Setup::start().await;
    let wa = s.env.graph();
    let created = wa
        .templates()
        .unwrap()
        .create_template(&switchboard_connectors::templates::NewTemplate {
            name: "please_reject_me".into(),
            language: "en_GB".into(),
            category: switchboard_connectors::templates::TemplateCategory::Marketing,
            parameter_format: Default::default(),
            components: vec![switchboard_connectors::templates::ComponentSpec::Body {
                text: "Big sale today".into(),
                example: None,
            }],
        })
        .await
        .expect("created");
    let update = s
        .next(|e| match e {
            InboundEvent::TemplateStatus(t) => Some(t),
            _ => None,
        })
        .await;
    assert_eq!(update.template_id, created.id);
    assert_eq!(update.name, "please_reject_me");
    assert_eq!(update.status, "REJECTED");
    assert_eq!(update.account, s.env.account().waba_id);
    s.env.sandbox.shutdown().await;
}

#[tokio::test]
async fn badly_signed_and_unsigned_webhooks_are_refused() {
    let mut s = Setup::start().await;
    let number = s.env.account().phone_number_id.clone();
    let payload = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp",
         "metadata": {"display_phone_number": "447700900001", "phone_number_id": number},
         "messages": [{"from": CUSTOMER, "id": "wamid.FORGED", "timestamp": "1767225600",
                       "type": "text", "text": {"body": "forged"}}]}}]}]});
    for sign in [json!("bad"), json!(false)] {
        s.env
            .control(
                "webhooks",
                json!({"phone_number_id": number, "payload": payload, "sign": sign}),
            )
            .await;
    }
    // A good one after them proves the receiver was listening all along.
    s.env
        .control(
            "webhooks",
            json!({"phone_number_id": number, "payload": payload, "sign": true}),
        )
        .await;
    let m = s
        .next(|e| match e {
            InboundEvent::Message(m) => Some(m),
            _ => None,
        })
        .await;
    assert_eq!(m.provider_message_id, "wamid.FORGED");
    // Deliveries run concurrently: wait for both refusals rather than assume their order.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while s.hub.refused.load(Ordering::SeqCst) < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "refusals never came"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    s.env.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_delivery_the_hub_refused_is_retried_and_parses_the_same() {
    let mut s = Setup::start().await;
    s.hub.fail_first.store(1, Ordering::SeqCst);
    let sent = s.env.customer_writes(CUSTOMER, "Anyone there?").await;
    let m = s
        .next(|e| match e {
            InboundEvent::Message(m) => Some(m),
            _ => None,
        })
        .await;
    assert_eq!(m.provider_message_id, sent["message_id"].as_str().unwrap());
    assert_eq!(
        s.hub.fail_first.load(Ordering::SeqCst),
        0,
        "the first attempt was refused"
    );
    s.env.sandbox.shutdown().await;
}
