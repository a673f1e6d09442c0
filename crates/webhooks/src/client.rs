//! The HTTP client that delivers webhooks. Its resolver resolves the target's name and hands the
//! connector only the addresses the guard allows, so the address checked is the address connected
//! to (no second lookup an attacker's DNS could answer differently); IP literals are checked
//! before the request; redirects are never followed; every attempt has a 15 s deadline.

use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::guard::{AddressGuard, Refusal};
use crate::hosts::StaticHosts;

/// A receiver has this long to answer 2xx.
pub const DEADLINE: Duration = Duration::from_secs(15);
/// Response bodies kept for the delivery log.
pub const KEEP_BODY: usize = 2_048;

/// How an attempt went when the receiver answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub duration: Duration,
    /// The start of the body, lossily decoded.
    pub body: String,
    /// `Retry-After` in seconds, when given on a 429 or 503.
    pub retry_after: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    #[error("the URL is not an absolute http(s) URL: {0}")]
    InvalidUrl(String),
    #[error("{host} resolves to {addr}, a {reason} address")]
    Refused {
        host: String,
        addr: IpAddr,
        reason: Refusal,
    },
    #[error("{0} does not resolve")]
    Unresolvable(String),
    #[error("no answer within 15 s")]
    Timeout,
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("delivery failed: {0}")]
    Other(String),
}

impl DeliveryError {
    /// Stable code for the delivery log.
    pub fn code(&self) -> &'static str {
        match self {
            DeliveryError::InvalidUrl(_) => "invalid_url",
            DeliveryError::Refused { .. } => "address_refused",
            DeliveryError::Unresolvable(_) => "unresolvable",
            DeliveryError::Timeout => "timeout",
            DeliveryError::Connect(_) => "connect_failed",
            DeliveryError::Other(_) => "delivery_failed",
        }
    }
}

/// The resolver error that carries the refusal through reqwest back to us.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to {addr}, a {reason} address")]
struct RefusedAddress {
    host: String,
    addr: IpAddr,
    reason: Refusal,
}

#[derive(Debug, thiserror::Error)]
#[error("{0} does not resolve")]
struct NoAddress(String);

struct GuardedResolver {
    guard: AddressGuard,
    hosts: StaticHosts,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let (guard, hosts) = (self.guard.clone(), self.hosts.clone());
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = hosts.lookup(&host).await.map_err(|_| {
                Box::new(NoAddress(host.clone())) as Box<dyn StdError + Send + Sync>
            })?;
            // Every address must pass: a name with one public and one private address would let
            // the connector fall back to the private one.
            for addr in &found {
                if let Err(reason) = guard.check(addr.ip()) {
                    let refused = RefusedAddress {
                        host: host.clone(),
                        addr: addr.ip(),
                        reason,
                    };
                    return Err(Box::new(refused) as Box<dyn StdError + Send + Sync>);
                }
            }
            if found.is_empty() {
                return Err(Box::new(NoAddress(host)) as Box<dyn StdError + Send + Sync>);
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// One per process: pooled connections to receivers, guarded.
#[derive(Clone)]
pub struct DeliveryClient {
    http: reqwest::Client,
    guard: AddressGuard,
    hosts: StaticHosts,
}

impl std::fmt::Debug for DeliveryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeliveryClient")
            .field("guard", &self.guard)
            .finish()
    }
}

impl DeliveryClient {
    pub fn new(guard: AddressGuard) -> Self {
        Self::with_hosts(guard, StaticHosts::default())
    }

    /// A client whose resolver answers the names of `hosts` itself (tests); every other name,
    /// and every name in production, goes to the system resolver. The guard checks both alike.
    pub fn with_hosts(guard: AddressGuard, hosts: StaticHosts) -> Self {
        let http = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver {
                guard: guard.clone(),
                hosts: hosts.clone(),
            }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(DEADLINE)
            .connect_timeout(Duration::from_secs(5))
            .pool_idle_timeout(Duration::from_secs(60))
            .user_agent(concat!("Switchboard-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the webhook client builds");
        Self { http, guard, hosts }
    }

    /// Checks a URL as an endpoint is saved: its form, and every address its host has now.
    pub async fn check_url(&self, url: &str) -> Result<(), DeliveryError> {
        let host = self.literal_checked(url)?;
        if let Some(host) = host {
            let resolver = GuardedResolver {
                guard: self.guard.clone(),
                hosts: self.hosts.clone(),
            };
            let name: Name = host
                .parse()
                .map_err(|_| DeliveryError::InvalidUrl(url.to_owned()))?;
            // Only the check matters here; each delivery resolves (and checks) again.
            let _addrs = resolver
                .resolve(name)
                .await
                .map_err(|e| from_source(e.as_ref()))?;
        }
        Ok(())
    }

    /// Parses `url`; answers the host name to resolve, or `None` for a checked IP literal.
    fn literal_checked(&self, url: &str) -> Result<Option<String>, DeliveryError> {
        let invalid = || DeliveryError::InvalidUrl(url.to_owned());
        let parsed = url::Url::parse(url).map_err(|_| invalid())?;
        if !matches!(parsed.scheme(), "http" | "https") || !parsed.username().is_empty() {
            return Err(invalid());
        }
        match parsed.host().ok_or_else(invalid)? {
            url::Host::Domain(d) => Ok(Some(d.to_owned())),
            url::Host::Ipv4(ip) => self.literal(url, IpAddr::V4(ip)).map(|()| None),
            url::Host::Ipv6(ip) => self.literal(url, IpAddr::V6(ip)).map(|()| None),
        }
    }

    fn literal(&self, url: &str, ip: IpAddr) -> Result<(), DeliveryError> {
        self.guard
            .check(ip)
            .map_err(|reason| DeliveryError::Refused {
                host: url::Url::parse(url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_owned))
                    .unwrap_or_default(),
                addr: ip,
                reason,
            })
    }

    /// POSTs `body` with `headers`; an answer of any status is `Ok` (the caller decides what a
    /// non-2xx means), a refusal or transport failure is `Err`.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: bytes::Bytes,
    ) -> Result<Answer, DeliveryError> {
        self.literal_checked(url)?;
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| DeliveryError::Other(e.to_string()))?;
            let value =
                HeaderValue::from_str(value).map_err(|e| DeliveryError::Other(e.to_string()))?;
            map.insert(name, value);
        }
        let started = Instant::now();
        let response = self
            .http
            .post(url)
            .headers(map)
            .body(body)
            .send()
            .await
            .map_err(|e| from_reqwest(&e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        // The body counts against the deadline too; only its start is kept.
        let bytes = response.bytes().await.unwrap_or_default();
        let keep = &bytes[..bytes.len().min(KEEP_BODY)];
        Ok(Answer {
            status,
            duration: started.elapsed(),
            body: String::from_utf8_lossy(keep).into_owned(),
            retry_after,
        })
    }
}

fn from_reqwest(e: &reqwest::Error) -> DeliveryError {
    if let Some(found) = source_error(e) {
        return found;
    }
    if e.is_timeout() {
        DeliveryError::Timeout
    } else if e.is_connect() {
        DeliveryError::Connect(e.to_string())
    } else {
        DeliveryError::Other(e.to_string())
    }
}

/// Our resolver's refusal, wherever reqwest put it in the chain of causes.
fn source_error(e: &(dyn StdError + 'static)) -> Option<DeliveryError> {
    let mut cause: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(r) = c.downcast_ref::<RefusedAddress>() {
            return Some(DeliveryError::Refused {
                host: r.host.clone(),
                addr: r.addr,
                reason: r.reason,
            });
        }
        if let Some(n) = c.downcast_ref::<NoAddress>() {
            return Some(DeliveryError::Unresolvable(n.0.clone()));
        }
        cause = c.source();
    }
    None
}

fn from_source(e: &(dyn StdError + Send + Sync + 'static)) -> DeliveryError {
    source_error(e).unwrap_or_else(|| DeliveryError::Other(e.to_string()))
}
