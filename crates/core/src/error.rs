//! `CoreError`: every way a use case can refuse or fail. Each variant has a stable machine `code`
//! (the HTTP edge maps variants to statuses in one place); `Display` is a sentence for humans.

use switchboard_domain::{AddressError, ContactId, ContentError, ContentKind, Scope};
use switchboard_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// No credentials at all, or a credential the caller sent in an unusable shape.
    #[error("authentication is required")]
    Unauthenticated,
    #[error("the API key is unknown or its secret is wrong")]
    InvalidApiKey,
    #[error("the API key has been revoked")]
    ApiKeyRevoked,
    #[error("the API key has expired")]
    ApiKeyExpired,
    #[error("the API key may not be used from this IP address")]
    IpNotAllowed,
    /// Wrong password and unknown e-mail are deliberately the same error.
    #[error("the e-mail address or the password is wrong")]
    InvalidCredentials,
    #[error("too many failed sign-in attempts; try again in {retry_after_secs} seconds")]
    LoginThrottled { retry_after_secs: u64 },
    #[error("this action needs the `{scope}` scope")]
    InsufficientScope { scope: Scope },
    #[error("{0}")]
    ScopeEscalation(String),
    #[error("{0}")]
    RoleEscalation(String),
    #[error("{0}")]
    ChannelNotAllowed(String),
    #[error("an organization must keep at least one owner")]
    LastOwner,
    #[error("the resource does not exist")]
    NotFound,
    #[error("{what} is already taken")]
    Conflict { what: &'static str },
    /// Another contact already has this phone, e-mail or external id (`field`); the client can
    /// fetch or update `existing` instead.
    #[error("a contact with this {field} already exists")]
    ContactExists {
        field: &'static str,
        existing: ContactId,
    },
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    /// A well-formed request the use case cannot act on, with a code of its own (a CSV file
    /// that is not CSV, a contact merged into itself...); `field` names the culprit.
    #[error("{message}")]
    Unprocessable {
        code: &'static str,
        field: String,
        message: String,
    },
    /// A channel configuration with problems; every one with its field path (`config.base_url`).
    #[error("the configuration has {} problem(s); see `errors`", .0.len())]
    InvalidConfig(Vec<switchboard_connectors::registry::FieldError>),
    #[error("the service is busy; try again later")]
    Busy,
    /// Sending on a channel an admin turned off.
    #[error("the channel is disabled; enable it before sending")]
    ChannelDisabled,
    /// A `to` that does not fit the channel's address format.
    #[error("{0}")]
    InvalidRecipient(AddressError),
    /// Content breaking the content model's rules; every problem with its JSON path.
    #[error("the content breaks {} rule(s); see `errors`", .0.len())]
    InvalidContent(Vec<ContentError>),
    /// Content of a kind the channel's protocol cannot carry.
    #[error("`{protocol}` channels cannot carry `{}` content", kind.as_str())]
    UnsupportedContent {
        kind: ContentKind,
        protocol: &'static str,
        supported: &'static [ContentKind],
    },
    /// Messenger / Instagram: outside the customer-service window, and no tag the caller gave
    /// allows the send (PRODUCT §8).
    #[error("{}", window_text(.0))]
    WindowClosed(switchboard_domain::WindowClosed),
    /// A provider webhook whose signature is missing or wrong; nothing was stored.
    #[error("the webhook signature is invalid: {0}")]
    WebhookSignatureInvalid(String),
    /// A provider webhook body that is not the provider's envelope at all; nothing was stored.
    #[error("the webhook body is malformed: {0}")]
    WebhookMalformed(String),
    /// A provider's verification handshake with a wrong token, mode or no challenge.
    #[error("the webhook handshake failed: {0}")]
    WebhookHandshakeFailed(String),
    /// A webhook or handshake for a channel an admin turned off.
    #[error("the channel is disabled and receives no webhooks")]
    WebhookChannelDisabled,
    /// A file larger than the channel (or Switchboard) accepts for its kind.
    #[error("the file is {size} bytes; the limit is {limit} bytes")]
    MediaTooLarge { size: u64, limit: u64 },
    /// A file whose type the channel does not accept, or whose content is not its declared type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Outbound content naming a Switchboard media id the caller has no file for.
    #[error("no media with id `{0}`")]
    UnknownMedia(String),
    /// A genuine download link past its expiry.
    #[error("the media link has expired; ask the API for a fresh one")]
    MediaLinkExpired,
    /// A download link whose signature is not this server's for this file and expiry.
    #[error("the media link is invalid")]
    MediaLinkInvalid,
    /// A template breaking the platform's guidelines; every finding with its rule and place.
    #[error("the template breaks {} guideline(s); see `errors`", .0.iter().filter(|f| f.severity == switchboard_domain::templates::Severity::Error).count())]
    TemplateInvalid(Vec<switchboard_domain::templates::Finding>),
    /// A send's or preview's parameters that do not fit the template; each with its place.
    #[error("the parameters do not fit the template ({} problem(s)); see `errors`", .0.len())]
    TemplateParameters(Vec<switchboard_domain::templates::FitProblem>),
    /// A send of a template the provider has not approved (yet).
    #[error("the template `{name}` ({language}) is {}, not approved", status.as_str())]
    TemplateNotApproved {
        name: String,
        language: String,
        status: switchboard_domain::templates::TemplateStatus,
    },
    /// The provider refused or could not take a template request.
    #[error("the provider refused the template request: {message}")]
    TemplateProvider { code: &'static str, message: String },
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Says when the window closed and what would still allow the send.
fn window_text(w: &switchboard_domain::WindowClosed) -> String {
    let fmt = |t: switchboard_domain::Timestamp| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| t.to_string())
    };
    let closed = match w.closed_at {
        Some(at) => format!("the 24-hour window closed at {}", fmt(at)),
        None => "the customer has not written on this channel".to_owned(),
    };
    match w.human_agent_until {
        Some(until) => format!(
            "{closed}; a person may still answer with the tag `human_agent` until {}",
            fmt(until)
        ),
        None if w.templates_allowed => {
            format!("{closed}; send an approved template, or wait for the customer to write again")
        }
        None => format!("{closed}; wait for the customer to write again"),
    }
}

impl CoreError {
    /// The stable machine-readable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Unauthenticated => "unauthenticated",
            CoreError::InvalidApiKey => "invalid_api_key",
            CoreError::ApiKeyRevoked => "api_key_revoked",
            CoreError::ApiKeyExpired => "api_key_expired",
            CoreError::IpNotAllowed => "ip_not_allowed",
            CoreError::InvalidCredentials => "invalid_credentials",
            CoreError::LoginThrottled { .. } => "login_throttled",
            CoreError::InsufficientScope { .. } => "insufficient_scope",
            CoreError::ScopeEscalation(_) => "scope_escalation",
            CoreError::RoleEscalation(_) => "role_escalation",
            CoreError::ChannelNotAllowed(_) => "channel_not_allowed",
            CoreError::LastOwner => "last_owner",
            CoreError::NotFound => "not_found",
            CoreError::Conflict { .. } => "conflict",
            CoreError::ContactExists { .. } => "contact_exists",
            CoreError::Validation { .. } => "validation_failed",
            CoreError::Unprocessable { code, .. } => code,
            CoreError::InvalidConfig(_) => "validation_failed",
            CoreError::Busy => "unavailable",
            CoreError::ChannelDisabled => "channel_disabled",
            CoreError::InvalidRecipient(_) => "invalid_recipient",
            CoreError::InvalidContent(_) => "invalid_content",
            CoreError::UnsupportedContent { .. } => "unsupported_content",
            CoreError::WindowClosed(_) => "window_closed",
            CoreError::WebhookSignatureInvalid(_) => "webhook_signature_invalid",
            CoreError::WebhookMalformed(_) => "webhook_malformed",
            CoreError::WebhookHandshakeFailed(_) => "webhook_handshake_failed",
            CoreError::WebhookChannelDisabled => "channel_disabled",
            CoreError::MediaTooLarge { .. } => "media_too_large",
            CoreError::UnsupportedMediaType(_) => "unsupported_media_type",
            CoreError::UnknownMedia(_) => "unknown_media",
            CoreError::MediaLinkExpired => "media_link_expired",
            CoreError::MediaLinkInvalid => "media_link_invalid",
            CoreError::TemplateInvalid(_) => "template_invalid",
            CoreError::TemplateParameters(_) => "template_parameters_invalid",
            CoreError::TemplateNotApproved { .. } => "template_not_approved",
            CoreError::TemplateProvider { .. } => "template_provider_error",
            CoreError::Internal(_) => "internal",
        }
    }

    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        CoreError::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn unprocessable(
        code: &'static str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        CoreError::Unprocessable {
            code,
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        CoreError::Internal(Box::new(e))
    }

    pub fn internal_msg(m: impl Into<String>) -> Self {
        CoreError::Internal(m.into().into())
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => CoreError::NotFound,
            StoreError::Conflict { what, .. } => CoreError::Conflict { what },
            StoreError::Busy => CoreError::Busy,
            StoreError::Other(source) => CoreError::Internal(source),
        }
    }
}

pub type CoreResult<T> = Result<T, CoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_map_to_stable_codes() {
        assert_eq!(CoreError::from(StoreError::NotFound).code(), "not_found");
        let c = CoreError::from(StoreError::conflict("team_name"));
        assert_eq!(c.code(), "conflict");
        assert_eq!(c.to_string(), "team_name is already taken");
        assert_eq!(CoreError::from(StoreError::Busy).code(), "unavailable");
    }
}
