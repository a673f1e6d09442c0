//! Helpers of the dispatch tests: a channel with a low sending rate, messages accepted with a
//! chosen attempt budget, and a dispatcher that records which node sent what.
#![allow(dead_code, reason = "each test file uses its own part of the helpers")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde_json::json;
use switchboard_core::dispatch::{DISPATCH_KIND, DispatchPayload, Dispatcher};
use switchboard_domain::content::{Content, OutboundContent, Text};
use switchboard_domain::{ChannelId, MessageId, MessageStatus, OrgId, Sender};
use switchboard_jobs::{JobError, JobHandler};
use switchboard_store::{Effects, Job, Message, NewJob, OutboundRequest, Store};
use switchboard_test_support::{ChannelFixture, TestApp};

/// A sandbox number and a channel on it that may send `per_second` messages a second.
pub async fn channel_at_rate(app: &TestApp, per_second: u32) -> ChannelFixture {
    let ch = app.whatsapp_channel().await;
    let mut config = ch.json["config"].clone();
    config["messages_per_second"] = json!(per_second);
    let path = format!("/v1/channels/{}", ch.id);
    app.patch_json(&path, json!({ "config": config }))
        .await
        .assert_status(200);
    app.post_json(&format!("{path}/publish"), json!({}))
        .await
        .assert_status(200);
    ch
}

/// An outbound text to `to`, sent by the system, as `send_message` would store it.
pub fn text_request(channel: ChannelId, to: &str, body: &str) -> OutboundRequest {
    let content = OutboundContent {
        content: Content::Text(Text {
            body: body.into(),
            preview_url: false,
        }),
        reply_to: None,
    };
    OutboundRequest {
        id: MessageId::new(),
        channel_id: channel,
        to: to.into(),
        kind: "text".into(),
        content: serde_json::to_value(&content).expect("content json"),
        text: Some(body.into()),
        reply_to: None,
        sender: Sender::System,
        created_at: switchboard_domain::now(),
    }
}

/// A text to `to` accepted as `send_message` accepts it, with a dispatch job of `attempts`.
pub async fn accept_text(
    app: &TestApp,
    channel: ChannelId,
    to: &str,
    body: &str,
    attempts: u32,
) -> MessageId {
    let org = OrgId(app.org.id);
    let request = text_request(channel, to, body);
    let payload = DispatchPayload {
        message_id: request.id,
        org_id: org,
        channel_id: channel,
        to: to.into(),
        tag: None,
    };
    let mut job = NewJob::new(
        Some(org),
        DISPATCH_KIND,
        serde_json::to_value(&payload).expect("payload json"),
    );
    job.max_attempts = attempts;
    app.store
        .accept_outbound(org, &request, &Effects::none().with_job(job))
        .await
        .expect("accept");
    request.id
}

/// The messages, read from the store once none of them waits any more (or the deadline passed).
pub async fn settled(app: &TestApp, ids: &[MessageId], within: Duration) -> Vec<Message> {
    let org = OrgId(app.org.id);
    let deadline = Instant::now() + within;
    loop {
        let mut all = Vec::new();
        for id in ids {
            all.push(app.store.get_message(org, *id).await.expect("message"));
        }
        let waiting = all
            .iter()
            .filter(|m| m.status == MessageStatus::Enqueued)
            .count();
        if waiting == 0 || Instant::now() > deadline {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One send: which node sent which message, and the sender's lease as read right after.
#[derive(Debug, Clone)]
pub struct Sent {
    pub node: String,
    pub message: MessageId,
    pub lease_owner: Option<String>,
}

/// The dispatcher of one node, recording every message it actually handed to the provider
/// (its provider id appeared during this node's run).
pub struct Recording {
    pub inner: Dispatcher,
    pub store: Arc<dyn Store>,
    pub log: Arc<Mutex<Vec<Sent>>>,
}

#[async_trait::async_trait]
impl JobHandler for Recording {
    fn kind(&self) -> &'static str {
        DISPATCH_KIND
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let p: DispatchPayload =
            serde_json::from_value(job.payload.clone()).expect("dispatch payload");
        let sent = |m: Option<Message>| m.and_then(|m| m.provider_message_id).is_some();
        let before = sent(self.store.get_message(p.org_id, p.message_id).await.ok());
        let result = self.inner.run(job).await;
        let after = sent(self.store.get_message(p.org_id, p.message_id).await.ok());
        if !before && after {
            let lease = self
                .store
                .sender_lease(p.org_id, p.channel_id)
                .await
                .expect("lease");
            self.log.lock().push(Sent {
                node: job
                    .lease_owner
                    .clone()
                    .expect("a claimed job names its node"),
                message: p.message_id,
                lease_owner: lease.map(|l| l.owner),
            });
        }
        result
    }

    async fn stopped(&self, worker: &str) {
        self.inner.stopped(worker).await;
    }
}
