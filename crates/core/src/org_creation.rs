//! Creating an organization (operators only: the CLI and the demo): the organization, its owner
//! key and, when given, its owner user are written in one store transaction, so an organization
//! never exists without the key that was promised with it.

use serde_json::json;
use switchboard_domain::{ApiKeyId, Name, OrgId, Role, Scope, Secret, UserId};
use switchboard_store::{ApiKey, Effects, Membership, Org, OrgSetup, StoreError, User};

use crate::orgs::{NewOwner, OrgCreated};
use crate::{Core, CoreError, CoreResult, CreatedApiKey, Principal, audit, passwords, tokens};

/// A prefix collision (62^12) or a user created with the same e-mail at the same moment: a few
/// fresh attempts settle either.
const ATTEMPTS: usize = 5;

impl Core {
    /// Creates an organization with an owner key holding every scope, and its owner user when
    /// given (an existing user with that e-mail simply becomes an owner; their password stays).
    pub async fn create_org(&self, name: Name, owner: Option<NewOwner>) -> CoreResult<OrgCreated> {
        // Refuse bad input before any work, and hash once: argon2id is deliberately slow.
        let password_hash = match &owner {
            Some(o) => {
                passwords::check_strength(&o.password, "owner_password")?;
                Some(passwords::hash(&o.password).await?)
            }
            None => None,
        };
        for _ in 0..ATTEMPTS {
            let now = switchboard_domain::now();
            let org = Org {
                id: OrgId::new(),
                name: name.clone(),
                created_at: now,
                settings: Default::default(),
            };
            let system = Principal::system(org.id);
            let mut setup = OrgSetup::default();
            let mut effects = Effects::none();
            effects.audit.push(audit::entry(
                &system,
                "org.created",
                "org",
                Some(org.id.to_string()),
                json!({ "name": org.name }),
            ));

            if let (Some(o), Some(hash)) = (&owner, &password_hash) {
                let user_id = match self.store.find_user_by_email(&o.email).await {
                    Ok(existing) => existing.id,
                    Err(StoreError::NotFound) => {
                        let user = User {
                            id: UserId::new(),
                            email: o.email.clone(),
                            name: match &o.name {
                                Some(n) => n.clone(),
                                None => crate::members::default_name(&o.email)?,
                            },
                            password_hash: Some(hash.clone()),
                            password_changed_at: Some(now),
                            created_at: now,
                        };
                        let id = user.id;
                        setup.new_users.push(user);
                        id
                    }
                    Err(e) => return Err(e.into()),
                };
                let membership = Membership {
                    org_id: org.id,
                    user_id,
                    role: Role::Owner,
                    channel_ids: Vec::new(),
                    created_at: now,
                };
                effects.audit.push(audit::entry(
                    &system,
                    "member.added",
                    "user",
                    Some(user_id.to_string()),
                    json!({ "role": membership.role, "channel_ids": membership.channel_ids }),
                ));
                setup.members.push(membership);
            }

            let (prefix, secret) = tokens::new_api_key_secret();
            let key = ApiKey {
                id: ApiKeyId::new(),
                org_id: org.id,
                name: Name::parse("Owner key").map_err(CoreError::internal)?,
                secret_hash: tokens::sha256(&secret),
                prefix,
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
            effects.audit.push(audit::entry(
                &system,
                "api_key.created",
                "api_key",
                Some(key.id.to_string()),
                crate::api_keys::describe(&key),
            ));
            setup.api_keys.push(key.clone());

            match self.store.create_org_with(&org, &setup, &effects).await {
                Ok(()) => {
                    return Ok(OrgCreated {
                        org,
                        api_key: CreatedApiKey {
                            key,
                            secret: Secret::new(secret),
                        },
                    });
                }
                Err(StoreError::Conflict {
                    what: "api_key_prefix" | "email",
                    ..
                }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CoreError::internal_msg(
            "could not create the organization after several attempts",
        ))
    }
}
