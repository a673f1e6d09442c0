//! The template routes: Graph (`/{version}/{waba-id}/message_templates`, `/{version}/{template-id}`),
//! the BSP's `/v1/configs/templates`, and the control routes (handlers in `control`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use base64::Engine as _;
use bytes::Bytes;
use serde_json::{Value, json};

use super::store::Template;
use super::{review, validate};
use crate::accounts::{Object, check_version};
use crate::graph_error::GraphError;
use crate::state::AppState;
use crate::webhooks::control_body;

/// Graph's default page size for edges; at most 1000 per page here.
const DEFAULT_LIMIT: usize = 25;
const MAX_LIMIT: usize = 1000;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/{version}/{id}/message_templates",
            post(create_graph).get(list_graph).delete(delete_graph),
        )
        .route("/{version}/{id}", post(edit_graph))
        .route("/v1/configs/templates", get(list_bsp).post(create_bsp))
        .route("/v1/configs/templates/{name}", delete(delete_bsp))
        .route(
            "/sandbox/v1/templates/{id}/status",
            post(super::control::force_status),
        )
        .route(
            "/sandbox/v1/templates/{id}/quality",
            post(super::control::force_quality),
        )
}

async fn create_graph(
    State(state): State<Arc<AppState>>,
    Path((version, waba)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, GraphError> {
    check_version(&version)?;
    let account = state.authenticate(&headers, Object::Waba, Some(&waba), "post")?;
    let waba = account.waba_id.clone();
    create(&state, &waba, &body).map(Json)
}

async fn create_bsp(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, GraphError> {
    let waba = state.authenticate_bsp(&headers)?.waba_id.clone();
    create(&state, &waba, &body).map(Json)
}

/// Validates, stores as PENDING and schedules the review.
fn create(state: &Arc<AppState>, waba: &str, body: &Bytes) -> Result<Value, GraphError> {
    let body = control_body(body)?;
    let name = validate::name(&body)?;
    let language = validate::language(&body)?;
    let category = validate::category(&body)?;
    let checked = validate::components(
        body.get("components"),
        body.get("parameter_format"),
        &category,
    )?;
    let t = state
        .templates
        .create(waba, name, language, category, checked)?;
    review::schedule(state, t.id.clone(), t.revision);
    Ok(json!({"id": t.id, "status": t.status, "category": t.category}))
}

async fn list_graph(
    State(state): State<Arc<AppState>>,
    Path((version, waba)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Json<Value>, GraphError> {
    check_version(&version)?;
    let account = state.authenticate(&headers, Object::Waba, Some(&waba), "get")?;
    let waba = account.waba_id.clone();
    let limit = match query.get("limit") {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| {
                GraphError::invalid_parameter(format!(
                    "Param limit must be a number between 1 and {MAX_LIMIT}"
                ))
            })?,
    };
    let after = cursor_param(&query, "after")?;
    let before = cursor_param(&query, "before")?;
    let all = state.templates.list(&waba, |t| matches_filters(t, &query));
    let page: Vec<&Template> = match (after, before) {
        (Some(after), _) => all.iter().filter(|t| t.seq > after).take(limit).collect(),
        (None, Some(before)) => {
            let earlier: Vec<&Template> = all.iter().filter(|t| t.seq < before).collect();
            earlier[earlier.len().saturating_sub(limit)..].to_vec()
        }
        (None, None) => all.iter().take(limit).collect(),
    };
    let data: Vec<Value> = page.iter().map(|t| t.object()).collect();
    let mut paging = json!({ "cursors": {} });
    if let (Some(first), Some(last)) = (page.first(), page.last()) {
        paging["cursors"] = json!({"before": cursor(first.seq), "after": cursor(last.seq)});
        if all.iter().any(|t| t.seq > last.seq) {
            let mut params = vec![
                ("limit".to_owned(), limit.to_string()),
                ("after".to_owned(), cursor(last.seq)),
            ];
            for key in ["name", "status", "language"] {
                if let Some(v) = query.get(key) {
                    params.push((key.to_owned(), v.clone()));
                }
            }
            let base = format!("{}/{version}/{waba}/message_templates", state.base_url);
            if let Ok(next) = reqwest::Url::parse_with_params(&base, &params) {
                paging["next"] = json!(next.as_str());
            }
        }
    }
    Ok(Json(json!({ "data": data, "paging": paging })))
}

/// `name` matches as a substring (as Graph's filter does), `status` and `language` exactly.
fn matches_filters(t: &Template, query: &HashMap<String, String>) -> bool {
    query
        .get("name")
        .is_none_or(|n| t.name.contains(n.as_str()))
        && query
            .get("status")
            .is_none_or(|s| t.status.eq_ignore_ascii_case(s))
        && query.get("language").is_none_or(|l| t.language == *l)
}

/// Cursors are opaque base64 to clients, as Meta's are; inside, the creation sequence.
fn cursor(seq: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("tpl:{seq}"))
}

fn cursor_param(query: &HashMap<String, String>, key: &str) -> Result<Option<u64>, GraphError> {
    let Some(raw) = query.get(key).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("tpl:").and_then(|n| n.parse().ok()))
        .map(Some)
        .ok_or_else(|| GraphError::invalid_parameter(format!("Param {key} is not a valid cursor")))
}

async fn delete_graph(
    State(state): State<Arc<AppState>>,
    Path((version, waba)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Json<Value>, GraphError> {
    check_version(&version)?;
    let account = state.authenticate(&headers, Object::Waba, Some(&waba), "delete")?;
    let name = query
        .get("name")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| GraphError::invalid_parameter("Param name is required"))?;
    let hsm_id = query.get("hsm_id").map(String::as_str);
    delete_named(&state, &account.waba_id, name, hsm_id)
}

async fn delete_bsp(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, GraphError> {
    let account = state.authenticate_bsp(&headers)?;
    delete_named(&state, &account.waba_id, &name, None)
}

fn delete_named(
    state: &AppState,
    waba: &str,
    name: &str,
    hsm_id: Option<&str>,
) -> Result<Json<Value>, GraphError> {
    if state.templates.delete(waba, name, hsm_id) == 0 {
        return Err(GraphError::invalid_parameter(format!(
            "Message template \"{name}\" was not found"
        )));
    }
    Ok(Json(json!({ "success": true })))
}

/// `POST /{version}/{template-id}` {components?, category?}: back to PENDING, reviewed again.
async fn edit_graph(
    State(state): State<Arc<AppState>>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, GraphError> {
    check_version(&version)?;
    let unknown = || GraphError::unknown_object(&id, "post");
    let t = state.templates.by_id(&id).ok_or_else(unknown)?;
    match state.authenticate_graph(&headers, Object::Waba, &t.waba_id, "post") {
        Ok(_) => {}
        Err(e) if e.code == 190 => return Err(e),
        Err(_) => return Err(unknown()),
    }
    let body = control_body(&body)?;
    if !body.contains_key("components") && !body.contains_key("category") {
        return Err(GraphError::invalid_parameter(
            "Param components or category is required",
        ));
    }
    let category = match body.get("category") {
        Some(_) => Some(validate::category(&body)?),
        None => None,
    };
    let format = json!(t.summary.parameter_format);
    let checked = validate::components(
        Some(body.get("components").unwrap_or(&t.components)),
        Some(&format),
        category.as_deref().unwrap_or(&t.category),
    )?;
    let edited = state
        .templates
        .edit(&id, checked, category)
        .ok_or_else(unknown)?;
    review::schedule(&state, edited.id, edited.revision);
    Ok(Json(json!({ "success": true })))
}

/// The BSP list: 360dialog's `waba_templates` with offset paging.
async fn list_bsp(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Json<Value>, GraphError> {
    let account = state.authenticate_bsp(&headers)?;
    let number = |key: &str, default: usize| {
        query.get(key).map_or(Ok(default), |v| {
            v.parse::<usize>()
                .map_err(|_| GraphError::invalid_parameter(format!("Param {key} must be a number")))
        })
    };
    let limit = number("limit", 1000)?.clamp(1, MAX_LIMIT);
    let offset = number("offset", 0)?;
    let all = state
        .templates
        .list(&account.waba_id, |t| matches_filters(t, &query));
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(Template::object)
        .collect();
    Ok(Json(json!({
        "count": page.len(),
        "filters": {},
        "limit": limit,
        "offset": offset,
        "sort": ["id"],
        "total": all.len(),
        "waba_templates": page,
    })))
}
