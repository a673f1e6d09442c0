//! One HTTP exchange with Twilio and its mapping to `Result<_, SendError>`: no answer and garbled
//! answers are retried, error answers are classified by [`errors::classify`] from Twilio's JSON
//! error (`{"code", "message", "more_info", "status"}`), and a `Retry-After` header is honoured.

use std::time::Duration;

use reqwest::{RequestBuilder, Response};

use super::client::Flavor;
use super::errors;
use crate::outbound::{SendAction, SendError};

/// Message resources and error documents are a few hundred bytes.
pub(super) const MAX_JSON_BODY: usize = 1 << 20;

/// A 2xx answer.
pub(super) struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

pub(super) async fn call(
    request: RequestBuilder,
    cap: usize,
    flavor: Flavor,
) -> Result<Answer, SendError> {
    let response = request.send().await.map_err(transport)?;
    let status = response.status().as_u16();
    let retry_after = retry_after(&response);
    let content_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = read_capped(response, cap).await?;
    if (200..300).contains(&status) {
        return Ok(Answer {
            status,
            content_type,
            body,
        });
    }
    Err(errors::from_answer(flavor, status, &body, retry_after))
}

fn transport(e: reqwest::Error) -> SendError {
    let code = if e.is_timeout() {
        errors::TIMEOUT
    } else {
        errors::UNREACHABLE
    };
    // `without_url` keeps the account sid in the path out of the text.
    SendError::local(SendAction::Retry, code, e.without_url().to_string())
}

/// `Retry-After` in seconds; an HTTP date is ignored (our own delay applies).
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(http::header::RETRY_AFTER)?;
    let secs: u64 = value.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(secs.min(3600)))
}

async fn read_capped(mut response: Response, cap: usize) -> Result<Vec<u8>, SendError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > cap {
            return Err(SendError::local(
                SendAction::Rejected,
                errors::TOO_LARGE,
                format!("answer larger than {cap} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
