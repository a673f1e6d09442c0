//! Webhooks to customers' systems (PRODUCT §12), the parts that do not touch the store: secrets
//! and signatures per the Standard Webhooks specification, the SSRF guard (every resolved address
//! checked, the checked address the one connected to, no redirects), and the retry schedule.
//! Endpoints, the delivery log and the jobs that deliver live in `core` and the stores.

pub mod client;
pub mod guard;
pub mod hosts;
pub mod schedule;
pub mod signature;

pub use client::{DeliveryClient, DeliveryError};
pub use guard::{AddressGuard, Refusal};
pub use hosts::StaticHosts;
pub use schedule::RetrySchedule;
pub use signature::{SecretError, WebhookSecret};
