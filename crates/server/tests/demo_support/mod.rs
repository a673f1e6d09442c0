//! The demo test's tools: the real binary started with `serve --demo` (its banner read from
//! stdout, its log drained), and the banner's curl commands turned into requests exactly as a
//! shell would split them, so the test runs what a user pastes.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");
/// Generous: a loaded CI machine starting a debug build; the banner usually takes a second.
const BANNER_WAIT: Duration = Duration::from_secs(120);

/// A running `switchboard serve --demo`.
pub struct DemoRun {
    child: Child,
    pub banner: Vec<String>,
    log: Arc<Mutex<Vec<String>>>,
}

impl DemoRun {
    pub fn start(data_dir: &Path) -> Self {
        let mut child = Command::new(BIN)
            .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env_remove("RUST_LOG")
            .env_remove("SWITCHBOARD_CONFIG")
            .env("SWITCHBOARD_LOG__FORMAT", "json")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve --demo");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let (tx, rx) = mpsc::channel();
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut run = Self {
            child,
            banner: Vec::new(),
            log,
        };
        loop {
            match rx.recv_timeout(BANNER_WAIT) {
                Ok(line) => {
                    let done = line.contains("Stop with Ctrl-C");
                    run.banner.push(line);
                    if done {
                        break;
                    }
                }
                Err(e) => panic!("no banner ({e}); log:\n{}", run.log()),
            }
        }
        run
    }

    /// The value after `label:` in the banner (`API key`, `Channel`, `Hub`...).
    pub fn field(&self, label: &str) -> String {
        let prefix = format!("{label}:");
        self.banner
            .iter()
            .find_map(|l| l.trim().strip_prefix(&prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no {label} in the banner:\n{}", self.banner.join("\n")))
            .to_owned()
    }

    /// The banner's curl command whose URL contains `url_part` and ends with `url_end`.
    pub fn curl(&self, url_part: &str, url_end: &str) -> Curl {
        let mut commands = Vec::new();
        let mut current: Option<String> = None;
        for line in &self.banner {
            let line = line.trim();
            let text = match current.take() {
                Some(before) => format!("{before} {line}"),
                None if line.starts_with("curl ") => line.to_owned(),
                None => continue,
            };
            match text.strip_suffix('\\') {
                Some(open) => current = Some(open.trim_end().to_owned()),
                None => commands.push(Curl::parse(&text)),
            }
        }
        commands
            .into_iter()
            .find(|c| c.url.contains(url_part) && c.url.ends_with(url_end))
            .unwrap_or_else(|| {
                panic!(
                    "no curl for {url_part}…{url_end} in:\n{}",
                    self.banner.join("\n")
                )
            })
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// SIGTERM, then wait: a graceful shutdown exits with success.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        let exit = self.child.wait().expect("wait");
        assert!(
            exit.success(),
            "serve --demo exited with {exit:?} after SIGTERM; log:\n{}",
            self.log()
        );
    }
}

impl Drop for DemoRun {
    fn drop(&mut self) {
        // A failed test must not leave the server running.
        let _ = self.child.kill();
    }
}

/// One curl command of the banner: `-s`, `-X METHOD`, `-H 'Name: value'`, `-d BODY` and a URL.
#[derive(Debug, Clone)]
pub struct Curl {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl Curl {
    fn parse(command: &str) -> Self {
        let words = shell_words(command);
        assert_eq!(words.first().map(String::as_str), Some("curl"), "{command}");
        let (mut method, mut url, mut headers, mut body) = (None, None, Vec::new(), None);
        let mut args = words.into_iter().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-s" => {}
                "-X" => method = args.next(),
                "-H" => {
                    let header = args.next().expect("a header after -H");
                    let (name, value) = header.split_once(':').expect("Name: value");
                    headers.push((name.trim().to_owned(), value.trim().to_owned()));
                }
                "-d" => body = args.next(),
                other if !other.starts_with('-') => url = Some(other.to_owned()),
                other => panic!("unexpected curl option {other} in {command}"),
            }
        }
        let method = method.unwrap_or_else(|| if body.is_some() { "POST" } else { "GET" }.into());
        Self {
            method,
            url: url.expect("a URL"),
            headers,
            body,
        }
    }

    /// Runs it; answers (status, JSON body or null).
    pub async fn run(&self) -> (u16, Value) {
        let method = self.method.parse().expect("an HTTP method");
        let mut request = reqwest::Client::new().request(method, &self.url);
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &self.body {
            request = request.body(body.clone());
        }
        let response = request.send().await.expect("the request is answered");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The same request to another URL (a message id from an answer).
    pub fn at(&self, url: String) -> Self {
        Self {
            url,
            ..self.clone()
        }
    }
}

/// Splits like a POSIX shell for what the banner uses: blanks, '…' and "…" quoting.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_default().push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_default().push(c),
        }
    }
    assert!(quote.is_none(), "unbalanced quotes in {command}");
    words.extend(word);
    words
}
