//! `Idempotency-Key` bookkeeping for the HTTP edge: records are per organization and per caller,
//! so one caller can never replay another's answer.

use std::time::Duration;

use switchboard_store::{IdempotencyBegin, IdempotencyKey, StoredResponse};

use crate::{Core, CoreResult, Principal};

impl Core {
    fn idempotency_key(p: &Principal, key: &str) -> IdempotencyKey {
        IdempotencyKey {
            org_id: p.org(),
            principal: p.key(),
            key: key.to_owned(),
        }
    }

    /// Claims `key` for a request with digest `request_hash`, or says how to answer instead.
    pub async fn begin_idempotent(
        &self,
        p: &Principal,
        key: &str,
        request_hash: &[u8],
    ) -> CoreResult<IdempotencyBegin> {
        let now = switchboard_domain::now();
        let lock = Duration::from_secs(self.settings.idempotency_lock_secs);
        let until = now + time::Duration::try_from(lock).unwrap_or(time::Duration::MINUTE);
        Ok(self
            .store
            .begin_idempotent(&Self::idempotency_key(p, key), request_hash, now, until)
            .await?)
    }

    pub async fn finish_idempotent(
        &self,
        p: &Principal,
        key: &str,
        response: &StoredResponse,
    ) -> CoreResult<()> {
        let now = switchboard_domain::now();
        Ok(self
            .store
            .finish_idempotent(&Self::idempotency_key(p, key), response, now)
            .await?)
    }

    pub async fn abandon_idempotent(&self, p: &Principal, key: &str) -> CoreResult<()> {
        Ok(self
            .store
            .abandon_idempotent(&Self::idempotency_key(p, key))
            .await?)
    }
}
