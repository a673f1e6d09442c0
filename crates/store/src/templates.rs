//! Message templates per organization and channel (PRODUCT §7): what was written (name, language,
//! category, parameter format, components as the API's JSON), where it stands with the provider
//! (status, the provider's id, rejection reason, quality). One row per (channel, name, language).
//! Review verdicts arriving by webhook are applied inside the ingest's transaction (see
//! [`crate::MessageStore::ingest`]), so a recorded `template.status` event and the row agree.

use switchboard_domain::templates::{ParameterFormat, TemplateCategory, TemplateStatus};
use switchboard_domain::{ChannelId, OrgId, TemplateId, Timestamp};

use crate::{Effects, Page, PageRequest, Result, TemplateReview};

/// One template as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub id: TemplateId,
    pub org_id: OrgId,
    pub channel_id: ChannelId,
    pub name: String,
    pub language: String,
    pub category: TemplateCategory,
    pub parameter_format: ParameterFormat,
    /// The components in the API's shape (`switchboard_domain::templates::Component`), or the
    /// provider's when the template was only ever synced from it.
    pub components: serde_json::Value,
    pub status: TemplateStatus,
    pub provider_template_id: Option<String>,
    pub rejection_reason: Option<String>,
    /// `green`, `yellow`, `red` or `unknown`, when the provider has said.
    pub quality: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Template {
    /// Applies a provider's verdict: the status it names (when it names one we know), the
    /// reason of a rejection (cleared otherwise), and the provider's id when it was not known.
    pub fn apply_review(&mut self, review: &TemplateReview, at: Timestamp) {
        if let Some(status) = TemplateStatus::parse(&review.status) {
            self.status = status;
            self.rejection_reason = match status {
                TemplateStatus::Rejected => review
                    .reason
                    .clone()
                    .filter(|r| !r.is_empty() && r != "NONE"),
                _ => None,
            };
        }
        if self.provider_template_id.is_none() && !review.template_id.is_empty() {
            self.provider_template_id = Some(review.template_id.clone());
        }
        self.updated_at = at;
    }
}

/// Which templates a listing returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateFilter {
    pub channel: Option<ChannelId>,
    pub status: Option<TemplateStatus>,
    pub name: Option<String>,
    pub language: Option<String>,
    /// Only these channels (a key restricted to channels); `None` means all.
    pub only: Option<Vec<ChannelId>>,
}

#[async_trait::async_trait]
pub trait TemplateStore: Send + Sync {
    /// `Conflict { what: "template_name" }` when the channel already has the name and language;
    /// `NotFound` unless the channel is the organization's.
    async fn create_template(&self, t: &Template, effects: &Effects) -> Result<()>;
    /// `NotFound` for another organization's template.
    async fn get_template(&self, org: OrgId, id: TemplateId) -> Result<Template>;
    /// The channel's template with this name and language, if the organization has one.
    async fn find_template(
        &self,
        org: OrgId,
        channel: ChannelId,
        name: &str,
        language: &str,
    ) -> Result<Option<Template>>;
    /// Ascending by id.
    async fn list_templates(
        &self,
        org: OrgId,
        filter: &TemplateFilter,
        page: PageRequest,
    ) -> Result<Page<Template>>;
    /// Replaces every mutable field of the template with `t.id` in `t.org_id` (category,
    /// parameter format, components, status, provider id, reason, quality, `updated_at`).
    async fn update_template(&self, t: &Template, effects: &Effects) -> Result<()>;
    /// Writes each template by (channel, name, language): inserted when new, else its mutable
    /// fields replaced (its id and `created_at` kept). For a sync from the provider.
    async fn upsert_templates(&self, templates: &[Template], effects: &Effects) -> Result<()>;
    async fn delete_template(&self, org: OrgId, id: TemplateId, effects: &Effects) -> Result<()>;
}
