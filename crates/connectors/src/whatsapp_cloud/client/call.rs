//! One HTTP exchange with the Cloud API and its mapping to `Result<_, SendError>`: transport
//! failures and garbled answers become retryable errors, error answers go through
//! [`GraphError::parse`] and [`classify`], and a `Retry-After` header is honoured.
//!
//! Nothing here panics on what comes back: every byte sequence maps to a value or an error.

use std::time::Duration;

use http::StatusCode;
use reqwest::{RequestBuilder, Response};
use serde::de::DeserializeOwned;

use super::super::errors::{ErrorAction, GraphError, classify};
use crate::outbound::{SendAction, SendError};

/// JSON answers (sends, lookups, template lists) are small; 1 MiB is far above any real one and
/// keeps a misbehaving server from filling memory.
pub(crate) const MAX_JSON_BODY: usize = 1 << 20;
/// WhatsApp's largest media is a 100 MB document.
pub(crate) const MAX_MEDIA_BODY: usize = 100 * 1024 * 1024;

/// Stable codes for failures that have no provider code.
pub(crate) const UNREACHABLE: &str = "provider_unreachable";
pub(crate) const TIMEOUT: &str = "provider_timeout";
pub(crate) const BAD_RESPONSE: &str = "provider_bad_response";
pub(crate) const TOO_LARGE: &str = "provider_answer_too_large";

/// A successful answer: its status and (capped) body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Vec<u8>,
}

/// Sends `request` and returns the body of a 2xx answer, or the classified error.
pub(crate) async fn exchange(request: RequestBuilder, cap: usize) -> Result<Answer, SendError> {
    exchange_with(request, cap, provider_error).await
}

/// Classifies an error answer from its status, body and `Retry-After`.
pub(crate) type Classifier = fn(StatusCode, &[u8], Option<Duration>) -> SendError;

/// [`exchange`] with another Graph product's error table (Messenger and Instagram).
pub(crate) async fn exchange_with(
    request: RequestBuilder,
    cap: usize,
    classify_error: Classifier,
) -> Result<Answer, SendError> {
    let response = request.send().await.map_err(transport_error)?;
    let status = response.status();
    let retry_after = retry_after(&response);
    let content_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = match read_capped(response, cap).await {
        Ok(body) => body,
        // An oversized error page still has a status worth classifying.
        Err(e) if !status.is_success() && e.code == TOO_LARGE => Vec::new(),
        Err(e) => return Err(e),
    };
    if status.is_success() {
        return Ok(Answer {
            status: status.as_u16(),
            content_type,
            body,
        });
    }
    Err(classify_error(status, &body, retry_after))
}

/// Sends `request` and reads a 2xx JSON answer into `T`.
pub(crate) async fn json<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, SendError> {
    let answer = exchange(request, MAX_JSON_BODY).await?;
    decode(&answer)
}

/// Reads a 2xx body as `T`; anything else is a garbled answer, retried later.
pub(crate) fn decode<T: DeserializeOwned>(answer: &Answer) -> Result<T, SendError> {
    serde_json::from_slice(&answer.body).map_err(|e| {
        SendError::local(
            SendAction::Retry,
            BAD_RESPONSE,
            format!("unexpected answer: {e}"),
        )
        .with_body(answer.status, &answer.body)
    })
}

/// Maps an error answer: the Graph error body decides, the status is the fallback, and a
/// `Retry-After` header overrides our own delay for anything retryable.
pub(crate) fn provider_error(
    status: StatusCode,
    body: &[u8],
    retry_after: Option<Duration>,
) -> SendError {
    let graph = GraphError::parse(body);
    let class = classify(status.as_u16(), &graph);
    let rate_limited = matches!(
        class.code,
        "rate_limited" | "pair_rate_limited" | "spam_rate_limited"
    );
    let action = match (class.action, retry_after) {
        (ErrorAction::Rejected, _) => SendAction::Rejected,
        (ErrorAction::RetryAfter(d), header) if rate_limited => {
            SendAction::RateLimited(header.unwrap_or(d))
        }
        (ErrorAction::RetryAfter(d), header) => SendAction::RetryAfter(header.unwrap_or(d)),
        (ErrorAction::Retry, Some(header)) => SendAction::RetryAfter(header),
        (ErrorAction::Retry, None) => SendAction::Retry,
    };
    SendError {
        action,
        code: class.code,
        provider_code: class.provider_code,
        provider_text: class.provider_text,
        http_status: None,
        raw_body: None,
    }
    .with_body(status.as_u16(), body)
}

/// A request that got no answer: always worth retrying.
pub(crate) fn transport_error(e: reqwest::Error) -> SendError {
    let code = if e.is_timeout() { TIMEOUT } else { UNREACHABLE };
    // `without_url` keeps query strings (which could carry ids) out of the text.
    SendError::local(SendAction::Retry, code, e.without_url().to_string())
}

/// `Retry-After` in seconds (the form Graph and proxies use); an HTTP date is ignored, our own
/// table's delay applies then.
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(http::header::RETRY_AFTER)?;
    let secs: u64 = value.to_str().ok()?.trim().parse().ok()?;
    // A day is the longest wait Meta ever asks for (marketing frequency cap).
    Some(Duration::from_secs(secs.min(24 * 3600)))
}

/// Reads at most `cap` bytes; a longer body is refused rather than buffered.
async fn read_capped(mut response: Response, cap: usize) -> Result<Vec<u8>, SendError> {
    let status = response.status().as_u16();
    if response
        .content_length()
        .is_some_and(|len| len > cap as u64)
    {
        return Err(too_large(status, cap));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > cap {
            return Err(too_large(status, cap));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn too_large(status: u16, cap: usize) -> SendError {
    // Final: the same request would bring the same oversized answer (a file over WhatsApp's caps).
    let mut e = SendError::local(
        SendAction::Rejected,
        TOO_LARGE,
        format!("answer larger than {cap} bytes"),
    );
    e.http_status = Some(status);
    e
}

#[cfg(test)]
mod tests;
