//! Password hashing with argon2id (the argon2 crate's defaults: 19 MiB, 2 passes). Hashing is
//! CPU-heavy, so it runs on the blocking pool, never on an async worker thread.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;
use switchboard_domain::Secret;

use crate::{CoreError, CoreResult};

/// Long enough to rule out trivial passwords; longer rules belong to the organization's policy.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// argon2 accepts more, but nobody types this much and it bounds the work per attempt.
pub const MAX_PASSWORD_CHARS: usize = 1024;

pub fn check_strength(password: &Secret, field: &str) -> CoreResult<()> {
    let n = password.expose().chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(CoreError::validation(
            field,
            format!("password must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(CoreError::validation(
            field,
            format!("password must have at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

fn hash_blocking(password: &str) -> CoreResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::internal_msg(format!("password hashing failed: {e}")))
}

fn verify_blocking(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

pub async fn hash(password: &Secret) -> CoreResult<String> {
    let pw = password.expose().clone();
    tokio::task::spawn_blocking(move || hash_blocking(&pw))
        .await
        .map_err(CoreError::internal)?
}

/// Whether `password` matches the PHC string `phc`. With `phc = None` (unknown user, or a user
/// without a password) a dummy hash is checked instead, so both cases take the same time as a
/// wrong password and the answer cannot reveal which e-mail addresses exist.
pub async fn verify(password: &Secret, phc: Option<String>) -> CoreResult<bool> {
    let pw = password.expose().clone();
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) => Ok(verify_blocking(&pw, &phc)),
        None => {
            let dummy = dummy_hash()?;
            verify_blocking(&pw, dummy);
            Ok(false)
        }
    })
    .await
    .map_err(CoreError::internal)?
}

fn dummy_hash() -> CoreResult<&'static str> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let h = hash_blocking("switchboard-dummy-password")?;
    Ok(DUMMY.get_or_init(|| h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_are_argon2id() {
        let pw = Secret::new("correct horse".to_string());
        let h = hash(&pw).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(&pw, Some(h.clone())).await.unwrap());
        assert!(
            !verify(&Secret::new("wrong horse".into()), Some(h))
                .await
                .unwrap()
        );
        assert!(!verify(&pw, None).await.unwrap());
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_strength(&Secret::new("short".into()), "password").is_err());
        assert!(check_strength(&Secret::new("long enough".into()), "password").is_ok());
    }
}
