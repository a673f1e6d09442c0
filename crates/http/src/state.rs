//! What every handler and middleware shares: the use cases, the settings, the rate limiter.

use std::sync::Arc;

use switchboard_core::{Core, TokenBuckets};

use crate::HttpSettings;

#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    pub settings: Arc<HttpSettings>,
    /// Per-caller request budget; in memory, so per node.
    pub limiter: Arc<TokenBuckets>,
}

impl AppState {
    pub fn new(core: Core, settings: HttpSettings) -> Self {
        let limiter = TokenBuckets::per_minute(settings.rate_limit_per_minute);
        Self {
            core,
            settings: Arc::new(settings),
            limiter: Arc::new(limiter),
        }
    }
}
