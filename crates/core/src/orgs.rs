//! Organizations: creation by the operator (with an owner key and optionally an owner user),
//! reading and renaming the caller's own organization, and "who am I".

use serde_json::json;
use switchboard_domain::{Email, Name, OrgId, Scope, Secret, UserId};
use switchboard_store::{ApiKey, Member, Org, OrgSettings, User};

use crate::{Core, CoreResult, CreatedApiKey, Principal, audit};

#[derive(Debug, Clone)]
pub struct NewOwner {
    pub email: Email,
    pub name: Option<Name>,
    pub password: Secret,
}

#[derive(Debug, Clone)]
pub struct OrgCreated {
    pub org: Org,
    /// A key with every scope, shown once.
    pub api_key: CreatedApiKey,
}

/// The caller as the API shows it at `/v1/me`.
#[derive(Debug, Clone)]
pub struct Me {
    pub org: Org,
    pub user: Option<(User, Member)>,
    pub api_key: Option<ApiKey>,
    pub scopes: Vec<Scope>,
}

impl Core {
    pub async fn get_org(&self, p: &Principal) -> CoreResult<Org> {
        p.require(Scope::OrgRead)?;
        Ok(self.store.get_org(p.org()).await?)
    }

    pub async fn rename_org(&self, p: &Principal, name: Name) -> CoreResult<Org> {
        p.require(Scope::OrgManage)?;
        let before = self.store.get_org(p.org()).await?;
        if before.name != name {
            let effects = audit::effects(
                p,
                "org.renamed",
                "org",
                p.org(),
                json!({ "before": before.name, "after": name }),
            );
            self.store.rename_org(p.org(), &name, &effects).await?;
        }
        Ok(self.store.get_org(p.org()).await?)
    }

    /// Changes the organization's settings; an audit entry records the change.
    pub async fn update_org_settings(
        &self,
        p: &Principal,
        settings: OrgSettings,
    ) -> CoreResult<Org> {
        p.require(Scope::OrgManage)?;
        let before = self.store.get_org(p.org()).await?;
        if before.settings != settings {
            let effects = audit::effects(
                p,
                "org.settings_changed",
                "org",
                p.org(),
                json!({ "link_sms_and_whatsapp": settings.link_sms_and_whatsapp }),
            );
            self.store
                .update_org_settings(p.org(), &settings, &effects)
                .await?;
        }
        Ok(self.store.get_org(p.org()).await?)
    }

    /// The caller: organization, user and membership or key, and effective scopes. Needs no scope.
    pub async fn me(&self, p: &Principal) -> CoreResult<Me> {
        let org = self.store.get_org(p.org()).await?;
        let (user, api_key) = match p {
            Principal::User(u) => (Some(self.user_and_member(p.org(), u.user_id).await?), None),
            Principal::ApiKey(k) => (None, Some(self.store.get_api_key(p.org(), k.key_id).await?)),
            Principal::System { .. } => (None, None),
        };
        Ok(Me {
            org,
            user,
            api_key,
            scopes: p.scopes(),
        })
    }

    async fn user_and_member(&self, org: OrgId, user: UserId) -> CoreResult<(User, Member)> {
        let u = self.store.get_user(user).await?;
        let m = self.store.get_member(org, user).await?;
        Ok((u, m))
    }
}
