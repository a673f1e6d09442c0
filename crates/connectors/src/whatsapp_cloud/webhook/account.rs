//! Account-level changes: template status and quality, phone number quality and messaging tier,
//! account updates, and marketing-preference opt-outs (`user_preferences`).
//!
//! Meta adds values to these enumerations often, so states are kept as their wire strings.

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

use crate::whatsapp_cloud::wire::{string_or_number, unix_seconds};

/// `message_template_status_update`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TemplateStatusUpdate {
    /// APPROVED, REJECTED, PAUSED, DISABLED…
    pub event: String,
    /// The template's Graph id (a number on the wire).
    #[serde(deserialize_with = "string_or_number")]
    pub message_template_id: String,
    /// Template name.
    pub message_template_name: String,
    /// Language code.
    pub message_template_language: String,
    /// Rejection or pause reason, `NONE` otherwise.
    #[serde(default)]
    pub reason: Option<String>,
    /// MARKETING, UTILITY or AUTHENTICATION.
    #[serde(default)]
    pub message_template_category: Option<String>,
    /// Longer explanation of a rejection.
    #[serde(default)]
    pub rejection_info: Option<RejectionInfo>,
}

/// `rejection_info` of a template status update.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RejectionInfo {
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
    /// What to change.
    #[serde(default)]
    pub recommendation: Option<String>,
}

/// `message_template_quality_update`: GREEN, YELLOW, RED or UNKNOWN.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TemplateQualityUpdate {
    /// The score before.
    #[serde(default)]
    pub previous_quality_score: Option<String>,
    /// The score now.
    pub new_quality_score: String,
    /// The template's Graph id.
    #[serde(deserialize_with = "string_or_number")]
    pub message_template_id: String,
    /// Template name.
    pub message_template_name: String,
    /// Language code.
    pub message_template_language: String,
}

/// `phone_number_quality_update`: the number was flagged or unflagged, or its tier changed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PhoneQualityUpdate {
    /// The business number.
    pub display_phone_number: String,
    /// FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE, ONBOARDING…
    pub event: String,
    /// Messaging tier now, e.g. `TIER_10K`.
    #[serde(default)]
    pub current_limit: Option<String>,
    /// Messaging tier before, when sent.
    #[serde(default)]
    pub old_limit: Option<String>,
}

/// `account_update`: verification, restrictions, violations, bans. The event names the kind; the
/// whole value is kept because its shape differs per event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountUpdate {
    /// e.g. `VERIFIED_ACCOUNT`, `ACCOUNT_RESTRICTION`, `ACCOUNT_VIOLATION`, `DISABLED_UPDATE`.
    pub event: String,
    /// The number concerned, when the update is number-scoped.
    pub phone_number: Option<String>,
    /// The change's `value` as received.
    pub raw: Value,
}

impl AccountUpdate {
    pub(super) fn from_value(value: &Value) -> Result<Self, String> {
        let event = value
            .get("event")
            .and_then(Value::as_str)
            .ok_or("account_update without `event`")?;
        let phone_number = match value.get("phone_number") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        Ok(Self {
            event: event.to_owned(),
            phone_number,
            raw: value.clone(),
        })
    }
}

/// One `user_preferences[]` element: a user stopped or resumed marketing messages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MarketingPreference {
    /// The user.
    pub wa_id: String,
    /// Human text.
    #[serde(default)]
    pub detail: Option<String>,
    /// `marketing_messages`.
    pub category: String,
    /// `stop` or `resume`.
    pub value: String,
    /// When the user chose.
    #[serde(deserialize_with = "unix_seconds")]
    pub timestamp: OffsetDateTime,
}

impl MarketingPreference {
    /// Whether this is an opt-out of marketing messages.
    pub fn is_marketing_stop(&self) -> bool {
        self.category == "marketing_messages" && self.value.eq_ignore_ascii_case("stop")
    }
}
