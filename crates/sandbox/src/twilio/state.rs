//! What the Twilio emulation remembers: accounts (each with one number), what was sent, the
//! opted-out (sender, customer) pairs, each sender's rate bucket, inbound media, and the log of
//! webhooks it posted to the hub.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use parking_lot::{Mutex, RwLock};
use rand::Rng as _;
use serde_json::Value;

/// One Twilio account and its phone number.
#[derive(Debug, Clone)]
pub(crate) struct TwilioAccount {
    pub account_sid: String,
    pub auth_token: String,
    /// `+E164`; the same number sends SMS and, as `whatsapp:+E164`, WhatsApp.
    pub phone_number: String,
    /// Where customers' messages are posted (the number's "A message comes in" URL).
    pub messaging_url: Option<String>,
    /// Sends per second before 20429: 1 for a long code.
    pub messages_per_second: u32,
}

/// A stored inbound media file.
#[derive(Debug, Clone)]
pub(crate) struct StoredMedia {
    pub account_sid: String,
    pub content_type: String,
    pub bytes: Bytes,
}

/// Tokens and when they were last counted, per sender.
type Bucket = (f64, Instant);

pub(crate) struct TwilioState {
    pub accounts: RwLock<Vec<Arc<TwilioAccount>>>,
    /// Every message the emulated Twilio sent (API sends and auto-replies), oldest first.
    pub outbox: Mutex<Vec<Value>>,
    /// (business number, customer number) pairs blocked by a STOP.
    pub opted_out: Mutex<HashSet<(String, String)>>,
    buckets: Mutex<HashMap<String, Bucket>>,
    pub media: Mutex<HashMap<String, StoredMedia>>,
    /// Webhooks posted to the hub (status callbacks and inbound messages), oldest first.
    pub hooks: Mutex<Vec<Value>>,
    pub client: reqwest::Client,
}

impl TwilioState {
    pub(crate) fn new() -> anyhow::Result<Self> {
        Ok(Self {
            accounts: RwLock::new(Vec::new()),
            outbox: Mutex::new(Vec::new()),
            opted_out: Mutex::new(HashSet::new()),
            buckets: Mutex::new(HashMap::new()),
            media: Mutex::new(HashMap::new()),
            hooks: Mutex::new(Vec::new()),
            client: reqwest::Client::builder()
                .user_agent("TwilioProxy/1.1")
                .timeout(std::time::Duration::from_secs(15))
                .build()?,
        })
    }

    pub(crate) fn account(&self, sid: &str) -> Option<Arc<TwilioAccount>> {
        self.accounts
            .read()
            .iter()
            .find(|a| a.account_sid == sid)
            .cloned()
    }

    /// Takes a send slot of `sender` at `rate` per second. The bucket holds two, so a sender
    /// paced at its rate never trips over network jitter, while a burst does.
    pub(crate) fn take_slot(&self, sender: &str, rate: u32) -> bool {
        let rate = f64::from(rate.max(1));
        let capacity = (rate * 2.0).max(2.0);
        let now = Instant::now();
        let mut buckets = self.buckets.lock();
        let (tokens, at) = buckets.entry(sender.to_owned()).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A Twilio sid: two letters and 32 lowercase hex digits.
pub(crate) fn sid(prefix: &str) -> String {
    let bytes: [u8; 16] = rand::thread_rng().r#gen();
    format!("{prefix}{}", hex::encode(bytes))
}
