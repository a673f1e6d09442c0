//! The customer-service window of WhatsApp, Messenger and Instagram (PRODUCT §8, PROVIDERS §2.1)
//! as one pure decision, so the API refuses a send the provider would refuse, before it is
//! queued: free-form replies within 24 hours of the customer's last message; after that, on
//! WhatsApp only approved templates (the caller decides that before asking), on Messenger and
//! Instagram only with a message tag, `human_agent` reaching 7 days (both platforms),
//! Messenger's update tags any time.
//!
//! Issue 7 grows this into the policy engine (WhatsApp templates, opt-outs, tiers).

use time::Duration;

use super::ChannelKind;
use super::wire_enum;
use crate::Timestamp;

/// Free-form replies are allowed this long after the customer's last message.
pub const SERVICE_WINDOW: Duration = Duration::hours(24);
/// The human-agent tag extends the window to this.
pub const HUMAN_AGENT_WINDOW: Duration = Duration::days(7);

/// A Messenger / Instagram message tag, as the API caller writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageTag {
    /// A person answers, up to 7 days after the customer's last message (both platforms).
    HumanAgent,
    /// A change to the customer's account (Messenger).
    AccountUpdate,
    /// An update on a purchase (Messenger).
    PostPurchaseUpdate,
    /// A reminder or update about an event the customer registered for (Messenger).
    ConfirmedEventUpdate,
}

wire_enum!(MessageTag {
    HumanAgent => "human_agent",
    AccountUpdate => "account_update",
    PostPurchaseUpdate => "post_purchase_update",
    ConfirmedEventUpdate => "confirmed_event_update",
});

/// Why a tag cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{tag}` is not a message tag of {kind} channels; {expected}")]
pub struct TagError {
    pub tag: String,
    pub kind: ChannelKind,
    pub expected: &'static str,
}

impl MessageTag {
    /// The tag `raw` on a channel of `kind`: known, and allowed there.
    pub fn for_kind(kind: ChannelKind, raw: &str) -> Result<Self, TagError> {
        let fail = |expected| TagError {
            tag: raw.chars().take(64).collect(),
            kind,
            expected,
        };
        match (kind, Self::parse(raw)) {
            (ChannelKind::Messenger, Some(tag)) => Ok(tag),
            (ChannelKind::Instagram, Some(Self::HumanAgent)) => Ok(Self::HumanAgent),
            (ChannelKind::Messenger, None) => Err(fail(
                "expected human_agent, account_update, post_purchase_update or confirmed_event_update",
            )),
            (ChannelKind::Instagram, _) => Err(fail("Instagram only knows human_agent")),
            _ => Err(fail(
                "only Messenger and Instagram channels take message tags",
            )),
        }
    }
}

/// How a send may go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowVerdict {
    /// The kind has no such window (this rule does not apply).
    NoWindow,
    /// Inside the 24-hour window, until then.
    Open { until: Timestamp },
    /// Outside it (or with a tag the caller chose), allowed by the tag.
    Tagged(MessageTag),
}

/// A send refused: when the window closed, and whether `human_agent` would still allow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowClosed {
    /// When the 24-hour window closed; `None` when the customer never wrote.
    pub closed_at: Option<Timestamp>,
    /// `human_agent`, until when, if the caller could send with that tag.
    pub human_agent_until: Option<Timestamp>,
    /// A template may still be sent (WhatsApp).
    pub templates_allowed: bool,
}

/// Decides a send on a channel of `kind` to a customer who last wrote at `last_inbound`.
pub fn check_window(
    kind: ChannelKind,
    last_inbound: Option<Timestamp>,
    now: Timestamp,
    tag: Option<MessageTag>,
) -> Result<WindowVerdict, WindowClosed> {
    if !matches!(
        kind,
        ChannelKind::Whatsapp | ChannelKind::Messenger | ChannelKind::Instagram
    ) {
        return Ok(WindowVerdict::NoWindow);
    }
    let whatsapp = kind == ChannelKind::Whatsapp;
    let closes = last_inbound.map(|t| t + SERVICE_WINDOW);
    let agent_closes = last_inbound.map(|t| t + HUMAN_AGENT_WINDOW);
    let before = |end: Option<Timestamp>| end.is_some_and(|end| now < end);
    match tag {
        // Messenger's update tags are for proactive updates outside the window.
        Some(
            t @ (MessageTag::AccountUpdate
            | MessageTag::PostPurchaseUpdate
            | MessageTag::ConfirmedEventUpdate),
        ) => Ok(WindowVerdict::Tagged(t)),
        Some(MessageTag::HumanAgent) if before(agent_closes) => {
            Ok(WindowVerdict::Tagged(MessageTag::HumanAgent))
        }
        None if before(closes) => Ok(WindowVerdict::Open {
            until: closes.unwrap_or(now),
        }),
        _ => Err(WindowClosed {
            closed_at: closes,
            // WhatsApp has no tags: past the window only templates go.
            human_agent_until: agent_closes.filter(|_| !whatsapp && before(agent_closes)),
            templates_allowed: whatsapp,
        }),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const WROTE: Timestamp = datetime!(2026-11-01 09:00 UTC);

    fn at(d: Duration) -> Timestamp {
        WROTE + d
    }

    #[test]
    fn the_window_is_open_until_the_last_second_of_the_day() {
        let m = ChannelKind::Messenger;
        let open = check_window(
            m,
            Some(WROTE),
            at(Duration::hours(24) - Duration::seconds(1)),
            None,
        );
        assert_eq!(
            open,
            Ok(WindowVerdict::Open {
                until: at(Duration::hours(24))
            })
        );
        let closed = check_window(m, Some(WROTE), at(Duration::hours(24)), None).unwrap_err();
        assert_eq!(closed.closed_at, Some(at(Duration::hours(24))));
        assert_eq!(closed.human_agent_until, Some(at(Duration::days(7))));
        let never = check_window(ChannelKind::Instagram, None, WROTE, None).unwrap_err();
        assert_eq!(
            never,
            WindowClosed {
                closed_at: None,
                human_agent_until: None,
                templates_allowed: false,
            }
        );
    }

    #[test]
    fn whatsapp_closes_at_24_hours_with_templates_as_the_only_way_on() {
        let wa = ChannelKind::Whatsapp;
        let last_second = at(Duration::hours(24) - Duration::seconds(1));
        assert!(matches!(
            check_window(wa, Some(WROTE), last_second, None),
            Ok(WindowVerdict::Open { .. })
        ));
        let closed = check_window(wa, Some(WROTE), at(Duration::hours(24)), None).unwrap_err();
        assert_eq!(
            closed,
            WindowClosed {
                closed_at: Some(at(Duration::hours(24))),
                human_agent_until: None,
                templates_allowed: true,
            }
        );
        assert!(check_window(wa, None, WROTE, None).is_err(), "never wrote");
    }

    #[test]
    fn human_agent_reaches_seven_days_and_no_further() {
        let ig = ChannelKind::Instagram;
        let tag = Some(MessageTag::HumanAgent);
        let late = at(Duration::days(7) - Duration::seconds(1));
        assert_eq!(
            check_window(ig, Some(WROTE), late, tag),
            Ok(WindowVerdict::Tagged(MessageTag::HumanAgent))
        );
        let closed = check_window(ig, Some(WROTE), at(Duration::days(7)), tag).unwrap_err();
        assert_eq!(closed.human_agent_until, None);
        // Inside the day the tag is allowed too (the caller chose it).
        assert!(check_window(ig, Some(WROTE), at(Duration::hours(1)), tag).is_ok());
        assert!(
            check_window(ig, None, WROTE, tag).is_err(),
            "the customer never wrote"
        );
    }

    #[test]
    fn messenger_update_tags_go_any_time_and_other_kinds_have_no_window_here() {
        let m = ChannelKind::Messenger;
        let tag = Some(MessageTag::PostPurchaseUpdate);
        assert!(check_window(m, Some(WROTE), at(Duration::days(30)), tag).is_ok());
        assert_eq!(
            check_window(ChannelKind::Sms, None, WROTE, None),
            Ok(WindowVerdict::NoWindow)
        );
    }

    #[test]
    fn tags_are_checked_per_kind() {
        assert_eq!(
            MessageTag::for_kind(ChannelKind::Messenger, "account_update"),
            Ok(MessageTag::AccountUpdate)
        );
        assert_eq!(
            MessageTag::for_kind(ChannelKind::Instagram, "human_agent"),
            Ok(MessageTag::HumanAgent)
        );
        assert!(MessageTag::for_kind(ChannelKind::Instagram, "account_update").is_err());
        assert!(MessageTag::for_kind(ChannelKind::Messenger, "HUMAN_AGENT").is_err());
        assert!(MessageTag::for_kind(ChannelKind::Whatsapp, "human_agent").is_err());
    }
}
