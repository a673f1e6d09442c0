//! People in an organization: add (a new user, or an existing one by e-mail), change role or
//! channels, remove. Nobody hands out a role above their own, and the last owner stays.

use serde_json::json;
use switchboard_domain::{ChannelId, Email, Name, Role, Scope, Secret, UserId};
use switchboard_store::{Member, Membership, Page, PageRequest, StoreError, User};

use crate::{Core, CoreError, CoreResult, Principal, audit, passwords};

#[derive(Debug, Clone)]
pub struct NewMember {
    pub email: Email,
    /// For a new user; the local part of the e-mail address when `None`.
    pub name: Option<Name>,
    /// For a new user only: an existing user's password is theirs, not the inviter's.
    pub password: Option<Secret>,
    pub role: Role,
    pub channel_ids: Vec<ChannelId>,
}

#[derive(Debug, Clone, Default)]
pub struct MemberUpdate {
    pub role: Option<Role>,
    /// `Some(vec![])` lifts every channel restriction.
    pub channel_ids: Option<Vec<ChannelId>>,
}

impl Core {
    pub async fn create_member(&self, p: &Principal, new: NewMember) -> CoreResult<Member> {
        p.require(Scope::UsersManage)?;
        check_assign(p, new.role)?;
        check_channels(p, &new.channel_ids)?;
        if let Some(pw) = &new.password {
            passwords::check_strength(pw, "password")?;
        }
        let user_id = self.find_or_create_user(&new).await?;
        let membership = Membership {
            org_id: p.org(),
            user_id,
            role: new.role,
            channel_ids: new.channel_ids,
            created_at: switchboard_domain::now(),
        };
        let effects = audit::effects(
            p,
            "member.added",
            "user",
            user_id,
            json!({ "role": membership.role, "channel_ids": membership.channel_ids }),
        );
        self.store.add_member(&membership, &effects).await?;
        Ok(self.store.get_member(p.org(), user_id).await?)
    }

    async fn find_or_create_user(&self, new: &NewMember) -> CoreResult<UserId> {
        match self.store.find_user_by_email(&new.email).await {
            Ok(u) => return Ok(u.id),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        let password_hash = match &new.password {
            Some(pw) => Some(passwords::hash(pw).await?),
            None => None,
        };
        let now = switchboard_domain::now();
        let name = match &new.name {
            Some(n) => n.clone(),
            None => default_name(&new.email)?,
        };
        let user = User {
            id: UserId::new(),
            email: new.email.clone(),
            name,
            password_changed_at: password_hash.as_ref().map(|_| now),
            password_hash,
            created_at: now,
        };
        match self.store.create_user(&user, &Default::default()).await {
            Ok(()) => Ok(user.id),
            // Someone created the same address meanwhile: join that user.
            Err(StoreError::Conflict {
                what: "email",
                existing: Some(id),
            }) => id
                .parse()
                .map_err(|_| CoreError::internal_msg("store returned a malformed user id")),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn list_members(&self, p: &Principal, page: PageRequest) -> CoreResult<Page<Member>> {
        p.require(Scope::UsersRead)?;
        Ok(self.store.list_members(p.org(), page).await?)
    }

    pub async fn get_member(&self, p: &Principal, user: UserId) -> CoreResult<Member> {
        p.require(Scope::UsersRead)?;
        Ok(self.store.get_member(p.org(), user).await?)
    }

    pub async fn update_member(
        &self,
        p: &Principal,
        user: UserId,
        update: MemberUpdate,
    ) -> CoreResult<Member> {
        p.require(Scope::UsersManage)?;
        let current = self.store.get_member(p.org(), user).await?.membership;
        check_assign(p, current.role)?;
        let mut next = current.clone();
        if let Some(role) = update.role {
            check_assign(p, role)?;
            if current.role == Role::Owner && role != Role::Owner {
                self.keep_an_owner(p).await?;
            }
            next.role = role;
        }
        if let Some(channels) = update.channel_ids {
            check_channels(p, &channels)?;
            next.channel_ids = channels;
        }
        if next != current {
            let effects = audit::effects(
                p,
                "member.updated",
                "user",
                user,
                json!({
                    "before": { "role": current.role, "channel_ids": current.channel_ids },
                    "after": { "role": next.role, "channel_ids": next.channel_ids },
                }),
            );
            self.store.update_member(&next, &effects).await?;
        }
        Ok(self.store.get_member(p.org(), user).await?)
    }

    pub async fn remove_member(&self, p: &Principal, user: UserId) -> CoreResult<()> {
        p.require(Scope::UsersManage)?;
        let current = self.store.get_member(p.org(), user).await?.membership;
        check_assign(p, current.role)?;
        if current.role == Role::Owner {
            self.keep_an_owner(p).await?;
        }
        let effects = audit::effects(
            p,
            "member.removed",
            "user",
            user,
            json!({ "role": current.role }),
        );
        Ok(self.store.remove_member(p.org(), user, &effects).await?)
    }

    /// Refuses when the organization has a single owner (the one about to go).
    async fn keep_an_owner(&self, p: &Principal) -> CoreResult<()> {
        if self
            .store
            .count_members_with_role(p.org(), Role::Owner)
            .await?
            <= 1
        {
            return Err(CoreError::LastOwner);
        }
        Ok(())
    }
}

fn check_assign(p: &Principal, role: Role) -> CoreResult<()> {
    if p.may_assign(role) {
        Ok(())
    } else {
        Err(CoreError::RoleEscalation(format!(
            "you may not give, change or remove the `{role}` role"
        )))
    }
}

fn check_channels(p: &Principal, channels: &[ChannelId]) -> CoreResult<()> {
    if p.covers_channels(channels) {
        Ok(())
    } else {
        Err(CoreError::ChannelNotAllowed(
            "you may not grant channels you cannot use yourself".into(),
        ))
    }
}

pub(crate) fn default_name(email: &Email) -> CoreResult<Name> {
    let local = email.as_str().split('@').next().unwrap_or_default();
    Name::parse(local).map_err(|e| CoreError::validation("name", e.to_string()))
}
