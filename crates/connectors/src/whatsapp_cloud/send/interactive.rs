//! The `interactive` object of a send: reply buttons, lists and CTA URL buttons (§1.2).

use serde::{Deserialize, Serialize};

use super::Media;

/// `"interactive":{"type":…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Interactive {
    /// 1–3 reply buttons.
    Button {
        /// Text, image, video or document header.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        header: Option<Header>,
        /// Required body text.
        body: InteractiveText,
        /// Optional footer text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        footer: Option<InteractiveText>,
        /// The buttons.
        action: ButtonAction,
    },
    /// A menu of rows in sections.
    List {
        /// Text header only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        header: Option<Header>,
        /// Required body text.
        body: InteractiveText,
        /// Optional footer text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        footer: Option<InteractiveText>,
        /// The menu button and sections.
        action: ListAction,
    },
    /// One button that opens a URL.
    CtaUrl {
        /// Optional header.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        header: Option<Header>,
        /// Required body text.
        body: InteractiveText,
        /// Optional footer text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        footer: Option<InteractiveText>,
        /// The URL button.
        action: CtaUrlAction,
    },
}

/// `{"text":"…"}`, used for body and footer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractiveText {
    /// The text.
    pub text: String,
}

/// `header` of an interactive message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Header {
    /// Up to 60 characters.
    Text {
        /// The text.
        text: String,
    },
    /// Image header.
    Image {
        /// The media.
        image: Media,
    },
    /// Video header.
    Video {
        /// The media.
        video: Media,
    },
    /// Document header.
    Document {
        /// The media.
        document: Media,
    },
}

/// `action` of a reply-button message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ButtonAction {
    /// 1–3 buttons.
    pub buttons: Vec<ReplyButton>,
}

/// `{"type":"reply","reply":{"id","title"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReplyButton {
    /// The only button type.
    Reply {
        /// Id and title.
        reply: ReplyButtonBody,
    },
}

impl ReplyButton {
    /// A reply button with this id and title.
    pub fn reply(id: impl Into<String>, title: impl Into<String>) -> Self {
        Self::Reply {
            reply: ReplyButtonBody {
                id: id.into(),
                title: title.into(),
            },
        }
    }
}

/// Id (≤ 256) and title (≤ 20) of a reply button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyButtonBody {
    /// Comes back in `button_reply.id`.
    pub id: String,
    /// Shown on the button.
    pub title: String,
}

/// `action` of a list message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListAction {
    /// The label of the button that opens the menu (≤ 20).
    pub button: String,
    /// Up to 10 sections, up to 10 rows in total.
    pub sections: Vec<ListSection>,
}

/// One section of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSection {
    /// Required when there is more than one section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The rows.
    pub rows: Vec<ListRow>,
}

/// One row of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRow {
    /// Comes back in `list_reply.id`.
    pub id: String,
    /// ≤ 24 characters.
    pub title: String,
    /// ≤ 72 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `{"name":"cta_url","parameters":{…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CtaUrlAction {
    /// Always `cta_url`.
    pub name: String,
    /// Label and URL.
    pub parameters: CtaUrlParameters,
}

impl CtaUrlAction {
    /// A CTA URL action with its fixed `name`.
    pub fn new(display_text: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            name: "cta_url".to_owned(),
            parameters: CtaUrlParameters {
                display_text: display_text.into(),
                url: url.into(),
            },
        }
    }
}

/// The label (≤ 20) and target of a CTA URL button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CtaUrlParameters {
    /// Button label.
    pub display_text: String,
    /// Opened on tap.
    pub url: String,
}
