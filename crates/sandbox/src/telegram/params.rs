//! A method's parameters, from wherever the client put them (PROVIDERS §3.1): the query string,
//! a JSON body, a form-urlencoded body or multipart (which also carries uploaded files). Form,
//! query and multipart values are strings; the typed readers accept both forms, and JSON-valued
//! parameters (`reply_markup`, `reply_parameters`) may arrive as serialized JSON text.

use std::collections::HashMap;

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use bytes::Bytes;
use serde_json::{Map, Value};

use super::reply::TgError;

/// An uploaded file part.
#[derive(Debug, Clone)]
pub(super) struct Upload {
    pub bytes: Bytes,
    pub filename: Option<String>,
    pub content_type: Option<String>,
}

/// Parameters and uploads.
#[derive(Debug, Default)]
pub(super) struct Params {
    pub map: Map<String, Value>,
    pub files: HashMap<String, Upload>,
}

impl Params {
    /// Reads every parameter of `request`; a body that does not parse is a 400.
    pub async fn read(request: Request) -> Result<Self, TgError> {
        let mut out = Params::default();
        if let Some(query) = request.uri().query() {
            for (k, v) in form_pairs(query.as_bytes()) {
                out.map.insert(k, Value::String(v));
            }
        }
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            let mut multipart = Multipart::from_request(request, &())
                .await
                .map_err(|e| TgError::bad(format!("can't parse multipart: {e}")))?;
            while let Some(field) = multipart
                .next_field()
                .await
                .map_err(|e| TgError::bad(format!("can't parse multipart: {e}")))?
            {
                let name = field.name().unwrap_or_default().to_owned();
                let filename = field.file_name().map(str::to_owned);
                let part_type = field.content_type().map(str::to_owned);
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| TgError::bad(format!("can't read multipart: {e}")))?;
                if filename.is_some() {
                    out.files.insert(
                        name,
                        Upload {
                            bytes,
                            filename,
                            content_type: part_type,
                        },
                    );
                } else {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    out.map.insert(name, Value::String(text));
                }
            }
            return Ok(out);
        }
        let body = axum::body::to_bytes(request.into_body(), 60 * 1024 * 1024)
            .await
            .map_err(|e| TgError::bad(format!("can't read the body: {e}")))?;
        if body.is_empty() {
            return Ok(out);
        }
        if content_type.starts_with("application/json") {
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(map)) => out.map.extend(map),
                _ => return Err(TgError::bad("can't parse JSON object")),
            }
        } else {
            for (k, v) in form_pairs(&body) {
                out.map.insert(k, Value::String(v));
            }
        }
        Ok(out)
    }

    /// A string parameter (numbers are written out), absent when empty.
    pub fn str(&self, key: &str) -> Option<String> {
        match self.map.get(key)? {
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn i64(&self, key: &str) -> Option<i64> {
        match self.map.get(key)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn f64(&self, key: &str) -> Option<f64> {
        match self.map.get(key)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn bool(&self, key: &str) -> bool {
        match self.map.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true" || s == "1",
            _ => false,
        }
    }

    /// A JSON-valued parameter: an object or array, or its text.
    pub fn json(&self, key: &str) -> Result<Option<Value>, TgError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s)
                .map(Some)
                .map_err(|_| TgError::bad(format!("can't parse {key} JSON object"))),
            Some(v) => Ok(Some(v.clone())),
        }
    }
}

/// `a=1&b=x%20y` decoded (`+` is a space).
fn form_pairs(raw: &[u8]) -> Vec<(String, String)> {
    raw.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let mut it = pair.splitn(2, |b| *b == b'=');
            let k = decode(it.next().unwrap_or_default());
            let v = decode(it.next().unwrap_or_default());
            (k, v)
        })
        .collect()
}

fn decode(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => {
                match u8::from_str_radix(&String::from_utf8_lossy(&raw[i + 1..i + 3]), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_decoded() {
        let pairs = form_pairs(b"chat_id=-100&text=Hello+there%21&x=%zz&y=");
        assert_eq!(
            pairs,
            vec![
                ("chat_id".into(), "-100".into()),
                ("text".into(), "Hello there!".into()),
                ("x".into(), "%zz".into()),
                ("y".into(), String::new()),
            ]
        );
    }
}
