//! One emulated bot: its identity and token, its chats, what it sent (the outbox), the files it
//! knows, its webhook, updates waiting for `getUpdates`, armed faults and its rate limits.

use std::collections::{HashMap, VecDeque};

use rand::Rng as _;
use rand::distributions::Alphanumeric;
use serde_json::{Value, json};

use super::deliver::Delivery;
use super::limits::Limits;

/// Kept per bot; older records are dropped so a long demo stays small.
pub(super) const MAX_RECORDS: usize = 5_000;

/// A chat the bot is in.
#[derive(Debug, Clone)]
pub(super) struct Chat {
    pub id: i64,
    /// `private`, `group`, `supergroup` or `channel`.
    pub kind: String,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// The customer blocked the bot (private chats): sends answer 403.
    pub blocked: bool,
    /// The group became a supergroup with this id: sends answer 400 with `migrate_to_chat_id`.
    pub migrated_to: Option<i64>,
    /// The last message id used in the chat (ids are per chat and shared by both sides).
    pub last_message_id: i64,
}

impl Chat {
    /// The chat as Telegram writes it inside a Message.
    pub fn json(&self) -> Value {
        let mut chat = json!({"id": self.id, "type": self.kind});
        for (key, value) in [
            ("title", &self.title),
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("username", &self.username),
        ] {
            if let Some(v) = value {
                chat[key] = json!(v);
            }
        }
        chat
    }

    pub fn is_group(&self) -> bool {
        matches!(self.kind.as_str(), "group" | "supergroup")
    }

    pub fn next_message_id(&mut self) -> i64 {
        self.last_message_id += 1;
        self.last_message_id
    }
}

/// A file the bot can send again by id or a customer sent.
#[derive(Debug, Clone)]
pub(super) struct StoredFile {
    pub file_unique_id: String,
    /// Where `getFile` says it lives (`photos/file_3.jpg`).
    pub path: String,
    pub mime_type: String,
    /// `None` for files sent by URL (the sandbox does not fetch them).
    pub bytes: Option<bytes::Bytes>,
    pub size: u64,
}

/// An error armed through the control API for the next calls of a method.
#[derive(Debug, Clone)]
pub(super) struct Fault {
    /// Lowercase method name; `None` for any method.
    pub method: Option<String>,
    pub error_code: u16,
    pub description: String,
    pub parameters: Option<Value>,
    pub times: u32,
}

/// The webhook set with `setWebhook`.
#[derive(Debug, Clone)]
pub(super) struct Hook {
    pub url: String,
    pub secret_token: Option<String>,
}

pub(super) struct Bot {
    pub id: i64,
    pub token: String,
    pub username: String,
    pub first_name: String,
    pub chats: HashMap<i64, Chat>,
    pub hook: Option<Hook>,
    pub last_update_id: i64,
    /// Updates not delivered by webhook, for `getUpdates`.
    pub pending: VecDeque<Value>,
    /// Every message the bot sent, as answered.
    pub outbox: VecDeque<Value>,
    /// Button taps answered with `answerCallbackQuery`.
    pub answered_callbacks: Vec<Value>,
    pub files: HashMap<String, StoredFile>,
    pub faults: Vec<Fault>,
    pub limits: Limits,
    pub deliveries: VecDeque<Delivery>,
    /// For new file ids and paths.
    pub file_counter: u64,
}

impl Bot {
    pub fn new(id: i64, username: String, first_name: String) -> Self {
        let secret: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(35)
            .map(char::from)
            .collect();
        Self {
            id,
            token: format!("{id}:AA{secret}"),
            username,
            first_name,
            chats: HashMap::new(),
            hook: None,
            last_update_id: 900_000,
            pending: VecDeque::new(),
            outbox: VecDeque::new(),
            answered_callbacks: Vec::new(),
            files: HashMap::new(),
            faults: Vec::new(),
            limits: Limits::default(),
            deliveries: VecDeque::new(),
            file_counter: 0,
        }
    }

    /// The bot as a User object.
    pub fn user(&self) -> Value {
        json!({"id": self.id, "is_bot": true, "first_name": self.first_name, "username": self.username})
    }

    /// What the control API answers about the bot (the token included: it is a sandbox).
    pub fn summary(&self) -> Value {
        json!({
            "id": self.id,
            "token": self.token,
            "username": self.username,
            "first_name": self.first_name,
            "webhook_url": self.hook.as_ref().map(|h| h.url.clone()),
            "webhook_secret_token": self.hook.as_ref().and_then(|h| h.secret_token.clone()),
        })
    }

    pub fn next_update_id(&mut self) -> i64 {
        self.last_update_id += 1;
        self.last_update_id
    }

    /// Stores a file and returns its new id.
    pub fn add_file(
        &mut self,
        folder: &str,
        extension: &str,
        mime_type: &str,
        bytes: Option<bytes::Bytes>,
    ) -> String {
        self.file_counter += 1;
        let n = self.file_counter;
        let file_id = format!("BQACAgQAAx{}{n:08}", self.id);
        let size = bytes.as_ref().map_or(0, |b| b.len() as u64);
        self.files.insert(
            file_id.clone(),
            StoredFile {
                file_unique_id: format!("AgAD{n:06}"),
                path: format!("{folder}/file_{n}.{extension}"),
                mime_type: mime_type.to_owned(),
                bytes,
                size,
            },
        );
        file_id
    }

    /// Takes one armed fault for `method`, if any.
    pub fn take_fault(&mut self, method: &str) -> Option<Fault> {
        let i = self
            .faults
            .iter()
            .position(|f| f.method.as_deref().is_none_or(|m| m == method))?;
        let fault = self.faults[i].clone();
        if self.faults[i].times <= 1 {
            self.faults.remove(i);
        } else {
            self.faults[i].times -= 1;
        }
        Some(fault)
    }

    /// Records a sent message.
    pub fn record_sent(&mut self, message: Value) {
        if self.outbox.len() >= MAX_RECORDS {
            self.outbox.pop_front();
        }
        self.outbox.push_back(message);
    }
}
