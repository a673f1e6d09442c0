//! API keys. The secret is shown once; only its SHA-256 is stored, found by its visible prefix.

use ipnet::IpNet;
use switchboard_domain::{ApiKeyId, ChannelId, Name, OrgId, Scope, Timestamp, UserId};

use crate::{Effects, Page, PageRequest, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub org_id: OrgId,
    pub name: Name,
    /// The visible start of the secret, unique across the installation; how a key is looked up.
    pub prefix: String,
    /// SHA-256 of the whole secret.
    pub secret_hash: Vec<u8>,
    pub scopes: Vec<Scope>,
    /// Empty means every channel.
    pub channel_ids: Vec<ChannelId>,
    /// Empty means any address.
    pub allowed_ips: Vec<IpNet>,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    /// Who made it: a user, another key, or nobody (the operator's CLI).
    pub created_by_user: Option<UserId>,
    pub created_by_key: Option<ApiKeyId>,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub last_used_ip: Option<String>,
}

#[async_trait::async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// `Conflict { what: "api_key_prefix" }` on a prefix collision (the caller draws again).
    async fn create_api_key(&self, key: &ApiKey, effects: &Effects) -> Result<()>;
    async fn get_api_key(&self, org: OrgId, id: ApiKeyId) -> Result<ApiKey>;
    /// Authentication: not tenant-scoped, since the key is what tells the organization.
    async fn find_api_key_by_prefix(&self, prefix: &str) -> Result<ApiKey>;
    /// Ascending by id, revoked keys included.
    async fn list_api_keys(&self, org: OrgId, page: PageRequest) -> Result<Page<ApiKey>>;
    /// Sets `revoked_at` (idempotent: a second revoke keeps the first time).
    async fn revoke_api_key(
        &self,
        org: OrgId,
        id: ApiKeyId,
        at: Timestamp,
        effects: &Effects,
    ) -> Result<()>;
    /// Replaces prefix and hash (the old secret stops working at once); `NotFound` if revoked.
    async fn rotate_api_key(
        &self,
        org: OrgId,
        id: ApiKeyId,
        prefix: &str,
        secret_hash: &[u8],
        effects: &Effects,
    ) -> Result<()>;
    /// Records use. Callers throttle this (at most once a minute per key) to keep it off the hot path.
    async fn touch_api_key(&self, id: ApiKeyId, at: Timestamp, ip: Option<&str>) -> Result<()>;
}
