//! Message templates per WABA: create (PENDING, then approved or rejected after a delay with the
//! status webhook), list, get, edit, delete; the BSP's `/v1/configs/templates` alike.

use std::sync::Arc;

use axum::Router;

use crate::config::SandboxConfig;
use crate::state::AppState;

/// One button of a template, for checking send parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ButtonSummary {
    /// `quick_reply`, `url`, `phone_number`, `copy_code` or `flow` (lower case).
    pub sub_type: String,
    /// How many parameters a send must give it (a dynamic URL suffix, a payload, a code).
    pub params: usize,
}

/// What a template send is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateSummary {
    /// The template id.
    pub id: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`…
    pub status: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    /// `POSITIONAL` or `NAMED`.
    pub parameter_format: String,
    /// `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT` or `LOCATION`, when it has a header.
    pub header_format: Option<String>,
    /// Placeholders in a text header.
    pub header_params: usize,
    /// Placeholders in the body.
    pub body_params: usize,
    /// For named templates, the body's parameter names in order.
    pub body_param_names: Vec<String>,
    /// The buttons in order (their index is their position).
    pub buttons: Vec<ButtonSummary>,
}

/// Templates per WABA. (Being written: webhook-side helper.)
pub(crate) struct Templates {}

impl Templates {
    pub(crate) fn new(_config: &SandboxConfig) -> Self {
        Self {}
    }

    /// The template `name` in `language` on this WABA.
    pub(crate) fn lookup(
        &self,
        _waba_id: &str,
        _name: &str,
        _language: &str,
    ) -> Option<TemplateSummary> {
        None
    }
}

/// The template routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
}
