//! CSV helpers for the contacts import/export tests: a multipart form built by hand (the test
//! client sends raw bodies), the import call, the export call, and CSV reading.

use reqwest::Method;
use serde_json::Value;
use switchboard_test_support::{TestApp, TestResponse};

const BOUNDARY: &str = "sb-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body with these parts (`file` goes as a CSV file).
pub fn form(parts: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, value) in parts {
        body.extend(format!("--{BOUNDARY}\r\n").as_bytes());
        if *name == "file" {
            body.extend(
                b"Content-Disposition: form-data; name=\"file\"; filename=\"contacts.csv\"\r\n\
                  Content-Type: text/csv\r\n\r\n",
            );
        } else {
            body.extend(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            );
        }
        body.extend(*value);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// `POST /v1/contacts/imports` as the owner (or with `key`), with extra form fields.
pub async fn import_as(
    app: &TestApp,
    key: Option<&str>,
    csv: &[u8],
    mapping: &Value,
    extra: &[(&str, &str)],
) -> TestResponse {
    let mapping = mapping.to_string();
    let mut parts: Vec<(&str, &[u8])> = vec![("file", csv), ("mapping", mapping.as_bytes())];
    parts.extend(extra.iter().map(|(k, v)| (*k, v.as_bytes())));
    let (ct, body) = form(&parts);
    let call = app
        .call(Method::POST, "/v1/contacts/imports")
        .raw(&ct, body);
    match key {
        Some(k) => call.bearer(k).send().await,
        None => call.send().await,
    }
}

pub async fn import(app: &TestApp, csv: &str, mapping: &Value, extra: &[(&str, &str)]) -> Value {
    let res = import_as(app, None, csv.as_bytes(), mapping, extra).await;
    res.assert_status(200).clone()
}

/// `GET /v1/contacts/export{query}` as the owner (or with `key`): the CSV text.
pub async fn export_as(app: &TestApp, key: Option<&str>, query: &str) -> String {
    let call = app.call(Method::GET, &format!("/v1/contacts/export{query}"));
    let res = match key {
        Some(k) => call.bearer(k).send().await,
        None => call.send().await,
    };
    assert_eq!(res.status, 200, "export: {}", res.text);
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    res.text
}

/// The records of a CSV text, header first.
pub fn records(csv: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    r.records()
        .map(|rec| rec.expect("CSV record").iter().map(str::to_owned).collect())
        .collect()
}
