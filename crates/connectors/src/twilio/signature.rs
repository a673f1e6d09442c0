//! `X-Twilio-Signature` (PROVIDERS §4.4): Base64 of HMAC-SHA1, keyed with the account's auth
//! token, over the full URL Twilio called followed by every form parameter's name and value,
//! names sorted by bytes (a repeated name contributes each distinct value, sorted). Validators
//! accept the URL with and without the scheme's default port because Twilio is inconsistent
//! about it. Compared in constant time.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::inbound::VerifyError;

/// The header Twilio signs webhooks with.
pub const SIGNATURE_HEADER: &str = "X-Twilio-Signature";

type HmacSha1 = Hmac<Sha1>;

/// The signature Twilio would send for `params` posted to `url`.
pub fn sign(auth_token: &[u8], url: &str, params: &[(String, String)]) -> String {
    let digest = mac(auth_token, url, params).finalize().into_bytes();
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// Checks `header` against `url` (as given, and with its default port added or removed).
pub fn verify(
    auth_token: &[u8],
    url: &str,
    params: &[(String, String)],
    header: &str,
) -> Result<(), VerifyError> {
    let expected = base64::engine::general_purpose::STANDARD
        .decode(header.trim())
        .map_err(|_| VerifyError::MalformedSignature)?;
    if expected.len() != 20 {
        return Err(VerifyError::MalformedSignature);
    }
    let ok = url_variants(url)
        .iter()
        // `verify_slice` compares in constant time.
        .any(|u| mac(auth_token, u, params).verify_slice(&expected).is_ok());
    if ok {
        Ok(())
    } else {
        Err(VerifyError::BadSignature)
    }
}

fn mac(auth_token: &[u8], url: &str, params: &[(String, String)]) -> HmacSha1 {
    let mut mac = <HmacSha1 as hmac::digest::KeyInit>::new_from_slice(auth_token)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(url.as_bytes());
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // Byte order on names, then values; a value repeated under one name counts once.
    sorted.sort_unstable();
    sorted.dedup();
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// `url` as given plus the same URL with the scheme's default port toggled (added when absent,
/// removed when present). Worked on the text: a URL parser would normalise the port away.
fn url_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_owned()];
    let Some((scheme, rest)) = url.split_once("://") else {
        return out;
    };
    let port = match scheme.to_ascii_lowercase().as_str() {
        "https" => "443",
        "http" => "80",
        _ => return out,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    // The port follows the last `:` outside an IPv6 literal's brackets.
    let host_end = authority.rfind(']').map_or(0, |i| i + 1);
    let toggled = match authority[host_end..].rfind(':') {
        Some(i) if &authority[host_end + i + 1..] == port => authority[..host_end + i].to_owned(),
        Some(_) => return out,
        None => format!("{authority}:{port}"),
    };
    out.push(format!("{scheme}://{toggled}{tail}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_are_toggled_and_others_kept() {
        assert_eq!(
            url_variants("https://hub.example.com/hooks/1?a=b"),
            [
                "https://hub.example.com/hooks/1?a=b",
                "https://hub.example.com:443/hooks/1?a=b"
            ]
        );
        assert_eq!(
            url_variants("http://hub.example.com:80/hooks/1"),
            [
                "http://hub.example.com:80/hooks/1",
                "http://hub.example.com/hooks/1"
            ]
        );
        assert_eq!(
            url_variants("http://127.0.0.1:8080/hooks/1"),
            ["http://127.0.0.1:8080/hooks/1"]
        );
        assert_eq!(
            url_variants("https://[::1]/x"),
            ["https://[::1]/x", "https://[::1]:443/x"]
        );
    }
}
