//! In-memory token buckets keyed by caller: per-key API rate limits and per-IP sign-in limits.
//! In memory on purpose: a limit per node is enough to stop a runaway client, and it costs no
//! database round trip on the hot path.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// What a bucket said about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Until one more token is available (zero when allowed).
    pub retry_after: Duration,
    /// Until the bucket is full again.
    pub reset: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// `capacity` requests at once, refilled at `capacity` per `period`.
#[derive(Debug)]
pub struct TokenBuckets {
    capacity: u32,
    per_sec: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// Past this many tracked callers, idle (full) buckets are dropped so memory stays bounded.
const PRUNE_ABOVE: usize = 10_000;

impl TokenBuckets {
    pub fn new(capacity: u32, period: Duration) -> Self {
        let capacity = capacity.max(1);
        Self {
            capacity,
            per_sec: f64::from(capacity) / period.as_secs_f64().max(0.001),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn per_minute(capacity: u32) -> Self {
        Self::new(capacity, Duration::from_secs(60))
    }

    /// Takes one token for `key` if there is one.
    pub fn check(&self, key: &str) -> Decision {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Decision {
        let cap = f64::from(self.capacity);
        let mut map = self.buckets.lock();
        if map.len() > PRUNE_ABOVE {
            let per_sec = self.per_sec;
            map.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * per_sec < cap);
        }
        let b = map.entry(key.to_owned()).or_insert(Bucket {
            tokens: cap,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_sec).min(cap);
        b.at = now;
        let allowed = b.tokens >= 1.0;
        if allowed {
            b.tokens -= 1.0;
        }
        let secs = |t: f64| Duration::from_secs_f64((t / self.per_sec).max(0.0));
        Decision {
            allowed,
            limit: self.capacity,
            // Whole tokens only; the float is never negative nor above `capacity` here.
            remaining: b.tokens.floor() as u32,
            retry_after: if allowed {
                Duration::ZERO
            } else {
                secs(1.0 - b.tokens)
            },
            reset: secs(cap - b.tokens),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_then_refills() {
        let l = TokenBuckets::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(l.check_at("k", t0).allowed);
        let second = l.check_at("k", t0);
        assert!(second.allowed);
        assert_eq!(second.remaining, 0);
        let third = l.check_at("k", t0);
        assert!(!third.allowed);
        assert!(
            third.retry_after > Duration::from_secs(29)
                && third.retry_after <= Duration::from_secs(30)
        );
        assert!(l.check_at("other", t0).allowed, "buckets are per key");
        assert!(l.check_at("k", t0 + Duration::from_secs(31)).allowed);
    }
}
