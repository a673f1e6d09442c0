//! `X-Twilio-Signature` checked as PROVIDERS §4.4 describes, on vectors written from the text
//! (and Twilio's own published example), never produced by our signer: a good signature, the
//! default port added or removed, a wrong token, a missing or garbled header, and a signature
//! replayed with other parameters or on another URL.

use http::HeaderMap;
use switchboard_connectors::inbound::VerifyError;
use switchboard_connectors::registry::{self, BuildContext};
use switchboard_connectors::twilio::signature;

/// Twilio's documentation example: token `12345`, this URL and these five parameters sign to
/// `RSOYDt4T1cUTdK1PDd93/VVr8B8=`.
const DOC_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
const DOC_SIGNATURE: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

fn doc_params() -> Vec<(String, String)> {
    [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

#[test]
fn the_documented_example_verifies() {
    assert_eq!(
        signature::verify(b"12345", DOC_URL, &doc_params(), DOC_SIGNATURE),
        Ok(())
    );
    // Parameter order on the wire does not matter: names are sorted before signing.
    let mut shuffled = doc_params();
    shuffled.reverse();
    assert_eq!(
        signature::verify(b"12345", DOC_URL, &shuffled, DOC_SIGNATURE),
        Ok(())
    );
}

#[test]
fn the_default_port_is_accepted_both_ways() {
    let with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    assert_eq!(
        signature::verify(b"12345", with_port, &doc_params(), DOC_SIGNATURE),
        Ok(()),
        "signed without the port, checked with it"
    );
    // Another port is another URL.
    let other = "https://mycompany.com:8443/myapp.php?foo=1&bar=2";
    assert_eq!(
        signature::verify(b"12345", other, &doc_params(), DOC_SIGNATURE),
        Err(VerifyError::BadSignature)
    );
}

#[test]
fn wrong_tokens_urls_params_and_headers_are_refused() {
    let bad = |token: &[u8], url: &str, params: &[(String, String)], header: &str| {
        signature::verify(token, url, params, header)
    };
    assert_eq!(
        bad(b"54321", DOC_URL, &doc_params(), DOC_SIGNATURE),
        Err(VerifyError::BadSignature),
        "another account's token"
    );
    assert_eq!(
        bad(
            b"12345",
            "https://mycompany.com/myapp.php?foo=1&bar=3",
            &doc_params(),
            DOC_SIGNATURE
        ),
        Err(VerifyError::BadSignature),
        "another query"
    );
    assert_eq!(
        bad(
            b"12345",
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            &doc_params(),
            DOC_SIGNATURE
        ),
        Err(VerifyError::BadSignature),
        "a proxy rewrote the scheme"
    );
    let mut replayed = doc_params();
    replayed[2].1 = "9999".to_owned();
    assert_eq!(
        bad(b"12345", DOC_URL, &replayed, DOC_SIGNATURE),
        Err(VerifyError::BadSignature),
        "replayed with another parameter value"
    );
    let mut more = doc_params();
    more.push(("Body".to_owned(), "STOP".to_owned()));
    assert_eq!(
        bad(b"12345", DOC_URL, &more, DOC_SIGNATURE),
        Err(VerifyError::BadSignature),
        "replayed with a parameter added"
    );
    assert_eq!(
        bad(b"12345", DOC_URL, &doc_params(), "not base64!"),
        Err(VerifyError::MalformedSignature)
    );
    assert_eq!(
        bad(b"12345", DOC_URL, &doc_params(), "c2hvcnQ="),
        Err(VerifyError::MalformedSignature),
        "not a SHA-1 digest's length"
    );
}

#[test]
fn the_connector_checks_the_header_against_the_url_called() {
    let config = serde_json::json!({
        "base_url": "https://api.example.test",
        "account_sid": format!("AC{}", "0".repeat(32)),
        "from": "+15005550006",
    });
    let secrets = serde_json::json!({ "auth_token": "12345" });
    let http = switchboard_connectors::http_client().expect("client");
    let ctx = BuildContext::new("unused", http);
    let twilio = registry::build("twilio_sms", &config, &secrets, &ctx).expect("built");
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(doc_params())
        .finish();
    let mut headers = HeaderMap::new();
    assert_eq!(
        twilio.verify_request(Some(DOC_URL), &headers, body.as_bytes()),
        Err(VerifyError::MissingSignature)
    );
    headers.insert(signature::SIGNATURE_HEADER, DOC_SIGNATURE.parse().unwrap());
    assert_eq!(
        twilio.verify_request(Some(DOC_URL), &headers, body.as_bytes()),
        Ok(())
    );
    assert_eq!(
        twilio.verify_request(None, &headers, body.as_bytes()),
        Err(VerifyError::BadSignature),
        "no public URL: nothing can be checked, nothing accepted"
    );
    assert_eq!(
        twilio.verify_request(Some(DOC_URL), &headers, b"CallSid=CA1"),
        Err(VerifyError::BadSignature)
    );
}
