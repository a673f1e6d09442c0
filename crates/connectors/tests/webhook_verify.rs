//! `X-Hub-Signature-256` verification and the GET handshake (PROVIDERS §1.6).

use switchboard_connectors::whatsapp_cloud::webhook::{
    HandshakeError, SignatureError, sign, verify_handshake, verify_signature,
};

const SECRET: &[u8] = b"app-secret";
/// As Meta sends it: non-ASCII escaped as lowercase `\uXXXX`, and these exact bytes signed.
const BODY: &[u8] = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"text":{"body":"caf\u00e9 \u2764\ufe0f"}}}]}]}"#;

#[test]
fn sign_matches_a_published_hmac_sha256_vector() {
    // RFC 4231 test case 2.
    assert_eq!(
        sign(b"Jefe", b"what do ya want for nothing?"),
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn a_correct_signature_verifies() {
    let header = sign(SECRET, BODY);
    assert_eq!(verify_signature(SECRET, BODY, Some(&header)), Ok(()));
    // Upper-case hex is the same digest.
    let upper = format!("sha256={}", header["sha256=".len()..].to_uppercase());
    assert_eq!(verify_signature(SECRET, BODY, Some(&upper)), Ok(()));
}

#[test]
fn missing_header() {
    assert_eq!(
        verify_signature(SECRET, BODY, None),
        Err(SignatureError::Missing)
    );
}

#[test]
fn malformed_headers() {
    let good = sign(SECRET, BODY);
    let hex = &good["sha256=".len()..];
    let cases = [
        String::new(),
        hex.to_owned(),                     // no prefix
        format!("sha1={hex}"),              // wrong algorithm
        format!("sha256={}", &hex[..62]),   // too short
        format!("sha256={hex}00"),          // too long
        format!("sha256={}zz", &hex[..62]), // not hex
        "sha256=".to_owned(),
    ];
    for header in cases {
        assert_eq!(
            verify_signature(SECRET, BODY, Some(&header)),
            Err(SignatureError::Malformed),
            "{header:?}"
        );
    }
}

#[test]
fn mismatches() {
    let good = sign(SECRET, BODY);
    assert_eq!(
        verify_signature(b"other-secret", BODY, Some(&good)),
        Err(SignatureError::Mismatch)
    );
    let mut tampered = BODY.to_vec();
    tampered[40] ^= 1;
    assert_eq!(
        verify_signature(SECRET, &tampered, Some(&good)),
        Err(SignatureError::Mismatch)
    );
    let zeros = format!("sha256={}", "0".repeat(64));
    assert_eq!(
        verify_signature(SECRET, BODY, Some(&zeros)),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn re_serialised_json_does_not_verify() {
    // Why verification must use the received bytes: re-encoding unescapes `\u00e9` into UTF-8.
    let header = sign(SECRET, BODY);
    let value: serde_json::Value = serde_json::from_slice(BODY).unwrap();
    let reencoded = serde_json::to_vec(&value).unwrap();
    assert_ne!(reencoded, BODY);
    assert_eq!(
        verify_signature(SECRET, &reencoded, Some(&header)),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn handshake_echoes_the_challenge() {
    let ok = verify_handshake(
        Some("subscribe"),
        Some("tok-1"),
        Some("1158201444"),
        "tok-1",
    );
    assert_eq!(ok, Ok("1158201444".to_owned()));
}

#[test]
fn handshake_refusals() {
    let cases = [
        (
            None,
            Some("tok-1"),
            Some("1"),
            "tok-1",
            HandshakeError::WrongMode,
        ),
        (
            Some("unsubscribe"),
            Some("tok-1"),
            Some("1"),
            "tok-1",
            HandshakeError::WrongMode,
        ),
        (
            Some("subscribe"),
            None,
            Some("1"),
            "tok-1",
            HandshakeError::TokenMismatch,
        ),
        (
            Some("subscribe"),
            Some("tok-2"),
            Some("1"),
            "tok-1",
            HandshakeError::TokenMismatch,
        ),
        (
            Some("subscribe"),
            Some("tok-1x"),
            Some("1"),
            "tok-1",
            HandshakeError::TokenMismatch,
        ),
        // An unconfigured (empty) token must never match an empty one.
        (
            Some("subscribe"),
            Some(""),
            Some("1"),
            "",
            HandshakeError::TokenMismatch,
        ),
        (
            Some("subscribe"),
            Some("tok-1"),
            None,
            "tok-1",
            HandshakeError::MissingChallenge,
        ),
        (
            Some("subscribe"),
            Some("tok-1"),
            Some(""),
            "tok-1",
            HandshakeError::MissingChallenge,
        ),
    ];
    for (mode, token, challenge, expected, error) in cases {
        assert_eq!(
            verify_handshake(mode, token, challenge, expected),
            Err(error),
            "{mode:?} {token:?} {challenge:?}"
        );
    }
}
