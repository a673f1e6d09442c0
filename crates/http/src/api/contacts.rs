//! `/v1/contacts`: create, read, list with filters, update (null clears), delete, upsert by phone,
//! e-mail or external id, and a contact's identities. Rules and validation live in `core`.
//!
//! Listing filters: `q` (substring of name, e-mail, phone, external id), `tag` (repeatable: every
//! tag must be present), `attr.<name>=<JSON value>` (one; a value that is not JSON is taken as a
//! string, so `attr.plan=gold` and `attr.plan="gold"` are the same and `attr.n=5` is the number),
//! `blocked=true|false`, `channel=<channel id>` (contacts with an identity there).
//!
//! Also: CSV import (`POST /v1/contacts/imports`) and export (`GET /v1/contacts/export`, same
//! filters as the listing) in `transfer`, and merging two contacts in `merge`.
//!
//! A caller restricted to channels (API key or member) reads only contacts with an identity on
//! its channels (others answer 404) and may not create, change, upsert or delete contacts
//! (`403 channel_not_allowed`): contacts are organization-wide, see `core::contacts`.

use axum::extract::DefaultBodyLimit;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json as JsonOut, Router};
use switchboard_core::{ContactKeyInput, Upserted};
use switchboard_domain::{ChannelId, ContactId};
use switchboard_store::ContactFilter;
use uuid::Uuid;

use crate::extract::{Caller, Json, Path};
use crate::pagination::{PageOf, PageParams};
use crate::{ApiError, AppState};

pub mod consent;
pub mod merge;
mod shapes;
pub mod transfer;

use consent::{list_consent, record_consent};
pub use merge::MergeRequest;
use merge::merge_contact;
pub(crate) use shapes::nullable;
pub use shapes::{ContactRequest, ContactView, IdentityView};
pub use transfer::{ImportReportView, RejectedRowView};
use transfer::{export_contacts, import_contacts};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/contacts", get(list_contacts).post(create_contact))
        .route(
            "/v1/contacts/{id}",
            get(get_contact)
                .patch(update_contact)
                .delete(delete_contact),
        )
        .route("/v1/contacts/{id}/identities", get(list_identities))
        .route("/v1/contacts/{id}/merge", post(merge_contact))
        .route(
            "/v1/contacts/{id}/consent",
            get(list_consent).post(record_consent),
        )
        .route("/v1/contacts/export", get(export_contacts))
        .route(
            "/v1/contacts/imports",
            post(import_contacts).layer(DefaultBodyLimit::max(transfer::IMPORT_BODY_LIMIT)),
        )
        .route("/v1/contacts/by-phone/{phone}", put(upsert_by_phone))
        .route("/v1/contacts/by-email/{email}", put(upsert_by_email))
        .route(
            "/v1/contacts/by-external-id/{external_id}",
            put(upsert_by_external_id),
        )
}

/// The listing's query string: repeated `tag` and `attr.<name>` keys need the raw pairs.
fn list_query(raw: Option<&str>) -> Result<(ContactFilter, PageParams), ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or_default())
        .map_err(|e| ApiError::validation("query", e.to_string()))?;
    let mut filter = ContactFilter::default();
    let mut page = PageParams::default();
    for (key, value) in pairs {
        match key.as_str() {
            "q" => filter.query = Some(value).filter(|v| !v.trim().is_empty()),
            "tag" => filter.tags.push(value),
            "blocked" => {
                filter.blocked = Some(value.parse().map_err(|_| {
                    ApiError::validation("blocked", "`blocked` is `true` or `false`")
                })?);
            }
            "channel" => {
                let id = value.parse::<Uuid>().map_err(|_| {
                    ApiError::validation("channel", format!("`{value}` is not a channel id"))
                })?;
                filter.channel = Some(ChannelId(id));
            }
            "limit" => page.limit = Some(value),
            "cursor" => page.cursor = Some(value),
            _ => match key.strip_prefix("attr.") {
                Some(name) if filter.attribute.is_none() => {
                    let json =
                        serde_json::from_str(&value).unwrap_or(serde_json::Value::String(value));
                    filter.attribute = Some((name.to_owned(), json));
                }
                Some(_) => {
                    return Err(ApiError::validation(
                        "attr",
                        "filter by one attribute at a time",
                    ));
                }
                None => {
                    return Err(ApiError::validation(
                        key.clone(),
                        format!("unknown query parameter `{key}`"),
                    ));
                }
            },
        }
    }
    Ok((filter, page))
}

#[utoipa::path(get, path = "/v1/contacts", tag = "contacts",
    params(("q" = Option<String>, Query), ("tag" = Option<Vec<String>>, Query),
        ("blocked" = Option<bool>, Query), ("channel" = Option<Uuid>, Query), PageParams),
    responses((status = 200, body = PageOf<ContactView>), crate::openapi::Errors))]
pub async fn list_contacts(
    State(s): State<AppState>,
    Caller(p): Caller,
    RawQuery(raw): RawQuery,
) -> Result<JsonOut<PageOf<ContactView>>, ApiError> {
    let (filter, page) = list_query(raw.as_deref())?;
    let page = s.core.list_contacts(&p, filter, page.request()?).await?;
    Ok(JsonOut(PageOf::from_page(page, ContactView::from)))
}

#[utoipa::path(post, path = "/v1/contacts", tag = "contacts", request_body = ContactRequest,
    params(crate::openapi::IdempotencyKey),
    responses((status = 201, body = ContactView), crate::openapi::Errors))]
pub async fn create_contact(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(req): Json<ContactRequest>,
) -> Result<Response, ApiError> {
    let contact = s.core.create_contact(&p, req.into()).await?;
    Ok((StatusCode::CREATED, JsonOut(ContactView::from(contact))).into_response())
}

#[utoipa::path(get, path = "/v1/contacts/{id}", tag = "contacts", params(("id" = Uuid, Path)),
    responses((status = 200, body = ContactView), crate::openapi::Errors))]
pub async fn get_contact(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ContactId>,
) -> Result<JsonOut<ContactView>, ApiError> {
    Ok(JsonOut(s.core.get_contact(&p, id).await?.into()))
}

#[utoipa::path(patch, path = "/v1/contacts/{id}", tag = "contacts", request_body = ContactRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = ContactView), crate::openapi::Errors))]
pub async fn update_contact(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ContactId>,
    Json(req): Json<ContactRequest>,
) -> Result<JsonOut<ContactView>, ApiError> {
    Ok(JsonOut(
        s.core.update_contact(&p, id, req.into()).await?.into(),
    ))
}

#[utoipa::path(delete, path = "/v1/contacts/{id}", tag = "contacts", params(("id" = Uuid, Path)),
    responses((status = 204), crate::openapi::Errors))]
pub async fn delete_contact(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ContactId>,
) -> Result<StatusCode, ApiError> {
    s.core.delete_contact(&p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every identity of the contact in one page (`next_cursor` is always null).
#[utoipa::path(get, path = "/v1/contacts/{id}/identities", tag = "contacts",
    params(("id" = Uuid, Path)), responses((status = 200, body = PageOf<IdentityView>), crate::openapi::Errors))]
pub async fn list_identities(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ContactId>,
) -> Result<JsonOut<PageOf<IdentityView>>, ApiError> {
    let identities = s.core.list_contact_identities(&p, id).await?;
    Ok(JsonOut(PageOf {
        data: identities.into_iter().map(IdentityView::from).collect(),
        next_cursor: None,
    }))
}

async fn upsert(
    s: AppState,
    p: switchboard_core::Principal,
    key: ContactKeyInput,
    req: ContactRequest,
) -> Result<Response, ApiError> {
    Ok(match s.core.upsert_contact(&p, key, req.into()).await? {
        Upserted::Created(c) => {
            (StatusCode::CREATED, JsonOut(ContactView::from(c))).into_response()
        }
        Upserted::Updated(c) => (StatusCode::OK, JsonOut(ContactView::from(c))).into_response(),
    })
}

/// Creates (201) or updates (200) the contact with this phone number (E.164, `+` optional).
#[utoipa::path(put, path = "/v1/contacts/by-phone/{phone}", tag = "contacts", request_body = ContactRequest,
    params(("phone" = String, Path)),
    responses((status = 200, body = ContactView), (status = 201, body = ContactView), crate::openapi::Errors))]
pub async fn upsert_by_phone(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(phone): Path<String>,
    Json(req): Json<ContactRequest>,
) -> Result<Response, ApiError> {
    upsert(s, p, ContactKeyInput::Phone(phone), req).await
}

/// Creates (201) or updates (200) the contact with this e-mail address.
#[utoipa::path(put, path = "/v1/contacts/by-email/{email}", tag = "contacts", request_body = ContactRequest,
    params(("email" = String, Path)),
    responses((status = 200, body = ContactView), (status = 201, body = ContactView), crate::openapi::Errors))]
pub async fn upsert_by_email(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(email): Path<String>,
    Json(req): Json<ContactRequest>,
) -> Result<Response, ApiError> {
    upsert(s, p, ContactKeyInput::Email(email), req).await
}

/// Creates (201) or updates (200) the contact with this external id.
#[utoipa::path(put, path = "/v1/contacts/by-external-id/{external_id}", tag = "contacts",
    request_body = ContactRequest, params(("external_id" = String, Path)),
    responses((status = 200, body = ContactView), (status = 201, body = ContactView), crate::openapi::Errors))]
pub async fn upsert_by_external_id(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(external_id): Path<String>,
    Json(req): Json<ContactRequest>,
) -> Result<Response, ApiError> {
    upsert(s, p, ContactKeyInput::ExternalId(external_id), req).await
}
