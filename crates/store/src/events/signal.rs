//! The in-process wake-up of live event streams: a store raises it for an organization once an
//! event of that organization is committed (SQLite: by its writer after the commit; PostgreSQL:
//! by its listener on every node, from the NOTIFY sent in the event's transaction), and each
//! stream waits on its organization's signal instead of only polling.

use std::collections::HashMap;
use std::sync::Mutex;

use switchboard_domain::OrgId;
use tokio::sync::watch;

/// One watch channel per organization with a stream open; raising it marks every receiver of
/// that organization changed, so a stream that was busy reading when it was raised still sees it.
#[derive(Debug, Default)]
pub struct EventSignal {
    orgs: Mutex<HashMap<OrgId, watch::Sender<()>>>,
}

impl EventSignal {
    /// A receiver raised by every later [`EventSignal::raise`] for `org`.
    pub fn subscribe(&self, org: OrgId) -> watch::Receiver<()> {
        let mut orgs = self.orgs.lock().unwrap_or_else(|e| e.into_inner());
        orgs.entry(org)
            .or_insert_with(|| watch::channel(()).0)
            .subscribe()
    }

    /// Wakes `org`'s streams. Organizations whose streams have all closed are forgotten here.
    pub fn raise(&self, org: OrgId) {
        let mut orgs = self.orgs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = orgs.get(&org)
            && tx.send(()).is_err()
        {
            orgs.remove(&org);
        }
    }

    /// Wakes every stream: after a lost listener connection, any organization may have missed
    /// a notification.
    pub fn raise_all(&self) {
        let mut orgs = self.orgs.lock().unwrap_or_else(|e| e.into_inner());
        orgs.retain(|_, tx| tx.send(()).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_raise_wakes_its_organization_only() {
        let signal = EventSignal::default();
        let (a, b) = (OrgId::new(), OrgId::new());
        let mut rx_a = signal.subscribe(a);
        let rx_b = signal.subscribe(b);
        signal.raise(a);
        assert!(rx_a.has_changed().unwrap());
        assert!(!rx_b.has_changed().unwrap());
        rx_a.changed().await.unwrap();
        signal.raise_all();
        assert!(rx_a.has_changed().unwrap() && rx_b.has_changed().unwrap());
        drop((rx_a, rx_b));
        signal.raise(a);
        signal.raise_all();
        assert!(
            signal.orgs.lock().unwrap().is_empty(),
            "closed streams are forgotten"
        );
    }
}
