//! Staff accounts: who they are, their roles, department and service site.

use super::{NOT_REVOKED, Pool, Store, StoreResult};
use crate::domain::case::Role;

/// A staff account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// The department a reviewer decides for.
    pub department: Option<String>,
    /// The code of the service site the account works at.
    pub site: Option<String>,
    pub password_hash: String,
    /// Sessions signed in before this moment (ms) are void.
    pub sessions_from: i64,
    /// A disabled account cannot sign in, and its sessions are void.
    pub disabled: bool,
}

/// A new or changed account.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub roles: &'a [Role],
    pub department: Option<&'a str>,
    pub site: Option<&'a str>,
    pub password_hash: &'a str,
}

/// `,window_clerk,issuing_clerk,`: a list one LIKE can search.
fn roles_text(roles: &[Role]) -> String {
    format!(",{},", roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(","))
}

type UserRow = (i64, String, String, String, Option<String>, Option<String>, String, i64, Option<i64>);

fn user_from_row((id, username, display_name, roles, department, site, password_hash, sessions_from, disabled_at): UserRow) -> UserRecord {
    // Unknown role codes (from a newer version) grant nothing rather than failing sign-in.
    let roles = roles.split(',').filter_map(Role::from_code).collect();
    UserRecord { id, username, display_name, roles, department, site, password_hash, sessions_from, disabled: disabled_at.is_some() }
}

const USER_COLUMNS: &str = "id, username, display_name, roles, department, site, password_hash, sessions_from, disabled_at";

impl Store {
    /// Creates the account, or updates its name, roles, department, site and password if it exists.
    pub async fn upsert_user(&self, user: &NewUser<'_>, at: i64) -> StoreResult<()> {
        let primary = user.roles.first().map_or("", |r| r.code());
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO users (username, display_name, role, roles, department, site, password_hash, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
                     roles = excluded.roles, department = excluded.department, site = excluded.site,
                     password_hash = excluded.password_hash",
            )
            .bind(user.username).bind(user.display_name).bind(primary).bind(roles_text(user.roles))
            .bind(user.department).bind(user.site).bind(user.password_hash).bind(at)
            .execute(pool).await?;
        });
        Ok(())
    }

    pub async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row: Option<UserRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(username).fetch_optional(pool).await?);
        Ok(row.map(user_from_row))
    }

    /// The account a session cookie names, unless that session was signed out
    /// (`revoke_session`): one round trip on every staff request.
    pub async fn user_of_session(&self, id: i64, session_hash: &str) -> StoreResult<Option<UserRecord>> {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND {NOT_REVOKED}"));
        let row: Option<UserRow> = on_pool!(self, pool => sqlx::query_as(SQL.as_str()).bind(id).bind(session_hash).fetch_optional(pool).await?);
        Ok(row.map(user_from_row))
    }

    /// Voids every session of the account signed in before `at` (sign out everywhere).
    pub async fn end_sessions(&self, user_id: i64, at: i64) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE users SET sessions_from = $1 WHERE id = $2").bind(at).bind(user_id).execute(pool).await?;
        });
        Ok(())
    }

    /// Disables (its sessions end at once) or enables an account; false when there
    /// is no such account.
    pub async fn set_user_disabled(&self, username: &str, disabled: bool, at: i64) -> StoreResult<bool> {
        let n = on_pool!(self, pool => {
            if disabled {
                sqlx::query("UPDATE users SET disabled_at = $1, sessions_from = $1 WHERE username = $2").bind(at).bind(username).execute(pool).await?
            } else {
                sqlx::query("UPDATE users SET disabled_at = NULL WHERE username = $1").bind(username).execute(pool).await?
            }
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Ends one session (by its cookie's hash) on every process until `until_ms`,
    /// when the cookie expires anyway.
    pub async fn revoke_session(&self, session_hash: &str, until_ms: i64) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO revoked_sessions (session_hash, until_ms) VALUES ($1, $2) ON CONFLICT (session_hash) DO NOTHING")
                .bind(session_hash).bind(until_ms).execute(pool).await?;
        });
        Ok(())
    }

    /// Forgets revocations of cookies that have expired by `now` (the housekeeping sweep).
    pub async fn forget_revoked_sessions(&self, now: i64) -> StoreResult<u64> {
        Ok(on_pool!(self, pool => {
            sqlx::query("DELETE FROM revoked_sessions WHERE until_ms <= $1").bind(now).execute(pool).await?.rows_affected()
        }))
    }

    /// The wrong passwords counted against an account name.
    pub async fn login_failures(&self, username: &str) -> StoreResult<crate::domain::lockout::LoginFailures> {
        let row: Option<(i64, i64, Option<i64>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT failures, first_at, locked_until FROM login_failures WHERE username = $1").bind(username).fetch_optional(pool).await?
        });
        Ok(row.map_or_else(Default::default, |(count, first_at, locked_until)| crate::domain::lockout::LoginFailures {
            count: count.clamp(0, u32::MAX as i64) as u32,
            first_at,
            locked_until,
        }))
    }

    pub async fn put_login_failures(&self, username: &str, f: &crate::domain::lockout::LoginFailures) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO login_failures (username, failures, first_at, locked_until) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, first_at = excluded.first_at, locked_until = excluded.locked_until",
            )
            .bind(username).bind(f.count as i64).bind(f.first_at).bind(f.locked_until).execute(pool).await?;
        });
        Ok(())
    }

    /// Forgets an account name's wrong passwords (a right one came), or every count
    /// whose window and lock ended before `before` (`None` name).
    pub async fn forget_login_failures(&self, username: Option<&str>, before: i64) -> StoreResult<()> {
        on_pool!(self, pool => {
            match username {
                Some(name) => sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(name).execute(pool).await?,
                None => sqlx::query("DELETE FROM login_failures WHERE first_at < $1 AND (locked_until IS NULL OR locked_until < $1)").bind(before).execute(pool).await?,
            };
        });
        Ok(())
    }
}
