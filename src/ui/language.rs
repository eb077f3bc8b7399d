//! Choosing the language: a cookie, set by a plain link (works without JavaScript),
//! else the browser's Accept-Language, else the portal's configured default.

use crate::i18n::*;
use leptos::prelude::*;

/// The cookie leptos_i18n reads.
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// The locale for an `Accept-Language` header, if it names one we speak.
pub fn locale_from_accept_language(header: &str) -> Option<&'static str> {
    header.split(',').find_map(|part| {
        let tag = part.split(';').next()?.trim().to_ascii_lowercase();
        match tag.split('-').next()? {
            "zh" => Some("zh-Hans"),
            "en" => Some("en"),
            _ => None,
        }
    })
}

/// Only same-site paths may be returned to after switching language, and only
/// ones a `Location` header can carry (no line breaks or other control characters).
pub fn safe_return_path(next: Option<&str>) -> &str {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.chars().any(char::is_control) => p,
        _ => "/",
    }
}

#[cfg(feature = "ssr")]
#[derive(serde::Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// `GET /lang/{locale}?next=/path`
#[cfg(feature = "ssr")]
pub async fn switch_language(
    axum::extract::State(state): axum::extract::State<crate::server::AppState>,
    axum::extract::Path(locale): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<SwitchQuery>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let locale = if locale == "en" { "en" } else { "zh-Hans" };
    let mut cookie = format!("{LOCALE_COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax");
    if state.settings.secure_cookies() {
        cookie.push_str("; Secure");
    }
    let mut response = axum::response::Redirect::to(safe_return_path(q.next.as_deref())).into_response();
    if let Ok(v) = cookie.parse() {
        response.headers_mut().insert(axum::http::header::SET_COOKIE, v);
    }
    response
}

/// The language a request asks for: its language cookie, else its Accept-Language,
/// else `default` (what [`default_locale`] hands the i18n layer).
#[cfg(feature = "ssr")]
pub fn requested_locale(headers: &axum::http::HeaderMap, default: &str) -> String {
    use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
    let from_cookie = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| crate::server::auth::cookie_value(h, LOCALE_COOKIE));
    from_cookie
        .or_else(|| headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(locale_from_accept_language))
        .unwrap_or(default)
        .to_owned()
}

/// Gives a request without a language cookie the one its Accept-Language asks for,
/// or the configured default, so the i18n layer always has an explicit choice.
#[cfg(feature = "ssr")]
pub async fn default_locale(
    axum::extract::State(state): axum::extract::State<crate::server::AppState>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header::COOKIE;
    let headers = request.headers();
    let has_cookie = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|h| crate::server::auth::cookie_value(h, LOCALE_COOKIE).is_some());
    if !has_cookie {
        let chosen = requested_locale(headers, &state.settings.default_locale);
        if let Ok(v) = format!("{LOCALE_COOKIE}={chosen}").parse() {
            request.headers_mut().append(COOKIE, v);
        }
    }
    next.run(request).await
}

fn encode_query_value(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// A link to the same page in the other language.
#[component]
pub fn LanguageLink() -> impl IntoView {
    let i18n = use_i18n();
    let location = leptos_router::hooks::use_location();
    let (target, lang_attr) = match i18n.get_locale_untracked() {
        Locale::en => ("zh-Hans", "zh-Hans"),
        _ => ("en", "en"),
    };
    let path = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    let here = match search.trim_start_matches('?') {
        "" => path,
        query => format!("{path}?{query}"),
    };
    let href = format!("/lang/{target}?next={}", encode_query_value(&here));
    view! {
        <a href=href lang=lang_attr hreflang=lang_attr class="nav-link" aria-label=t_string!(i18n, nav.other_language_label).to_string()>
            {t_string!(i18n, nav.other_language).to_string()}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_language_we_speak() {
        assert_eq!(locale_from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Some("zh-Hans"));
        assert_eq!(locale_from_accept_language("fr-FR, en-US;q=0.8"), Some("en"));
        assert_eq!(locale_from_accept_language("fr-FR"), None);
    }

    #[test]
    fn switching_language_never_leaves_the_site() {
        assert_eq!(safe_return_path(Some("/services?q=a")), "/services?q=a");
        assert_eq!(safe_return_path(Some("//evil.example")), "/");
        assert_eq!(safe_return_path(Some("https://evil.example")), "/");
        assert_eq!(safe_return_path(Some("/\\evil.example")), "/");
        assert_eq!(safe_return_path(None), "/");
        // A header injection, or a NUL, is not a path (wapiti found the 500 it caused).
        assert_eq!(safe_return_path(Some("/\nSet-Cookie: x=1")), "/");
        assert_eq!(safe_return_path(Some("/etc/passwd\0")), "/");
    }
}
