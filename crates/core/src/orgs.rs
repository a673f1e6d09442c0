//! Organizations: creation by the operator (with an owner key and optionally an owner user),
//! reading and renaming the caller's own organization, and "who am I".

use serde_json::json;
use switchboard_domain::{ApiKeyId, Email, Name, OrgId, Role, Scope, Secret, UserId};
use switchboard_store::{ApiKey, Member, Org, User};

use crate::{Core, CoreError, CoreResult, CreatedApiKey, NewMember, Principal, audit, passwords};

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
    /// Creates an organization (operators only: the CLI), its owner key, and its owner user when
    /// given (an existing user with that e-mail simply becomes an owner).
    pub async fn create_org(&self, name: Name, owner: Option<NewOwner>) -> CoreResult<OrgCreated> {
        // Refuse bad input before writing anything, so a refusal leaves no owner-less org behind.
        if let Some(o) = &owner {
            passwords::check_strength(&o.password, "owner_password")?;
        }
        let org = Org {
            id: OrgId::new(),
            name,
            created_at: switchboard_domain::now(),
        };
        let system = Principal::system(org.id);
        let effects = audit::effects(
            &system,
            "org.created",
            "org",
            org.id,
            json!({ "name": org.name }),
        );
        self.store.create_org(&org, &effects).await?;
        if let Some(owner) = owner {
            self.create_member(
                &system,
                NewMember {
                    email: owner.email,
                    name: owner.name,
                    password: Some(owner.password),
                    role: Role::Owner,
                    channel_ids: Vec::new(),
                },
            )
            .await?;
        }
        let now = switchboard_domain::now();
        let template = ApiKey {
            id: ApiKeyId::new(),
            org_id: org.id,
            name: Name::parse("Owner key").map_err(CoreError::internal)?,
            prefix: String::new(),
            secret_hash: Vec::new(),
            scopes: Scope::ALL.to_vec(),
            channel_ids: Vec::new(),
            allowed_ips: Vec::new(),
            expires_at: None,
            revoked_at: None,
            created_by_user: None,
            created_by_key: None,
            created_at: now,
            last_used_at: None,
            last_used_ip: None,
        };
        let api_key = self.insert_key(&system, template).await?;
        Ok(OrgCreated { org, api_key })
    }

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
