//! Demo data: staff accounts for trying the portal. Created only when settings say
//! `demo_data = true`; the accounts are listed in the README.

use crate::domain::case::Role;
use crate::server::store::{NewUser, Store};
use crate::server::auth::hash_password;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Demo-2026!";

/// One demo account.
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub roles: &'static [Role],
    pub department: Option<&'static str>,
    pub site: Option<&'static str>,
}

const fn account(username: &'static str, display_name: &'static str, roles: &'static [Role], department: Option<&'static str>, site: Option<&'static str>) -> DemoAccount {
    DemoAccount { username, display_name, roles, department, site }
}

/// A district hall: the front desk and results window at the centre, one reviewer per
/// department, a supervisor, an administrator, a town centre's combined window, and
/// a community's proxy agent.
pub const DEMO_ACCOUNTS: [DemoAccount; 15] = [
    account("window01", "综合窗口 张敏", &[Role::WindowClerk], None, Some("gulou")),
    account("review01", "审批科室 李强", &[Role::Reviewer], Some("health"), None),
    account("issue01", "出件窗口 王芳", &[Role::IssuingClerk], None, Some("gulou")),
    account("super01", "电子监察 赵磊", &[Role::Supervisor], None, Some("gulou")),
    account("admin01", "系统管理员 陈静", &[Role::Admin], None, Some("gulou")),
    account("market01", "市场监管审批 周洁", &[Role::Reviewer], Some("market"), None),
    account("tax01", "税务审核 吴刚", &[Role::Reviewer], Some("tax"), None),
    account("estate01", "不动产登记审核 郑丽", &[Role::Reviewer], Some("natural_resources"), None),
    account("hr01", "人社审批 孙伟", &[Role::Reviewer], Some("human_resources"), None),
    account("fund01", "公积金审批 钱敏", &[Role::Reviewer], Some("housing_fund"), None),
    account("police01", "公安审批 冯军", &[Role::Reviewer], Some("public_security"), None),
    account("civil01", "民政审批 何芳", &[Role::Reviewer], Some("civil_affairs"), None),
    account("med01", "医保审核 许婷", &[Role::Reviewer], Some("healthcare_security"), None),
    account("window02", "东街便民服务中心 林霞", &[Role::WindowClerk, Role::IssuingClerk], None, Some("dongjie")),
    account("agent01", "三坊社区代办员 黄丽", &[Role::ProxyAgent], None, Some("dongjie-sanfang")),
];

pub async fn create_demo_accounts(store: &Store, at: i64) -> Result<(), String> {
    for a in &DEMO_ACCOUNTS {
        let existing = store.user_by_username(a.username).await.map_err(|e| e.to_string())?;
        // Keep an existing hash: re-hashing on every start would only cost time.
        let hash = match existing {
            Some(u) if crate::server::auth::verify_password(DEMO_PASSWORD, &u.password_hash) => u.password_hash,
            _ => hash_password(DEMO_PASSWORD),
        };
        let user = NewUser { username: a.username, display_name: a.display_name, roles: a.roles, department: a.department, site: a.site, password_hash: &hash };
        store.upsert_user(&user, at).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}
