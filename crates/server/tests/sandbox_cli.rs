//! `switchboard sandbox` through the real binary: it starts on a free port, prints the base URL
//! and the default account's token, answers a send in Meta's shapes, reads its own file from
//! `--config`, and stops cleanly on SIGTERM.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

/// A running `switchboard sandbox` and the `key: value` lines of its start-up block.
struct SandboxProcess {
    child: Child,
    printed: HashMap<String, String>,
}

impl SandboxProcess {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .arg("sandbox")
            .args(args)
            // Switchboard's own configuration is not the sandbox's: a broken one is ignored.
            .env("SWITCHBOARD_CONFIG", "/nonexistent/switchboard.toml")
            .env_remove("SWITCHBOARD_SANDBOX_CONFIG")
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start switchboard sandbox");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut printed = HashMap::new();
        loop {
            let line = lines
                .next()
                .expect("the sandbox exited before it was ready")
                .expect("read stdout");
            if line.starts_with("Press Ctrl-C") {
                break;
            }
            if let Some((k, v)) = line.trim().split_once(": ") {
                // The first account's values win: they are printed first.
                printed.entry(k.to_owned()).or_insert_with(|| v.to_owned());
            }
        }
        std::thread::spawn(move || for _ in lines {});
        Self { child, printed }
    }

    fn value(&self, key: &str) -> &str {
        self.printed
            .get(key)
            .unwrap_or_else(|| panic!("{key} not printed: {:?}", self.printed))
    }

    async fn send(&self, body: Value) -> (u16, Value) {
        let url = format!(
            "{}/v21.0/{}/messages",
            self.value("base URL"),
            self.value("phone_number_id")
        );
        let res = reqwest::Client::new()
            .post(url)
            .bearer_auth(self.value("access token"))
            .json(&body)
            .send()
            .await
            .expect("request");
        (
            res.status().as_u16(),
            res.json().await.unwrap_or(Value::Null),
        )
    }

    /// SIGTERM, then wait: a clean shutdown exits with success.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        let exit = self.child.wait().expect("wait");
        assert!(exit.success(), "sandbox exited with {exit:?} after SIGTERM");
    }
}

#[tokio::test]
async fn default_sandbox_answers_like_meta() {
    let sandbox = SandboxProcess::start(&["--listen", "127.0.0.1:0"]);
    assert!(sandbox.value("base URL").starts_with("http://127.0.0.1:"));
    assert_eq!(sandbox.value("access token"), "sandbox-token");
    for key in [
        "waba_id",
        "app secret",
        "verify token",
        "api key (D360-API-KEY)",
        "webhook URL",
    ] {
        sandbox.value(key);
    }

    // Nobody has written in: a free-form message is outside the 24-hour window.
    let (status, body) = sandbox
        .send(
            json!({"messaging_product": "whatsapp", "to": "+447700900123", "type": "text",
            "text": {"body": "Hello"}}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let e = &body["error"];
    assert_eq!(e["code"], 131047);
    assert_eq!(e["message"], "(#131047) Re-engagement message");
    assert_eq!(e["type"], "OAuthException");
    assert_eq!(e["error_data"]["messaging_product"], "whatsapp");
    assert!(
        e["error_data"]["details"]
            .as_str()
            .is_some_and(|d| d.contains("24 hours"))
    );
    assert!(e["fbtrace_id"].is_string());

    // A template is allowed outside the window, but this one does not exist.
    let (status, body) = sandbox
        .send(
            json!({"messaging_product": "whatsapp", "to": "447700900123", "type": "template",
            "template": {"name": "order_ready", "language": {"code": "en_GB"}}}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &json!(132001)),
        "{body}"
    );
    sandbox.stop();
}

#[tokio::test]
async fn config_flag_names_the_sandbox_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("sandbox.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:0\"\n\
         [[whatsapp.accounts]]\n\
         waba_id = \"2001\"\nphone_number_id = \"3001\"\naccess_token = \"file-token\"\n\
         [whatsapp.limits]\nenforce_window = false\n",
    )
    .expect("write sandbox file");
    let sandbox = SandboxProcess::start(&["--config", file.to_str().expect("utf-8 path")]);
    assert_eq!(sandbox.value("phone_number_id"), "3001");
    assert_eq!(sandbox.value("access token"), "file-token");
    let (status, body) = sandbox
        .send(
            json!({"messaging_product": "whatsapp", "to": "447700900123", "type": "text",
            "text": {"body": "Hello"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["contacts"][0]["wa_id"], "447700900123");
    sandbox.stop();

    // A file with a typo is refused with the key named, before anything listens.
    std::fs::write(&file, "[whatsapp]\nacounts = []\n").expect("write");
    let out = Command::new(BIN)
        .args([
            "sandbox",
            "--sandbox-config",
            file.to_str().expect("utf-8 path"),
        ])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("acounts"), "{stderr}");
}
