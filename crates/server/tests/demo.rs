//! `switchboard serve --demo` through the real binary on a fresh data dir: with only what the
//! banner prints (its key and its curl commands, run as a shell would), a demo customer's
//! conversation shows up on its own, a reply reaches `read` through the in-process sandbox and
//! the customer answers it; a second start on the same data dir issues a new key, reuses the
//! channel and works again; SIGTERM stops both runs cleanly.

mod demo_support;

use std::future::Future;
use std::time::{Duration, Instant};

use demo_support::{Curl, DemoRun};
use serde_json::Value;

/// Generous bounds for things that take seconds (the sandbox reads a message after ~3 s, a
/// customer answers 2-5 s later), on a loaded CI machine.
const WAIT: Duration = Duration::from_secs(90);

/// Calls `check` until it answers `Some`, for at most [`WAIT`].
async fn eventually<F, Fut>(what: &str, run: &DemoRun, mut check: F) -> Value
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<Value>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {WAIT:?}; log:\n{}",
            run.log()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The `data` of a 200 listing.
async fn listing(curl: &Curl) -> Vec<Value> {
    let (status, body) = curl.run().await;
    assert_eq!(status, 200, "{} {}: {body}", curl.method, curl.url);
    body["data"].as_array().cloned().unwrap_or_default()
}

/// One run's story; answers the banner's API key.
async fn story(run: &DemoRun, channel: &str) -> String {
    let key = run.field("API key");
    assert!(key.starts_with("sbk_"), "{key}");

    // The inbox fills on its own: the first customer writes within seconds.
    let inbox = run.curl("/v1/conversations", "/v1/conversations");
    let conversation = eventually("a demo conversation in the inbox", run, || async {
        listing(&inbox)
            .await
            .into_iter()
            .find(|c| c["channel_id"] == channel)
    })
    .await;
    assert!(
        conversation["last_inbound_at"].is_string(),
        "{conversation}"
    );

    // The printed conversation holds the customer's message.
    let messages = run.curl("/v1/conversations/", "/messages");
    eventually(
        "the customer's message in the printed conversation",
        run,
        || async {
            let data = listing(&messages).await;
            data.into_iter().find(|m| m["direction"] == "inbound")
        },
    )
    .await;

    // The printed reply, as pasted: 202, then sent, delivered and read by the sandbox's phone.
    let reply = run.curl("/v1/messages", "/v1/messages");
    let (status, accepted) = reply.run().await;
    assert_eq!(status, 202, "{accepted}");
    let id = accepted["messageId"]
        .as_str()
        .expect("messageId")
        .to_owned();
    let status_curl = run.curl("/v1/messages/", "");
    let hub = run.field("Hub");
    let ours = status_curl.at(format!("{hub}/v1/messages/{id}"));
    let read = eventually("the reply read by the customer", run, || async {
        let (status, message) = ours.run().await;
        assert_eq!(status, 200, "{message}");
        assert_ne!(message["status"], "failed", "{message}");
        (message["status"] == "read").then_some(message)
    })
    .await;
    let wamid = read["provider_message_id"].clone();
    assert!(wamid.is_string(), "{read}");

    // The customer answers it, quoting it.
    eventually("the customer's answer to the reply", run, || async {
        let data = listing(&messages).await;
        data.into_iter()
            .find(|m| m["direction"] == "inbound" && m["reply_to"] == wamid)
    })
    .await;

    // The printed status request (the demo's welcome) and search answer as printed.
    let (status, welcome) = status_curl.run().await;
    assert_eq!(status, 200, "{welcome}");
    assert_eq!(welcome["direction"], "outbound", "{welcome}");
    let search = run.curl("/v1/messages/search", "q=order");
    eventually("a search hit for `order`", run, || async {
        listing(&search).await.into_iter().next()
    })
    .await;

    // The number verifies the hub's webhook URL with the channel's token of this run.
    let (status, handshake) = run.curl("/sandbox/v1/handshake", "/handshake").run().await;
    assert_eq!(
        (status, &handshake["verified"]),
        (200, &Value::Bool(true)),
        "{handshake}"
    );

    // The sandbox's outbox, as printed, shows what the customer was sent.
    let outbox = run.curl("/sandbox/v1/outbox", "/outbox");
    let sent = listing(&outbox).await;
    assert!(
        sent.iter().any(|s| s["id"] == wamid),
        "{wamid} not in the outbox: {sent:?}"
    );
    key
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_shows_live_conversations_and_restarts_on_the_same_data() {
    let dir = tempfile::tempdir().expect("tempdir");

    let first = DemoRun::start(dir.path());
    let channel = first.field("Channel");
    let first_key = story(&first, &channel).await;
    first.stop();

    let second = DemoRun::start(dir.path());
    assert_eq!(second.field("Channel"), channel, "the channel is reused");
    let second_key = story(&second, &channel).await;
    assert_ne!(first_key, second_key, "every start issues a new key");

    // Still one channel: the second run updated it for its own sandbox.
    let inbox = second.curl("/v1/conversations", "/v1/conversations");
    let hub = second.field("Hub");
    let channels = listing(&inbox.at(format!("{hub}/v1/channels"))).await;
    assert_eq!(channels.len(), 1, "{channels:?}");
    assert_eq!(channels[0]["status"], "active", "{channels:?}");
    second.stop();
}
