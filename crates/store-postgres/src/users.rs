//! People (`users`), their sign-in throttling, and their memberships in organizations. The SQL
//! for memberships lives in `memberships.rs`; this file holds the trait implementation.

use sqlx::PgConnection;
use switchboard_domain::{Email, Name, OrgId, Role, Timestamp, UserId};
use switchboard_store::{
    Effects, LoginThrottle, Member, Membership, Page, PageRequest, Result, StoreError, User,
    UserStore,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::{corrupt, db, is_conflict};

const COLUMNS: &str = "id, email, name, password_hash, password_changed_at, created_at";

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    password_hash: Option<String>,
    password_changed_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self> {
        Ok(User {
            id: UserId(r.id),
            email: Email::parse(&r.email).map_err(|e| corrupt("user email", e))?,
            name: Name::parse(&r.name).map_err(|e| corrupt("user name", e))?,
            password_hash: r.password_hash,
            password_changed_at: r.password_changed_at,
            created_at: r.created_at,
        })
    }
}

/// A looked-up user, or `NotFound`.
fn found(row: Option<UserRow>) -> Result<User> {
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Inserts one user; `Conflict { what: "email" }` (without the holder) when the address is taken.
pub(crate) async fn insert_user(conn: &mut PgConnection, user: &User) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, password_changed_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user.id.0)
    .bind(user.email.as_str())
    .bind(user.name.as_str())
    .bind(user.password_hash.as_deref())
    .bind(user.password_changed_at)
    .bind(user.created_at)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

impl PgStore {
    /// The conflict for an e-mail address that is taken, naming its holder.
    pub(crate) async fn email_taken(&self, email: &Email) -> StoreError {
        let existing = self
            .find_user_by_email(email)
            .await
            .ok()
            .map(|u| u.id.to_string());
        StoreError::Conflict {
            what: "email",
            existing,
        }
    }
}

#[async_trait::async_trait]
impl UserStore for PgStore {
    async fn create_user(&self, user: &User, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        if let Err(e) = insert_user(&mut tx, user).await {
            if !is_conflict(&e, "email") {
                return Err(e);
            }
            // The failed transaction can run nothing more; end it before naming the holder.
            tx.rollback().await.map_err(db)?;
            return Err(self.email_taken(&user.email).await);
        }
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn get_user(&self, id: UserId) -> Result<User> {
        let row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await
            .map_err(db)?;
        found(row)
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<User> {
        let row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE email = $1"))
            .bind(email.as_str())
            .fetch_optional(self.pool())
            .await
            .map_err(db)?;
        found(row)
    }

    async fn update_user_name(&self, id: UserId, name: &Name, effects: &Effects) -> Result<()> {
        let query = sqlx::query("UPDATE users SET name = $2 WHERE id = $1")
            .bind(id.0)
            .bind(name.as_str());
        self.change_existing(query, effects).await
    }

    async fn set_password(
        &self,
        id: UserId,
        hash: &str,
        at: Timestamp,
        effects: &Effects,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let updated = sqlx::query(
            "UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1",
        )
        .bind(id.0)
        .bind(hash)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        // A new password ends every session, so a stolen cookie dies with the old password.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn login_throttle(&self, id: UserId) -> Result<LoginThrottle> {
        let (failed, locked_until): (i64, Option<OffsetDateTime>) =
            sqlx::query_as("SELECT failed_logins, login_locked_until FROM users WHERE id = $1")
                .bind(id.0)
                .fetch_optional(self.pool())
                .await
                .map_err(db)?
                .ok_or(StoreError::NotFound)?;
        Ok(LoginThrottle {
            failed_logins: u32::try_from(failed).map_err(|e| corrupt("failed_logins", e))?,
            locked_until,
        })
    }

    async fn set_login_throttle(&self, id: UserId, throttle: LoginThrottle) -> Result<()> {
        let updated = sqlx::query(
            "UPDATE users SET failed_logins = $2, login_locked_until = $3 WHERE id = $1",
        )
        .bind(id.0)
        .bind(i64::from(throttle.failed_logins))
        .bind(throttle.locked_until)
        .execute(self.pool())
        .await
        .map_err(db)?
        .rows_affected();
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn add_member(&self, membership: &Membership, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        crate::memberships::insert(&mut tx, membership).await?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn get_member(&self, org: OrgId, user: UserId) -> Result<Member> {
        crate::memberships::get(self.pool(), org, user).await
    }

    async fn list_members(&self, org: OrgId, page: PageRequest) -> Result<Page<Member>> {
        crate::memberships::list(self.pool(), org, page).await
    }

    async fn update_member(&self, membership: &Membership, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        crate::memberships::update(&mut tx, membership).await?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn remove_member(&self, org: OrgId, user: UserId, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        crate::memberships::remove(&mut tx, org, user).await?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn count_members_with_role(&self, org: OrgId, role: Role) -> Result<u64> {
        let n: i64 =
            sqlx::query_scalar("SELECT count(*) FROM memberships WHERE org_id = $1 AND role = $2")
                .bind(org.0)
                .bind(role.as_str())
                .fetch_one(self.pool())
                .await
                .map_err(db)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn list_memberships_of_user(&self, user: UserId) -> Result<Vec<Membership>> {
        crate::memberships::of_user(self.pool(), user).await
    }
}
