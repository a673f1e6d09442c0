//! The OpenAPI 3.1 document, generated from the handlers' annotations and served at
//! `/v1/openapi.json`: every endpoint, the problem schema, and the bearer security scheme.

use axum::Json;
use axum::routing::get;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi, ToSchema};

use crate::AppState;
use crate::api;
use crate::pagination::PageOf;
use crate::views;

/// An RFC 9457 problem document, as every error is answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem (`/problems/<code>`).
    #[schema(example = "/problems/insufficient_scope")]
    pub r#type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable and machine-readable: branch on this.
    #[schema(example = "insufficient_scope")]
    pub code: String,
    /// With `insufficient_scope`: the scope that was missing.
    pub scope: Option<String>,
    /// With `validation_failed`: the field or parameter at fault.
    pub field: Option<String>,
    /// With `conflict`: which uniqueness rule.
    pub what: Option<String>,
    /// With `invalid_content`: every broken rule, as `{"path", "rule", ...the rule's limits}`.
    #[schema(value_type = Option<Vec<Object>>)]
    pub errors: Option<Vec<serde_json::Value>>,
    /// With `invalid_recipient`: the address format the channel expects.
    pub expected: Option<String>,
    /// With `unsupported_content`: the content kinds the channel can carry.
    pub supported: Option<Vec<String>>,
    /// With `contact_exists`: the contact that already holds the phone, e-mail or external id.
    pub existing_id: Option<String>,
}

/// The error answers every endpoint may give.
#[derive(IntoResponses)]
pub enum Errors {
    #[response(
        status = "4XX",
        description = "A refusal, as a problem document",
        content_type = "application/problem+json"
    )]
    ClientError(Problem),
    #[response(
        status = "5XX",
        description = "A failure (opaque), as a problem document",
        content_type = "application/problem+json"
    )]
    ServerError(Problem),
}

/// The `Idempotency-Key` header of creating requests.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKey {
    /// Same key and body: the first answer again; same key, another body: 422.
    #[param(rename = "Idempotency-Key")]
    pub idempotency_key: Option<String>,
}

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key: `sbk_...`"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Switchboard API", description = "The multi-tenant messaging hub's REST API."),
    paths(
        api::orgs::get_org, api::orgs::update_org,
        api::me::me,
        api::sessions::login, api::sessions::logout, api::sessions::change_password,
        api::users::list_users, api::users::create_user, api::users::get_user,
        api::users::update_user, api::users::remove_user,
        api::teams::list_teams, api::teams::create_team, api::teams::get_team,
        api::teams::update_team, api::teams::delete_team, api::teams::list_team_members,
        api::teams::add_team_member, api::teams::remove_team_member,
        api::api_keys::list_api_keys, api::api_keys::create_api_key, api::api_keys::get_api_key,
        api::api_keys::delete_api_key, api::api_keys::revoke_api_key, api::api_keys::rotate_api_key,
        api::audit::list_audit,
        api::channels::list_protocols, api::channels::list_channels,
        api::channels::create_channel, api::channels::get_channel, api::channels::channel_integration, api::channels::update_channel,
        api::channels::delete_channel, api::channels::publish_channel,
        api::channels::disable_channel, api::channels::enable_channel,
        api::channels::test_channel, api::channels::regenerate_webhook_secret,
        api::messages::send_message, api::messages::get_message,
        api::messages::list_conversation_messages,
        api::search::search_messages, api::transcripts::export_transcript,
        api::contacts::list_contacts, api::contacts::create_contact, api::contacts::get_contact,
        api::contacts::update_contact, api::contacts::delete_contact,
        api::contacts::list_identities, api::contacts::upsert_by_phone,
        api::contacts::upsert_by_email, api::contacts::upsert_by_external_id,
        api::contacts::transfer::import_contacts, api::contacts::transfer::export_contacts,
        api::contacts::merge::merge_contact,
        api::conversations::list_conversations, api::conversations::get_conversation,
        api::conversations::update_conversation, api::conversations::add_note,
        api::conversations::list_events, api::conversations::mark_read,
        api::webhook_endpoints::list_endpoints, api::webhook_endpoints::create_endpoint,
        api::webhook_endpoints::get_endpoint, api::webhook_endpoints::update_endpoint,
        api::webhook_endpoints::delete_endpoint, api::webhook_endpoints::rotate_secret,
        api::webhook_endpoints::ping,
        api::webhook_deliveries::list_deliveries, api::webhook_deliveries::get_delivery,
        api::webhook_deliveries::replay_delivery, api::webhook_deliveries::replay_failed,
        api::contacts::consent::list_consent, api::contacts::consent::record_consent,
        api::events::stream,
        api::media::upload_media, api::media::get_media, api::media::delete_media,
        api::media::download::media_content, api::media::download::download_media,
        api::templates::create_template, api::templates::lint_template,
        api::templates::list_templates, api::templates::get_template,
        api::templates::delete_template, api::templates::sync_templates,
        api::templates::preview_template,
    ),
    components(schemas(Problem, views::OrgView, views::MemberView, views::TeamView,
        views::ApiKeyView, views::CreatedApiKeyView, views::AuditEntryView, views::MeView,
        PageOf<views::ApiKeyView>, api::messages::MessageView, api::messages::SentMessageView,
        PageOf<api::search::MessageSummaryView>, api::transcripts::TranscriptView,
        api::media::MediaView, api::media::UploadMediaForm, api::media::MessageMediaView,
        api::templates::TemplateView, api::templates::CreatedTemplateView,
        api::templates::LintView, api::templates::SyncView, api::templates::PreviewView,
        crate::event_schemas::Event)),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
)]
pub struct ApiDoc;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/v1/openapi.json",
        get(|| async { Json(ApiDoc::openapi()) }),
    )
}
