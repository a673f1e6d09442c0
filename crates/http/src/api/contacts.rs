//! `/v1/contacts`: create, read, list with filters, update (null clears), delete, upsert by phone,
//! e-mail or external id, and a contact's identities. Rules and validation live in `core`.
//!
//! Listing filters: `q` (substring of name, e-mail, phone, external id), `tag` (repeatable: every
//! tag must be present), `attr.<name>=<JSON value>` (one; a value that is not JSON is taken as a
//! string, so `attr.plan=gold` and `attr.plan="gold"` are the same and `attr.n=5` is the number),
//! `blocked=true|false`, `channel=<channel id>` (contacts with an identity there).

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json as JsonOut, Router};
use serde::{Deserialize, Deserializer, Serialize};
use switchboard_core::{ContactFields, ContactKeyInput, Upserted};
use switchboard_domain::{ChannelId, ContactId};
use switchboard_store::{Contact, ContactFilter, Identity};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::extract::{Caller, Json, Path};
use crate::pagination::{PageOf, PageParams};
use crate::{ApiError, AppState};

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
        .route("/v1/contacts/by-phone/{phone}", put(upsert_by_phone))
        .route("/v1/contacts/by-email/{email}", put(upsert_by_email))
        .route(
            "/v1/contacts/by-external-id/{external_id}",
            put(upsert_by_external_id),
        )
}

/// Deserializes a present field, `null` included, as `Some(..)`; with `#[serde(default)]` an
/// absent field stays `None`. So `None` = leave alone, `Some(None)` = clear.
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A contact's fields. On create every field is optional; on update and upsert an absent field is
/// left alone and `null` clears it. `attributes` is merged: a key set to `null` is removed.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// E.164 with its `+`, e.g. `+447700900123` (spaces and dashes are tolerated).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// The business's own id for the person; unique in the organization.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub birthdate: Option<Option<String>>,
    /// A BCP 47 tag, e.g. `en-GB`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub language: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    /// Replaces the tags.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Vec<String>>)]
    pub tags: Option<Option<Vec<String>>>,
    /// Merged into the attributes; a key set to `null` is removed.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub attributes: Option<Option<BTreeMap<String, serde_json::Value>>>,
    pub blocked: Option<bool>,
}

impl From<ContactRequest> for ContactFields {
    fn from(r: ContactRequest) -> Self {
        ContactFields {
            name: r.name,
            phone: r.phone,
            email: r.email,
            external_id: r.external_id,
            address: r.address,
            birthdate: r.birthdate,
            language: r.language,
            notes: r.notes,
            tags: r.tags,
            attributes: r.attributes,
            blocked: r.blocked,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub id: Uuid,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub address: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthdate: Option<String>,
    pub language: Option<String>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    #[schema(value_type = Object)]
    pub attributes: BTreeMap<String, serde_json::Value>,
    pub blocked: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<Contact> for ContactView {
    fn from(c: Contact) -> Self {
        let date = time::macros::format_description!("[year]-[month]-[day]");
        Self {
            id: c.id.0,
            name: c.name,
            phone: c.phone.map(|p| p.as_str().to_owned()),
            email: c.email.map(|e| e.as_str().to_owned()),
            external_id: c.external_id,
            address: c.address,
            birthdate: c.birthdate.and_then(|d| d.format(date).ok()),
            language: c.language,
            notes: c.notes,
            tags: c.tags,
            attributes: c.attributes,
            blocked: c.blocked,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityView {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub channel_id: Uuid,
    /// The canonical address on the channel (a WhatsApp id, a PSID, a chat id...).
    pub address: String,
    pub profile_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<Identity> for IdentityView {
    fn from(i: Identity) -> Self {
        Self {
            id: i.id.0,
            contact_id: i.contact_id.0,
            channel_id: i.channel_id.0,
            address: i.address,
            profile_name: i.profile_name,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
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
