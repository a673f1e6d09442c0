//! The shared machinery of `Content::validate`: an error that names a JSON path and the rule it
//! breaks, and a `Checker` that collects every problem instead of stopping at the first, so the
//! API can answer one problem document listing them all.

use std::fmt;

/// One broken rule at one place in the content document.
///
/// `path` is relative to the content object (`body`, `buttons[3].title`,
/// `sections[0].rows[2].id`); an empty path means the content object itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
pub struct ContentError {
    pub path: String,
    #[serde(flatten)]
    pub rule: Rule,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.rule)
        } else {
            write!(f, "{}: {}", self.path, self.rule)
        }
    }
}

/// The rules a content document can break. Serialized as `{"rule": "max_chars", "max": 20}` so
/// API clients can act on them without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// Blank (empty or only whitespace) where a value is needed.
    NotEmpty,
    /// Longer than `max` characters (Unicode scalar values, as Meta counts them).
    MaxChars { max: usize },
    /// A list with fewer than `min` or more than `max` items.
    Count { min: usize, max: usize },
    /// The same value appears earlier in the list.
    Unique,
    /// Exactly one of these fields must be given.
    ExactlyOneOf { fields: [&'static str; 2] },
    /// Allowed by the shape but not in this place; `reason` says why.
    NotAllowed { reason: &'static str },
    /// Not in the expected form; `expected` describes it.
    Format { expected: &'static str },
    /// A number outside `min..=max`.
    Range { min: i64, max: i64 },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::NotEmpty => f.write_str("must not be empty"),
            Rule::MaxChars { max } => write!(f, "must be at most {max} characters"),
            Rule::Count { min, max } => write!(f, "must have between {min} and {max} items"),
            Rule::Unique => f.write_str("must be unique"),
            Rule::ExactlyOneOf { fields: [a, b] } => {
                write!(f, "must have exactly one of `{a}` and `{b}`")
            }
            Rule::NotAllowed { reason } => write!(f, "is not allowed: {reason}"),
            Rule::Format { expected } => write!(f, "must be {expected}"),
            Rule::Range { min, max } => write!(f, "must be between {min} and {max}"),
        }
    }
}

/// Joins a field name onto a path: `at("buttons[0]", "id")` is `buttons[0].id`.
pub(crate) fn at(base: &str, field: &str) -> String {
    if base.is_empty() {
        field.to_owned()
    } else {
        format!("{base}.{field}")
    }
}

/// Joins a list index onto a path: `item("buttons", 2)` is `buttons[2]`.
pub(crate) fn item(base: &str, index: usize) -> String {
    format!("{base}[{index}]")
}

/// Collects every problem found while walking one content document.
#[derive(Default)]
pub(crate) struct Checker {
    errors: Vec<ContentError>,
}

impl Checker {
    pub(crate) fn fail(&mut self, path: impl Into<String>, rule: Rule) {
        self.errors.push(ContentError {
            path: path.into(),
            rule,
        });
    }

    /// A required text: not blank and at most `max` characters.
    pub(crate) fn text(&mut self, path: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.fail(path, Rule::NotEmpty);
        } else if value.chars().count() > max {
            self.fail(path, Rule::MaxChars { max });
        }
    }

    /// An optional text: when given, the same rules as a required one.
    pub(crate) fn opt_text(&mut self, path: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value {
            self.text(path, v, max);
        }
    }

    pub(crate) fn count(&mut self, path: &str, n: usize, min: usize, max: usize) {
        if n < min || n > max {
            self.fail(path, Rule::Count { min, max });
        }
    }

    /// An absolute `http` or `https` URL with a host and no whitespace. Deliberately shallow:
    /// the provider fetches the URL and is the final judge; this catches typos and `file:` or
    /// `javascript:` schemes early.
    pub(crate) fn http_url(&mut self, path: &str, value: &str) {
        const MAX_URL: usize = 2048;
        if value.chars().count() > MAX_URL {
            self.fail(path, Rule::MaxChars { max: MAX_URL });
            return;
        }
        let lower = value.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        let host_ok = rest.is_some_and(|r| {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !host.starts_with(':')
        });
        if !host_ok || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            self.fail(
                path,
                Rule::Format {
                    expected: "an absolute http or https URL",
                },
            );
        }
    }

    /// Reports every value that repeats an earlier one, at the path paired with it.
    pub(crate) fn unique<'a>(&mut self, values: impl IntoIterator<Item = (String, &'a str)>) {
        let mut seen = std::collections::HashSet::new();
        for (path, v) in values {
            if !seen.insert(v) {
                self.fail(path, Rule::Unique);
            }
        }
    }

    pub(crate) fn finish(self) -> Result<(), Vec<ContentError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}
