//! Helpers of the media tests: multipart bodies built by hand (so the exact parts, types and
//! bytes are visible in each test), small files of each format, and raw downloads.
#![allow(dead_code, reason = "each test file uses its own part of the helpers")]

use reqwest::Method;
use serde_json::Value;
use switchboard_test_support::{Auth, TestApp, TestResponse};

const BOUNDARY: &str = "sb-test-boundary-7f3a";
/// The content type of [`multipart`] bodies.
pub const MULTIPART: &str = "multipart/form-data; boundary=sb-test-boundary-7f3a";

/// One part of a multipart form.
pub enum Part<'a> {
    Text(&'a str, &'a str),
    /// name, file name, content type, bytes.
    File(&'a str, &'a str, &'a str, &'a [u8]),
}

pub fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(name, filename, mime, bytes) => {
                out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(bytes);
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// `POST /v1/media` as the owner key (recorded for the isolation replay).
pub async fn upload(app: &TestApp, parts: &[Part<'_>]) -> TestResponse {
    upload_as(app, Auth::Bearer(app.org.key.clone()), parts).await
}

pub async fn upload_as(app: &TestApp, auth: Auth, parts: &[Part<'_>]) -> TestResponse {
    let mut call = app.call(Method::POST, "/v1/media");
    if !matches!(&auth, Auth::Bearer(k) if *k == app.org.key) {
        call = call.auth(auth);
    }
    call.raw(MULTIPART, multipart(parts)).send().await
}

/// A PNG of `len` bytes: the signature and an IHDR chunk, then filler.
pub fn png(len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    b.resize(len, 0x5a);
    b
}

/// A static WebP (a sticker) of `len` bytes.
pub fn webp(len: usize) -> Vec<u8> {
    let mut b = b"RIFF\0\0\0\0WEBPVP8 ".to_vec();
    b.resize(len, 0x11);
    b
}

/// Any URL's status, headers and raw bytes, without credentials.
pub async fn fetch(url: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = reqwest::get(url).await.expect("download answers");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = res.bytes().await.expect("download body").to_vec();
    (status, headers, bytes)
}

/// A media view's `url` with one query parameter replaced.
pub fn with_param(url: &str, name: &str, value: &str) -> String {
    let (path, query) = url.split_once('?').expect("a signed url has a query");
    let query: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k == name => format!("{k}={value}"),
            _ => p.to_owned(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

pub fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}
