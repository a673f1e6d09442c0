//! Template review: a submitted or edited template is decided after `review_after_ms` (rejected
//! with INVALID_FORMAT when its name contains `reject_names_containing`, else approved), and every
//! status change is announced with Meta's `message_template_status_update` webhook.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::store::Template;
use crate::state::AppState;
use crate::webhooks;

/// Reviews revision `revision` of template `id` later. Reviews are rare (one per submission), so
/// a task sleeping for each is fine here.
pub(super) fn schedule(state: &Arc<AppState>, id: String, revision: u64) {
    let state = state.clone();
    tokio::spawn(async move {
        let delay = Duration::from_millis(state.templates.review.review_after_ms);
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = state.shutdown.cancelled() => return,
        }
        let Some(template) = state.templates.by_id(&id) else {
            return;
        };
        let marker = &state.templates.review.reject_names_containing;
        let rejected = !marker.is_empty() && template.name.contains(marker.as_str());
        let (status, reason) = if rejected {
            ("REJECTED", Some("INVALID_FORMAT".to_owned()))
        } else {
            ("APPROVED", None)
        };
        // An edit since submission starts its own review; this one no longer applies.
        if let Some(decided) = state
            .templates
            .set_status(&id, status, reason, Some(revision))
        {
            announce(&state, &decided);
        }
    });
}

/// Sends the status webhook for the template's current status.
pub(super) fn announce(state: &AppState, t: &Template) -> Option<String> {
    let mut value = json!({
        "event": t.status,
        "message_template_id": numeric_id(&t.id),
        "message_template_name": t.name,
        "message_template_language": t.language,
        "reason": t.rejected_reason.as_deref().unwrap_or("NONE"),
        "message_template_category": t.category,
    });
    if t.status == "REJECTED" {
        value["rejection_info"] = json!({
            "reason": "The template's format is not valid.",
            "recommendation": "Check the placeholders, examples and formatting, then submit again.",
        });
    }
    send(state, t, "message_template_status_update", value)
}

/// Sends the quality webhook: the score went from `previous` to the template's current one.
pub(super) fn announce_quality(state: &AppState, t: &Template, previous: &str) -> Option<String> {
    let value = json!({
        "previous_quality_score": previous,
        "new_quality_score": t.quality,
        "message_template_id": numeric_id(&t.id),
        "message_template_name": t.name,
        "message_template_language": t.language,
    });
    send(state, t, "message_template_quality_update", value)
}

/// Meta sends template ids in these webhooks as numbers.
fn numeric_id(id: &str) -> Value {
    id.parse::<u64>().map_or_else(|_| json!(id), |n| json!(n))
}

/// Delivers a WABA-level change to the WABA's webhook URL (the first number of the WABA that has
/// one, else the first number, where it is recorded as `no_url`).
fn send(state: &AppState, t: &Template, field: &str, value: Value) -> Option<String> {
    let accounts = state.accounts.read().clone();
    let of_waba = || accounts.iter().filter(|a| a.waba_id == t.waba_id);
    let account = of_waba()
        .find(|a| a.webhook_url.as_deref().is_some_and(|u| !u.is_empty()))
        .or_else(|| of_waba().next())?;
    let payload = webhooks::envelope(&t.waba_id, field, value, Some(webhooks::unix_now()));
    Some(state.webhooks.deliver(account, field, &payload))
}

/// The statuses the control API may force (PROVIDERS §1.3).
pub(super) const STATUSES: &[&str] = &[
    "PENDING",
    "APPROVED",
    "REJECTED",
    "PAUSED",
    "DISABLED",
    "IN_APPEAL",
    "FLAGGED",
    "REINSTATED",
    "PENDING_DELETION",
    "DELETED",
    "LIMIT_EXCEEDED",
    "ARCHIVED",
    "LOCKED",
];

/// A JSON `reason` for a forced status: given, or NONE.
pub(super) fn reason_of(body: &serde_json::Map<String, Value>) -> Option<String> {
    body.get("reason")
        .and_then(Value::as_str)
        .map(str::to_owned)
}
