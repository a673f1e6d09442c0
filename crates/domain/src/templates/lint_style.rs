//! Wording guidelines: shouting punctuation, emoji runs, vague calls to action, and promotional
//! words in a template that is not marketing (reviews recategorize those, and they cost more).

use super::TemplateCategory;
use super::lint::{Findings, Severity};

/// A run of this many `!`/`?`/`.` (or emoji) reads as shouting, which reviews flag.
const PUNCTUATION_RUN: usize = 3;
const EMOJI_RUN: usize = 4;
/// Calls to action that say nothing about where they lead.
const VAGUE_CTAS: &[&str] = &["click here", "tap here", "click this link", "click below"];
/// Wording that makes a utility or authentication template promotional (and priced as such).
const PROMOTIONAL: &[&str] = &[
    "% off",
    "discount",
    "sale",
    "special offer",
    "limited time",
    "buy now",
    "coupon",
    "promo",
    "deal",
];

/// Wording rules: shouting punctuation, emoji runs, vague calls to action, promotional words
/// outside marketing.
pub(super) fn style(f: &mut Findings, category: TemplateCategory, field: &str, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    if let Some(at) = run_start(&chars, PUNCTUATION_RUN, |c| matches!(c, '!' | '?' | '.')) {
        // An ellipsis is ordinary writing; four dots or mixed `!?!` are not.
        if chars[at..].iter().take_while(|c| **c == '.').count() != 3 {
            f.add(
                "excessive_punctuation",
                Severity::Warning,
                field,
                Some(at),
                "avoid runs of punctuation",
            );
        }
    }
    if let Some(at) = run_start(&chars, EMOJI_RUN, is_emoji) {
        f.add(
            "excessive_emoji",
            Severity::Warning,
            field,
            Some(at),
            "avoid long runs of emoji",
        );
    }
    let lower = text.to_lowercase();
    for cta in VAGUE_CTAS {
        if let Some(b) = lower.find(cta) {
            f.add(
                "vague_call_to_action",
                Severity::Warning,
                field,
                Some(lower[..b].chars().count()),
                format!("say where the link leads instead of \"{cta}\""),
            );
        }
    }
    if category != TemplateCategory::Marketing {
        for word in PROMOTIONAL {
            if let Some(b) = find_word(&lower, word) {
                f.add(
                    "promotional_wording",
                    Severity::Warning,
                    field,
                    Some(lower[..b].chars().count()),
                    format!("\"{word}\" reads as promotion: use the marketing category or reword"),
                );
            }
        }
    }
}

/// The first index where at least `n` consecutive characters satisfy `pred`.
fn run_start(chars: &[char], n: usize, pred: impl Fn(char) -> bool) -> Option<usize> {
    let mut start = 0;
    let mut len = 0;
    for (i, c) in chars.iter().enumerate() {
        if pred(*c) {
            if len == 0 {
                start = i;
            }
            len += 1;
            if len >= n {
                return Some(start);
            }
        } else {
            len = 0;
        }
    }
    None
}

fn is_emoji(c: char) -> bool {
    matches!(u32::from(c), 0x1F300..=0x1FAFF | 0x2600..=0x27BF)
}

/// Byte offset of `word` in `text` where it is not part of a longer word.
fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(b, _)| b).find(|&b| {
        // Boundaries matter only where the word itself starts or ends with a letter (`% off`
        // follows a digit).
        let edge = |c: Option<char>, w: Option<char>| {
            w.is_some_and(char::is_alphanumeric) && c.is_some_and(char::is_alphanumeric)
        };
        !edge(text[..b].chars().next_back(), word.chars().next())
            && !edge(
                text[b + word.len()..].chars().next(),
                word.chars().next_back(),
            )
    })
}
