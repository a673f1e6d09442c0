//! Media through real HTTP: multipart upload, the two-step download with the same token, delete,
//! Meta's type and size caps, ownership, and the BSP paths.

mod hooks_support;

use hooks_support::*;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

const BOUNDARY: &str = "sandbox-test-boundary-7MA4YWxkTrZu0gW";

/// One multipart part: name, optional (filename, content type), bytes.
type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

/// A multipart body built by hand.
fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, data) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some((filename, mime)) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload_body(mime: &str, data: &[u8]) -> Vec<u8> {
    multipart(&[
        ("file", Some(("f.bin", mime)), data),
        ("type", None, mime.as_bytes()),
        ("messaging_product", None, b"whatsapp"),
    ])
}

async fn upload(url: String, auth: (&str, &str), body: Vec<u8>) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(url)
        .header(auth.0, auth.1)
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn bearer() -> (&'static str, String) {
    ("authorization", format!("Bearer {TOKEN}"))
}

#[tokio::test]
async fn upload_fetch_download_delete() {
    let sandbox = sandbox(None).await;
    let base = sandbox.base_url().to_owned();
    let data = b"\x89PNG\r\n\x1a\n a tiny png".to_vec();
    let (h, v) = bearer();
    let (status, answer) = upload(
        format!("{base}/v21.0/{NUMBER}/media"),
        (h, &v),
        upload_body("image/png", &data),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let id = answer["id"].as_str().unwrap().to_owned();
    assert!(id.bytes().all(|b| b.is_ascii_digit()));

    let (status, info) = get_json(&sandbox, &format!("/v21.0/{id}")).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["messaging_product"], "whatsapp");
    assert_eq!(info["mime_type"], "image/png");
    assert_eq!(info["file_size"], data.len());
    assert_eq!(info["id"], id.as_str());
    assert!(info["sha256"].as_str().unwrap().ends_with('='));
    let url = info["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{base}/sandbox/media/{id}?token=")),
        "{url}"
    );

    let client = reqwest::Client::new();
    let ok = client.get(url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()[CONTENT_TYPE], "image/png");
    assert_eq!(ok.bytes().await.unwrap().to_vec(), data);
    // Without the token: 401 with Graph's 190.
    let anonymous = client.get(url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.json::<Value>().await.unwrap()["error"]["code"],
        190
    );
    // A URL whose token is not one handed out: 404.
    let forged = client
        .get(format!("{base}/sandbox/media/{id}?token=forged"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 404);

    let deleted = client
        .delete(format!("{base}/v21.0/{id}"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    assert_eq!(
        deleted.json::<Value>().await.unwrap(),
        json!({"success": true})
    );
    let (status, gone) = get_json(&sandbox, &format!("/v21.0/{id}")).await;
    assert_eq!(
        (status, gone["error"]["error_subcode"].clone()),
        (400, json!(33))
    );
    assert_eq!(
        client
            .get(url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn types_sizes_and_required_fields_are_checked() {
    let sandbox = sandbox(None).await;
    let url = format!("{}/v21.0/{NUMBER}/media", sandbox.base_url());
    let (h, v) = bearer();
    let auth = (h, v.as_str());

    let (status, e) = upload(url.clone(), auth, upload_body("image/gif", b"GIF89a")).await;
    assert_eq!(
        (status, e["error"]["code"].clone()),
        (400, json!(100)),
        "{e}"
    );
    assert!(
        e["error"]["error_data"]["details"]
            .as_str()
            .unwrap()
            .contains("image/gif")
    );

    let too_big = vec![0u8; 5 * 1024 * 1024 + 1];
    let (status, e) = upload(url.clone(), auth, upload_body("image/jpeg", &too_big)).await;
    assert_eq!(
        (status, e["error"]["code"].clone()),
        (400, json!(131053)),
        "{e}"
    );
    // The same size is fine as a document (100 MB cap).
    let (status, e) = upload(url.clone(), auth, upload_body("application/pdf", &too_big)).await;
    assert_eq!(status, 200, "{e}");
    let sticker = vec![0u8; 500 * 1024 + 1];
    let (status, e) = upload(url.clone(), auth, upload_body("image/webp", &sticker)).await;
    assert_eq!(
        (status, e["error"]["code"].clone()),
        (400, json!(131053)),
        "{e}"
    );

    let no_product = multipart(&[
        ("file", Some(("a.png", "image/png")), b"x"),
        ("type", None, b"image/png"),
    ]);
    let (status, e) = upload(url.clone(), auth, no_product).await;
    assert_eq!((status, e["error"]["code"].clone()), (400, json!(100)));
    let no_type = multipart(&[
        ("file", Some(("a.png", "image/png")), b"x"),
        ("messaging_product", None, b"whatsapp"),
    ]);
    assert_eq!(upload(url.clone(), auth, no_type).await.0, 400);
    let no_file = multipart(&[
        ("type", None, b"image/png"),
        ("messaging_product", None, b"whatsapp"),
    ]);
    assert_eq!(upload(url.clone(), auth, no_file).await.0, 400);
    let (status, e) = upload(url.clone(), auth, b"not multipart at all".to_vec()).await;
    assert_eq!((status, e["error"]["code"].clone()), (400, json!(100)));

    let (status, e) = upload(
        url.clone(),
        ("authorization", "Bearer wrong"),
        upload_body("image/png", b"x"),
    )
    .await;
    assert_eq!((status, e["error"]["code"].clone()), (401, json!(190)));
    let (status, _) = upload(
        format!("{}/v21.0/999/media", sandbox.base_url()),
        auth,
        upload_body("image/png", b"x"),
    )
    .await;
    assert_eq!(status, 400);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn media_belongs_to_its_number() {
    let mut config = config(None);
    let mut other = config.whatsapp.accounts[0].clone();
    other.phone_number_id = "222".into();
    other.access_token = "other-token".into();
    other.api_key = Some("other-key".into());
    config.whatsapp.accounts.push(other);
    let sandbox = switchboard_sandbox::Sandbox::start(config).await.unwrap();
    let base = sandbox.base_url().to_owned();
    let (h, v) = bearer();
    let (_, answer) = upload(
        format!("{base}/v21.0/{NUMBER}/media"),
        (h, &v),
        upload_body("image/png", b"mine"),
    )
    .await;
    let id = answer["id"].as_str().unwrap();
    let client = reqwest::Client::new();
    let r = client
        .get(format!("{base}/v21.0/{id}"))
        .bearer_auth("other-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["error_subcode"],
        33
    );
    let r = client
        .delete(format!("{base}/{id}"))
        .header("D360-API-KEY", "other-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (_, info) = get_json(&sandbox, &format!("/v21.0/{id}")).await;
    let r = client
        .get(info["url"].as_str().unwrap())
        .bearer_auth("other-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bsp_paths_use_the_api_key() {
    let sandbox = sandbox(None).await;
    let base = sandbox.base_url().to_owned();
    let (status, answer) = upload(
        format!("{base}/media"),
        ("D360-API-KEY", API_KEY),
        upload_body("audio/ogg; codecs=opus", b"OggS"),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let id = answer["id"].as_str().unwrap();
    let client = reqwest::Client::new();
    let info: Value = client
        .get(format!("{base}/{id}"))
        .header("D360-API-KEY", API_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["mime_type"], "audio/ogg; codecs=opus");
    let bytes = client
        .get(info["url"].as_str().unwrap())
        .header("D360-API-KEY", API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(bytes.status(), 200);
    assert_eq!(&bytes.bytes().await.unwrap()[..], b"OggS");
    assert_eq!(
        client
            .get(format!("{base}/{id}"))
            .header("D360-API-KEY", "nope")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let deleted = client
        .delete(format!("{base}/{id}"))
        .header("D360-API-KEY", API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    assert_eq!(
        client
            .get(format!("{base}/{id}"))
            .header("D360-API-KEY", API_KEY)
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    sandbox.shutdown().await;
}
