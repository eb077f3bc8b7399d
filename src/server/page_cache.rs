//! Public catalog pages rendered once and served from memory. The home page, the
//! catalog and each service guide (desktop and handheld) are the same for every
//! visitor who is not signed in, in each language, and change only when the catalog
//! does: rendering them per request spent most of the server's time on the pages
//! read most.
//!
//! Two layers. [`hash_inline_scripts`], inside, sees the page as rendered: it allows
//! the page's inline scripts (Leptos's resource data) by their SHA-256 hashes
//! instead of the per-response nonce, which a copy served to many could not keep
//! secret, and marks the response [`Keepable`]. [`serve_kept_pages`], outermost,
//! keeps the final response (compressed as sent, every header set) by path,
//! language and content encoding, and answers the next such request with it before
//! any other layer runs.
//!
//! A page is kept only when it was answered 200, setting no cookie but the language
//! one (the language is in the key), for a GET without a query and without a
//! citizen's or clerk's session. Kept pages expire after [`KEEP_FOR`] and are dropped
//! at once when the calendar changes ([`PageCache::clear`]); the catalog changes only
//! with a restart.

use crate::server::auth::{CITIZEN_COOKIE, STAFF_COOKIE};
use crate::ui::language::LOCALE_COOKIE;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a kept page is served before it is rendered again: a bound on how
/// stale a public page can be if something it shows changes on another process.
pub const KEEP_FOR: Duration = Duration::from_secs(30);

/// The largest page kept; anything larger is served as rendered.
const MAX_PAGE_BYTES: usize = 512 * 1024;

/// Marks a response whose page may be kept (set by [`hash_inline_scripts`]).
#[derive(Clone, Copy)]
pub struct Keepable;

#[derive(Clone)]
struct Kept {
    headers: HeaderMap,
    body: Bytes,
    at: Instant,
}

/// The content encoding a kept copy is stored in: the browser's best of brotli,
/// gzip or none. A request is rendered asking for exactly that one.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    pub fn of(headers: &HeaderMap) -> Encoding {
        // `br;q=0` refuses brotli; any other weight accepts it.
        let accepted = |name: &str| {
            headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|e| {
                let mut parts = e.split(';').map(str::trim);
                let weight = parts.find_map(|p| p.strip_prefix("q=")).map_or(1.0, |q| q.parse::<f32>().unwrap_or(0.0));
                e.split(';').next().map(str::trim) == Some(name) && weight > 0.0
            })
        };
        if accepted("br") {
            Encoding::Brotli
        } else if accepted("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    fn header(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
            Encoding::Identity => "identity",
        }
    }
}

/// Kept pages, by path, language and encoding.
#[derive(Clone, Default)]
pub struct PageCache {
    pages: Arc<RwLock<HashMap<(String, String, Encoding), Kept>>>,
}

impl PageCache {
    /// Drops every kept page (the calendar changed).
    pub fn clear(&self) {
        if let Ok(mut pages) = self.pages.write() {
            pages.clear();
        }
    }

    fn get(&self, key: &(String, String, Encoding)) -> Option<Kept> {
        let pages = self.pages.read().ok()?;
        pages.get(key).filter(|k| k.at.elapsed() < KEEP_FOR).cloned()
    }

    fn put(&self, key: (String, String, Encoding), kept: Kept) {
        if let Ok(mut pages) = self.pages.write() {
            pages.insert(key, kept);
        }
    }
}

/// Whether a path is one of the public catalog pages: `/`, `/services`,
/// `/services/ABC-0001`, and the same under `/m`.
pub fn is_public_catalog_page(path: &str) -> bool {
    let rest = path.strip_prefix("/m").filter(|r| r.is_empty() || r.starts_with('/')).unwrap_or(path);
    match rest {
        "" | "/" | "/services" => true,
        _ => rest.strip_prefix("/services/").is_some_and(|code| {
            let b = code.as_bytes();
            b.len() == 8 && b[..3].iter().all(u8::is_ascii_uppercase) && b[3] == b'-' && b[4..].iter().all(u8::is_ascii_digit)
        }),
    }
}

/// The bodies of a page's inline scripts (those without `src`).
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let attributes = &after[7..open_end];
        let body_start = &after[open_end + 1..];
        let Some(close) = body_start.find("</script>") else { break };
        if !attributes.contains("src=") {
            scripts.push(&body_start[..close]);
        }
        rest = &body_start[close..];
    }
    scripts
}

/// The policy for a kept copy: its inline scripts by hash.
fn policy_for(html: &str) -> Option<HeaderValue> {
    use base64::Engine as _;
    let sources: Vec<String> = inline_scripts(html)
        .into_iter()
        .map(|s| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))))
        .collect();
    HeaderValue::from_str(&crate::ui::content_security_policy(&sources)).ok()
}

/// Whether a request may be answered with a kept page.
fn eligible(request: &Request) -> bool {
    if request.method() != Method::GET || request.uri().query().is_some() || !is_public_catalog_page(request.uri().path()) {
        return false;
    }
    let signed_in = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|h| crate::server::auth::cookie_value(h, CITIZEN_COOKIE).is_some() || crate::server::auth::cookie_value(h, STAFF_COOKIE).is_some());
    !signed_in
}

/// Inner layer: a public page as rendered gets the hash policy and the mark.
pub async fn hash_inline_scripts(request: Request, next: Next) -> Response {
    if !eligible(&request) {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    // The i18n layer repeats the language cookie on every page; the language is
    // in the key, and the language layer picks it again on the next request.
    let only_language_cookie = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .all(|c| c.to_str().is_ok_and(|c| c.strip_prefix(LOCALE_COOKIE).is_some_and(|rest| rest.starts_with('='))));
    if response.status() != StatusCode::OK || !only_language_cookie {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Some(policy) = std::str::from_utf8(&bytes).ok().and_then(policy_for) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        parts.headers.remove(header::SET_COOKIE);
        parts.extensions.insert(Keepable);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Outermost layer: answers a public catalog page from memory, or has it rendered
/// (compressed in the one encoding its key names) and keeps it.
pub async fn serve_kept_pages(State(state): State<crate::server::AppState>, mut request: Request, next: Next) -> Response {
    if !eligible(&request) {
        return next.run(request).await;
    }
    let encoding = Encoding::of(request.headers());
    let locale = crate::ui::language::requested_locale(request.headers(), &state.settings.default_locale);
    let key = (request.uri().path().to_owned(), locale, encoding);
    if let Some(kept) = state.pages.get(&key) {
        let mut response = Response::new(Body::from(kept.body));
        *response.headers_mut() = kept.headers;
        return response;
    }
    request.headers_mut().insert(header::ACCEPT_ENCODING, HeaderValue::from_static(encoding.header()));
    let response = next.run(request).await;
    if response.extensions().get::<Keepable>().is_none() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let mut headers = parts.headers.clone();
    // Set again for each response by the server itself.
    headers.remove(header::DATE);
    headers.remove(header::CONTENT_LENGTH);
    state.pages.put(key, Kept { headers, body: bytes.clone(), at: Instant::now() });
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_public_catalog_pages_are_kept() {
        for path in ["/", "/services", "/services/HLT-0001", "/m", "/m/", "/m/services", "/m/services/MKT-0002"] {
            assert!(is_public_catalog_page(path), "{path}");
        }
        for path in ["/services/HLT-0001/apply", "/services/hlt-0001", "/services/HLT-00011", "/track", "/me", "/m/me", "/admin", "/mservices", "/receipt/1"] {
            assert!(!is_public_catalog_page(path), "{path}");
        }
    }

    #[test]
    fn the_encoding_is_the_browsers_best() {
        let of = |ae: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(ae).unwrap());
            Encoding::of(&h)
        };
        assert!(of("gzip, deflate, br, zstd") == Encoding::Brotli);
        assert!(of("gzip;q=1.0, br;q=0") == Encoding::Gzip);
        assert!(of("identity") == Encoding::Identity);
        assert!(Encoding::of(&HeaderMap::new()) == Encoding::Identity);
    }

    #[test]
    fn inline_scripts_are_found_and_hashed() {
        let html = r#"<script type="module" src="/assets/islands.1.js"></script><script nonce="n">a=1;</script><p>x</p><script>b=2</script>"#;
        assert_eq!(inline_scripts(html), vec!["a=1;", "b=2"]);
        let policy = policy_for(html).unwrap();
        let policy = policy.to_str().unwrap();
        // sha256("a=1;") and sha256("b=2"), base64.
        assert!(policy.contains("'sha256-"), "{policy}");
        assert_eq!(policy.matches("'sha256-").count(), 2, "{policy}");
        let scripts = policy.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(!scripts.contains("nonce") && !scripts.contains("unsafe-inline"), "{policy}");
    }
}
