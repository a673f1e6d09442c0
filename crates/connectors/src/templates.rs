//! Template management, an optional capability of a connector (WhatsApp has it, most channels do
//! not): list, create and delete message templates on the provider account (PROVIDERS §1.3).
//!
//! The types are the provider-neutral description of a template; each connector writes them in
//! its wire format.

use async_trait::async_trait;
use serde_json::Value;

use crate::outbound::SendError;

/// Template management on one provider account.
#[async_trait]
pub trait TemplateManager: Send + Sync {
    /// One page of templates; pass the previous page's `next_cursor` to continue.
    async fn list_templates(
        &self,
        limit: u32,
        after: Option<&str>,
    ) -> Result<TemplatePage, SendError>;

    /// Submits a template for review.
    async fn create_template(&self, template: &NewTemplate) -> Result<CreatedTemplate, SendError>;

    /// Deletes every language of the template `name`, or only the one with `id` when given.
    async fn delete_template(&self, name: &str, id: Option<&str>) -> Result<(), SendError>;
}

/// A template to submit.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTemplate {
    /// Lowercase letters, digits and `_`, at most 512 characters.
    pub name: String,
    /// e.g. `en_GB`.
    pub language: String,
    /// Marketing, utility or authentication.
    pub category: TemplateCategory,
    /// `{{1}}` or `{{first_name}}` placeholders.
    pub parameter_format: ParameterFormat,
    /// Header, body, footer and buttons.
    pub components: Vec<ComponentSpec>,
}

/// What a template is for; it decides its price and rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateCategory {
    /// Promotions.
    Marketing,
    /// Transactional updates.
    Utility,
    /// One-time codes.
    Authentication,
}

impl TemplateCategory {
    /// The provider's word (`MARKETING`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Marketing => "MARKETING",
            Self::Utility => "UTILITY",
            Self::Authentication => "AUTHENTICATION",
        }
    }
}

/// How placeholders are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParameterFormat {
    /// `{{1}}`, `{{2}}`…
    #[default]
    Positional,
    /// `{{first_name}}`…
    Named,
}

/// One component of a new template.
#[derive(Debug, Clone, PartialEq)]
pub enum ComponentSpec {
    /// A text header, with the example value of its placeholder when it has one.
    TextHeader {
        /// At most 60 characters.
        text: String,
        /// Examples of its placeholders.
        example: Option<Examples>,
    },
    /// A media header; the example is an uploaded sample's handle.
    MediaHeader {
        /// Which media.
        format: MediaHeaderFormat,
        /// The sample's handle.
        example_handle: Option<String>,
    },
    /// A location header: the place is given at send time.
    LocationHeader,
    /// The body text and examples of its placeholders.
    Body {
        /// At most 1024 characters.
        text: String,
        /// Examples of its placeholders.
        example: Option<Examples>,
    },
    /// A footer.
    Footer {
        /// At most 60 characters.
        text: String,
    },
    /// Buttons.
    Buttons(Vec<ButtonSpec>),
}

/// The media of a media header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaHeaderFormat {
    /// A photo.
    Image,
    /// A video.
    Video,
    /// A file.
    Document,
}

/// Example values of placeholders, in the template's parameter format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Examples {
    /// One value per `{{n}}`, in order.
    Positional(Vec<String>),
    /// One `(name, value)` per `{{name}}`.
    Named(Vec<(String, String)>),
}

/// One template button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ButtonSpec {
    /// Sends its payload back when tapped.
    QuickReply {
        /// Label.
        text: String,
    },
    /// Opens a URL; a `{{1}}` suffix is filled at send time.
    Url {
        /// Label.
        text: String,
        /// The URL, possibly ending in `{{1}}`.
        url: String,
        /// An example full URL when it has a placeholder.
        example: Option<String>,
    },
    /// Calls a number.
    PhoneNumber {
        /// Label.
        text: String,
        /// E.164 with `+`.
        phone_number: String,
    },
    /// Copies a coupon code.
    CopyCode {
        /// An example code.
        example: String,
    },
    /// The one-time password button of an authentication template.
    Otp {
        /// `COPY_CODE`, `ONE_TAP` or `ZERO_TAP`.
        otp_type: &'static str,
        /// The label, when not the provider's default.
        text: Option<String>,
    },
}

/// The provider's answer to a create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedTemplate {
    /// The provider's template id.
    pub id: String,
    /// Usually `PENDING`.
    pub status: String,
    /// The category the provider assigned (it may change it).
    pub category: String,
}

/// A template as the provider lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateInfo {
    /// The provider's id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Language code.
    pub language: String,
    /// APPROVED, PENDING, REJECTED…
    pub status: String,
    /// MARKETING, UTILITY or AUTHENTICATION.
    pub category: Option<String>,
    /// POSITIONAL or NAMED, when given.
    pub parameter_format: Option<String>,
    /// Why it was rejected, when it was.
    pub rejected_reason: Option<String>,
    /// The components as the provider wrote them.
    pub components: Value,
}

/// One page of a template listing.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplatePage {
    /// The templates on this page.
    pub templates: Vec<TemplateInfo>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}
