//! `/v1/contacts/{id}/consent`: a contact's opt-ins and opt-outs per kind of channel, and
//! recording a new one (with its source; the time is now).

use axum::Json as JsonOut;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use switchboard_core::contacts::ConsentChange;
use switchboard_domain::{ChannelKind, ContactId};
use switchboard_store::Consent;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::extract::{Caller, Json, Path};
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    /// `whatsapp`, `sms`, `messenger`, `instagram`, `telegram`, `email`, `webchat`.
    pub channel_kind: String,
    /// `true` records an opt-in, `false` an opt-out.
    pub opted_in: bool,
    /// Where it came from: `web_form`, `import`, `STOP`, `agent`...
    pub source: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    pub contact_id: Uuid,
    pub channel_kind: String,
    /// `opted_in`, `opted_out` or `unknown`: the newer of the two decisions.
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub opted_in_at: Option<OffsetDateTime>,
    pub opt_in_source: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub opted_out_at: Option<OffsetDateTime>,
    pub opt_out_source: Option<String>,
}

impl From<Consent> for ConsentView {
    fn from(c: Consent) -> Self {
        let status = if c.opted_out() {
            "opted_out"
        } else if c.opted_in() {
            "opted_in"
        } else {
            "unknown"
        };
        Self {
            contact_id: c.contact_id.0,
            channel_kind: c.channel_kind.as_str().to_owned(),
            status: status.to_owned(),
            opted_in_at: c.opted_in_at,
            opt_in_source: c.opt_in_source,
            opted_out_at: c.opted_out_at,
            opt_out_source: c.opt_out_source,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentList {
    pub data: Vec<ConsentView>,
}

/// The contact's consent per kind of channel it has decided on.
#[utoipa::path(get, path = "/v1/contacts/{id}/consent", tag = "contacts",
    params(("id" = Uuid, Path)), responses((status = 200, body = ConsentList), crate::openapi::Errors))]
pub async fn list_consent(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ContactId>,
) -> Result<JsonOut<ConsentList>, ApiError> {
    let found = s.core.list_consents(&p, id).await?;
    Ok(JsonOut(ConsentList {
        data: found.into_iter().map(ConsentView::from).collect(),
    }))
}

/// Records an opt-in or opt-out now, with its source.
#[utoipa::path(post, path = "/v1/contacts/{id}/consent", tag = "contacts",
    request_body = ConsentRequest, params(("id" = Uuid, Path)),
    responses((status = 200, body = ConsentView), crate::openapi::Errors))]
pub async fn record_consent(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ContactId>,
    Json(req): Json<ConsentRequest>,
) -> Result<JsonOut<ConsentView>, ApiError> {
    let channel_kind = ChannelKind::parse(&req.channel_kind).ok_or_else(|| {
        ApiError::validation("channel_kind", "a channel kind such as `whatsapp` or `sms`")
    })?;
    let change = ConsentChange {
        channel_kind,
        opted_in: req.opted_in,
        source: req.source,
    };
    Ok(JsonOut(s.core.record_consent(&p, id, change).await?.into()))
}
