//! Consent (PRODUCT §3, §8): per contact and channel kind, the latest opt-in and the latest
//! opt-out, each with its source (`api`, `import`, a keyword such as `STOP`, a provider signal)
//! and time. The newer of the two is the contact's standing on that kind of channel.

use switchboard_domain::{ChannelKind, ContactId, OrgId, Timestamp};

use crate::{Effects, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub org_id: OrgId,
    pub contact_id: ContactId,
    pub channel_kind: ChannelKind,
    pub opted_in_at: Option<Timestamp>,
    pub opt_in_source: Option<String>,
    pub opted_out_at: Option<Timestamp>,
    pub opt_out_source: Option<String>,
    pub updated_at: Timestamp,
}

impl Consent {
    /// No decision yet on `kind`.
    pub fn none(org_id: OrgId, contact_id: ContactId, kind: ChannelKind, now: Timestamp) -> Self {
        Self {
            org_id,
            contact_id,
            channel_kind: kind,
            opted_in_at: None,
            opt_in_source: None,
            opted_out_at: None,
            opt_out_source: None,
            updated_at: now,
        }
    }

    /// Opted out: an opt-out newer than any opt-in.
    pub fn opted_out(&self) -> bool {
        match (self.opted_out_at, self.opted_in_at) {
            (Some(out), Some(inn)) => out > inn,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// Opted in: an opt-in newer than any opt-out.
    pub fn opted_in(&self) -> bool {
        self.opted_in_at.is_some() && !self.opted_out()
    }
}

/// The survivor's consents after a merge: per kind, the latest opt-in and the latest opt-out of
/// either contact, so the newer decision stands (an opt-out is never lost to an older opt-in).
pub fn merge_consents(survivor: &[Consent], merged: &[Consent]) -> Vec<Consent> {
    let mut out: Vec<Consent> = survivor.to_vec();
    for m in merged {
        match out.iter_mut().find(|c| c.channel_kind == m.channel_kind) {
            Some(c) => {
                if m.opted_in_at > c.opted_in_at {
                    c.opted_in_at = m.opted_in_at;
                    c.opt_in_source = m.opt_in_source.clone();
                }
                if m.opted_out_at > c.opted_out_at {
                    c.opted_out_at = m.opted_out_at;
                    c.opt_out_source = m.opt_out_source.clone();
                }
                c.updated_at = c.updated_at.max(m.updated_at);
            }
            None => out.push(Consent {
                contact_id: survivor.first().map_or(m.contact_id, |s| s.contact_id),
                ..m.clone()
            }),
        }
    }
    out
}

#[async_trait::async_trait]
pub trait ConsentStore: Send + Sync {
    /// Writes the consent of `c.contact_id` on `c.channel_kind` (inserted or replaced) with
    /// `effects`; `NotFound` unless the contact is `c.org_id`'s.
    async fn put_consent(&self, c: &Consent, effects: &Effects) -> Result<()>;
    /// The contact's consents, by channel kind; empty for another organization's contact.
    async fn list_consents(&self, org: OrgId, contact: ContactId) -> Result<Vec<Consent>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_unix_timestamp(1_700_000_000 + secs).unwrap()
    }

    #[test]
    fn the_newer_decision_stands_and_merges_keep_both_latest() {
        let (org, a, b) = (OrgId::new(), ContactId::new(), ContactId::new());
        let mut wa = Consent::none(org, a, ChannelKind::Whatsapp, at(0));
        assert!(!wa.opted_in() && !wa.opted_out());
        wa.opted_in_at = Some(at(10));
        assert!(wa.opted_in());
        let mut other = Consent::none(org, b, ChannelKind::Whatsapp, at(0));
        other.opted_out_at = Some(at(20));
        other.opt_out_source = Some("STOP".into());
        let sms = Consent {
            channel_kind: ChannelKind::Sms,
            opted_in_at: Some(at(5)),
            ..Consent::none(org, b, ChannelKind::Sms, at(0))
        };
        let merged = merge_consents(&[wa], &[other, sms]);
        assert_eq!(merged.len(), 2);
        assert!(
            merged[0].opted_out(),
            "the later opt-out of the other side stands"
        );
        assert_eq!(merged[0].opt_out_source.as_deref(), Some("STOP"));
        assert_eq!(
            (merged[1].contact_id, merged[1].channel_kind),
            (a, ChannelKind::Sms)
        );
    }
}
