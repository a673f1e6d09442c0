//! Telegram's flood control as PROVIDERS §3.4 describes it: about one message a second per chat
//! (a short burst tolerated), at most 20 a minute per group, about 30 a second per bot. A send
//! over a limit is answered 429 with `retry_after`, the whole seconds until it would pass.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Messages one chat may take within [`CHAT_WINDOW`]: Telegram tolerates short bursts.
pub(super) const CHAT_BURST: usize = 3;
const CHAT_WINDOW: Duration = Duration::from_secs(1);
const GROUP_PER_MINUTE: usize = 20;
const GROUP_WINDOW: Duration = Duration::from_secs(60);
const BOT_PER_SECOND: usize = 30;
const BOT_WINDOW: Duration = Duration::from_secs(1);

/// Recent sends, per chat and for the whole bot.
#[derive(Debug, Default)]
pub(super) struct Limits {
    chats: HashMap<i64, VecDeque<Instant>>,
    bot: VecDeque<Instant>,
    /// Turned off through the control API for load tests.
    pub off: bool,
}

impl Limits {
    /// Counts a send to `chat` now, or answers the seconds to wait.
    pub fn admit(&mut self, chat: i64, group: bool, now: Instant) -> Result<(), u64> {
        if self.off {
            return Ok(());
        }
        let sends = self.chats.entry(chat).or_default();
        let (window, cap) = if group {
            (GROUP_WINDOW, GROUP_PER_MINUTE)
        } else {
            (CHAT_WINDOW, CHAT_BURST)
        };
        let chat_wait = wait(sends, window, cap, now);
        // A group is also held to the one-a-second pace over a short burst.
        let pace_wait = if group {
            wait(sends, CHAT_WINDOW, CHAT_BURST, now)
        } else {
            None
        };
        let bot_wait = wait(&mut self.bot, BOT_WINDOW, BOT_PER_SECOND, now);
        if let Some(d) = [chat_wait, pace_wait, bot_wait].into_iter().flatten().max() {
            // Telegram answers whole seconds, at least one.
            return Err((d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1));
        }
        sends.push_back(now);
        self.bot.push_back(now);
        Ok(())
    }
}

/// How long until `sends` has room for one more within `window`, dropping sends older than any
/// window we check.
fn wait(
    sends: &mut VecDeque<Instant>,
    window: Duration,
    cap: usize,
    now: Instant,
) -> Option<Duration> {
    while sends
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= GROUP_WINDOW)
    {
        sends.pop_front();
    }
    let recent: Vec<&Instant> = sends
        .iter()
        .filter(|t| now.saturating_duration_since(**t) < window)
        .collect();
    if recent.len() < cap {
        return None;
    }
    let oldest = recent[recent.len() - cap];
    Some((*oldest + window).saturating_duration_since(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_takes_a_short_burst_then_waits_whole_seconds() {
        let mut limits = Limits::default();
        let t0 = Instant::now();
        for _ in 0..CHAT_BURST {
            assert_eq!(limits.admit(1, false, t0), Ok(()));
        }
        assert_eq!(limits.admit(1, false, t0), Err(1));
        // Another chat is not held up.
        assert_eq!(limits.admit(2, false, t0), Ok(()));
        assert_eq!(limits.admit(1, false, t0 + Duration::from_secs(1)), Ok(()));
    }

    #[test]
    fn a_group_takes_twenty_a_minute_and_a_bot_thirty_a_second() {
        let mut limits = Limits::default();
        let t0 = Instant::now();
        for i in 0..20 {
            let at = t0 + Duration::from_secs(i * 2);
            assert_eq!(limits.admit(-5, true, at), Ok(()), "{i}");
        }
        let late = limits.admit(-5, true, t0 + Duration::from_secs(40));
        assert!(matches!(late, Err(s) if (19..=20).contains(&s)), "{late:?}");
        let mut limits = Limits::default();
        for chat in 0..30 {
            assert_eq!(limits.admit(chat, false, t0), Ok(()));
        }
        assert_eq!(limits.admit(99, false, t0), Err(1));
    }
}
