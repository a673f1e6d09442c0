//! Field checks shared by the protocol modules: a JSON object whose keys are all known, required
//! fields present, and typed readers that record a problem (with its path) instead of failing fast,
//! so one answer lists everything that is wrong.

use serde_json::{Map, Value};
use url::Url;

use super::FieldInfo;

/// One problem with one field: `field` is its path (`config.base_url`, `secrets.access_token`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// `a: problem; b: problem` for error messages.
pub(super) fn summary(problems: &[FieldError]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Longest value any field accepts: ids and tokens are far shorter; this only stops abuse.
const MAX_FIELD_LEN: usize = 4096;

/// Reads one JSON object (`config` or `secrets`), collecting problems under `prefix`.
pub(super) struct Fields<'a> {
    prefix: &'static str,
    map: Option<&'a Map<String, Value>>,
    pub problems: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    /// The problems of the config checker followed by those of the secrets checker: what every
    /// protocol's `validate` answers.
    pub fn joined(self, secrets: Fields<'_>) -> Vec<FieldError> {
        let mut problems = self.problems;
        problems.extend(secrets.problems);
        problems
    }

    /// Checks that `value` is an object whose keys are all in `known` and whose required fields
    /// are present and not null.
    pub fn new(prefix: &'static str, value: &'a Value, known: &[FieldInfo]) -> Self {
        let mut problems = Vec::new();
        let map = match value {
            Value::Object(map) => Some(map),
            // An absent object is an empty one: its required fields are then reported one by one.
            Value::Null => None,
            _ => {
                problems.push(FieldError::new(prefix, "must be an object"));
                None
            }
        };
        if let Some(map) = map {
            for key in map.keys() {
                if !known.iter().any(|f| f.name == key) {
                    problems.push(FieldError::new(format!("{prefix}.{key}"), "unknown field"));
                }
            }
        }
        if matches!(value, Value::Object(_) | Value::Null) {
            for f in known.iter().filter(|f| f.required) {
                let present = map
                    .and_then(|m| m.get(f.name))
                    .is_some_and(|v| !v.is_null());
                if !present {
                    problems.push(FieldError::new(
                        format!("{prefix}.{}", f.name),
                        "is required",
                    ));
                }
            }
        }
        Self {
            prefix,
            map,
            problems,
        }
    }

    fn problem(&mut self, name: &str, message: impl Into<String>) {
        self.problems
            .push(FieldError::new(format!("{}.{name}", self.prefix), message));
    }

    /// A non-empty string field, when present (absence is checked by `new` for required fields).
    pub fn string(&mut self, name: &str) -> Option<&'a str> {
        match self.map?.get(name)? {
            Value::Null => None,
            Value::String(s) if s.trim().is_empty() => {
                self.problem(name, "must not be empty");
                None
            }
            Value::String(s) if s.len() > MAX_FIELD_LEN => {
                self.problem(name, format!("must be at most {MAX_FIELD_LEN} bytes"));
                None
            }
            Value::String(s) if s.trim() != s => {
                self.problem(name, "must not start or end with spaces");
                None
            }
            Value::String(s) => Some(s),
            _ => {
                self.problem(name, "must be a string");
                None
            }
        }
    }

    /// A string of ASCII digits (provider ids).
    pub fn digits(&mut self, name: &str) -> Option<&'a str> {
        let s = self.string(name)?;
        if s.len() <= 64 && s.bytes().all(|b| b.is_ascii_digit()) {
            Some(s)
        } else {
            self.problem(name, "must be digits only (at most 64)");
            None
        }
    }

    /// An absolute http(s) URL with a host.
    pub fn url(&mut self, name: &str) -> Option<&'a str> {
        let s = self.string(name)?;
        match Url::parse(s) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {
                if u.query().is_some() || u.fragment().is_some() {
                    self.problem(name, "must not have a query or fragment");
                    None
                } else {
                    Some(s)
                }
            }
            _ => {
                self.problem(name, "must be an absolute http or https URL");
                None
            }
        }
    }

    /// A whole number within `range`.
    pub fn integer(&mut self, name: &str, range: std::ops::RangeInclusive<u64>) -> Option<u64> {
        match self.map?.get(name)? {
            Value::Null => None,
            v => match v.as_u64().filter(|n| range.contains(n)) {
                Some(n) => Some(n),
                None => {
                    self.problem(
                        name,
                        format!(
                            "must be a whole number from {} to {}",
                            range.start(),
                            range.end()
                        ),
                    );
                    None
                }
            },
        }
    }

    /// A string accepted by `ok`, with `message` otherwise.
    pub fn matching(
        &mut self,
        name: &str,
        ok: impl Fn(&str) -> bool,
        message: &str,
    ) -> Option<&'a str> {
        let s = self.string(name)?;
        if ok(s) {
            Some(s)
        } else {
            self.problem(name, message.to_owned());
            None
        }
    }
}

/// The string at `key` of an object, if any.
pub(super) fn str_of<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}
