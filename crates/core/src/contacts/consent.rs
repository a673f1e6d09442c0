//! Consent records (PRODUCT §3): per contact and channel kind, opt-ins and opt-outs with their
//! source and time, read and recorded through the API. Each change is audited and told as a
//! `contact.opted_in` / `contact.opted_out` event in its transaction. (Inbound STOP keywords and
//! the policy that consults these records are the platform-rules work, PRODUCT §8.)

use serde_json::json;
use switchboard_domain::{ChannelKind, ContactId, OrgId, Scope};
use switchboard_store::{Consent, Event};

use super::require_write;
use crate::{Core, CoreError, CoreResult, Principal, audit};

const MAX_SOURCE: usize = 100;

/// One decision of a contact on one kind of channel.
#[derive(Debug, Clone)]
pub struct ConsentChange {
    pub channel_kind: ChannelKind,
    /// `true`: opted in; `false`: opted out.
    pub opted_in: bool,
    /// Where the decision came from: `web_form`, `import`, `STOP`, `agent`...
    pub source: String,
}

impl Core {
    /// The contact's consents, one per kind of channel it has decided on.
    pub async fn list_consents(&self, p: &Principal, id: ContactId) -> CoreResult<Vec<Consent>> {
        p.require(Scope::ContactsRead)?;
        let contact = self.get_contact(p, id).await?;
        Ok(self.store.list_consents(contact.org_id, contact.id).await?)
    }

    /// Records an opt-in or an opt-out now; answers the contact's consent on that kind.
    pub async fn record_consent(
        &self,
        p: &Principal,
        id: ContactId,
        change: ConsentChange,
    ) -> CoreResult<Consent> {
        require_write(p)?;
        let source = change.source.trim();
        if source.is_empty() || source.chars().count() > MAX_SOURCE || source.contains('\0') {
            return Err(CoreError::validation("source", "1 to 100 characters"));
        }
        let contact = self.get_contact(p, id).await?;
        let now = switchboard_domain::now();
        let current = self.store.list_consents(contact.org_id, contact.id).await?;
        let mut c = current
            .into_iter()
            .find(|c| c.channel_kind == change.channel_kind)
            .unwrap_or_else(|| Consent::none(contact.org_id, contact.id, change.channel_kind, now));
        let kind = if change.opted_in {
            c.opted_in_at = Some(now);
            c.opt_in_source = Some(source.to_owned());
            "contact.opted_in"
        } else {
            c.opted_out_at = Some(now);
            c.opt_out_source = Some(source.to_owned());
            "contact.opted_out"
        };
        c.updated_at = now;
        let details = json!({"channel_kind": change.channel_kind.as_str(), "source": source});
        let event = Event::consent_changed(
            contact.org_id,
            contact.id,
            change.channel_kind.as_str(),
            change.opted_in,
            source,
            now,
        );
        let effects = audit::effects(p, kind, "contact", contact.id, details).with_event(event);
        self.store.put_consent(&c, &effects).await?;
        Ok(c)
    }

    /// Records a decision the contact made through the channel itself (a STOP keyword, the
    /// provider reporting an opt-out), not through a person or key: no audit entry, the
    /// `contact.opted_*` event only. Nothing changes when it is already the latest decision on
    /// that kind (a redelivered webhook); answers whether something was recorded.
    pub(crate) async fn record_channel_consent(
        &self,
        org: OrgId,
        contact: ContactId,
        kind: ChannelKind,
        opted_in: bool,
        source: &str,
    ) -> CoreResult<bool> {
        let now = switchboard_domain::now();
        let current = self.store.list_consents(org, contact).await?;
        let mut c = current
            .into_iter()
            .find(|c| c.channel_kind == kind)
            .unwrap_or_else(|| Consent::none(org, contact, kind, now));
        let already = match (c.opted_in_at, c.opted_out_at) {
            (Some(i), Some(o)) => (i > o) == opted_in,
            (Some(_), None) => opted_in,
            (None, Some(_)) => !opted_in,
            (None, None) => false,
        };
        if already {
            return Ok(false);
        }
        let event = if opted_in {
            c.opted_in_at = Some(now);
            c.opt_in_source = Some(source.to_owned());
            "contact.opted_in"
        } else {
            c.opted_out_at = Some(now);
            c.opt_out_source = Some(source.to_owned());
            "contact.opted_out"
        };
        c.updated_at = now;
        let payload = json!({
            "contact_id": contact.0,
            "channel_kind": kind.as_str(),
            "source": source,
        });
        let effects = switchboard_store::Effects::none()
            .with_event(Event::new(org, event, None, payload, now));
        self.store.put_consent(&c, &effects).await?;
        Ok(true)
    }
}
