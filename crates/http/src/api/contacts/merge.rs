//! `POST /v1/contacts/{id}/merge`: folds another contact (`from`) into this one (see
//! `core::contacts::merge`); answers the survivor.

use axum::Json as JsonOut;
use axum::extract::State;
use serde::Deserialize;
use switchboard_domain::ContactId;
use utoipa::ToSchema;
use uuid::Uuid;

use super::ContactView;
use crate::extract::{Caller, Json, Path};
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The contact to fold into this one; it is deleted.
    pub from: Uuid,
}

/// Moves `from`'s identities, conversations and messages to this contact, fills this contact's
/// empty fields from it, unites the tags, takes the attributes it lacks, keeps a block from
/// either side, and deletes `from`. `422 merge_into_self` for the same id.
#[utoipa::path(post, path = "/v1/contacts/{id}/merge", tag = "contacts",
    request_body = MergeRequest, params(("id" = Uuid, Path)),
    responses((status = 200, body = ContactView), crate::openapi::Errors))]
pub async fn merge_contact(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ContactId>,
    Json(req): Json<MergeRequest>,
) -> Result<JsonOut<ContactView>, ApiError> {
    let survivor = s.core.merge_contacts(&p, id, ContactId(req.from)).await?;
    Ok(JsonOut(survivor.into()))
}
