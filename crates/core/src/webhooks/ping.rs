//! The test ping: one signed `webhook.ping` delivered now, with the receiver's answer reported
//! back to the caller, so a developer sees at once whether the URL, the network path and their
//! signature check work.

use std::time::Duration;

use serde_json::json;
use switchboard_domain::{Scope, WebhookEndpointId};
use switchboard_webhooks::signature::signature_header;

use crate::{Core, CoreResult, Principal};

/// What the receiver answered, or why nothing was answered.
#[derive(Debug, Clone)]
pub struct PingResult {
    /// The `webhook-id` sent.
    pub message_id: String,
    pub status: Option<u16>,
    pub duration: Option<Duration>,
    /// The start of the receiver's answer.
    pub body: Option<String>,
    /// A stable code when nothing was answered (`address_refused`, `timeout`...).
    pub error: Option<String>,
    pub error_detail: Option<String>,
    /// A 2xx within the deadline.
    pub success: bool,
}

impl Core {
    pub async fn ping_webhook_endpoint(
        &self,
        p: &Principal,
        id: WebhookEndpointId,
    ) -> CoreResult<PingResult> {
        p.require(Scope::WebhooksManage)?;
        let e = self.get_webhook_endpoint(p, id).await?;
        let now = switchboard_domain::now();
        let secrets = self.endpoint_secrets(&e, now)?;
        let message_id = format!("msg_{}", uuid::Uuid::now_v7().simple());
        let timestamp = now.unix_timestamp();
        let body = json!({
            "type": "webhook.ping",
            "timestamp": now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            "data": {"endpoint_id": e.id.0, "org_id": e.org_id.0},
        })
        .to_string();
        let signature = signature_header(
            &secrets.iter().collect::<Vec<_>>(),
            &message_id,
            timestamp,
            body.as_bytes(),
        );
        let headers = [
            ("content-type", "application/json".to_owned()),
            ("webhook-id", message_id.clone()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature),
        ];
        let answer = self
            .webhook_client()
            .post(&e.url, &headers, body.into())
            .await;
        Ok(match answer {
            Ok(a) => PingResult {
                message_id,
                success: (200..300).contains(&a.status),
                status: Some(a.status),
                duration: Some(a.duration),
                body: Some(a.body),
                error: None,
                error_detail: None,
            },
            Err(err) => PingResult {
                message_id,
                success: false,
                status: None,
                duration: None,
                body: None,
                error: Some(err.code().to_owned()),
                error_detail: Some(err.to_string()),
            },
        })
    }
}
