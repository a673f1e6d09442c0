//! Mark as read (PROVIDERS §1.4): `{"messaging_product":"whatsapp","status":"read",
//! "message_id":"wamid…","typing_indicator"?:{"type":"text"}}` answers `{"success":true}` for a
//! message a customer sent to this number, else 100.

use serde_json::{Value, json};

use super::common::messaging_product;
use super::params::{Checked, Obj, invalid, malformed};
use crate::config::WhatsAppAccount;
use crate::state::AppState;

/// Checks and answers a mark-as-read request.
pub(crate) fn mark_read(
    state: &AppState,
    account: &WhatsAppAccount,
    root: &Obj<'_>,
) -> Checked<Value> {
    root.only(&[
        "messaging_product",
        "status",
        "message_id",
        "typing_indicator",
    ])?;
    messaging_product(root)?;
    let status = root.req_str("status")?;
    if status != "read" {
        return Err(invalid(format!("Param status must be read, got {status}")));
    }
    let id = root.req_str("message_id")?;
    if let Some(typing) = root.opt_obj("typing_indicator")? {
        typing.only(&["type"])?;
        let kind = typing.req_str("type")?;
        if kind != "text" {
            return Err(invalid(format!(
                "Param typing_indicator['type'] must be text, got {kind}"
            )));
        }
    }
    if state
        .limits
        .inbound_sender(&account.phone_number_id, id)
        .is_none()
    {
        return Err(malformed(format!(
            "Param message_id does not name a message received by this number: {id}"
        )));
    }
    Ok(json!({ "success": true }))
}
