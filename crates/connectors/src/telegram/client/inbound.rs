//! The inbound side of the bot: the secret-token check on every webhook call, file downloads
//! (`getFile`, then `/file/bot{token}/{file_path}`), and answering button taps.

use http::HeaderMap;
use serde_json::json;
use subtle::ConstantTimeEq as _;

use super::Telegram;
use super::exchange;
use crate::inbound::VerifyError;
use crate::media::{FetchedMedia, sha256_hex};
use crate::outbound::{SendAction, SendError};
use crate::telegram::SECRET_HEADER;
use crate::telegram::wire::File;

/// Checks `X-Telegram-Bot-Api-Secret-Token` against the channel's secret, in constant time.
pub(super) fn verify(secret: &str, headers: &HeaderMap) -> Result<(), VerifyError> {
    // Without a secret anyone could post updates: refuse rather than accept everything.
    if secret.is_empty() {
        return Err(VerifyError::Unsupported);
    }
    let presented = headers
        .get(SECRET_HEADER)
        .ok_or(VerifyError::MissingSignature)?
        .as_bytes();
    if bool::from(presented.ct_eq(secret.as_bytes())) {
        Ok(())
    } else {
        Err(VerifyError::BadSignature)
    }
}

/// Downloads a file by its `file_id`.
pub(super) async fn fetch(bot: &Telegram, file_id: &str) -> Result<FetchedMedia, SendError> {
    let file: File = exchange::decode(bot.call("getFile", &json!({"file_id": file_id})).await?)?;
    let Some(path) = file.file_path else {
        // Telegram leaves the path out for files over the bots' 20 MB download limit.
        return Err(SendError::local(
            SendAction::Rejected,
            exchange::TOO_LARGE,
            "Telegram gives bots no download for files over 20 MB",
        ));
    };
    let url = format!(
        "{}/file/bot{}/{}",
        bot.base_url,
        bot.token.expose(),
        path.trim_start_matches('/')
    );
    let (bytes, content_type) = exchange::file(bot.http.get(url)).await?;
    let mime_type = content_type
        .filter(|t| t != "application/octet-stream")
        .unwrap_or_else(|| mime_from_path(&path).to_owned());
    Ok(FetchedMedia {
        sha256: sha256_hex(&bytes),
        file_size: bytes.len() as u64,
        bytes: bytes.into(),
        mime_type,
    })
}

/// Telegram serves files as octet streams; the path's extension says more.
fn mime_from_path(path: &str) -> &'static str {
    let ext = path
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "oga" | "ogg" => "audio/ogg",
        "mp3" => "audio/mpeg",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Answers every button tap among the stored messages (`answerCallbackQuery`), which stops the
/// spinner on the customer's button. Best effort: a tap already stored must not fail for this.
pub(super) async fn answer_callbacks(bot: &Telegram, provider_message_ids: &[String]) {
    for key in provider_message_ids {
        let Some(id) = key.strip_prefix("callback:") else {
            continue;
        };
        if let Err(e) = bot
            .call("answerCallbackQuery", &json!({"callback_query_id": id}))
            .await
        {
            tracing::warn!(error = %e, "could not answer a button tap");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_token_must_match_exactly() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            verify("s3cret", &headers),
            Err(VerifyError::MissingSignature)
        );
        headers.insert(SECRET_HEADER, "wrong".parse().unwrap());
        assert_eq!(verify("s3cret", &headers), Err(VerifyError::BadSignature));
        headers.insert(SECRET_HEADER, "s3cret".parse().unwrap());
        assert_eq!(verify("s3cret", &headers), Ok(()));
        assert_eq!(verify("", &headers), Err(VerifyError::Unsupported));
    }
}
