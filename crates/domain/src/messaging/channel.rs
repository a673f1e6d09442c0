//! Channel kinds (PRODUCT §2) and a channel's operational status.

use super::wire_enum;

/// What kind of messaging account a channel connects. Protocol backends (Cloud API, a BSP,
/// Twilio...) sit below a kind and are named by the connectors' registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    Whatsapp,
    Messenger,
    Instagram,
    Telegram,
    Sms,
    Email,
    Webchat,
}

wire_enum!(ChannelKind {
    Whatsapp => "whatsapp",
    Messenger => "messenger",
    Instagram => "instagram",
    Telegram => "telegram",
    Sms => "sms",
    Email => "email",
    Webchat => "webchat",
});

impl ChannelKind {
    /// How long after the customer's last message a business may answer freely (Meta's
    /// customer-service window); `None` for kinds without such a rule.
    pub fn service_window(self) -> Option<time::Duration> {
        match self {
            ChannelKind::Whatsapp | ChannelKind::Messenger | ChannelKind::Instagram => {
                Some(time::Duration::hours(24))
            }
            _ => None,
        }
    }

    /// Until when the window opened by `last_inbound_at` stays open, or `None` when the kind
    /// has no window, the customer never wrote, or the window has already closed at `now`.
    pub fn window_open_until(
        self,
        last_inbound_at: Option<crate::Timestamp>,
        now: crate::Timestamp,
    ) -> Option<crate::Timestamp> {
        let until = last_inbound_at? + self.service_window()?;
        (until > now).then_some(until)
    }
}

/// Whether a channel is working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelStatus {
    /// Sending and receiving.
    Active,
    /// Created, not yet proven to work (no successful test or inbound yet).
    Pending,
    /// The provider refused us lately (bad credentials, account locked...): see the last error.
    Error,
    /// Turned off by an admin: nothing is sent, inbound webhooks are refused.
    Disabled,
}

wire_enum!(ChannelStatus {
    Active => "active",
    Pending => "pending",
    Error => "error",
    Disabled => "disabled",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for kind in ChannelKind::ALL {
            assert_eq!(ChannelKind::parse(kind.as_str()), Some(*kind));
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(serde_json::from_str::<ChannelKind>(&json).unwrap(), *kind);
        }
        let err = serde_json::from_str::<ChannelKind>("\"fax\"").unwrap_err();
        assert!(err.to_string().contains("not one of whatsapp"), "{err}");
    }

    #[test]
    fn the_window_runs_a_day_from_the_last_inbound_message() {
        let now = crate::now();
        let wa = ChannelKind::Whatsapp;
        let an_hour_ago = now - time::Duration::hours(1);
        assert_eq!(
            wa.window_open_until(Some(an_hour_ago), now),
            Some(an_hour_ago + time::Duration::hours(24))
        );
        assert_eq!(wa.window_open_until(None, now), None, "never wrote");
        let long_ago = now - time::Duration::hours(24);
        assert_eq!(wa.window_open_until(Some(long_ago), now), None, "closed");
        assert_eq!(
            ChannelKind::Sms.window_open_until(Some(an_hour_ago), now),
            None
        );
    }
}
