//! The pair rate's token bucket: `burst` tokens, one back per `interval`, counted in whole
//! tokens from when the bucket was last full so that refills never drift.

use std::time::{Duration, Instant};

/// A token bucket of `pair_burst` tokens, one token back per `pair_interval`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bucket {
    pub tokens: u32,
    /// When the last whole token was added (or the bucket was last full).
    pub since: Instant,
}

impl Bucket {
    pub fn refill(&mut self, now: Instant, interval: Duration, burst: u32) {
        if self.tokens >= burst {
            self.since = now;
            return;
        }
        let elapsed = now.saturating_duration_since(self.since);
        let gained = elapsed.as_nanos() / interval.as_nanos().max(1);
        if gained > 0 {
            let gained = u32::try_from(gained).unwrap_or(u32::MAX);
            self.tokens = self.tokens.saturating_add(gained).min(burst);
            self.since = if self.tokens >= burst {
                now
            } else {
                self.since + interval * gained
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refills_whole_tokens_and_never_beyond_the_burst() {
        let t0 = Instant::now();
        let interval = Duration::from_millis(100);
        let mut b = Bucket {
            tokens: 0,
            since: t0,
        };
        b.refill(t0 + Duration::from_millis(250), interval, 5);
        assert_eq!(b.tokens, 2);
        // The half token left over is kept: 50 ms more gives the third.
        b.refill(t0 + Duration::from_millis(300), interval, 5);
        assert_eq!(b.tokens, 3);
        b.refill(t0 + Duration::from_secs(60), interval, 5);
        assert_eq!(b.tokens, 5);
        // A clock that goes backwards adds nothing.
        b.tokens = 1;
        b.refill(t0, interval, 5);
        assert_eq!(b.tokens, 1);
    }
}
