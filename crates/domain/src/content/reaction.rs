//! A reaction to an earlier message: one emoji, or an empty string to remove the reaction.

use super::validate::{Checker, Rule};

/// The longest emoji ZWJ sequences (families, tagged flags) run to about ten code points;
/// 16 leaves room without admitting sentences.
const MAX_EMOJI: usize = 16;
/// See `MAX_REPLY_TO`: wamids reach 128 characters.
const MAX_MESSAGE_ID: usize = 256;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaction {
    /// The id of the message reacted to.
    pub message_id: String,
    /// One emoji; `""` removes an earlier reaction.
    pub emoji: String,
}

impl Reaction {
    /// Whether this removes an earlier reaction rather than adding one.
    pub fn is_removal(&self) -> bool {
        self.emoji.is_empty()
    }

    pub(crate) fn check(&self, c: &mut Checker) {
        c.text("message_id", &self.message_id, MAX_MESSAGE_ID);
        let e = &self.emoji;
        // Not a full emoji grammar: it refuses what is plainly text and lets the provider judge
        // the rest. ASCII digits, `#` and `*` stay allowed because keycap emoji start with them.
        let looks_like_emoji = e.chars().count() <= MAX_EMOJI
            && !e.is_ascii()
            && !e
                .chars()
                .any(|ch| ch.is_ascii_alphabetic() || ch.is_whitespace() || ch.is_control());
        if !e.is_empty() && !looks_like_emoji {
            c.fail(
                "emoji",
                Rule::Format {
                    expected: "one emoji, or empty to remove the reaction",
                },
            );
        }
    }
}
