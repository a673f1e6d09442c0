//! The webhooks Meta sends for Messenger and Instagram: `{"object":"page"|"instagram","entry":
//! [{"id","time","messaging":[item]}]}` with millisecond timestamps, signed like WhatsApp's.

use std::sync::Arc;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::MetaAccount;
use crate::state::AppState;
use crate::webhooks::Signing;

/// Milliseconds since the epoch.
pub(crate) fn millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// One messaging item from `customer` to the account, with `event` (`{"message": ...}`...).
pub(crate) fn item(
    account: &MetaAccount,
    customer: &str,
    at: OffsetDateTime,
    event: Value,
) -> Value {
    let mut item = json!({
        "sender": {"id": customer},
        "recipient": {"id": account.id},
        "timestamp": millis(at),
    });
    if let (Some(item), Value::Object(extra)) = (item.as_object_mut(), event) {
        item.extend(extra);
    }
    item
}

/// The envelope around items of one account.
pub(crate) fn envelope(account: &MetaAccount, items: Vec<Value>) -> Value {
    json!({
        "object": account.platform.object(),
        "entry": [{"id": account.id, "time": millis(OffsetDateTime::now_utc()), "messaging": items}],
    })
}

/// Delivers `payload` to the account's webhook URL; the delivery id.
pub(crate) fn deliver(
    state: &AppState,
    account: &MetaAccount,
    field: &str,
    payload: &Value,
    signing: Signing,
) -> String {
    state.webhooks.deliver_for(
        &account.id,
        account.webhook_url.clone(),
        &account.app_secret,
        field,
        payload,
        signing,
    )
}

/// After an accepted send: a delivery watermark (Messenger only: Instagram reports no
/// deliveries), then a read, after the delays of `[whatsapp.statuses]` (`None` means never), as
/// a phone would.
pub(crate) fn schedule_watermarks(
    state: &Arc<AppState>,
    account: Arc<MetaAccount>,
    customer: String,
    mid: String,
) {
    if !account.auto_statuses {
        return;
    }
    let delays = state.config.whatsapp.statuses.clone();
    let state = state.clone();
    tokio::spawn(async move {
        let stop = state.shutdown.clone();
        let start = tokio::time::Instant::now();
        let until =
            |ms: u64| tokio::time::sleep_until(start + std::time::Duration::from_millis(ms));
        if let (super::Platform::Messenger, Some(ms)) =
            (account.platform, delays.delivered_after_ms)
        {
            tokio::select! { () = until(ms) => {}, () = stop.cancelled() => return }
            let now = OffsetDateTime::now_utc();
            let event = json!({"delivery": {"mids": [mid], "watermark": millis(now)}});
            let payload = envelope(&account, vec![item(&account, &customer, now, event)]);
            deliver(
                &state,
                &account,
                "message_deliveries",
                &payload,
                Signing::Good,
            );
        }
        let Some(ms) = delays.read_after_ms else {
            return;
        };
        tokio::select! { () = until(ms) => {}, () = stop.cancelled() => return }
        let now = OffsetDateTime::now_utc();
        let event = match account.platform {
            super::Platform::Messenger => json!({"read": {"watermark": millis(now)}}),
            super::Platform::Instagram => json!({"read": {"mid": mid}}),
        };
        let payload = envelope(&account, vec![item(&account, &customer, now, event)]);
        deliver(&state, &account, "messaging_seen", &payload, Signing::Good);
    });
}
