//! People: accounts, passwords and sign-in throttling. Memberships live in [`crate::members`];
//! both halves implement [`UserStore`], whose impl is here.

use rusqlite::{Connection, OptionalExtension, Row, params};
use switchboard_domain::{Email, Name, OrgId, Role, Timestamp, UserId};
use switchboard_store::{
    Effects, LoginThrottle, Member, Membership, Page, PageRequest, Result, StoreError, User,
    UserStore,
};

use crate::codec::{get_int, get_opt_ts, get_parsed, get_ts, get_uuid, ms, opt_ms};
use crate::error::DbResult;
use crate::{SqliteStore, members, one_row};

const USER_COLUMNS: &str = "id, email, name, password_hash, password_changed_at, created_at";

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: UserId(get_uuid(row, 0)?),
        email: get_parsed(row, 1, Email::parse)?,
        name: get_parsed(row, 2, Name::parse)?,
        password_hash: row.get(3)?,
        password_changed_at: get_opt_ts(row, 4)?,
        created_at: get_ts(row, 5)?,
    })
}

pub(crate) fn insert_user(conn: &Connection, user: &User) -> Result<()> {
    // The writer is the only writer, so this check cannot race; it names the holder of the address.
    let existing: Option<Vec<u8>> = conn
        .prepare_cached("SELECT id FROM users WHERE email = ?1")
        .db()?
        .query_row([user.email.as_str()], |r| r.get(0))
        .optional()
        .db()?;
    if let Some(id) = existing {
        return Err(StoreError::Conflict {
            what: "email",
            existing: uuid::Uuid::from_slice(&id).ok().map(|u| u.to_string()),
        });
    }
    conn.prepare_cached(
        "INSERT INTO users (id, email, name, password_hash, password_changed_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .db()?
    .execute(params![
        user.id.0.as_bytes(),
        user.email.as_str(),
        user.name.as_str(),
        user.password_hash,
        opt_ms(user.password_changed_at),
        ms(user.created_at)
    ])
    .db()?;
    Ok(())
}

#[async_trait::async_trait]
impl UserStore for SqliteStore {
    async fn create_user(&self, user: &User, effects: &Effects) -> Result<()> {
        let user = user.clone();
        self.change(effects, move |conn| insert_user(conn, &user))
            .await
    }

    async fn get_user(&self, id: UserId) -> Result<User> {
        self.read(move |conn| {
            conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))
                .db()?
                .query_row([id.0.as_bytes()], user_from_row)
                .db()
        })
        .await
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<User> {
        let email = email.clone();
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE email = ?1"
            ))
            .db()?
            .query_row([email.as_str()], user_from_row)
            .db()
        })
        .await
    }

    async fn update_user_name(&self, id: UserId, name: &Name, effects: &Effects) -> Result<()> {
        let name = name.clone();
        self.change(effects, move |conn| {
            let changed = conn
                .prepare_cached("UPDATE users SET name = ?2 WHERE id = ?1")
                .db()?
                .execute(params![id.0.as_bytes(), name.as_str()])
                .db()?;
            one_row(changed)
        })
        .await
    }

    async fn set_password(
        &self,
        id: UserId,
        hash: &str,
        at: Timestamp,
        effects: &Effects,
    ) -> Result<()> {
        let hash = hash.to_owned();
        self.change(effects, move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE users SET password_hash = ?2, password_changed_at = ?3 WHERE id = ?1",
                )
                .db()?
                .execute(params![id.0.as_bytes(), hash, ms(at)])
                .db()?;
            one_row(changed)?;
            // A new password ends every session, so a stolen cookie dies with the old password.
            conn.prepare_cached("DELETE FROM sessions WHERE user_id = ?1")
                .db()?
                .execute([id.0.as_bytes()])
                .db()?;
            Ok(())
        })
        .await
    }

    async fn login_throttle(&self, id: UserId) -> Result<LoginThrottle> {
        self.read(move |conn| {
            conn.prepare_cached("SELECT failed_logins, locked_until FROM users WHERE id = ?1")
                .db()?
                .query_row([id.0.as_bytes()], |row| {
                    Ok(LoginThrottle {
                        failed_logins: get_int(row, 0)?,
                        locked_until: get_opt_ts(row, 1)?,
                    })
                })
                .db()
        })
        .await
    }

    async fn set_login_throttle(&self, id: UserId, throttle: LoginThrottle) -> Result<()> {
        self.write(move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE users SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1",
                )
                .db()?
                .execute(params![
                    id.0.as_bytes(),
                    throttle.failed_logins,
                    opt_ms(throttle.locked_until)
                ])
                .db()?;
            one_row(changed)
        })
        .await
    }

    async fn add_member(&self, membership: &Membership, effects: &Effects) -> Result<()> {
        let m = membership.clone();
        self.change(effects, move |conn| members::insert(conn, &m))
            .await
    }

    async fn get_member(&self, org: OrgId, user: UserId) -> Result<Member> {
        self.read(move |conn| members::get(conn, org, user)).await
    }

    async fn list_members(&self, org: OrgId, page: PageRequest) -> Result<Page<Member>> {
        self.read(move |conn| members::list(conn, org, page)).await
    }

    async fn update_member(&self, membership: &Membership, effects: &Effects) -> Result<()> {
        let m = membership.clone();
        self.change(effects, move |conn| members::update(conn, &m))
            .await
    }

    async fn remove_member(&self, org: OrgId, user: UserId, effects: &Effects) -> Result<()> {
        self.change(effects, move |conn| members::remove(conn, org, user))
            .await
    }

    async fn count_members_with_role(&self, org: OrgId, role: Role) -> Result<u64> {
        self.read(move |conn| members::count_with_role(conn, org, role))
            .await
    }

    async fn list_memberships_of_user(&self, user: UserId) -> Result<Vec<Membership>> {
        self.read(move |conn| members::of_user(conn, user)).await
    }
}
