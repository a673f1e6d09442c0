//! The SMS keywords Twilio and carriers act on (PROVIDERS §4.5, PRODUCT §8): a body that is
//! exactly one of them, ignoring case and surrounding spaces, opts the sender out, back in, or
//! asks for help. The list is kept here, in one place, so making it configurable and multilingual
//! (issue 7) changes one function.

/// What a keyword asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    /// Stop all messages from this sender.
    OptOut,
    /// Resume messages.
    OptIn,
    /// Asks who is writing and how to stop.
    Help,
}

/// Twilio's default opt-out words.
const OPT_OUT: &[&str] = &["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"];
/// Twilio's default opt-in words.
const OPT_IN: &[&str] = &["START", "YES", "UNSTOP"];
/// Twilio's default help words.
const HELP: &[&str] = &["HELP", "INFO"];

/// The keyword `body` is, when the whole body is one.
///
/// ```
/// use switchboard_domain::sms::{keyword, Keyword};
/// assert_eq!(keyword(" stop "), Some(Keyword::OptOut));
/// assert_eq!(keyword("please stop"), None);
/// ```
pub fn keyword(body: &str) -> Option<Keyword> {
    let word = body.trim();
    let is = |list: &[&str]| list.iter().any(|k| k.eq_ignore_ascii_case(word));
    if is(OPT_OUT) {
        Some(Keyword::OptOut)
    } else if is(OPT_IN) {
        Some(Keyword::OptIn)
    } else if is(HELP) {
        Some(Keyword::Help)
    } else {
        None
    }
}

impl Keyword {
    /// The consent it records: `Some(false)` opt-out, `Some(true)` opt-in, `None` for help.
    pub fn consent(self) -> Option<bool> {
        match self {
            Keyword::OptOut => Some(false),
            Keyword::OptIn => Some(true),
            Keyword::Help => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_bodies_only_any_case() {
        for w in [
            "STOP",
            "stop",
            "StopAll",
            "unsubscribe",
            "Cancel",
            "end",
            "QUIT\n",
        ] {
            assert_eq!(keyword(w), Some(Keyword::OptOut), "{w}");
        }
        for w in ["start", "YES", "Unstop"] {
            assert_eq!(keyword(w), Some(Keyword::OptIn), "{w}");
        }
        assert_eq!(keyword("help"), Some(Keyword::Help));
        assert_eq!(keyword("Info"), Some(Keyword::Help));
        for w in ["", "stop it", "STOP!", "yes please", "stopp"] {
            assert_eq!(keyword(w), None, "{w:?}");
        }
        assert_eq!(Keyword::OptOut.consent(), Some(false));
        assert_eq!(Keyword::Help.consent(), None);
    }
}
