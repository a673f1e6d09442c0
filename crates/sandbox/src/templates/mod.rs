//! Message templates per WABA: create (PENDING, then approved or rejected after a delay with the
//! status webhook), list, get, edit, delete; the BSP's `/v1/configs/templates` alike.
//!
//! Templates are few (tens to hundreds per WABA), so one list under a mutex, scanned, is both
//! simplest and fast enough for the lookup every template send makes.

mod buttons;
mod control;
mod placeholders;
mod review;
mod routes;
mod store;
mod validate;

use axum::http::HeaderMap;
use serde_json::Value;

use crate::accounts::Object;
use crate::graph_error::GraphError;
use crate::state::AppState;

pub(crate) use routes::routes;
pub(crate) use store::Templates;

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

/// `GET /{version}/{template-id}`: the template object, or `None` when no template has this id
/// (the route also serves media ids).
pub(crate) fn get_by_id(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Option<Result<Value, GraphError>> {
    let template = state.templates.by_id(id)?;
    Some(
        match state.authenticate_graph(headers, Object::Waba, &template.waba_id, "get") {
            Ok(_) => Ok(template.object()),
            Err(e) if e.code == 190 => Err(e),
            Err(_) => Err(GraphError::unknown_object(id, "get")),
        },
    )
}
