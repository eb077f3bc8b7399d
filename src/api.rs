//! Server functions: thin doors. Each authorises, calls the domain and the store,
//! and returns. Forms post to them directly, so every form works without
//! JavaScript; they answer with redirects a browser follows.

pub mod applications;
pub mod catalog;
#[cfg(feature = "ssr")]
pub mod files;
pub mod lookup;
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
    use crate::domain::case::Role;
    use crate::server::auth::{self, APPLICANT_COOKIE, STAFF_COOKIE};
    use crate::server::{AppState, clock};
    use axum::http::header::{COOKIE, SET_COOKIE};
    use axum::http::request::Parts;
    use leptos::prelude::*;

    pub fn state() -> AppState {
        expect_context::<AppState>()
    }

    /// Logs an unexpected failure with its detail and answers without it.
    pub fn internal(context: &str, e: impl std::fmt::Display) -> ApiError {
        tracing::error!("{context}: {e}");
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

    /// The client's address, for throttling.
    pub fn client_ip() -> std::net::IpAddr {
        use_context::<Parts>()
            .and_then(|p| p.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip()))
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
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
        pub role: Role,
    }

    pub async fn current_staff() -> Result<Option<Staff>, ApiError> {
        let Some(cookie) = cookie(STAFF_COOKIE) else { return Ok(None) };
        let st = state();
        let Some(user_id) = st.session_key.verify_session(&cookie, clock::now_ms()) else { return Ok(None) };
        let user = st.store.user_by_id(user_id).await.map_err(|e| internal("loading staff", e))?;
        Ok(user.and_then(|u| {
            let role = Role::from_code(&u.role).filter(|r| r.is_staff())?;
            Some(Staff { id: u.id, username: u.username, display_name: u.display_name, role })
        }))
    }

    pub async fn require_staff() -> Result<Staff, ApiError> {
        current_staff().await?.ok_or(ApiError::Unauthenticated)
    }
}
