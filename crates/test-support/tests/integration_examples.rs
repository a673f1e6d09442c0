//! `GET /v1/channels/{id}/integration`: the code examples are run as written (curl, Python and
//! JavaScript; Go and PHP too where their toolchain is installed) against the running hub, and
//! each message they send reaches the sandbox's outbox.

mod outbound_support;

use std::process::Command;

use outbound_support::Sandbox;
use serde_json::Value;
use switchboard_test_support::{TestApp, both_backends};

/// Writes `code` where its runner expects it and runs it with the org's key in the environment;
/// `None` when the runner is not installed here.
fn run_example(language: &str, code: &str, key: &str) -> Option<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let (file, program, args): (&str, &str, &[&str]) = match language {
        "curl" => ("send.sh", "sh", &["send.sh"]),
        "python" => ("send.py", "python3", &["send.py"]),
        "javascript" => ("send.mjs", "node", &["send.mjs"]),
        "go" => ("send.go", "go", &["run", "send.go"]),
        "php" => ("send.php", "php", &["send.php"]),
        other => panic!("an example in an unknown language: {other}"),
    };
    std::fs::write(dir.path().join(file), code).expect("write the example");
    let output = match Command::new(program)
        .args(args)
        .current_dir(dir.path())
        .env("SWITCHBOARD_API_KEY", key)
        .output()
    {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("{language}: `{program}` is not installed here; example not run");
            return None;
        }
        Err(e) => panic!("{language}: {e}"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{language} failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{language}: {e}: {stdout}")),
    )
}

async fn examples(app: &TestApp, channel: uuid::Uuid) -> Value {
    app.get(&format!("/v1/channels/{channel}/integration"))
        .await
        .assert_status(200)
        .clone()
}

both_backends! {
    async fn every_example_sends_through_the_channel_as_written(app) {
        let ch = app.whatsapp_channel().await;
        let integration = examples(&app, ch.id).await;
        assert_eq!(integration["channel_id"], ch.id.to_string());
        let to = integration["to"].as_str().expect("to").to_owned();
        // The example recipient writes first, so the free-form text is inside the window.
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, &to, "Hi").await;

        let list = integration["examples"].as_array().expect("examples").clone();
        let languages: Vec<&str> = list.iter().filter_map(|e| e["language"].as_str()).collect();
        assert_eq!(languages, ["curl", "python", "javascript", "go", "php"]);
        let key = app.org.key.clone();
        let mut sent = Vec::new();
        for e in &list {
            let (language, code) = (e["language"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned());
            assert!(code.contains(&ch.id.to_string()), "{language}");
            assert!(!code.contains(&key), "{language}: the key is never in the page");
            let key = key.clone();
            let answer = tokio::task::spawn_blocking(move || run_example(&language, &code, &key)).await.expect("runner");
            if let Some(answer) = answer {
                assert_eq!(answer["status"], "enqueued", "{answer}");
                sent.push(answer["messageId"].as_str().expect("messageId").to_owned());
            }
        }
        assert!(sent.len() >= 3, "curl, Python and JavaScript ran: {sent:?}");

        app.run_jobs_until_idle().await;
        let outbox = sb.outbox(&ch.phone_number_id).await;
        assert_eq!(outbox.len(), sent.len(), "{outbox:?}");
        assert!(outbox.iter().all(|o| o["body"]["to"] == to.as_str()), "{outbox:?}");
        assert!(outbox.iter().all(|o| o["body"]["text"]["body"] == "Hello from Switchboard"));

        app.assert_tenant_isolation().await;
    }
}
