//! Server functions: thin doors. Each authorises, calls the domain and the store,
//! and returns. Forms post to them directly, so every form works without
//! JavaScript; they answer with redirects a browser follows.

pub mod account;
pub mod agent;
pub mod applications;
pub mod bundles;
pub mod calendar;
pub mod catalog;
pub mod credit;
#[cfg(feature = "ssr")]
pub mod files;
pub mod licences;
pub mod lookup;
pub mod payments;
pub mod staff;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What can go wrong behind a server function, as the pages need to tell it apart.
/// Internal details are logged on the server and never sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiError {
    NotFound,
    /// Staff-only and nobody is signed in.
    Unauthenticated,
    /// Signed in, or holding a link, but not allowed to see this.
    Forbidden,
    /// The database or disk failed; try again.
    Unavailable,
    /// The request could not be decoded or sent.
    Transport(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Transport(e) => write!(f, "transport: {e}"),
            other => write!(f, "{other:?}"),
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Helpers every server function uses to reach the request and the state.

    use super::ApiError;
    use crate::domain::access::StaffScope;
    use crate::domain::case::Role;
    use crate::server::auth::{self, APPLICANT_COOKIE, STAFF_COOKIE};
    use crate::server::{AppState, clock};
    use axum::http::header::{COOKIE, SET_COOKIE};
    use axum::http::request::Parts;
    use leptos::prelude::*;

    pub fn state() -> AppState {
        expect_context::<AppState>()
    }

    /// Logs an unexpected failure with its detail and answers without it. A store
    /// refusing text it cannot hold is the request's fault, answered as malformed.
    pub fn internal<E: std::fmt::Display + 'static>(context: &str, e: E) -> ApiError {
        let detail = crate::server::logging::redact(&e.to_string());
        if (&e as &dyn std::any::Any).downcast_ref::<crate::server::store::StoreError>().is_some_and(|e| matches!(e, crate::server::store::StoreError::UnstorableText(_))) {
            tracing::info!("{context}: refused text the database cannot store: {detail}");
            return ApiError::Transport("text the database cannot store".into());
        }
        tracing::error!("{context}: {detail}");
        ApiError::Unavailable
    }

    pub fn cookie(name: &str) -> Option<String> {
        let parts = use_context::<Parts>()?;
        parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|h| auth::cookie_value(h, name).map(str::to_owned))
    }

    pub fn add_set_cookie(value: &str) {
        if let (Some(res), Ok(v)) = (use_context::<leptos_axum::ResponseOptions>(), value.parse()) {
            res.append_header(SET_COOKIE, v);
        }
    }

    /// Ends the session this browser's cookie `name` holds on every process, so a
    /// copy of the cookie is worth nothing after signing out. A cookie that is not a
    /// genuine session is ignored: there is nothing to end.
    pub async fn revoke_session_cookie(name: &str) -> Result<(), ApiError> {
        let st = state();
        let Some(session) = cookie(name) else { return Ok(()) };
        let now = clock::now_ms();
        let genuine = if name == auth::CITIZEN_COOKIE { st.session_key.verify_citizen_session(&session, now).is_some() } else { st.session_key.verify_session_expiry(&session, now).is_some() };
        if let Some(until) = auth::session_expiry(&session).filter(|_| genuine) {
            st.store.revoke_session(&auth::session_hash(&session), until).await.map_err(|e| internal("ending session", e))?;
        }
        Ok(())
    }

    /// The client's address, for throttling: the peer, or behind a trusted load
    /// balancer the address it forwarded for (`server::forwarded`).
    pub fn client_ip() -> std::net::IpAddr {
        let unknown = std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);
        let Some(parts) = use_context::<Parts>() else { return unknown };
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip()).unwrap_or(unknown);
        let Some(st) = use_context::<crate::server::AppState>().filter(|st| !st.settings.trusted_proxies.is_empty()) else { return peer };
        let forwarded: Vec<&str> = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        crate::server::forwarded::client_address(peer, &forwarded, &st.settings.trusted_proxies)
    }

    /// The hash of this browser's applicant token; with `create`, a browser without
    /// one is given one.
    pub fn applicant_owner(create: bool) -> Option<String> {
        if let Some(token) = cookie(APPLICANT_COOKIE).filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())) {
            return Some(auth::owner_hash(&token));
        }
        if !create {
            return None;
        }
        let token = clock::random_token();
        let secure = state().settings.secure_cookies();
        add_set_cookie(&auth::set_cookie(APPLICANT_COOKIE, &token, Some(auth::APPLICANT_COOKIE_DAYS * 86_400), "Lax", secure));
        Some(auth::owner_hash(&token))
    }

    /// A signed-in staff member.
    #[derive(Clone, Debug)]
    pub struct Staff {
        pub id: i64,
        pub username: String,
        pub display_name: String,
        /// Roles, department and site, as `domain::access` judges them.
        pub scope: StaffScope,
        pub site: Option<String>,
    }

    impl Staff {
        /// How the staff member is named in case events and the audit.
        pub fn actor(&self) -> String {
            format!("staff:{}", self.username)
        }
    }

    pub async fn current_staff() -> Result<Option<Staff>, ApiError> {
        staff_of_session(&state(), cookie(STAFF_COOKIE).as_deref()).await
    }

    /// The staff member a session cookie belongs to, for plain axum handlers; a
    /// failing database counts as signed out (and is logged).
    pub async fn staff_from_cookie(st: &AppState, session: Option<&str>) -> Option<Staff> {
        staff_of_session(st, session).await.ok().flatten()
    }

    async fn staff_of_session(st: &AppState, session: Option<&str>) -> Result<Option<Staff>, ApiError> {
        let Some(cookie) = session else { return Ok(None) };
        let Some((user_id, expires)) = st.session_key.verify_session_expiry(cookie, clock::now_ms()).filter(|(id, _)| *id > 0) else { return Ok(None) };
        let user = st.store.user_of_session(user_id, &auth::session_hash(cookie)).await.map_err(|e| internal("loading staff", e))?;
        // Revoked at once, on every process: a disabled account, or a session signed
        // in before "sign out everywhere".
        let signed_in_at = expires - crate::server::auth::STAFF_SESSION_MS;
        let user = user.filter(|u| !u.disabled && signed_in_at >= u.sessions_from);
        Ok(user.and_then(|u| {
            let roles: Vec<Role> = u.roles.into_iter().filter(|r| r.is_staff()).collect();
            if roles.is_empty() {
                return None;
            }
            let site_path = u.site.as_deref().and_then(|code| st.sites.path(code)).map(str::to_owned);
            let scope = StaffScope { roles, department: u.department, site_path };
            Some(Staff { id: u.id, username: u.username, display_name: u.display_name, scope, site: u.site })
        }))
    }

    pub async fn require_staff() -> Result<Staff, ApiError> {
        current_staff().await?.ok_or(ApiError::Unauthenticated)
    }

    /// The signed-in citizen, if this browser holds a genuine citizen session.
    pub async fn current_citizen() -> Result<Option<crate::server::store::Citizen>, ApiError> {
        let st = state();
        let Some(session) = cookie(auth::CITIZEN_COOKIE) else { return Ok(None) };
        let Some(id) = st.session_key.verify_citizen_session(&session, clock::now_ms()) else { return Ok(None) };
        st.store.citizen_of_session(id, &auth::session_hash(&session)).await.map_err(|e| internal("loading citizen", e))
    }

    /// Whether this browser holds the case as its applicant: it filed it, its
    /// signed-in account holds it, or it passed the lookup for it.
    pub async fn applicant_holds(case: &crate::server::store::CaseRecord) -> Result<bool, ApiError> {
        if applicant_owner(false).as_deref() == Some(case.owner_hash.as_str()) || has_case_access(case.id) {
            return Ok(true);
        }
        Ok(case.citizen_id.is_some() && current_citizen().await?.map(|c| c.id) == case.citizen_id)
    }

    /// The language the visitor reads the portal in (`zh-Hans` or `en`).
    pub fn locale_code() -> &'static str {
        match cookie(crate::ui::language::LOCALE_COOKIE).as_deref() {
            Some("en") => "en",
            _ => "zh-Hans",
        }
    }

    /// Cookie that lets a browser which passed the lookup (tracking number and phone
    /// digits) act on that one case for a while: correct it, download its result.
    pub const CASE_ACCESS_COOKIE: &str = "portal_case";
    /// Half an hour: long enough to correct an application, short on a shared computer.
    pub const CASE_ACCESS_MS: i64 = 30 * 60 * 1000;

    /// Grants this browser access to case `case_id` (after a successful lookup).
    pub fn grant_case_access(case_id: i64) {
        let st = state();
        let value = st.session_key.sign_session(-case_id, clock::now_ms() + CASE_ACCESS_MS);
        add_set_cookie(&auth::set_cookie(CASE_ACCESS_COOKIE, &value, Some(CASE_ACCESS_MS / 1000), "Strict", st.settings.secure_cookies()));
    }

    /// Whether this browser holds access to case `case_id`. Case grants are signed
    /// with negative ids, so a staff session can never pass for one or the reverse.
    pub fn has_case_access(case_id: i64) -> bool {
        cookie(CASE_ACCESS_COOKIE)
            .and_then(|c| state().session_key.verify_session(&c, clock::now_ms()))
            .is_some_and(|id| id == -case_id)
    }
}
