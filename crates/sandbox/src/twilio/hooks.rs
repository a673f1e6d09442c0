//! Webhooks the emulated Twilio posts to the hub: form-encoded, signed with `X-Twilio-Signature`
//! (Base64 HMAC-SHA1 keyed with the auth token over the URL exactly as configured followed by
//! each parameter name and value, names sorted), and logged with the hub's answer. Twilio does not
//! retry status callbacks, so neither does this.

use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use serde_json::{Value, json};
use sha1::Sha1;

use super::state::{TwilioAccount, TwilioState};

/// How a webhook is signed: properly, not at all, or with a wrong key (to test the hub).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signing {
    Good,
    Unsigned,
    Bad,
}

/// The signature of `params` posted to `url` under `auth_token`.
pub(crate) fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut data = url.to_owned();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let mut mac = <Hmac<Sha1>>::new_from_slice(auth_token.as_bytes()).expect("any key length");
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// What the hub answered.
#[derive(Debug, Clone)]
pub(crate) struct HubAnswer {
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub body: String,
}

/// Posts `params` to `url`, signed as `signing` says, logs it and returns the hub's answer.
pub(crate) async fn post(
    state: &TwilioState,
    account: &TwilioAccount,
    kind: &str,
    url: &str,
    params: Vec<(String, String)>,
    signing: Signing,
) -> HubAnswer {
    let signature = match signing {
        Signing::Good => Some(signature(&account.auth_token, url, &params)),
        Signing::Bad => Some(signature(
            &format!("not-{}", account.auth_token),
            url,
            &params,
        )),
        Signing::Unsigned => None,
    };
    let mut request = state
        .client
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("I-Twilio-Idempotency-Token", super::state::sid(""))
        .body(form_body(&params));
    if let Some(s) = &signature {
        request = request.header("X-Twilio-Signature", s);
    }
    let answer = match request.send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            let content_type = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            HubAnswer {
                status: Some(status),
                content_type,
                body: res.text().await.unwrap_or_default(),
            }
        }
        Err(e) => HubAnswer {
            status: None,
            content_type: None,
            body: e.without_url().to_string(),
        },
    };
    let logged: serde_json::Map<String, Value> =
        params.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    state.hooks.lock().push(json!({
        "kind": kind,
        "account_sid": account.account_sid,
        "url": url,
        "params": logged,
        "signature": signature,
        "status": answer.status,
        "answer": answer.body,
    }));
    answer
}

/// `a=1&b=2`, percent-encoded as browsers and Twilio encode forms.
pub(crate) fn form_body(params: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

/// One status of a sent message, due after `after`.
pub(crate) struct Due {
    pub after: Duration,
    pub status: &'static str,
    pub error_code: Option<u32>,
}

/// Posts each status callback of a message at its time, in order.
pub(crate) async fn statuses(
    state: std::sync::Arc<crate::state::AppState>,
    account: std::sync::Arc<TwilioAccount>,
    url: String,
    base: Vec<(String, String)>,
    due: Vec<Due>,
) {
    let mut waited = Duration::ZERO;
    for d in due {
        let pause = d.after.saturating_sub(waited);
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = state.shutdown.cancelled() => return,
        }
        waited = d.after;
        let mut params = base.clone();
        params.push(("MessageStatus".into(), d.status.into()));
        params.push(("SmsStatus".into(), d.status.into()));
        if let Some(code) = d.error_code {
            params.push(("ErrorCode".into(), code.to_string()));
        }
        post(
            &state.twilio,
            &account,
            "status",
            &url,
            params,
            Signing::Good,
        )
        .await;
    }
}
