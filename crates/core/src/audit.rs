//! Audit entries for configuration changes, built from the caller, and the audit log listing.

use switchboard_domain::{AuditId, Scope};
use switchboard_store::{AuditEntry, AuditFilter, Effects, Page, PageRequest};

use crate::{Core, CoreResult, Principal};

/// One audit entry by `p`: `action` is a dotted verb (`team.created`), the target a type and id.
/// `details` must never carry secrets.
pub fn entry(
    p: &Principal,
    action: &str,
    target_type: &str,
    target_id: Option<String>,
    details: serde_json::Value,
) -> AuditEntry {
    let origin = p.origin();
    AuditEntry {
        id: AuditId::new(),
        org_id: p.org(),
        actor: p.actor(),
        action: action.to_owned(),
        target_type: target_type.to_owned(),
        target_id,
        ip: origin.and_then(|o| o.ip).map(|ip| ip.to_string()),
        request_id: origin.and_then(|o| o.request_id.clone()),
        details,
        created_at: switchboard_domain::now(),
    }
}

/// `Effects` holding just that entry.
pub fn effects(
    p: &Principal,
    action: &str,
    target_type: &str,
    target_id: impl ToString,
    details: serde_json::Value,
) -> Effects {
    Effects::audit(entry(
        p,
        action,
        target_type,
        Some(target_id.to_string()),
        details,
    ))
}

impl Core {
    /// The organization's audit log, newest first.
    pub async fn list_audit(
        &self,
        p: &Principal,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> CoreResult<Page<AuditEntry>> {
        p.require(Scope::AuditRead)?;
        Ok(self.store.list_audit(p.org(), filter, page).await?)
    }
}
