//! One HTTP exchange with the Bot API: the `{ok, result}` envelope unwrapped, `ok:false` answers
//! classified (see [`super::super::errors`]), transport failures and garbled answers retried.
//! Nothing here panics on what comes back, and no URL (which holds the token) reaches a text.

use reqwest::{RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::super::errors::classify;
use super::super::wire::Answer;
use crate::outbound::{SendAction, SendError};

/// Method answers are small; 1 MiB is far above any and keeps a bad server from filling memory.
pub(super) const MAX_JSON_BODY: usize = 1 << 20;
/// Bots may download files of at most 20 MB.
pub(super) const MAX_FILE_BODY: usize = 20 * 1024 * 1024;

pub(super) const UNREACHABLE: &str = "provider_unreachable";
pub(super) const TIMEOUT: &str = "provider_timeout";
pub(super) const BAD_RESPONSE: &str = "provider_bad_response";
pub(super) const TOO_LARGE: &str = "provider_answer_too_large";

/// A failed call: the error, and the chat a migrated group now lives in, when Telegram said.
#[derive(Debug)]
pub(super) struct Failure {
    pub error: SendError,
    pub migrate_to: Option<i64>,
}

impl From<SendError> for Failure {
    fn from(error: SendError) -> Self {
        Self {
            error,
            migrate_to: None,
        }
    }
}

/// Sends `request` and unwraps the envelope: `result` when `ok`.
pub(super) async fn json(request: RequestBuilder) -> Result<Value, Failure> {
    let response = request.send().await.map_err(transport)?;
    let status = response.status().as_u16();
    let body = read_capped(response, MAX_JSON_BODY).await?;
    let answer: Answer = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => {
            let error = if status >= 400 {
                classify(
                    status,
                    None,
                    &String::from_utf8_lossy(&body[..body.len().min(200)]),
                    None,
                )
            } else {
                SendError::local(
                    SendAction::Retry,
                    BAD_RESPONSE,
                    format!("unexpected answer: {e}"),
                )
            };
            return Err(error.with_body(status, &body).into());
        }
    };
    if answer.ok {
        return Ok(answer.result.unwrap_or(Value::Null));
    }
    let description = answer.description.unwrap_or_default();
    let error = classify(
        status,
        answer.error_code,
        &description,
        answer.parameters.as_ref(),
    )
    .with_body(status, &body);
    Err(Failure {
        error,
        migrate_to: answer.parameters.and_then(|p| p.migrate_to_chat_id),
    })
}

/// Reads a `result` as `T`; anything else is a garbled answer, retried later.
pub(super) fn decode<T: DeserializeOwned>(result: Value) -> Result<T, SendError> {
    serde_json::from_value(result).map_err(|e| {
        SendError::local(
            SendAction::Retry,
            BAD_RESPONSE,
            format!("unexpected result: {e}"),
        )
    })
}

/// Downloads a file body (no envelope): 2xx bytes, or the status classified.
pub(super) async fn file(request: RequestBuilder) -> Result<(Vec<u8>, Option<String>), SendError> {
    let response = request.send().await.map_err(|e| transport(e).error)?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = read_capped(response, MAX_FILE_BODY)
        .await
        .map_err(|f| f.error)?;
    if (200..300).contains(&status) {
        return Ok((body, content_type));
    }
    Err(classify(status, None, "file download failed", None).with_body(status, &body))
}

/// A request that got no answer: always worth retrying. `without_url`: the URL holds the token.
fn transport(e: reqwest::Error) -> Failure {
    let code = if e.is_timeout() { TIMEOUT } else { UNREACHABLE };
    SendError::local(SendAction::Retry, code, e.without_url().to_string()).into()
}

/// Reads at most `cap` bytes; a longer body is refused rather than buffered.
async fn read_capped(mut response: Response, cap: usize) -> Result<Vec<u8>, Failure> {
    let too_large = || {
        SendError::local(
            SendAction::Rejected,
            TOO_LARGE,
            format!("answer larger than {cap} bytes"),
        )
    };
    if response
        .content_length()
        .is_some_and(|len| len > cap as u64)
    {
        return Err(too_large().into());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > cap {
            return Err(too_large().into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
