//! Message templates as an organization writes them (PRODUCT §7): the component model (header
//! kinds, body with positional or named variables and examples, footer, every button kind),
//! categories, statuses, the guideline linter ([`lint`]) and the fit of a send's parameters
//! against a template's components ([`fit`]). Pure: the API parses JSON into [`TemplateSpec`],
//! the store keeps it, connectors translate it.

mod fit;
mod lint;
mod lint_buttons;
mod lint_style;
mod placeholders;
#[cfg(test)]
mod tests_fit;
#[cfg(test)]
mod tests_lint;

use std::collections::BTreeMap;

pub use fit::{FitProblem, Rendered, fit};
pub use lint::{Finding, Severity, has_errors, lint};
pub use placeholders::{Placeholder, placeholders};

/// A template: name, language, category and components.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSpec {
    pub name: String,
    pub language: String,
    pub category: TemplateCategory,
    #[serde(default)]
    pub parameter_format: ParameterFormat,
    pub components: Vec<Component>,
}

/// What a template is for; it decides its price and which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateCategory {
    Marketing,
    Utility,
    Authentication,
}

impl TemplateCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Marketing => "marketing",
            Self::Utility => "utility",
            Self::Authentication => "authentication",
        }
    }

    /// Either case (`MARKETING` is the provider's spelling).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "marketing" => Some(Self::Marketing),
            "utility" => Some(Self::Utility),
            "authentication" => Some(Self::Authentication),
            _ => None,
        }
    }
}

/// How variables are written: `{{1}}` or `{{first_name}}`, never both in one template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterFormat {
    #[default]
    Positional,
    Named,
}

impl ParameterFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Positional => "positional",
            Self::Named => "named",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "positional" => Some(Self::Positional),
            "named" => Some(Self::Named),
            _ => None,
        }
    }
}

/// Where a template stands with the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateStatus {
    /// Stored here, not submitted (or the submission failed).
    Draft,
    /// Submitted, waiting for the provider's review.
    Pending,
    Approved,
    Rejected,
    /// Paused by the provider for low quality.
    Paused,
    Disabled,
}

impl TemplateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Paused => "paused",
            Self::Disabled => "disabled",
        }
    }

    /// Ours (`approved`) or the provider's word (`APPROVED`, `IN_APPEAL`, `PENDING_DELETION`...);
    /// provider words without an equivalent answer `None` and leave the status as it was.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "draft" => Some(Self::Draft),
            "pending" | "in_appeal" => Some(Self::Pending),
            "approved" | "reinstated" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            "paused" | "flagged" => Some(Self::Paused),
            "disabled" | "pending_deletion" | "deleted" => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// One component of a template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Component {
    Header {
        format: HeaderFormat,
        /// The text of a `text` header (at most one variable).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        example: Option<Examples>,
        /// An uploaded sample's handle, for media headers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        example_handle: Option<String>,
    },
    Body {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        example: Option<Examples>,
    },
    Footer {
        text: String,
    },
    Buttons {
        buttons: Vec<Button>,
    },
}

impl Component {
    /// The component's name in findings and fit problems.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Header { .. } => "header",
            Self::Body { .. } => "body",
            Self::Footer { .. } => "footer",
            Self::Buttons { .. } => "buttons",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeaderFormat {
    Text,
    Image,
    Video,
    Document,
    Location,
}

/// Example values: one per `{{n}}` in order, or one per `{{name}}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Examples {
    Positional(Vec<String>),
    Named(BTreeMap<String, String>),
}

impl Examples {
    /// The example for placeholder `key` (`"1"` or `"first_name"`).
    pub fn value(&self, key: &str) -> Option<&str> {
        match self {
            Self::Positional(v) => key
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| v.get(i))
                .map(String::as_str),
            Self::Named(m) => m.get(key).map(String::as_str),
        }
    }
}

/// One button.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Button {
    QuickReply {
        text: String,
    },
    /// Opens `url`; a `{{1}}` at its end is filled at send time.
    Url {
        text: String,
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        example: Option<String>,
    },
    PhoneNumber {
        text: String,
        phone_number: String,
    },
    CopyCode {
        example: String,
    },
    /// The one-time password button of an authentication template.
    Otp {
        otp_type: OtpType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
}

impl Button {
    /// The label shown on the button, when it has one the business writes.
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::QuickReply { text } | Self::Url { text, .. } | Self::PhoneNumber { text, .. } => {
                Some(text)
            }
            Self::Otp { text, .. } => text.as_deref(),
            Self::CopyCode { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OtpType {
    CopyCode,
    OneTap,
    ZeroTap,
}
