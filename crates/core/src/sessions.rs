//! Browser sign-in: login (with per-account lock-out and a per-IP limit), logout, password change.
//! Wrong password and unknown e-mail answer the same error after the same amount of work.

use std::net::IpAddr;
use std::time::Duration;

use serde_json::json;
use switchboard_domain::{Email, OrgId, Secret, SessionId, Timestamp};
use switchboard_store::{LoginThrottle, Session, StoreError, User};

use crate::{Core, CoreError, CoreResult, CoreSettings, Principal, audit, passwords, tokens};

#[derive(Debug, Clone)]
pub struct Login {
    /// Raw as typed: a malformed address is just another unknown account.
    pub email: String,
    pub password: Secret,
    /// The organization to work in; the user's first membership when `None`.
    pub org: Option<OrgId>,
    pub ip: Option<IpAddr>,
    pub ttl: Duration,
}

#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// The cookie value; only its SHA-256 is stored.
    pub token: Secret,
    pub csrf_token: Secret,
    pub session_id: SessionId,
    pub user: User,
    pub org_id: OrgId,
    pub expires_at: Timestamp,
}

impl Core {
    pub async fn login(&self, login: Login) -> CoreResult<LoggedIn> {
        if let Some(ip) = login.ip {
            let d = self.login_ips.check(&ip.to_string());
            if !d.allowed {
                return Err(CoreError::LoginThrottled {
                    retry_after_secs: d.retry_after.as_secs().max(1),
                });
            }
        }
        let user = match Email::parse(&login.email) {
            Ok(email) => match self.store.find_user_by_email(&email).await {
                Ok(u) => Some(u),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            Err(_) => None,
        };
        let Some(user) = user else {
            passwords::verify(&login.password, None).await?;
            return Err(CoreError::InvalidCredentials);
        };
        let now = switchboard_domain::now();
        let throttle = self.store.login_throttle(user.id).await?;
        if let Some(until) = throttle.locked_until.filter(|t| *t > now) {
            return Err(CoreError::LoginThrottled {
                retry_after_secs: ceil_secs(until - now),
            });
        }
        if !passwords::verify(&login.password, user.password_hash.clone()).await? {
            let next = next_throttle(&self.settings, throttle, now);
            self.store.set_login_throttle(user.id, next).await?;
            return Err(CoreError::InvalidCredentials);
        }
        if throttle != LoginThrottle::default() {
            self.store
                .set_login_throttle(user.id, LoginThrottle::default())
                .await?;
        }
        let memberships = self.store.list_memberships_of_user(user.id).await?;
        let org_id = match login.org {
            Some(org) => memberships
                .iter()
                .find(|m| m.org_id == org)
                .map(|m| m.org_id),
            None => memberships
                .iter()
                .min_by_key(|m| m.created_at)
                .map(|m| m.org_id),
        }
        .ok_or(CoreError::InvalidCredentials)?;
        let token = tokens::new_token();
        let csrf = tokens::new_token();
        let ttl = time::Duration::try_from(login.ttl)
            .map_err(|_| CoreError::validation("session_ttl", "session lifetime is too long"))?;
        let session = Session {
            id: SessionId::new(),
            token_hash: tokens::sha256(&token),
            user_id: user.id,
            org_id,
            csrf_token: csrf.clone(),
            created_at: now,
            expires_at: now + ttl,
            ip: login.ip.map(|ip| ip.to_string()),
        };
        self.store.create_session(&session).await?;
        Ok(LoggedIn {
            token: Secret::new(token),
            csrf_token: Secret::new(csrf),
            session_id: session.id,
            user,
            org_id,
            expires_at: session.expires_at,
        })
    }

    /// Ends the caller's session (a no-op for API keys, which have none).
    pub async fn logout(&self, p: &Principal) -> CoreResult<()> {
        if let Principal::User(u) = p
            && let Some(id) = u.session_id
        {
            self.store.delete_session(id).await?;
        }
        Ok(())
    }

    /// Changes the signed-in user's own password; every session of the user ends with it.
    pub async fn change_password(
        &self,
        p: &Principal,
        current: &Secret,
        new: &Secret,
    ) -> CoreResult<()> {
        let Principal::User(u) = p else {
            return Err(CoreError::validation(
                "credentials",
                "only a signed-in user can change their password",
            ));
        };
        passwords::check_strength(new, "new_password")?;
        let user = self.store.get_user(u.user_id).await?;
        if !passwords::verify(current, user.password_hash.clone()).await? {
            return Err(CoreError::InvalidCredentials);
        }
        let hash = passwords::hash(new).await?;
        let effects = audit::effects(p, "user.password_changed", "user", user.id, json!({}));
        self.store
            .set_password(user.id, &hash, switchboard_domain::now(), &effects)
            .await?;
        Ok(())
    }
}

/// One more consecutive failure; from the configured count on, the account locks for
/// 2^(n - count) seconds, doubling per failure up to the cap.
fn next_throttle(s: &CoreSettings, t: LoginThrottle, now: Timestamp) -> LoginThrottle {
    let failed = t.failed_logins.saturating_add(1);
    let free = s.login_failures_before_lock;
    let locked_until = (failed >= free).then(|| {
        let exp = (failed - free).min(30);
        let secs = (1u64 << exp).min(s.login_lock_max_secs);
        now + time::Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX))
    });
    LoginThrottle {
        failed_logins: failed,
        locked_until,
    }
}

fn ceil_secs(d: time::Duration) -> u64 {
    let ms = d.whole_milliseconds().max(0);
    u64::try_from((ms + 999) / 1000).unwrap_or(u64::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_out_doubles_from_the_fifth_failure_up_to_the_cap() {
        let settings = CoreSettings::default();
        let now = switchboard_domain::now();
        let step = |failed: u32| {
            let t = LoginThrottle {
                failed_logins: failed,
                locked_until: None,
            };
            next_throttle(&settings, t, now)
        };
        assert_eq!(step(3).locked_until, None);
        assert_eq!(step(3).failed_logins, 4);
        assert_eq!(step(4).locked_until, Some(now + time::Duration::seconds(1)));
        assert_eq!(step(5).locked_until, Some(now + time::Duration::seconds(2)));
        assert_eq!(step(7).locked_until, Some(now + time::Duration::seconds(8)));
        assert_eq!(
            step(40).locked_until,
            Some(now + time::Duration::seconds(900))
        );
    }
}
