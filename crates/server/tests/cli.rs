//! The "done means" story through the real binary: create an organization and keys with the CLI,
//! start `switchboard serve` on the same database, and use the keys against the API; on SQLite and
//! on PostgreSQL.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

/// Where a test's data lives: a SQLite directory, or a PostgreSQL URL plus schema.
struct Target {
    args: Vec<String>,
    envs: Vec<(String, String)>,
}

impl Target {
    fn sqlite(dir: &Path) -> Self {
        Self {
            args: vec!["--data-dir".into(), dir.display().to_string()],
            envs: vec![],
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args).args(&self.args).env_remove("RUST_LOG");
        for (k, v) in &self.envs {
            c.env(k, v);
        }
        c
    }

    fn run_json(&self, args: &[&str]) -> Value {
        let out = self.cmd(args).output().expect("run switchboard");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout of {args:?} is not only JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(target: &Target) -> Self {
        let mut child = target
            .cmd(&["serve", "--listen", "127.0.0.1:0"])
            .env("SWITCHBOARD_LOG__FORMAT", "json")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("serve exited before it was ready")
                .expect("read log");
            let Ok(v) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if v["message"] == "switchboard is ready" {
                break v["addr"].as_str().expect("addr in ready line").to_owned();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self {
            child,
            base: format!("http://{addr}"),
        }
    }

    /// SIGTERM, then wait: a graceful shutdown exits with success.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        let exit = self.child.wait().expect("wait");
        assert!(exit.success(), "serve exited with {exit:?} after SIGTERM");
    }
}

async fn get(base: &str, path: &str, key: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(key)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn story(target: Target) {
    let created = target.run_json(&[
        "org",
        "create",
        "--name",
        "Acme",
        "--owner-email",
        "ana@acme.test",
        "--owner-password",
        "correct horse battery",
        "--json",
    ]);
    let org_id = created["org_id"].as_str().expect("org_id").to_owned();
    let owner_key = created["api_key"].as_str().expect("api_key").to_owned();
    assert_eq!(
        created.as_object().map(|o| o.len()),
        Some(2),
        "exactly org_id and api_key: {created}"
    );

    let narrow = target.run_json(&[
        "apikey",
        "create",
        "--org",
        &org_id,
        "--name",
        "reader",
        "--scope",
        "teams:read",
        "--json",
    ]);
    let narrow_key = narrow["api_key"].as_str().expect("api_key").to_owned();
    let user = target.run_json(&[
        "user",
        "create",
        "--org",
        &org_id,
        "--email",
        "bo@acme.test",
        "--role",
        "agent",
        "--json",
    ]);
    assert_eq!(user["role"], "agent");

    let dup = target
        .cmd(&["org", "create", "--name", "acme"])
        .output()
        .expect("run");
    assert!(
        !dup.status.success(),
        "a duplicate organization name is refused"
    );
    let bad_scope = target
        .cmd(&[
            "apikey",
            "create",
            "--org",
            &org_id,
            "--name",
            "x",
            "--scope",
            "messages:fly",
        ])
        .output()
        .expect("run");
    assert!(!bad_scope.status.success());
    assert!(String::from_utf8_lossy(&bad_scope.stderr).contains("messages:fly"));

    let server = Server::start(&target);
    let (status, org) = get(&server.base, "/v1/orgs/current", &owner_key).await;
    assert_eq!(status, 200, "{org}");
    assert_eq!(org["id"], org_id.as_str());
    assert_eq!(org["name"], "Acme");

    let (status, problem) = get(&server.base, "/v1/api-keys", &narrow_key).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("insufficient_scope")),
        "{problem}"
    );
    let (status, problem) = get(&server.base, "/v1/orgs/current", "sbk_nonexistent_key").await;
    assert_eq!(status, 401, "{problem}");

    // The CLI works on the database while serve runs, and serve sees the result at once.
    let late = target.run_json(&[
        "apikey", "create", "--org", &org_id, "--name", "late", "--json",
    ]);
    let (status, _) = get(
        &server.base,
        "/v1/orgs/current",
        late["api_key"].as_str().expect("key"),
    )
    .await;
    assert_eq!(status, 200);
    server.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_and_api_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = Target::sqlite(dir.path());
    let first = target.cmd(&["migrate"]).output().expect("migrate");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("applied"));
    let again = target.cmd(&["migrate"]).output().expect("migrate");
    assert!(String::from_utf8_lossy(&again.stdout).contains("already up to date"));
    story(target).await;
}

#[test]
fn help_explains_the_commands() {
    let out = Command::new(BIN).arg("--help").output().expect("help");
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["serve", "migrate", "org", "apikey", "user", "SWITCHBOARD_"] {
        assert!(text.contains(word), "--help lacks {word}: {text}");
    }
}

/// Drops the CLI test's schema when the test ends, whatever its outcome.
struct DropSchema {
    url: String,
    schema: String,
}

impl Drop for DropSchema {
    fn drop(&mut self) {
        let sql = format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.schema);
        let _ = Command::new("psql")
            .args([self.url.as_str(), "-qc", sql.as_str()])
            .output();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_and_api_on_postgres() {
    // Reuses the suite's policy: skip without PostgreSQL, fail when SWITCHBOARD_REQUIRE_POSTGRES=1.
    if switchboard_store_postgres::testing::fresh_store()
        .await
        .is_none()
    {
        return;
    }
    let url = switchboard_store_postgres::testing::database_url();
    let schema = format!("sbcli_{}", uuid::Uuid::now_v7().simple());
    let _guard = DropSchema {
        url: url.clone(),
        schema: schema.clone(),
    };
    let target = Target {
        args: vec!["--database-url".into(), url],
        envs: vec![
            ("SWITCHBOARD_POSTGRES__SCHEMA".into(), schema),
            // With PostgreSQL the key is given, never made by a node (see master_key.rs).
            (
                "SWITCHBOARD_MASTER_KEY".into(),
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into(),
            ),
        ],
    };
    story(target).await;
}
