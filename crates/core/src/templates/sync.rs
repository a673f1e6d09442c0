//! A manual sync: every template of the channel's provider account, upserted by name and
//! language (statuses, reasons and components as the provider has them). The webhook keeps them
//! current without it; this catches up after downtime or templates made elsewhere.

use switchboard_domain::templates::{ParameterFormat, TemplateCategory, TemplateStatus};
use switchboard_domain::{ChannelId, Scope, TemplateId};
use switchboard_store::Template;

use super::{managed, provider, submission_failed};
use crate::{Core, CoreResult, Principal, audit};

/// Provider pages of this size keep a sync to a few requests for any real account.
const PAGE: u32 = 100;
/// Stops a provider whose cursor never ends from looping for ever.
const MAX_PAGES: usize = 100;

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synced {
    /// Templates the provider listed (all upserted).
    pub listed: usize,
    /// Of those, templates the hub did not have.
    pub added: usize,
}

impl Core {
    pub async fn sync_templates(&self, p: &Principal, channel: ChannelId) -> CoreResult<Synced> {
        p.require(Scope::TemplatesManage)?;
        let channel = self.channel_for(p, channel).await?;
        let connector = self.connector(&channel).await?;
        let manager = managed(&channel, connector.as_ref())?;
        let mut listed = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = manager
                .list_templates(PAGE, after.as_deref())
                .await
                .map_err(submission_failed)?;
            listed.extend(page.templates);
            match page.next_cursor {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let now = switchboard_domain::now();
        let mut rows = Vec::with_capacity(listed.len());
        let mut added = 0;
        for info in listed {
            let known = self
                .store
                .find_template(p.org(), channel.id, &info.name, &info.language)
                .await?;
            if known.is_none() {
                added += 1;
            }
            let components = provider::components_of(&info.components)
                .and_then(|c| serde_json::to_value(c).ok())
                .unwrap_or(info.components);
            let status = TemplateStatus::parse(&info.status).unwrap_or(TemplateStatus::Pending);
            rows.push(Template {
                id: known.as_ref().map_or_else(TemplateId::new, |k| k.id),
                org_id: p.org(),
                channel_id: channel.id,
                category: info
                    .category
                    .as_deref()
                    .and_then(TemplateCategory::parse)
                    .unwrap_or(TemplateCategory::Utility),
                parameter_format: info
                    .parameter_format
                    .as_deref()
                    .and_then(ParameterFormat::parse)
                    .unwrap_or_default(),
                components,
                status,
                provider_template_id: Some(info.id),
                rejection_reason: info
                    .rejected_reason
                    .filter(|_| status == TemplateStatus::Rejected),
                quality: known.as_ref().and_then(|k| k.quality.clone()),
                created_at: known.as_ref().map_or(now, |k| k.created_at),
                updated_at: now,
                name: info.name,
                language: info.language,
            });
        }
        let synced = Synced {
            listed: rows.len(),
            added,
        };
        let effects = audit::effects(
            p,
            "template.synced",
            "channel",
            channel.id,
            serde_json::json!({ "listed": synced.listed, "added": synced.added }),
        );
        self.store.upsert_templates(&rows, &effects).await?;
        Ok(synced)
    }
}
