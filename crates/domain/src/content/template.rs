//! A send of an approved template: its name, language, and the parameters that fill the header,
//! body and buttons. Whether the parameters fit the template's placeholders is checked later
//! against the stored template; here only the shape and WhatsApp's per-parameter rules.

use super::text_media::Media;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// The template's name: lowercase letters, digits and `_`.
    pub name: String,
    /// The language code it was approved in, such as `en` or `en_GB`.
    pub language: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<TemplateComponent>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TemplateComponent {
    Header {
        parameters: Vec<TemplateParameter>,
    },
    Body {
        parameters: Vec<TemplateParameter>,
    },
    /// Parameters for the button at `index` (its position in the template, from 0).
    Button {
        sub_type: ButtonSubType,
        index: u8,
        parameters: Vec<TemplateParameter>,
    },
}

/// The kind of template button a parameter is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonSubType {
    /// Takes a `payload` parameter, returned when the customer taps the button.
    QuickReply,
    /// Takes a `text` parameter, the dynamic suffix of the button's URL.
    Url,
    /// Takes a `coupon_code` parameter.
    CopyCode,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TemplateParameter {
    /// `parameter_name` is set for named templates (`{{first_name}}`) and absent for positional
    /// ones (`{{1}}`); one template cannot mix both.
    Text {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parameter_name: Option<String>,
    },
    Currency {
        fallback_value: String,
        /// ISO 4217 code, such as `EUR`.
        code: String,
        /// The amount times 1000: 12.34 EUR is 12340.
        amount_1000: i64,
    },
    DateTime {
        fallback_value: String,
    },
    Image(Media),
    Video(Media),
    Document(Media),
    Payload {
        payload: String,
    },
    CouponCode {
        coupon_code: String,
    },
}
