//! Issue 6's "done means", as one story on each backend: a developer registers an endpoint; a
//! conversation's messages and statuses flow (a customer writes, an agent answers, the sandbox
//! reports sent, delivered, read) while the receiver is down (503); it recovers, and every event
//! arrives, signed (checked by the independent verifier), with the same `webhook-id` on every
//! attempt; the delivery log shows each attempt; a live stream saw the same events.

mod inbound_support;
mod outbound_support;
mod webhook_support;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use outbound_support::{send_text, wait_for_status};
use parking_lot::Mutex;
use serde_json::{Value, json};
use switchboard_test_support::header;
use webhook_support::{Stream, deliver, endpoint, standard_signature_ok};

/// Every request the receiver got: headers, body, and what it answered.
type Log = Arc<Mutex<Vec<(HeaderMap, Vec<u8>, u16)>>>;

/// A receiver that answers 503 while `up` is false, 200 once it is true.
async fn receiver(up: Arc<AtomicBool>) -> (SocketAddr, Log) {
    let log: Log = Arc::default();
    let l = log.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let (l, up) = (l.clone(), up.clone());
            async move {
                let status = if up.load(Ordering::SeqCst) { 200 } else { 503 };
                l.lock().push((headers, body.to_vec(), status));
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, log)
}

loopback_both_backends! {
    async fn every_message_and_status_arrives_signed_despite_an_outage(app) {
        let up = Arc::new(AtomicBool::new(false));
        let (addr, log) = receiver(up.clone()).await;
        let (endpoint_id, secret) = endpoint(
            &app,
            addr,
            json!({"event_types": ["message.*", "conversation.created"], "description": "CRM"}),
        )
        .await;
        let mut stream = Stream::open(&app.base_url, &app.org.key).await;

        // The conversation: the customer writes, the agent answers, statuses come back.
        let ch = app.whatsapp_channel().await;
        let sb = inbound_support::Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, inbound_support::CUSTOMER, "Is my order on its way?")
            .await;
        let sent = send_text(&app, ch.id, inbound_support::CUSTOMER, "It ships today.").await;
        let message = sent.assert_status(202)["messageId"].as_str().unwrap().to_owned();
        app.run_jobs_until_idle().await;
        wait_for_status(&app, &message, "read").await;

        // The receiver is down: every first attempt fails.
        deliver(&app).await;
        let first_round = log.lock().len();
        assert!(first_round >= 6, "received, created, conversation, sent, delivered, read: {first_round}");
        assert!(log.lock().iter().all(|(_, _, status)| *status == 503));

        // It recovers; the retries (about 5 s later) get through.
        up.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + Duration::from_secs(60);
        let done = loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            deliver(&app).await;
            let list = app
                .get(&format!("/v1/webhook-endpoints/{endpoint_id}/deliveries?limit=100"))
                .await
                .assert_status(200)
                .clone();
            let all = list["data"].as_array().unwrap().clone();
            if all.iter().all(|d| d["status"] == "succeeded") {
                break all;
            }
            assert!(Instant::now() < deadline, "not all delivered: {list}");
        };
        assert_eq!(done.len(), first_round, "one delivery per event");

        // Every attempt signed; each delivery's id the same on its failed and its good attempt.
        let mut attempts: BTreeMap<String, Vec<u16>> = BTreeMap::new();
        let mut delivered: BTreeMap<String, Value> = BTreeMap::new();
        for (headers, body, status) in log.lock().iter() {
            assert!(standard_signature_ok(&secret, headers, body), "signed: {headers:?}");
            let id = header(headers, "webhook-id");
            attempts.entry(id.clone()).or_default().push(*status);
            if *status == 200 {
                delivered.insert(id, serde_json::from_slice(body).unwrap());
            }
        }
        assert_eq!(attempts.len(), first_round);
        assert!(attempts.values().all(|a| a == &[503, 200]), "{attempts:?}");

        // The delivery log shows both attempts of each.
        for d in &done {
            let detail = app
                .get(&format!("/v1/webhook-endpoints/{endpoint_id}/deliveries/{}", d["id"].as_str().unwrap()))
                .await
                .assert_status(200)
                .clone();
            let statuses: Vec<&Value> = detail["attempt_log"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| &a["response_status"])
                .collect();
            assert_eq!(statuses, [&json!(503), &json!(200)], "{detail}");
        }

        // What arrived: the message's whole story, and the stream saw the same events.
        let kinds: BTreeSet<(String, String)> = delivered
            .values()
            .map(|b| {
                let status = b["data"]["object"]["to"].as_str().unwrap_or_default().to_owned();
                (b["type"].as_str().unwrap().to_owned(), status)
            })
            .collect();
        for (kind, to) in [
            ("message.received", ""), ("message.created", ""), ("conversation.created", ""),
            ("message.status_changed", "sent"), ("message.status_changed", "delivered"),
            ("message.status_changed", "read"),
        ] {
            assert!(kinds.contains(&(kind.to_owned(), to.to_owned())), "{kind} {to} in {kinds:?}");
        }
        let delivered_ids: BTreeSet<String> = delivered
            .values()
            .map(|b| b["data"]["event_id"].as_str().unwrap().to_owned())
            .collect();
        let streamed: BTreeSet<String> = stream
            .drain(Duration::from_secs(2))
            .await
            .into_iter()
            .filter(|(kind, _)| kind.starts_with("message.") || kind == "conversation.created")
            .map(|(_, data)| data["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(streamed, delivered_ids, "the stream saw the same events");
    }
}
