//! The JSON shapes of `/v1/templates`.

use serde::Serialize;
use switchboard_domain::templates::{Finding, Rendered};
use switchboard_store::Template;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// A template and where it stands with the provider.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub name: String,
    pub language: String,
    /// `marketing`, `utility` or `authentication`.
    pub category: &'static str,
    /// `positional` (`{{1}}`) or `named` (`{{first_name}}`).
    pub parameter_format: &'static str,
    /// Header, body, footer and buttons, as created (or as the provider listed them).
    #[schema(value_type = Vec<Object>)]
    pub components: serde_json::Value,
    /// `draft`, `pending`, `approved`, `rejected`, `paused` or `disabled`.
    pub status: &'static str,
    pub provider_template_id: Option<String>,
    pub rejection_reason: Option<String>,
    pub quality: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<Template> for TemplateView {
    fn from(t: Template) -> Self {
        Self {
            id: t.id.0,
            channel_id: t.channel_id.0,
            name: t.name,
            language: t.language,
            category: t.category.as_str(),
            parameter_format: t.parameter_format.as_str(),
            components: t.components,
            status: t.status.as_str(),
            provider_template_id: t.provider_template_id,
            rejection_reason: t.rejection_reason,
            quality: t.quality,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A created template with the linter's warnings (errors would have refused it).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTemplateView {
    #[serde(flatten)]
    pub template: TemplateView,
    #[schema(value_type = Vec<Object>)]
    pub warnings: Vec<Finding>,
}

/// The linter's verdict: `valid` when no finding is an error.
#[derive(Debug, Serialize, ToSchema)]
pub struct LintView {
    pub valid: bool,
    /// Each with `rule`, `severity` (`error` or `warning`), `position` (`field`, `offset`) and
    /// `hint`.
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<Finding>,
}

/// What a sync did.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncView {
    pub listed: usize,
    pub added: usize,
}

/// The message as the customer will see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewView {
    pub header: Option<String>,
    pub body: String,
    pub footer: Option<String>,
    pub buttons: Vec<String>,
}

impl From<Rendered> for PreviewView {
    fn from(r: Rendered) -> Self {
        Self {
            header: r.header,
            body: r.body,
            footer: r.footer,
            buttons: r.buttons,
        }
    }
}
