//! `POST /v1/contacts/imports` (CSV import, multipart) and `GET /v1/contacts/export` (CSV
//! export, streamed page by page). The rules (mapping, checks, matching, escaping) are in
//! `core::contacts`; this module reads the form and shapes the report.

use axum::Json as JsonOut;
use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures::StreamExt;
use serde::Serialize;
use switchboard_core::{ImportReport, ImportRequest, OnDuplicate, RejectedRow};
use utoipa::ToSchema;

use crate::extract::Caller;
use crate::{ApiError, AppState};

/// The largest import body: the 20 MB file cap (checked by core, answered 422) plus room for the
/// form's other parts; a bigger body is cut off as 413.
pub(super) const IMPORT_BODY_LIMIT: usize = 21 * 1024 * 1024;

/// What an import did; `rows = created + updated + unchanged + skipped + rejected.len()`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportView {
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    /// Rows matching a contact that already held every value they carry.
    pub unchanged: u64,
    /// Rows matching a contact, with `on_duplicate=skip`.
    pub skipped: u64,
    pub dry_run: bool,
    pub rejected: Vec<RejectedRowView>,
}

/// A row that was refused; nothing of it was written.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedRowView {
    /// As a spreadsheet numbers it: the header is row 1.
    pub row: u64,
    /// The CSV header of the offending column, when one is to blame.
    pub column: Option<String>,
    /// Stable: `invalid_phone`, `invalid_email`, `invalid_attribute`, `duplicate_in_file`,
    /// `contact_exists`, `no_identifier`, `malformed_row`...
    pub code: String,
    pub detail: String,
}

impl ImportReportView {
    fn new(r: ImportReport, dry_run: bool) -> Self {
        Self {
            rows: r.rows,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            skipped: r.skipped,
            dry_run,
            rejected: r.rejected.into_iter().map(RejectedRowView::from).collect(),
        }
    }
}

impl From<RejectedRow> for RejectedRowView {
    fn from(r: RejectedRow) -> Self {
        Self {
            row: r.row,
            column: r.column,
            code: r.code.to_owned(),
            detail: r.detail,
        }
    }
}

fn form_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge {
            limit: IMPORT_BODY_LIMIT,
        }
    } else {
        ApiError::validation("body", e.body_text())
    }
}

/// Parts: `file` (the CSV), `mapping` (JSON object: CSV header to `name`, `phone`, `email`,
/// `external_id`, `address`, `birthdate`, `language`, `notes`, `tags`,
/// `attributes.<key>[:string|number|boolean|json]` or `ignore`), optional `delimiter` (`,` or
/// `;`, else detected), `on_duplicate` (`update`, the default, or `skip`) and `dry_run`.
#[utoipa::path(post, path = "/v1/contacts/imports", tag = "contacts",
    request_body(content_type = "multipart/form-data", content = String),
    responses((status = 200, body = ImportReportView), crate::openapi::Errors))]
pub async fn import_contacts(
    State(s): State<AppState>,
    Caller(p): Caller,
    form: Result<Multipart, MultipartRejection>,
) -> Result<JsonOut<ImportReportView>, ApiError> {
    let mut form = form.map_err(|_| ApiError::UnsupportedMediaType)?;
    let mut req = ImportRequest::default();
    let (mut file, mut mapping) = (None, None);
    while let Some(field) = form.next_field().await.map_err(form_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        let value: Bytes = field.bytes().await.map_err(form_error)?;
        let text = || {
            String::from_utf8(value.to_vec())
                .map_err(|_| ApiError::validation(name.clone(), "must be UTF-8 text"))
        };
        match name.as_str() {
            "file" => file = Some(value.to_vec()),
            "mapping" => mapping = Some(text()?),
            "delimiter" => req.delimiter = Some(text()?),
            "on_duplicate" => {
                req.on_duplicate = match text()?.trim() {
                    "update" => OnDuplicate::Update,
                    "skip" => OnDuplicate::Skip,
                    other => {
                        return Err(ApiError::validation(
                            "on_duplicate",
                            format!("`{other}` is not `update` or `skip`"),
                        ));
                    }
                }
            }
            "dry_run" => {
                req.dry_run = text()?.trim().parse().map_err(|_| {
                    ApiError::validation("dry_run", "`dry_run` is `true` or `false`")
                })?;
            }
            other => {
                return Err(ApiError::validation(
                    other.to_owned(),
                    format!("unknown form field `{other}`"),
                ));
            }
        }
    }
    req.file = file.ok_or_else(|| ApiError::validation("file", "the CSV file is missing"))?;
    req.mapping =
        mapping.ok_or_else(|| ApiError::validation("mapping", "the mapping is missing"))?;
    let dry_run = req.dry_run;
    let report = s.core.import_contacts(&p, req).await?;
    Ok(JsonOut(ImportReportView::new(report, dry_run)))
}

/// The contacts the listing's filters select (`q`, `tag`, `attr.<name>`, `blocked`, `channel`),
/// as CSV: fixed columns, then one per attribute key (`attributes.<key>[:type]`). Cells a
/// spreadsheet would run as formulas start with `'`. The file imports back as it is.
#[utoipa::path(get, path = "/v1/contacts/export", tag = "contacts",
    params(("q" = Option<String>, Query), ("tag" = Option<Vec<String>>, Query),
        ("blocked" = Option<bool>, Query), ("channel" = Option<uuid::Uuid>, Query)),
    responses((status = 200, content_type = "text/csv", body = String), crate::openapi::Errors))]
pub async fn export_contacts(
    State(s): State<AppState>,
    Caller(p): Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (filter, page) = super::list_query(raw.as_deref())?;
    if page.limit.is_some() || page.cursor.is_some() {
        return Err(ApiError::validation(
            "limit",
            "an export holds every matching contact; `limit` and `cursor` do not apply",
        ));
    }
    let columns = s.core.export_columns(&p, &filter).await?;
    let header = futures::stream::once(std::future::ready(Ok::<_, std::io::Error>(Bytes::from(
        columns.header(),
    ))));
    // One store page per chunk of the body: memory stays one page whatever the export's size.
    let pages = futures::stream::unfold(Some(None), move |after| {
        let (core, p, filter, columns) =
            (s.core.clone(), p.clone(), filter.clone(), columns.clone());
        async move {
            let after = after?;
            match core.export_page(&p, &filter, after).await {
                Ok(page) => {
                    let bytes = Bytes::from(columns.rows(&page.items));
                    Some((Ok(bytes), page.next.map(Some)))
                }
                Err(e) => {
                    // Headers are gone already: cutting the body short is how the client learns.
                    tracing::error!(error = %e, "contact export failed midway");
                    Some((Err(std::io::Error::other(e.to_string())), None))
                }
            }
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"contacts.csv\"",
            ),
        ],
        Body::from_stream(header.chain(pages)),
    )
        .into_response())
}
