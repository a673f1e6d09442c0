//! Interactive content: reply buttons, a list of rows in sections, and a call-to-action URL
//! button. Limits are WhatsApp's (PROVIDERS §1.2), the strictest of our channels.

use super::text_media::{Media, MediaRules};
use super::validate::{Checker, Rule, at, item};

/// Body of any interactive message. Meta's list page allows 4096, but some clients cap lists at
/// 1024 too, so 1024 everywhere keeps every message deliverable.
pub const MAX_INTERACTIVE_BODY: usize = 1024;
pub const MAX_HEADER_TEXT: usize = 60;
pub const MAX_FOOTER: usize = 60;
pub const MAX_BUTTONS: usize = 3;
pub const MAX_BUTTON_ID: usize = 256;
pub const MAX_BUTTON_TITLE: usize = 20;
pub const MAX_LIST_BUTTON: usize = 20;
pub const MAX_SECTIONS: usize = 10;
/// Rows are counted across all sections (Meta's docs disagree; 10 in total is the safe reading).
pub const MAX_ROWS: usize = 10;
pub const MAX_SECTION_TITLE: usize = 24;
pub const MAX_ROW_ID: usize = 200;
pub const MAX_ROW_TITLE: usize = 24;
pub const MAX_ROW_DESCRIPTION: usize = 72;
pub const MAX_CTA_DISPLAY_TEXT: usize = 20;

/// The header of a reply-buttons or CTA URL message: a short text or one media attachment.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Header {
    Text { text: String },
    Image(Media),
    Video(Media),
    Document(Media),
}

const HEADER_NO_CAPTION: &str = "a header carries no caption";
const HEADER_DOCUMENT: MediaRules = MediaRules::new(Some(HEADER_NO_CAPTION), None);
const HEADER_OTHER_MEDIA: MediaRules = MediaRules::new(
    Some(HEADER_NO_CAPTION),
    Some("only documents carry a file name"),
);

impl Header {
    fn check(&self, c: &mut Checker, path: &str) {
        match self {
            Header::Text { text } => c.text(&at(path, "text"), text, MAX_HEADER_TEXT),
            Header::Image(m) | Header::Video(m) => m.check(c, path, HEADER_OTHER_MEDIA),
            Header::Document(m) => m.check(c, path, HEADER_DOCUMENT),
        }
    }
}

/// A message with one to three quick-reply buttons; the reply comes back with the button's id.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyButtons {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<Header>,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    pub buttons: Vec<ReplyButton>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyButton {
    pub id: String,
    pub title: String,
}

impl ReplyButtons {
    pub(crate) fn check(&self, c: &mut Checker) {
        if let Some(h) = &self.header {
            h.check(c, "header");
        }
        c.text("body", &self.body, MAX_INTERACTIVE_BODY);
        c.opt_text("footer", self.footer.as_deref(), MAX_FOOTER);
        c.count("buttons", self.buttons.len(), 1, MAX_BUTTONS);
        for (i, b) in self.buttons.iter().enumerate() {
            let path = item("buttons", i);
            let id_path = at(&path, "id");
            c.text(&id_path, &b.id, MAX_BUTTON_ID);
            if b.id.trim() != b.id {
                c.fail(
                    id_path,
                    Rule::Format {
                        expected: "free of leading and trailing spaces",
                    },
                );
            }
            c.text(&at(&path, "title"), &b.title, MAX_BUTTON_TITLE);
        }
        let ids = self
            .buttons
            .iter()
            .enumerate()
            .map(|(i, b)| (at(&item("buttons", i), "id"), b.id.as_str()));
        c.unique(ids);
        let titles = self
            .buttons
            .iter()
            .enumerate()
            .map(|(i, b)| (at(&item("buttons", i), "title"), b.title.as_str()));
        c.unique(titles);
    }
}

/// A message that opens a menu of up to ten rows grouped in sections.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct List {
    /// Lists only take a text header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// The label of the button that opens the menu.
    pub button: String,
    pub sections: Vec<ListSection>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListSection {
    /// Required when the list has more than one section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub rows: Vec<ListRow>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListRow {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl List {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.opt_text("header", self.header.as_deref(), MAX_HEADER_TEXT);
        c.text("body", &self.body, MAX_INTERACTIVE_BODY);
        c.opt_text("footer", self.footer.as_deref(), MAX_FOOTER);
        c.text("button", &self.button, MAX_LIST_BUTTON);
        c.count("sections", self.sections.len(), 1, MAX_SECTIONS);
        let several = self.sections.len() > 1;
        for (s, section) in self.sections.iter().enumerate() {
            let path = item("sections", s);
            match &section.title {
                Some(t) => c.text(&at(&path, "title"), t, MAX_SECTION_TITLE),
                None if several => c.fail(at(&path, "title"), Rule::NotEmpty),
                None => {}
            }
            let rows_path = at(&path, "rows");
            // Every section needs a row; the total is checked below across sections.
            if section.rows.is_empty() {
                c.fail(
                    &rows_path,
                    Rule::Count {
                        min: 1,
                        max: MAX_ROWS,
                    },
                );
            }
            for (r, row) in section.rows.iter().enumerate() {
                let row_path = item(&rows_path, r);
                c.text(&at(&row_path, "id"), &row.id, MAX_ROW_ID);
                c.text(&at(&row_path, "title"), &row.title, MAX_ROW_TITLE);
                let description = row.description.as_deref();
                c.opt_text(
                    &at(&row_path, "description"),
                    description,
                    MAX_ROW_DESCRIPTION,
                );
            }
        }
        let total: usize = self.sections.iter().map(|s| s.rows.len()).sum();
        if total > MAX_ROWS {
            c.fail(
                "sections",
                Rule::NotAllowed {
                    reason: "a list holds at most 10 rows across all its sections",
                },
            );
        }
        let row_ids = self.sections.iter().enumerate().flat_map(|(s, sec)| {
            let rows_path = at(&item("sections", s), "rows");
            sec.rows
                .iter()
                .enumerate()
                .map(move |(r, row)| (at(&item(&rows_path, r), "id"), row.id.as_str()))
        });
        c.unique(row_ids);
    }
}

/// A message with one button that opens a URL.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CtaUrl {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<Header>,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    pub display_text: String,
    pub url: String,
}

impl CtaUrl {
    pub(crate) fn check(&self, c: &mut Checker) {
        if let Some(h) = &self.header {
            h.check(c, "header");
        }
        c.text("body", &self.body, MAX_INTERACTIVE_BODY);
        c.opt_text("footer", self.footer.as_deref(), MAX_FOOTER);
        c.text("display_text", &self.display_text, MAX_CTA_DISPLAY_TEXT);
        c.http_url("url", &self.url);
    }
}
