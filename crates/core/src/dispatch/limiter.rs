//! The per-sender send limiter: a GCRA (generic cell rate algorithm) keyed by channel, so each
//! sender's messages leave evenly spaced at its messages-per-second rate instead of in bursts the
//! provider would throttle (WhatsApp: 80 messages per second per number, error 130429).
//!
//! GCRA keeps one number per key, the theoretical arrival time (TAT) of the next message: a send
//! at `now` is due at `max(TAT, now)` and moves TAT one emission interval (1 / rate) on. A caller
//! whose slot is close waits for it; a caller whose slot is further than `max_wait` away does not
//! take it and is told when to come back, so a worker is never parked behind a long queue.
//!
//! In memory, per node: the cluster-wide rate holds because one node at a time owns a sender and
//! sends for it (see [`super::ownership`]); the others defer the sender's jobs.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// Past this many tracked senders, idle ones (whose TAT is in the past) are forgotten.
const PRUNE_ABOVE: usize = 10_000;

/// What a caller should do for one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The slot is taken: send after waiting this long (zero: at once).
    Wait(Duration),
    /// Too far ahead to wait for; nothing was taken. Try again after this long.
    Later(Duration),
}

/// Smooth per-key rate limits.
#[derive(Debug)]
pub struct SendLimiter<K> {
    /// The longest a caller is asked to wait in place.
    max_wait: Duration,
    tats: Mutex<HashMap<K, Instant>>,
}

impl<K: Eq + Hash + Clone> SendLimiter<K> {
    pub fn new(max_wait: Duration) -> Self {
        Self {
            max_wait,
            tats: Mutex::new(HashMap::new()),
        }
    }

    /// Takes the next slot of `key` at `per_second` messages per second (at least one a minute,
    /// so a nonsense rate of zero cannot stall a sender forever).
    pub fn acquire(&self, key: &K, per_second: f64) -> Slot {
        self.acquire_at(key, per_second, Instant::now())
    }

    fn acquire_at(&self, key: &K, per_second: f64, now: Instant) -> Slot {
        let rate = if per_second.is_finite() {
            per_second.max(1.0 / 60.0)
        } else {
            1.0 / 60.0
        };
        let interval = Duration::from_secs_f64(1.0 / rate);
        let mut tats = self.tats.lock();
        if tats.len() > PRUNE_ABOVE {
            tats.retain(|_, tat| *tat > now);
        }
        let due = tats.get(key).copied().filter(|t| *t > now).unwrap_or(now);
        let wait = due - now;
        if wait > self.max_wait {
            return Slot::Later(wait);
        }
        tats.insert(key.clone(), due + interval);
        Slot::Wait(wait)
    }

    /// The provider throttled `key` (WhatsApp 130429): no slot of it is given before `pause` from
    /// now, so the sender's other messages back off too instead of each hitting the limit.
    pub fn hold(&self, key: &K, pause: Duration) {
        self.hold_at(key, pause, Instant::now());
    }

    fn hold_at(&self, key: &K, pause: Duration, now: Instant) {
        let until = now + pause;
        let mut tats = self.tats.lock();
        let tat = tats.entry(key.clone()).or_insert(until);
        *tat = (*tat).max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn messages_are_spaced_at_the_rate() {
        let l = SendLimiter::new(Duration::from_secs(1));
        let t0 = Instant::now();
        // 10 per second: slots at 0, 100, 200... ms when asked all at once.
        let waits: Vec<Slot> = (0..4).map(|_| l.acquire_at(&"a", 10.0, t0)).collect();
        assert_eq!(
            waits,
            vec![
                Slot::Wait(Duration::ZERO),
                Slot::Wait(100 * MS),
                Slot::Wait(200 * MS),
                Slot::Wait(300 * MS)
            ]
        );
        // Keys are independent.
        assert_eq!(l.acquire_at(&"b", 10.0, t0), Slot::Wait(Duration::ZERO));
        // Time passing frees slots; an idle sender does not bank a burst.
        let later = t0 + Duration::from_secs(5);
        assert_eq!(l.acquire_at(&"a", 10.0, later), Slot::Wait(Duration::ZERO));
        assert_eq!(l.acquire_at(&"a", 10.0, later), Slot::Wait(100 * MS));
    }

    #[test]
    fn a_slot_too_far_ahead_is_not_taken() {
        let l = SendLimiter::new(250 * MS);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(matches!(l.acquire_at(&1, 10.0, t0), Slot::Wait(_)));
        }
        // Next slot is 300 ms away, past the 250 ms the caller may wait.
        assert_eq!(l.acquire_at(&1, 10.0, t0), Slot::Later(300 * MS));
        // Refusing took nothing: 100 ms later the same slot is 200 ms away and is given.
        assert_eq!(l.acquire_at(&1, 10.0, t0 + 100 * MS), Slot::Wait(200 * MS));
    }

    #[test]
    fn nonsense_rates_are_bounded() {
        let l = SendLimiter::new(Duration::from_secs(120));
        let t0 = Instant::now();
        for rate in [0.0, -5.0, f64::NAN, f64::INFINITY] {
            let key = format!("{rate}");
            assert_eq!(l.acquire_at(&key, rate, t0), Slot::Wait(Duration::ZERO));
            assert_eq!(
                l.acquire_at(&key, rate, t0),
                Slot::Wait(Duration::from_secs(60))
            );
        }
    }

    #[test]
    fn a_hold_pushes_the_senders_next_slot() {
        let l = SendLimiter::new(Duration::from_secs(1));
        let t0 = Instant::now();
        l.hold_at(&"a", 400 * MS, t0);
        assert_eq!(l.acquire_at(&"a", 10.0, t0), Slot::Wait(400 * MS));
        assert_eq!(l.acquire_at(&"a", 10.0, t0), Slot::Wait(500 * MS));
        // A shorter hold never pulls slots earlier.
        l.hold_at(&"a", 10 * MS, t0);
        assert_eq!(l.acquire_at(&"a", 10.0, t0), Slot::Wait(600 * MS));
        assert_eq!(l.acquire_at(&"b", 10.0, t0), Slot::Wait(Duration::ZERO));
    }
}
