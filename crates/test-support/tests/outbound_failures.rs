//! The outbound pipeline's endings other than success, end to end with the sandbox: a channel
//! disabled while its message waits, a message whose dispatch runs out of attempts, and the
//! OpenAPI document naming the message endpoints.

mod outbound_support;

use outbound_support::{Sandbox, send_text};
use serde_json::json;
use switchboard_domain::content::{Content, OutboundContent, Text};
use switchboard_domain::{ChannelId, MessageId, OrgId, Sender};
use switchboard_store::{Effects, JobFilter, JobState, NewJob, OutboundRequest};
use switchboard_test_support::both_backends;

const CUSTOMER: &str = "447700900123";

fn dispatch_jobs(state: JobState) -> JobFilter {
    JobFilter {
        kind: Some("message.dispatch".into()),
        state: Some(state),
        ..Default::default()
    }
}

both_backends! {
    async fn a_channel_disabled_before_dispatch_fails_its_message(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hi").await;
        let sent = send_text(&app, ch.id, CUSTOMER, "Waiting in the queue").await;
        let id = sent.assert_status(202)["messageId"].as_str().expect("id").to_owned();
        app.post_json(&format!("/v1/channels/{}/disable", ch.id), json!({}))
            .await
            .assert_status(200);
        app.run_pending_jobs().await;
        let m = app.get(&format!("/v1/messages/{id}")).await.assert_status(200).clone();
        assert_eq!((m["status"].as_str(), m["error"]["code"].as_str()), (Some("failed"), Some("channel_disabled")));
        assert!(sb.outbox(&ch.phone_number_id).await.is_empty());
        let done = app.store.list_jobs(&dispatch_jobs(JobState::Done), Default::default()).await;
        assert_eq!(done.expect("jobs").items.len(), 1);
    }

    async fn a_dispatch_out_of_attempts_fails_its_message(app) {
        // The message and a dispatch job with a budget of one attempt, written as
        // `send_message` writes them; the provider is down for that attempt.
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hi").await;
        sb.arm_fault(&ch.phone_number_id, 131000).await;
        let org = OrgId(app.org.id);
        let id = MessageId::new();
        let content = OutboundContent {
            content: Content::Text(Text { body: "Last chance".into(), preview_url: false }),
            reply_to: None,
        };
        let request = OutboundRequest {
            id,
            channel_id: ChannelId(ch.id),
            to: CUSTOMER.into(),
            kind: "text".into(),
            content: serde_json::to_value(&content).expect("content json"),
            text: Some("Last chance".into()),
            reply_to: None,
            sender: Sender::System,
            created_at: switchboard_domain::now(),
        };
        let payload = json!({"message_id": id, "org_id": org, "channel_id": ch.id, "to": CUSTOMER});
        let mut job = NewJob::new(Some(org), "message.dispatch", payload);
        job.max_attempts = 1;
        app.store
            .accept_outbound(org, &request, &Effects::none().with_job(job))
            .await
            .expect("accept");
        app.run_pending_jobs().await;

        let m = app.get(&format!("/v1/messages/{id}")).await.assert_status(200).clone();
        assert_eq!(m["status"], "failed", "{m}");
        assert_eq!(m["error"]["code"], "provider_unavailable");
        assert_eq!(m["error"]["provider_code"], "131000");
        assert_eq!(m["sender"], json!({"type": "system"}));
        let dead = app.store.list_jobs(&dispatch_jobs(JobState::Dead), Default::default()).await;
        assert_eq!(dead.expect("jobs").items.len(), 1, "the job is dead, for inspection and redrive");
        assert!(sb.outbox(&ch.phone_number_id).await.is_empty());
    }

    async fn the_openapi_document_has_the_message_endpoints(app) {
        let doc = app.get("/v1/openapi.json").await.assert_status(200).clone();
        for path in ["/v1/messages", "/v1/messages/{id}", "/v1/conversations/{id}/messages"] {
            assert!(doc["paths"][path].is_object(), "{path} missing");
        }
        assert!(doc["paths"]["/v1/messages"]["post"]["responses"]["202"].is_object());
        assert!(doc["components"]["schemas"]["MessageView"].is_object());
    }
}
