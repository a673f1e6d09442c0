//! Signed, expiring download links (`/media/{id}?expires=..&signature=..`): whoever holds the
//! link may fetch the file until it expires, without an API key (a customer's browser, a
//! provider fetching by URL). The signature is HMAC-SHA256 over the media id and the expiry,
//! keyed with a key derived from the master key, and checked in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use switchboard_domain::{MediaId, Timestamp};

use crate::CoreError;
use crate::sealing::MasterKey;

/// The derivation context of the signing key: changing it invalidates every link.
const CONTEXT: &str = "media-url-signing";

/// Signs and checks download links.
#[derive(Clone)]
pub struct UrlSigner {
    key: [u8; 32],
}

impl std::fmt::Debug for UrlSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UrlSigner(..)")
    }
}

/// A link's path and query, and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedLink {
    /// `/media/{id}?expires={unix seconds}&signature={hex}`; the caller puts its base URL first.
    pub path_and_query: String,
    pub expires_at: Timestamp,
}

impl UrlSigner {
    pub fn new(master: &MasterKey) -> Self {
        Self {
            key: master.derive(CONTEXT),
        }
    }

    fn mac(&self, id: MediaId, expires: i64) -> Hmac<Sha256> {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("{id}\n{expires}").as_bytes());
        mac
    }

    /// A link to `id` valid until `expires_at` (whole seconds).
    pub fn sign(&self, id: MediaId, expires_at: Timestamp) -> SignedLink {
        let expires = expires_at.unix_timestamp();
        let signature = hex::encode(self.mac(id, expires).finalize().into_bytes());
        SignedLink {
            path_and_query: format!("/media/{id}?expires={expires}&signature={signature}"),
            expires_at: Timestamp::from_unix_timestamp(expires).unwrap_or(expires_at),
        }
    }

    /// Checks a link's parameters: `media_link_invalid` for a signature that is not this
    /// server's for this id and expiry, `media_link_expired` for a genuine link past its time.
    pub fn verify(
        &self,
        id: MediaId,
        expires: &str,
        signature: &str,
        now: Timestamp,
    ) -> Result<(), CoreError> {
        let expires: i64 = expires.parse().map_err(|_| CoreError::MediaLinkInvalid)?;
        let signature = hex::decode(signature).map_err(|_| CoreError::MediaLinkInvalid)?;
        // `verify_slice` compares in constant time.
        self.mac(id, expires)
            .verify_slice(&signature)
            .map_err(|_| CoreError::MediaLinkInvalid)?;
        if expires <= now.unix_timestamp() {
            return Err(CoreError::MediaLinkExpired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(link: &SignedLink) -> (String, String) {
        let query = link.path_and_query.split_once('?').unwrap().1;
        let mut expires = String::new();
        let mut signature = String::new();
        for pair in query.split('&') {
            match pair.split_once('=').unwrap() {
                ("expires", v) => expires = v.to_owned(),
                ("signature", v) => signature = v.to_owned(),
                _ => {}
            }
        }
        (expires, signature)
    }

    #[test]
    fn links_verify_until_they_expire_and_not_when_altered() {
        let (master, _) = MasterKey::generate();
        let signer = UrlSigner::new(&master);
        let id = MediaId::new();
        let now = switchboard_domain::now();
        let link = signer.sign(id, now + time::Duration::hours(1));
        let (expires, signature) = parts(&link);
        assert!(signer.verify(id, &expires, &signature, now).is_ok());
        let later = now + time::Duration::hours(2);
        let e = signer.verify(id, &expires, &signature, later).unwrap_err();
        assert_eq!(e.code(), "media_link_expired");
        let longer = (expires.parse::<i64>().unwrap() + 3600).to_string();
        let e = signer.verify(id, &longer, &signature, now).unwrap_err();
        assert_eq!(e.code(), "media_link_invalid", "a stretched expiry");
        let e = signer
            .verify(MediaId::new(), &expires, &signature, now)
            .unwrap_err();
        assert_eq!(e.code(), "media_link_invalid", "another file");
        let other = UrlSigner::new(&MasterKey::generate().0);
        let e = other.verify(id, &expires, &signature, now).unwrap_err();
        assert_eq!(e.code(), "media_link_invalid", "another installation");
        let e = signer.verify(id, &expires, "zz", now).unwrap_err();
        assert_eq!(e.code(), "media_link_invalid");
    }
}
