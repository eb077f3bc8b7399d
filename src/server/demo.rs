//! Demo data: staff accounts for trying the portal. Created only when settings say
//! `demo_data = true`; the accounts are listed in the README.

use crate::domain::case::Role;
use crate::server::{auth::hash_password, store::Store};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Demo-2026!";

/// (user name, display name, role)
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 4] = [
    ("window01", "综合窗口 张敏", Role::WindowClerk),
    ("review01", "审批科室 李强", Role::Reviewer),
    ("issue01", "出件窗口 王芳", Role::IssuingClerk),
    ("admin01", "系统管理员 陈静", Role::Admin),
];

pub async fn create_demo_accounts(store: &Store, at: i64) -> Result<(), String> {
    for (username, display_name, role) in DEMO_ACCOUNTS {
        let existing = store.user_by_username(username).await.map_err(|e| e.to_string())?;
        // Keep an existing hash: re-hashing on every start would only cost time.
        let hash = match existing {
            Some(u) if crate::server::auth::verify_password(DEMO_PASSWORD, &u.password_hash) => u.password_hash,
            _ => hash_password(DEMO_PASSWORD),
        };
        store.upsert_user(username, display_name, role.code(), None, &hash, at).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}
