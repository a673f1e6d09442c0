//! Which inbound webhooks must be kept raw: those of a channel that an enabled `meta`-format
//! endpoint of its organization covers, for that endpoint receives the provider's exact body.
//! Asked on every inbound webhook, so answered from a short per-organization cache; this node's
//! own endpoint changes drop it at once, another node's are seen within [`FRESH`].

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use switchboard_domain::{ChannelId, OrgId};
use switchboard_store::PageRequest;

use crate::{Core, CoreResult};

/// How long an organization's meta-format endpoints are trusted without reading them again:
/// short, since a webhook arriving in this window after another node created an endpoint is not
/// forwarded to it; long enough that a burst of webhooks costs one read.
const FRESH: Duration = Duration::from_secs(1);

/// The channel filters of an organization's enabled meta-format endpoints (an empty filter
/// covers every channel), and when they were read.
type Filters = (Instant, Vec<Vec<ChannelId>>);

/// Per organization, its [`Filters`].
#[derive(Default)]
pub(crate) struct MetaEndpoints {
    orgs: Mutex<HashMap<OrgId, Filters>>,
}

impl Core {
    /// Whether `channel`'s raw webhooks must be kept for a meta-format endpoint.
    pub(crate) async fn keeps_raw_webhooks(
        &self,
        org: OrgId,
        channel: ChannelId,
    ) -> CoreResult<bool> {
        let covers = |filters: &[Vec<ChannelId>]| {
            filters.iter().any(|f| f.is_empty() || f.contains(&channel))
        };
        if let Some((at, filters)) = self.meta_endpoints.orgs.lock().get(&org)
            && at.elapsed() < FRESH
        {
            return Ok(covers(filters));
        }
        let mut filters = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .store
                .list_webhook_endpoints(org, PageRequest { after, limit: 100 })
                .await?;
            filters.extend(
                page.items
                    .iter()
                    .filter(|e| e.enabled && e.is_meta())
                    .map(|e| e.channel_ids.clone()),
            );
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let answer = covers(&filters);
        let mut orgs = self.meta_endpoints.orgs.lock();
        // Forget organizations not asked about for a while, so the map stays small.
        orgs.retain(|_, (at, _)| at.elapsed() < FRESH * 60);
        orgs.insert(org, (Instant::now(), filters));
        Ok(answer)
    }

    /// This node changed one of `org`'s endpoints: read them again on the next webhook.
    pub(crate) fn forget_meta_endpoints(&self, org: OrgId) {
        self.meta_endpoints.orgs.lock().remove(&org);
    }
}
