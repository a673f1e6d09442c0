//! How the webhook client finds a name's addresses: the system resolver, unless a static hosts
//! map names the host first. The map is empty in production; tests (which have no DNS of their
//! own) fill it to make names resolve to the address classes the guard must refuse, and change
//! it between the check and a delivery to play a rebinding DNS. Either way the answer goes
//! through the same guard, in the same resolver, before anything connects.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, RwLock};

/// Names answered without asking DNS. Cloning shares the map.
#[derive(Debug, Clone, Default)]
pub struct StaticHosts {
    names: Arc<RwLock<HashMap<String, Vec<IpAddr>>>>,
}

impl StaticHosts {
    /// Makes `name` (any case) resolve to `addrs`, replacing what it resolved to before.
    pub fn set(&self, name: &str, addrs: Vec<IpAddr>) {
        let mut names = self.names.write().unwrap_or_else(|e| e.into_inner());
        names.insert(name.to_ascii_lowercase(), addrs);
    }

    fn get(&self, name: &str) -> Option<Vec<IpAddr>> {
        let names = self.names.read().unwrap_or_else(|e| e.into_inner());
        names.get(&name.to_ascii_lowercase()).cloned()
    }

    /// Every address of `host`: from the map when it names the host, else from the system.
    pub(crate) async fn lookup(&self, host: &str) -> std::io::Result<Vec<SocketAddr>> {
        if let Some(addrs) = self.get(host) {
            return Ok(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect());
        }
        Ok(tokio::net::lookup_host((host, 0)).await?.collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_map_answers_first_and_the_system_the_rest() {
        let hosts = StaticHosts::default();
        hosts.set("Hooks.Example", vec!["10.1.2.3".parse().unwrap()]);
        let found = hosts.lookup("hooks.example").await.unwrap();
        assert_eq!(found, vec!["10.1.2.3:0".parse().unwrap()]);
        let system = hosts.lookup("localhost").await.unwrap();
        assert!(system.iter().all(|a| a.ip().is_loopback()), "{system:?}");
    }
}
