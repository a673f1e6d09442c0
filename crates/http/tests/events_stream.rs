//! `GET /v1/events/stream`: server-sent events of the caller's organization only, limited to a
//! restricted key's channels, resumable with `Last-Event-ID`, refused without the scope.

use std::time::Duration;

use serde_json::{Value, json};
use switchboard_test_support::{TestApp, both_backends};

/// One open stream and what it has received so far.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, key: &str, last: Option<&str>) -> Stream {
        let mut request = reqwest::Client::new()
            .get(format!("{}/v1/events/stream", app.base_url))
            .bearer_auth(key);
        if let Some(id) = last {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("the stream opens");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (`id`, `event`, parsed `data`), skipping keep-alive comments.
    async fn next(&mut self) -> (String, String, Value) {
        tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let field = |name: &str| {
                        block
                            .lines()
                            .find_map(|l| l.strip_prefix(name))
                            .map(|v| v.trim().to_owned())
                    };
                    if let (Some(id), Some(event), Some(data)) =
                        (field("id:"), field("event:"), field("data:"))
                    {
                        return (id, event, serde_json::from_str(&data).expect("JSON data"));
                    }
                    continue;
                }
                let chunk = self
                    .response
                    .chunk()
                    .await
                    .expect("stream reads")
                    .expect("stream open");
                self.buffer.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await
        .expect("an event within 20 s")
    }

    /// The next event of `kind`, and the kinds passed over to reach it.
    async fn next_of(&mut self, kind: &str) -> (String, Value, Vec<String>) {
        let mut passed = Vec::new();
        loop {
            let (id, k, data) = self.next().await;
            if k == kind {
                return (id, data, passed);
            }
            passed.push(k);
        }
    }
}

both_backends! {
    async fn the_stream_tells_each_caller_what_it_may_see(app) {
        let ch = app.whatsapp_channel().await;
        let mut all = Stream::open(&app, &app.org.key, None).await;
        let other = app.other_org().await.clone();
        let mut theirs = Stream::open(&app, &other.key, None).await;
        let (_, held) = app
            .create_api_key(json!({"name": "held", "scopes": ["conversations:read", "contacts:read"], "channel_ids": [ch.id]}))
            .await;
        let mut restricted = Stream::open(&app, &held, None).await;

        let contact = app.post_json("/v1/contacts", json!({"name": "Ada", "phone": "+447700900123"})).await;
        let contact_id = contact.assert_status(201)["id"].clone();
        let (first_id, kind, data) = all.next().await;
        assert_eq!((kind.as_str(), &data["data"]["contact_id"]), ("contact.created", &contact_id), "{data}");
        assert_eq!(data["id"], first_id.as_str());

        let sent = app
            // A template: the customer has not written, so free-form text is outside the window.
            .post_json("/v1/messages", json!({"from": ch.id, "to": "447700900123",
                "content": {"type": "template", "name": "hello_world", "language": "en_US"}}))
            .await;
        let message_id = sent.assert_status(202)["messageId"].clone();
        let (_, data, passed) = all.next_of("message.created").await;
        assert_eq!(data["data"]["message_id"], message_id, "{data}");
        assert_eq!(data["channel_id"], ch.id.to_string());
        assert!(passed.iter().all(|k| k == "conversation.created"), "{passed:?}");

        // The key held to the channel sees the message and its conversation, not the
        // channel-less contact event.
        let (_, data, passed) = restricted.next_of("message.created").await;
        assert_eq!(data["data"]["message_id"], message_id, "{data}");
        assert!(passed.iter().all(|k| k == "conversation.created"), "{passed:?}");

        // The other organization's stream saw none of that: its first event is its own.
        let res = app
            .call(reqwest::Method::POST, "/v1/contacts")
            .bearer(&other.key)
            .json(json!({"name": "Theirs", "email": "theirs@example.com"}))
            .send()
            .await;
        let theirs_id = res.assert_status(201)["id"].clone();
        let (_, kind, data) = theirs.next().await;
        assert_eq!((kind.as_str(), &data["data"]["contact_id"]), ("contact.created", &theirs_id), "{data}");

        // Resuming after the first event starts with the second.
        let mut resumed = Stream::open(&app, &app.org.key, Some(&first_id)).await;
        let (_, data, passed) = resumed.next_of("message.created").await;
        assert_eq!(data["data"]["message_id"], message_id);
        assert!(!passed.iter().any(|k| k == "contact.created"), "{passed:?}");

        // Without the scope: refused at once, not an empty stream.
        let (_, keyless) = app.create_api_key(json!({"name": "send only", "scopes": ["messages:send"]})).await;
        let res = app.call(reqwest::Method::GET, "/v1/events/stream").bearer(&keyless).send().await;
        res.assert_problem(403, "insufficient_scope");
        let res = app.call(reqwest::Method::GET, "/v1/events/stream").header("last-event-id", "nope").send().await;
        res.assert_problem(422, "validation_failed");
    }
}
