//! A small toolkit for checking a send body by hand, the way Meta does: every failure names the
//! parameter by its path (`interactive['action']['buttons'][0]['reply']['title']`).
//!
//! Which code: Meta answers a missing, mistyped or unexpected parameter with 100 (the Graph API's
//! own parameter check) and a value that is present but out of bounds (too long, too many, not a
//! valid number or URL) with 131009. We follow that split everywhere so clients can tell a
//! malformed request from one that breaks a WhatsApp limit.

use serde_json::{Map, Value};

use crate::graph_error::GraphError;

/// A parameter check result.
pub(crate) type Checked<T> = Result<T, GraphError>;

/// 100: missing, mistyped or unexpected.
pub(crate) fn malformed(details: String) -> GraphError {
    GraphError::invalid_parameter(details)
}

/// 131009: present but not an acceptable value.
pub(crate) fn invalid(details: String) -> GraphError {
    GraphError::code(131_009, details)
}

/// A JSON object being checked, with its path for messages.
#[derive(Clone)]
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

/// The path of `key` inside `parent` (`text` at the root, `text['body']` below it).
pub(crate) fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}['{key}']")
    }
}

/// The path of element `i` of the array at `parent`.
pub(crate) fn element(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

impl<'a> Obj<'a> {
    /// `value` as an object, or 100 naming `path`.
    pub(crate) fn new(value: &'a Value, path: String) -> Checked<Self> {
        match value.as_object() {
            Some(map) => Ok(Self { map, path }),
            None if path.is_empty() => {
                Err(malformed("The request body must be a JSON object".into()))
            }
            None => Err(malformed(format!("Param {path} must be a JSON object"))),
        }
    }

    /// This object's path.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// The path of `key` in this object.
    pub(crate) fn at(&self, key: &str) -> String {
        child(&self.path, key)
    }

    /// The raw value of `key`, `null` counting as absent (as Meta treats it).
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Whether `key` is present (and not null).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Refuses keys outside `allowed`: Meta answers `Unexpected key "x" on param "…"`.
    pub(crate) fn only(&self, allowed: &[&str]) -> Checked<()> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            None => Ok(()),
            Some(k) if self.path.is_empty() => {
                Err(malformed(format!("Unexpected key \"{k}\" on param")))
            }
            Some(k) => Err(malformed(format!(
                "Unexpected key \"{k}\" on param \"{}\"",
                self.path
            ))),
        }
    }

    /// A required string.
    pub(crate) fn req_str(&self, key: &str) -> Checked<&'a str> {
        self.opt_str(key)?
            .ok_or_else(|| malformed(format!("Param {} is required", child(&self.path, key))))
    }

    /// An optional string.
    pub(crate) fn opt_str(&self, key: &str) -> Checked<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(malformed(format!(
                "Param {} must be a string",
                child(&self.path, key)
            ))),
        }
    }

    /// A required string of 1..=`max` characters.
    pub(crate) fn req_text(&self, key: &str, max: usize) -> Checked<&'a str> {
        let s = self.req_str(key)?;
        non_empty(&child(&self.path, key), s)?;
        max_chars(&child(&self.path, key), s, max)?;
        Ok(s)
    }

    /// An optional string of at most `max` characters.
    pub(crate) fn opt_text(&self, key: &str, max: usize) -> Checked<Option<&'a str>> {
        let s = self.opt_str(key)?;
        if let Some(s) = s {
            max_chars(&child(&self.path, key), s, max)?;
        }
        Ok(s)
    }

    /// An optional boolean.
    pub(crate) fn opt_bool(&self, key: &str) -> Checked<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(malformed(format!(
                "Param {} must be a boolean",
                child(&self.path, key)
            ))),
        }
    }

    /// A required number; Meta also takes numbers written as strings (`"51.5"`).
    pub(crate) fn req_number(&self, key: &str) -> Checked<f64> {
        let path = child(&self.path, key);
        match self.get(key) {
            None => Err(malformed(format!("Param {path} is required"))),
            Some(Value::Number(n)) => n
                .as_f64()
                .ok_or_else(|| invalid(format!("Param {path} must be a number"))),
            Some(Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| invalid(format!("Param {path} must be a number"))),
            Some(_) => Err(malformed(format!("Param {path} must be a number"))),
        }
    }

    /// A required object.
    pub(crate) fn req_obj(&self, key: &str) -> Checked<Obj<'a>> {
        let path = child(&self.path, key);
        match self.get(key) {
            None => Err(malformed(format!("Param {path} is required"))),
            Some(v) => Obj::new(v, path),
        }
    }

    /// An optional object.
    pub(crate) fn opt_obj(&self, key: &str) -> Checked<Option<Obj<'a>>> {
        self.get(key)
            .map(|v| Obj::new(v, child(&self.path, key)))
            .transpose()
    }

    /// The elements of the array at `key` as objects, each with its path.
    pub(crate) fn objects(&self, key: &str, min: usize, max: usize) -> Checked<Vec<Obj<'a>>> {
        let base = child(&self.path, key);
        self.req_array(key, min, max)?
            .iter()
            .enumerate()
            .map(|(i, v)| Obj::new(v, element(&base, i)))
            .collect()
    }

    /// A required array with between `min` and `max` elements.
    pub(crate) fn req_array(&self, key: &str, min: usize, max: usize) -> Checked<&'a [Value]> {
        let path = child(&self.path, key);
        let Some(v) = self.get(key) else {
            return Err(malformed(format!("Param {path} is required")));
        };
        let items = v
            .as_array()
            .ok_or_else(|| malformed(format!("Param {path} must be an array")))?;
        count(&path, items.len(), min, max)?;
        Ok(items)
    }
}

/// `min..=max` elements, or 131009 in Meta's words.
pub(crate) fn count(path: &str, n: usize, min: usize, max: usize) -> Checked<()> {
    if n < min {
        Err(invalid(format!(
            "Param {path} must have at least {min} element{}",
            if min == 1 { "" } else { "s" }
        )))
    } else if n > max {
        Err(invalid(format!(
            "Param {path} must have at most {max} elements"
        )))
    } else {
        Ok(())
    }
}

/// At most `max` characters (Unicode scalar values, as Meta counts).
pub(crate) fn max_chars(path: &str, s: &str, max: usize) -> Checked<()> {
    // Byte length bounds the char count from above: skip the count for short strings.
    if s.len() > max && s.chars().count() > max {
        Err(invalid(format!(
            "Param {path} must be at most {max} characters long"
        )))
    } else {
        Ok(())
    }
}

/// Not empty (after trimming whitespace).
pub(crate) fn non_empty(path: &str, s: &str) -> Checked<()> {
    if s.trim().is_empty() {
        Err(invalid(format!("Param {path} must not be empty")))
    } else {
        Ok(())
    }
}

/// An absolute http(s) URL with a host.
pub(crate) fn http_url(path: &str, s: &str) -> Checked<()> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .or_else(|| {
            let lower = s.get(..8).map(str::to_ascii_lowercase);
            match lower.as_deref() {
                Some("https://") => s.get(8..),
                Some(l) if l.starts_with("http://") => s.get(7..),
                _ => None,
            }
        });
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(h) if !h.is_empty() && !s.chars().any(char::is_whitespace) => Ok(()),
        _ => Err(invalid(format!(
            "Param {path} must be a valid http or https URL"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_and_codes() {
        let v = json!({"text": {"body": ""}, "x": 1});
        let root = Obj::new(&v, String::new()).unwrap();
        let err = root.only(&["text"]).unwrap_err();
        assert_eq!(err.code, 100);
        assert_eq!(
            err.details.as_deref(),
            Some("Unexpected key \"x\" on param")
        );
        let text = root.req_obj("text").unwrap();
        let err = text.req_text("body", 10).unwrap_err();
        assert_eq!(err.code, 131_009);
        assert_eq!(
            err.details.as_deref(),
            Some("Param text['body'] must not be empty")
        );
        let err = text.req_str("nope").unwrap_err();
        assert_eq!(
            err.details.as_deref(),
            Some("Param text['nope'] is required")
        );
    }

    #[test]
    fn char_counts_are_unicode() {
        assert!(max_chars("p", "ééé", 3).is_ok());
        assert!(max_chars("p", "éééé", 3).is_err());
    }

    #[test]
    fn urls() {
        assert!(http_url("p", "https://example.com/a.pdf").is_ok());
        assert!(http_url("p", "HTTP://example.com").is_ok());
        for bad in ["ftp://x", "https://", "example.com", "https:// x"] {
            assert!(http_url("p", bad).is_err(), "{bad}");
        }
    }
}
