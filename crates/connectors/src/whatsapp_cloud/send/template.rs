//! The `template` object of a send: name, language and components with parameters (§1.3).
//!
//! Serialising writes lower-case `type`/`sub_type` and a string `index`, as Meta documents;
//! deserialising also accepts upper case and a numeric `index`, because clients differ.

use serde::{Deserialize, Serialize};

use super::Media;
use crate::whatsapp_cloud::wire::string_or_number;

/// `"template":{"name","language","components"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// Template name.
    pub name: String,
    /// Which translation.
    pub language: Language,
    /// Parameters, by component; absent when the template has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

/// `{"code":"en_GB"}`; `policy` is the legacy `deterministic`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Language {
    /// Language and locale code.
    pub code: String,
    /// Legacy; usually absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

/// One component's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Component {
    /// Header parameters (text or media).
    #[serde(alias = "HEADER", alias = "Header")]
    Header {
        /// The values.
        #[serde(default)]
        parameters: Vec<Parameter>,
    },
    /// Body parameters, in placeholder order (or named).
    #[serde(alias = "BODY", alias = "Body")]
    Body {
        /// The values.
        #[serde(default)]
        parameters: Vec<Parameter>,
    },
    /// Parameters of the button at `index`.
    #[serde(alias = "BUTTON", alias = "Button")]
    Button {
        /// Which kind of button.
        sub_type: ButtonSubType,
        /// Position of the button, as a string (`"0"`).
        #[serde(deserialize_with = "string_or_number")]
        index: String,
        /// The values.
        #[serde(default)]
        parameters: Vec<Parameter>,
    },
}

/// `sub_type` of a button component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonSubType {
    /// Dynamic URL suffix.
    #[serde(alias = "URL")]
    Url,
    /// Quick reply payload.
    #[serde(alias = "QUICK_REPLY")]
    QuickReply,
    /// Copy-code coupon.
    #[serde(alias = "COPY_CODE")]
    CopyCode,
    /// Flow button.
    #[serde(alias = "FLOW")]
    Flow,
}

/// One parameter; `parameter_name` is set for named templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameter {
    /// `{{first_name}}` placeholders name their parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_name: Option<String>,
    /// The typed value.
    #[serde(flatten)]
    pub value: ParameterValue,
}

impl Parameter {
    /// A positional text parameter.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            parameter_name: None,
            value: ParameterValue::Text { text: text.into() },
        }
    }
}

/// `"type":"…"` and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ParameterValue {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// Money amount.
    Currency {
        /// The amount.
        currency: Currency,
    },
    /// Date and time.
    DateTime {
        /// The value.
        date_time: DateTime,
    },
    /// Header image.
    Image {
        /// The media.
        image: Media,
    },
    /// Header video.
    Video {
        /// The media.
        video: Media,
    },
    /// Header document.
    Document {
        /// The media.
        document: Media,
    },
    /// Quick-reply payload.
    Payload {
        /// Comes back in the `button` webhook.
        payload: String,
    },
    /// Copy-code value.
    CouponCode {
        /// The code.
        coupon_code: String,
    },
}

/// `currency` parameter value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Currency {
    /// Shown when localisation fails.
    pub fallback_value: String,
    /// ISO 4217 code.
    pub code: String,
    /// Amount times 1000.
    pub amount_1000: i64,
}

/// `date_time` parameter value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateTime {
    /// The text shown.
    pub fallback_value: String,
}
