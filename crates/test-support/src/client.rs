//! The test client: `app.get(path)` and friends act as the organization's owner key (and are
//! recorded for the tenant-isolation replay); `app.call(method, path)` builds any other request
//! (another key, a session, raw bodies, extra headers).

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::{Recorded, TestApp};

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    Bearer(String),
    /// A session cookie, with the CSRF token sent when `csrf` is `Some`.
    Session {
        token: String,
        csrf: Option<String>,
    },
}

/// An answer, with the body parsed as JSON when it is JSON.
#[derive(Debug, Clone)]
pub struct TestResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem document with this status and `code`, and returns it.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!(
            (self.status, self.json["code"].as_str()),
            (status, Some(code)),
            "expected a {status} `{code}` problem, got: {}",
            self.text
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "problem content type"
        );
        assert_eq!(self.json["status"], status, "status member");
        assert!(
            self.json["title"].is_string()
                && self.json["detail"].is_string()
                && self.json["type"].is_string()
        );
        &self.json
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "unexpected answer: {}", self.text);
        &self.json
    }
}

/// One request being built.
pub struct Call<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    auth: Auth,
    headers: Vec<(String, String)>,
    body: Option<(String, Vec<u8>)>,
    json: Option<Value>,
    record: bool,
}

impl<'a> Call<'a> {
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self.record = false;
        self
    }

    pub fn bearer(self, key: &str) -> Self {
        self.auth(Auth::Bearer(key.to_owned()))
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(("application/json".into(), body.to_string().into_bytes()));
        self.json = Some(body);
        self
    }

    /// A body sent as is, with this content type.
    pub fn raw(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some((content_type.to_owned(), body.into()));
        self.json = None;
        self
    }

    pub async fn send(self) -> TestResponse {
        let url = format!("{}{}", self.app.base_url, self.path);
        let mut req = self.app.http.request(self.method.clone(), url);
        match &self.auth {
            Auth::None => {}
            Auth::Bearer(k) => req = req.bearer_auth(k),
            Auth::Session { token, csrf } => {
                req = req.header("cookie", format!("sb_session={token}"));
                if let Some(c) = csrf {
                    req = req.header("x-csrf-token", c);
                }
            }
        }
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        if let Some((ct, bytes)) = &self.body {
            req = req.header("content-type", ct).body(bytes.clone());
        }
        let res = req.send().await.expect("request reaches the test server");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.expect("response body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        let out = TestResponse {
            status,
            headers,
            text,
            json,
        };
        if self.record {
            self.app.record(Recorded {
                method: self.method,
                path: self.path,
                body: self.json,
                status,
                response: out.json.clone(),
            });
        }
        out
    }
}

impl TestApp {
    /// A request as the organization's owner key, recorded for the isolation replay.
    pub fn call(&self, method: Method, path: &str) -> Call<'_> {
        Call {
            app: self,
            method,
            path: path.to_owned(),
            auth: Auth::Bearer(self.org.key.clone()),
            headers: Vec::new(),
            body: None,
            json: None,
            record: true,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.call(Method::GET, path).send().await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::POST, path).json(body).send().await
    }

    pub async fn patch_json(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::PATCH, path).json(body).send().await
    }

    pub async fn delete(&self, path: &str) -> TestResponse {
        self.call(Method::DELETE, path).send().await
    }

    /// Creates an API key as the owner; answers the key's JSON and its secret.
    pub async fn create_api_key(&self, body: Value) -> (Value, String) {
        let res = self.post_json("/v1/api-keys", body).await;
        let json = res.assert_status(201).clone();
        let secret = json["secret"]
            .as_str()
            .expect("secret in the answer")
            .to_owned();
        (json, secret)
    }

    /// Adds a member (a new user with a password) as the owner; answers the member's JSON.
    pub async fn create_user(&self, email: &str, password: &str, role: &str) -> Value {
        self.post_json(
            "/v1/users",
            serde_json::json!({ "email": email, "password": password, "role": role }),
        )
        .await
        .assert_status(201)
        .clone()
    }

    pub async fn create_team(&self, name: &str) -> Value {
        self.post_json("/v1/teams", serde_json::json!({ "name": name }))
            .await
            .assert_status(201)
            .clone()
    }

    /// Signs in; answers the raw response (check `status`) and, on success, the session auth.
    pub async fn login(&self, email: &str, password: &str) -> (TestResponse, Option<Auth>) {
        let res = self
            .call(Method::POST, "/v1/auth/login")
            .auth(Auth::None)
            .json(serde_json::json!({ "email": email, "password": password }))
            .send()
            .await;
        let token = res
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("sb_session="))
            .and_then(|c| c.split(';').next())
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let auth = token.map(|token| Auth::Session {
            token,
            csrf: res.json["csrf_token"].as_str().map(str::to_owned),
        });
        (res, auth)
    }
}
