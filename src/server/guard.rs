//! Two layers every request passes through.
//!
//! - [`same_origin`]: a state-changing request (POST and the like) whose `Origin`
//!   (or, without one, `Referer`) is not the portal's own address is refused with 403
//!   here, once, for every server function and upload. A request with neither header
//!   (a script, not a browser) is left to its credentials.
//! - [`server_fn_status`]: a server function that fails answers with the status its
//!   error means (400 for a request it could not understand, 401 signed out, 404 …)
//!   instead of the framework's blanket 500; a browser posting a staff form while
//!   signed out is sent to the sign-in page.

use crate::api::ApiError;
use crate::server::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// `scheme://host[:port]` of a URL, lowercased.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()))
}

/// Whether a request with these headers may change state, judged by where it came from.
pub fn from_own_pages(headers: &HeaderMap, own_origin: &str) -> bool {
    let header_text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if let Some(origin) = header_text(header::ORIGIN) {
        return origin_of(origin).as_deref() == Some(own_origin);
    }
    if let Some(referer) = header_text(header::REFERER) {
        return origin_of(referer).as_deref() == Some(own_origin);
    }
    // Neither header: not a browser form. Credentials decide (cookies are SameSite).
    true
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

const REFUSED_PAGE: &str = "<!DOCTYPE html><html lang=\"zh-Hans\"><head><meta charset=\"utf-8\"><title>请求被拒绝 Request refused</title></head>\
<body><h1>请求被拒绝</h1><p>这个请求不是从本网站的页面发出的，因此未被处理。请回到本网站重新操作。</p>\
<h1 lang=\"en\">Request refused</h1><p lang=\"en\">This request did not come from this portal's own pages, so it was not carried out. Please go back to the portal and try again.</p></body></html>";

/// Where browsers send the reports of what the Content-Security-Policy blocked.
pub const CSP_REPORT_PATH: &str = "/csp-report";

/// Logs a browser's report of something the Content-Security-Policy blocked (a
/// script injected into a page, or a page of ours that breaks its own policy), so an
/// operator sees it; `scripts/test` fails when the end-to-end suite caused any.
/// Answers 204 whatever was sent: the report is the browser's, not a user's.
pub async fn csp_report(body: axum::body::Bytes) -> StatusCode {
    let report: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let report = &report["csp-report"];
    let field = |name: &str| report[name].as_str().unwrap_or("").chars().take(200).collect::<String>();
    tracing::warn!(
        document = %field("document-uri"),
        directive = %field("violated-directive"),
        blocked = %field("blocked-uri"),
        sample = %field("script-sample"),
        "content security policy violation"
    );
    StatusCode::NO_CONTENT
}

pub async fn same_origin(State(st): State<AppState>, request: Request, next: Next) -> Response {
    // A CSP report comes from the browser itself, without the page's origin; it
    // changes nothing but the log.
    if changes_state(request.method()) && request.uri().path() != CSP_REPORT_PATH {
        let own = origin_of(&st.settings.public_url).unwrap_or_default();
        if !from_own_pages(request.headers(), &own) {
            tracing::warn!(path = %request.uri().path(), "cross-origin request refused");
            return (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], REFUSED_PAGE).into_response();
        }
    }
    next.run(request).await
}

const BAD_REQUEST_PAGE: &str = "<!DOCTYPE html><html lang=\"zh-Hans\"><head><meta charset=\"utf-8\"><title>请求无法识别 Bad request</title></head>\
<body><h1>请求无法识别</h1><p>提交的内容不完整或格式不对，未作处理。请回到上一页重新填写提交。</p>\
<h1 lang=\"en\">Bad request</h1><p lang=\"en\">What was sent is incomplete or malformed, so nothing was done. Please go back and submit the form again.</p></body></html>";

/// The HTTP status an [`ApiError`] means.
pub fn status_of(e: &ApiError) -> StatusCode {
    match e {
        ApiError::NotFound => StatusCode::NOT_FOUND,
        ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden => StatusCode::FORBIDDEN,
        ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        // The request could not be decoded: the sender's fault, not ours.
        ApiError::Transport(_) => StatusCode::BAD_REQUEST,
    }
}

const NOT_FOUND_PAGE: &str = "<!DOCTYPE html><html lang=\"zh-Hans\"><head><meta charset=\"utf-8\"><title>页面不存在 Not found</title></head>\
<body><h1>页面不存在</h1><p>您要找的内容不存在，或您无权查看。<a href=\"/\">返回首页</a></p>\
<h1 lang=\"en\">Not found</h1><p lang=\"en\">What you asked for does not exist, or is not yours to see. <a href=\"/\">Home</a></p></body></html>";

const UNAVAILABLE_PAGE: &str = "<!DOCTYPE html><html lang=\"zh-Hans\"><head><meta charset=\"utf-8\"><title>暂时无法处理 Try again</title></head>\
<body><h1>暂时无法处理</h1><p>系统暂时无法完成这个请求，您填写的内容没有丢失。请稍后返回上一页重试。</p>\
<h1 lang=\"en\">Please try again</h1><p lang=\"en\">The portal could not complete this request just now; nothing you entered was lost. Please go back and try again shortly.</p></body></html>";

fn html(status: StatusCode, page: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

pub async fn server_fn_status(request: Request, next: Next) -> Response {
    // A signed-out citizen is sent to the citizens' sign-in, staff to theirs.
    let sign_in = if request.uri().path().starts_with("/api/account/") { "/me" } else { "/admin/login" };
    let wants_html = request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    let response = next.run(request).await;
    // Server functions mark a failed call with this header (answered 500, or for a
    // browser form a redirect back to the page it came from).
    if !response.headers().contains_key("serverfnerror") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Error bodies are a few bytes of JSON; anything larger is not ours to read.
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let error: ApiError = serde_json::from_slice(&bytes).unwrap_or(ApiError::Unavailable);
    if let ApiError::Transport(detail) = &error {
        tracing::info!("malformed server function request: {}", crate::server::logging::redact(&detail));
    }
    if wants_html {
        // A plain form posted by a browser: answer with a page a person can act on.
        return match error {
            ApiError::Unauthenticated => Redirect::to(sign_in).into_response(),
            ApiError::Transport(_) => html(StatusCode::BAD_REQUEST, BAD_REQUEST_PAGE),
            ApiError::NotFound | ApiError::Forbidden => html(StatusCode::NOT_FOUND, NOT_FOUND_PAGE),
            ApiError::Unavailable => html(StatusCode::SERVICE_UNAVAILABLE, UNAVAILABLE_PAGE),
        };
    }
    parts.status = status_of(&error);
    parts.headers.remove(header::LOCATION);
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn origins_are_compared_by_scheme_host_and_port() {
        assert_eq!(origin_of("https://Gov.Example.cn/track?x=1").as_deref(), Some("https://gov.example.cn"));
        assert_eq!(origin_of("http://127.0.0.1:3100").as_deref(), Some("http://127.0.0.1:3100"));
        assert_eq!(origin_of("null"), None);
        assert_eq!(origin_of("http://evil@gov.example.cn/"), None);
    }

    #[test]
    fn only_the_portals_own_pages_may_post() {
        let own = "http://127.0.0.1:3100";
        assert!(from_own_pages(&headers(&[(header::ORIGIN, own)]), own));
        assert!(!from_own_pages(&headers(&[(header::ORIGIN, "http://127.0.0.1:3101")]), own), "another port");
        assert!(!from_own_pages(&headers(&[(header::ORIGIN, "null")]), own), "a sandboxed frame or file");
        assert!(from_own_pages(&headers(&[(header::REFERER, "http://127.0.0.1:3100/admin/cases/1")]), own));
        assert!(!from_own_pages(&headers(&[(header::REFERER, "http://127.0.0.1:3100.evil.cn/")]), own));
        // Origin wins over Referer.
        assert!(!from_own_pages(&headers(&[(header::ORIGIN, "https://evil.cn"), (header::REFERER, "http://127.0.0.1:3100/")]), own));
        assert!(from_own_pages(&HeaderMap::new(), own), "no browser headers: judged by credentials");
    }

    #[test]
    fn each_error_has_its_status() {
        assert_eq!(status_of(&ApiError::Transport("missing field".into())), StatusCode::BAD_REQUEST);
        assert_eq!(status_of(&ApiError::Unauthenticated), StatusCode::UNAUTHORIZED);
        assert_eq!(status_of(&ApiError::NotFound), StatusCode::NOT_FOUND);
    }
}
