//! The GET verification handshake: `hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`.
//!
//! On success answer 200 with the returned challenge as the plain body; on any error answer 403.

use subtle::ConstantTimeEq;

/// Why a verification GET was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    /// `hub.mode` absent or not `subscribe`.
    #[error("hub.mode is not subscribe")]
    WrongMode,
    /// `hub.verify_token` absent or different from ours.
    #[error("hub.verify_token does not match")]
    TokenMismatch,
    /// `hub.challenge` absent or empty.
    #[error("hub.challenge is missing")]
    MissingChallenge,
}

/// Checks the query parameters and returns the challenge to echo.
pub fn verify_handshake(
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&str>,
    expected_token: &str,
) -> Result<String, HandshakeError> {
    if mode != Some("subscribe") {
        return Err(HandshakeError::WrongMode);
    }
    // The verify token is a shared secret: compare in constant time (only its length can leak).
    let token_ok = token.is_some_and(|t| bool::from(t.as_bytes().ct_eq(expected_token.as_bytes())));
    if !token_ok || expected_token.is_empty() {
        return Err(HandshakeError::TokenMismatch);
    }
    match challenge {
        Some(c) if !c.is_empty() => Ok(c.to_owned()),
        _ => Err(HandshakeError::MissingChallenge),
    }
}
