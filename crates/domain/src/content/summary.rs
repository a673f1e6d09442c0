//! `Content::summary`: a one-line plain-text preview for conversation lists and notifications.

use super::{Content, ContentKind, Media};

/// Conversation lists show one line; 100 characters fills it on any screen.
pub const MAX_SUMMARY: usize = 100;

impl Content {
    /// A short plain-text preview: the text or body itself, else the kind and its most telling
    /// detail (`Image: Receipt`, `Location: Big Ben`). White space is collapsed and the result
    /// is cut to at most 100 characters, ending in `…` when cut.
    pub fn summary(&self) -> String {
        let full = match self {
            Content::Text(t) => t.body.clone(),
            Content::Image(m) => labelled("Image", media_detail(m)),
            Content::Video(m) => labelled("Video", media_detail(m)),
            Content::Audio(_) => "Audio".to_owned(),
            Content::Document(m) => {
                labelled("Document", m.filename.as_deref().or(m.caption.as_deref()))
            }
            Content::Sticker(_) => "Sticker".to_owned(),
            Content::Location(l) => {
                labelled("Location", l.name.as_deref().or(l.address.as_deref()))
            }
            Content::Contacts(cs) => match cs.contacts.as_slice() {
                [] => "Contact".to_owned(),
                [one] => labelled("Contact", Some(&one.name.formatted_name)),
                [first, rest @ ..] => {
                    format!(
                        "Contacts: {} and {} more",
                        first.name.formatted_name,
                        rest.len()
                    )
                }
            },
            Content::ReplyButtons(b) => b.body.clone(),
            Content::List(l) => l.body.clone(),
            Content::CtaUrl(u) => u.body.clone(),
            Content::Template(t) => labelled("Template", Some(&t.name)),
            Content::Reaction(r) if r.is_removal() => "Removed a reaction".to_owned(),
            Content::Reaction(r) => format!("Reacted {}", r.emoji),
        };
        let line = one_line(&full);
        if line.is_empty() {
            // Only reachable for content that fails validation (a blank body).
            return capitalised_kind(self.kind());
        }
        truncate(&line, MAX_SUMMARY)
    }
}

fn media_detail(m: &Media) -> Option<&str> {
    m.caption.as_deref()
}

fn labelled(label: &str, detail: Option<&str>) -> String {
    match detail.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => format!("{label}: {d}"),
        None => label.to_owned(),
    }
}

fn capitalised_kind(kind: ContentKind) -> String {
    let s = kind.as_str().replace('_', " ");
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut cut: String = s.chars().take(max - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}
