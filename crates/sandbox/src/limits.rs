//! What Meta enforces on sends (PROVIDERS §1.7): the customer-service window, the number's
//! messages per second and the pair rate; also the inbound message ids customers sent.
//!
//! A benchmark pushes thousands of sends per second through here, so each concern has its own
//! `parking_lot` mutex held only for a map lookup (never across an await), maps are nested by
//! number so lookups borrow `&str` instead of allocating keys, and every check takes `now` so the
//! tests can drive time by hand.

mod bucket;

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use time::OffsetDateTime;

use crate::config::SandboxConfig;
use crate::graph_error::GraphError;
use bucket::Bucket;

/// Inbound ids remembered per number: enough for any test or demo, bounded so a long benchmark
/// of inbound traffic cannot grow memory without end (the oldest are forgotten first).
const INBOUND_IDS_PER_NUMBER: usize = 50_000;
/// Pair buckets per number before full (idle) ones are dropped: an idle bucket is the same as
/// no bucket, so dropping them loses nothing.
const PAIR_BUCKETS_PRUNE_AT: usize = 100_000;

/// Windows, rates and inbound ids.
pub(crate) struct Limits {
    enforce_window: bool,
    window: time::Duration,
    default_mps: u32,
    /// Per-number overrides of `messages_per_second`.
    mps_override: Mutex<HashMap<String, u32>>,
    pair_interval: Duration,
    pair_burst: u32,
    /// number -> customer wa_id -> when they last wrote.
    last_inbound: Mutex<HashMap<String, HashMap<String, OffsetDateTime>>>,
    /// number -> the message ids customers sent, with who sent them.
    inbound_ids: Mutex<HashMap<String, InboundIds>>,
    /// number -> instants of the sends of the last second (a sliding log: exact, and at most
    /// `messages_per_second` entries).
    sends: Mutex<HashMap<String, VecDeque<Instant>>>,
    /// number -> recipient -> token bucket.
    pairs: Mutex<HashMap<String, HashMap<String, Bucket>>>,
}

#[derive(Default)]
struct InboundIds {
    by_id: HashMap<String, String>,
    order: VecDeque<String>,
}

impl Limits {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        let l = &config.whatsapp.limits;
        Self {
            enforce_window: l.enforce_window,
            window: time::Duration::hours(i64::from(l.window_hours)),
            default_mps: l.messages_per_second,
            mps_override: Mutex::new(
                config
                    .whatsapp
                    .accounts
                    .iter()
                    .filter_map(|a| Some((a.phone_number_id.clone(), a.messages_per_second?)))
                    .collect(),
            ),
            pair_interval: Duration::from_millis(l.pair_interval_ms),
            pair_burst: l.pair_burst,
            last_inbound: Mutex::default(),
            inbound_ids: Mutex::default(),
            sends: Mutex::default(),
            pairs: Mutex::default(),
        }
    }

    /// A customer wrote in: opens (or extends) the window of `wa_id` on this number and remembers
    /// `message_id` so that mark-as-read, reactions and reply contexts can refer to it.
    pub(crate) fn customer_wrote(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        message_id: &str,
        at: OffsetDateTime,
    ) {
        {
            let mut windows = self.last_inbound.lock();
            let number = windows.entry(phone_number_id.to_owned()).or_default();
            match number.get_mut(wa_id) {
                Some(last) => *last = (*last).max(at),
                None => {
                    number.insert(wa_id.to_owned(), at);
                }
            }
        }
        let mut ids = self.inbound_ids.lock();
        let ids = ids.entry(phone_number_id.to_owned()).or_default();
        if ids
            .by_id
            .insert(message_id.to_owned(), wa_id.to_owned())
            .is_none()
        {
            ids.order.push_back(message_id.to_owned());
            while ids.order.len() > INBOUND_IDS_PER_NUMBER {
                if let Some(old) = ids.order.pop_front() {
                    ids.by_id.remove(&old);
                }
            }
        }
    }

    /// Who sent the inbound message `message_id` to this number, if a customer did.
    pub(crate) fn inbound_sender(&self, phone_number_id: &str, message_id: &str) -> Option<String> {
        self.inbound_ids
            .lock()
            .get(phone_number_id)?
            .by_id
            .get(message_id)
            .cloned()
    }

    /// 131047 unless `wa_id` wrote to this number within the window (or the window is off).
    pub(crate) fn check_window(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), GraphError> {
        if !self.enforce_window {
            return Ok(());
        }
        let last = self
            .last_inbound
            .lock()
            .get(phone_number_id)
            .and_then(|n| n.get(wa_id).copied());
        match last {
            Some(at) if now - at <= self.window => Ok(()),
            _ => Err(GraphError::code(
                131_047,
                format!(
                    "Message failed to send because more than {} hours have passed since the customer last replied to this number.",
                    self.window.whole_hours()
                ),
            )),
        }
    }

    /// Sets (or with `None` clears) the messages-per-second override of a number added at runtime.
    pub(crate) fn set_rate(&self, phone_number_id: &str, mps: Option<u32>) {
        let mut overrides = self.mps_override.lock();
        match mps {
            Some(mps) => overrides.insert(phone_number_id.to_owned(), mps),
            None => overrides.remove(phone_number_id),
        };
    }

    /// Counts one send of this number; 130429 when it already sent its messages per second in
    /// the last second.
    pub(crate) fn take_send(&self, phone_number_id: &str, now: Instant) -> Result<(), GraphError> {
        let mps = self
            .mps_override
            .lock()
            .get(phone_number_id)
            .copied()
            .unwrap_or(self.default_mps) as usize;
        let mut sends = self.sends.lock();
        let log = match sends.get_mut(phone_number_id) {
            Some(log) => log,
            None => sends.entry(phone_number_id.to_owned()).or_default(),
        };
        while log
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= Duration::from_secs(1))
        {
            log.pop_front();
        }
        if log.len() >= mps {
            return Err(GraphError::code(
                130_429,
                format!(
                    "Message failed to send because there were too many messages sent from this phone number in a short period of time ({mps} per second)."
                ),
            ));
        }
        log.push_back(now);
        Ok(())
    }

    /// Takes one token of the (number, recipient) pair bucket; 131056 when it is empty. A zero
    /// interval or burst turns the pair limit off.
    pub(crate) fn take_pair(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        now: Instant,
    ) -> Result<(), GraphError> {
        let (interval, burst) = (self.pair_interval, self.pair_burst);
        if interval.is_zero() || burst == 0 {
            return Ok(());
        }
        let mut pairs = self.pairs.lock();
        let number = match pairs.get_mut(phone_number_id) {
            Some(n) => n,
            None => pairs.entry(phone_number_id.to_owned()).or_default(),
        };
        if number.len() >= PAIR_BUCKETS_PRUNE_AT && !number.contains_key(wa_id) {
            number.retain(|_, b| {
                b.refill(now, interval, burst);
                b.tokens < burst
            });
        }
        let bucket = match number.get_mut(wa_id) {
            Some(b) => b,
            None => number.entry(wa_id.to_owned()).or_insert(Bucket {
                tokens: burst,
                since: now,
            }),
        };
        bucket.refill(now, interval, burst);
        if bucket.tokens == 0 {
            return Err(GraphError::code(
                131_056,
                "Too many messages sent from this phone number to the same phone number in a short period of time.",
            ));
        }
        bucket.tokens -= 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::WhatsAppAccount;

    fn limits(edit: impl FnOnce(&mut SandboxConfig)) -> Limits {
        let mut config = SandboxConfig::default();
        edit(&mut config);
        Limits::new(&config)
    }

    const N: &str = "109876543210";

    #[test]
    fn window_opens_on_inbound_and_closes_after_its_hours() {
        let l = limits(|_| {});
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
        assert_eq!(
            l.check_window(N, "447700900123", t0).unwrap_err().code,
            131_047
        );
        l.customer_wrote(N, "447700900123", "wamid.IN1", t0);
        assert!(
            l.check_window(N, "447700900123", t0 + time::Duration::hours(24))
                .is_ok()
        );
        let late = t0 + time::Duration::hours(24) + time::Duration::seconds(1);
        assert_eq!(
            l.check_window(N, "447700900123", late).unwrap_err().code,
            131_047
        );
        // Another customer, or the same one on another number, has no window.
        assert!(l.check_window(N, "447700900456", t0).is_err());
        assert!(l.check_window("1", "447700900123", t0).is_err());
        // An older message arriving late never shortens the window.
        l.customer_wrote(
            N,
            "447700900123",
            "wamid.IN0",
            t0 - time::Duration::hours(5),
        );
        assert!(
            l.check_window(N, "447700900123", t0 + time::Duration::hours(23))
                .is_ok()
        );
        assert_eq!(
            l.inbound_sender(N, "wamid.IN1").as_deref(),
            Some("447700900123")
        );
        assert_eq!(l.inbound_sender("1", "wamid.IN1"), None);
    }

    #[test]
    fn window_can_be_turned_off() {
        let l = limits(|c| c.whatsapp.limits.enforce_window = false);
        assert!(
            l.check_window(N, "447700900123", OffsetDateTime::UNIX_EPOCH)
                .is_ok()
        );
    }

    #[test]
    fn messages_per_second_is_a_sliding_second() {
        let l = limits(|c| c.whatsapp.limits.messages_per_second = 3);
        let t0 = Instant::now();
        for ms in [0, 100, 200] {
            assert!(l.take_send(N, t0 + Duration::from_millis(ms)).is_ok());
        }
        let err = l.take_send(N, t0 + Duration::from_millis(999)).unwrap_err();
        assert_eq!(err.code, 130_429);
        // The refusal did not count; the first send leaves the window at 1 s.
        assert!(l.take_send(N, t0 + Duration::from_millis(1_000)).is_ok());
        assert!(l.take_send(N, t0 + Duration::from_millis(1_050)).is_err());
        // Numbers are independent.
        assert!(l.take_send("1", t0).is_ok());
    }

    #[test]
    fn account_override_wins() {
        let l = limits(|c| {
            c.whatsapp.limits.messages_per_second = 100;
            c.whatsapp.accounts = vec![WhatsAppAccount {
                messages_per_second: Some(1),
                ..WhatsAppAccount::default()
            }];
        });
        let t0 = Instant::now();
        assert!(l.take_send(N, t0).is_ok());
        assert_eq!(l.take_send(N, t0).unwrap_err().code, 130_429);
    }

    #[test]
    fn pair_rate_is_a_token_bucket() {
        let l = limits(|c| {
            c.whatsapp.limits.pair_burst = 2;
            c.whatsapp.limits.pair_interval_ms = 1_000;
        });
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        assert!(l.take_pair(N, "a", at(0)).is_ok());
        assert!(l.take_pair(N, "a", at(10)).is_ok());
        assert_eq!(l.take_pair(N, "a", at(20)).unwrap_err().code, 131_056);
        // Another recipient has its own bucket.
        assert!(l.take_pair(N, "b", at(20)).is_ok());
        // One token comes back per interval, counted from when the bucket was full.
        assert!(l.take_pair(N, "a", at(999)).is_err());
        assert!(l.take_pair(N, "a", at(1_000)).is_ok());
        assert!(l.take_pair(N, "a", at(1_500)).is_err());
        // A long pause refills to the burst, never beyond.
        assert!(l.take_pair(N, "a", at(60_000)).is_ok());
        assert!(l.take_pair(N, "a", at(60_000)).is_ok());
        assert!(l.take_pair(N, "a", at(60_000)).is_err());
    }

    #[test]
    fn zero_interval_turns_the_pair_limit_off() {
        let l = limits(|c| c.whatsapp.limits.pair_interval_ms = 0);
        let t0 = Instant::now();
        for _ in 0..1_000 {
            assert!(l.take_pair(N, "a", t0).is_ok());
        }
    }
}
