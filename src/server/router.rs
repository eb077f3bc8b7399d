//! The HTTP application: routes, server functions and the layers every request
//! passes through. Built here (not in `main`) so tests can drive the whole portal.

use crate::api::files;
use crate::app::{App, shell};
use crate::server::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

pub fn router(state: AppState) -> Router {
    let leptos_options = state.leptos_options.clone();
    let upload_limit = files::upload_body_limit(state.settings.upload_max_bytes);
    let routes = generate_route_list(App);
    Router::new()
        .route("/apply/{draft}/materials/{material}", post(files::upload_material).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/track/{tracking}/materials/{material}", post(files::upload_correction).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/bundle-apply/{draft}/materials/{service}/{material}", post(files::upload_bundle_material).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/admin/materials/{id}", get(files::view_material))
        .route(crate::server::guard::CSP_REPORT_PATH, post(crate::server::guard::csp_report).layer(DefaultBodyLimit::max(16 * 1024)))
        .route("/lang/{locale}", get(crate::ui::language::switch_language))
        .route(&format!("{}/{{name}}", crate::server::assets::ASSETS_PATH), get(crate::server::assets::serve))
        // Client code, served from the brotli copies the build makes when the browser accepts them.
        .nest_service("/pkg", ServeDir::new(format!("{}/{}", leptos_options.site_root, leptos_options.site_pkg_dir)).precompressed_br())
        .merge(
            // Pages and server functions: what Leptos renders.
            Router::new()
                .leptos_routes_with_context(
                    &state,
                    routes,
                    {
                        let state = state.clone();
                        move || provide_context(state.clone())
                    },
                    {
                        let options = leptos_options.clone();
                        move || shell(options.clone())
                    },
                )
                .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
                .layer(axum::middleware::from_fn(render_to_completion)),
        )
        .layer(axum::middleware::from_fn(crate::server::guard::server_fn_status))
        .layer(axum::middleware::from_fn(crate::server::page_cache::hash_inline_scripts))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::ui::language::default_locale))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::server::guard::same_origin))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::ui::security_headers))
        .layer(CompressionLayer::new())
        // Outermost: a kept public page is answered before any other layer runs.
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::server::page_cache::serve_kept_pages))
        .with_state(state)
}

/// Runs what Leptos answers to its last byte in a task of its own, so a client
/// that hangs up half way does not drop a render or a server function in the
/// middle. Dropped there, the request's reactive owner is disposed while the tasks
/// it spawned (a page's data loading, a server function reading its context) go on
/// running on other worker threads; they then find their context gone and panic
/// (hundreds of hung-up requests in a scan made a few). Pages render in
/// `SsrMode::Async`, which sends nothing before the last of their data is ready
/// anyway, so holding the whole answer first costs no reader anything.
async fn render_to_completion(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let rendered = tokio::spawn(async move {
        let (parts, body) = next.run(request).await.into_parts();
        axum::body::to_bytes(body, usize::MAX).await.map(|bytes| axum::response::Response::from_parts(parts, axum::body::Body::from(bytes)))
    });
    match rendered.await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            tracing::error!(problem = %crate::server::logging::redact(&e.to_string()), "an answer could not be rendered");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        // The render panicked: the panic is in the log already.
        Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    //! The whole portal driven through its router (real server functions, a real
    //! SQLite database with the shipped catalog): who may call what.

    use super::*;
    use crate::domain::case::CaseStatus;
    use crate::domain::delivery::Delivery;
    use crate::server::auth::{STAFF_COOKIE, SessionKey};
    use crate::server::blobs::BlobStore;
    use crate::server::store::{Draft, NewCase, Step, Store};
    use crate::server::{AppStateParts, catalog_loader, clock, demo, settings::Settings, throttle::Throttle};
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use std::collections::BTreeMap;
    use std::sync::{Arc, RwLock};
    use tower::ServiceExt;

    struct Portal {
        app: Router,
        state: AppState,
        tracking: String,
    }

    /// A portal on a fresh database with the demo accounts and one case of 生育登记
    /// (reviewed by the health department) accepted at the district centre.
    async fn portal() -> Portal {
        portal_on(None).await
    }

    /// The same portal on SQLite and, when the test server is there, on PostgreSQL.
    async fn portals_on_every_engine() -> Vec<Portal> {
        let mut portals = vec![portal().await];
        if let Some(url) = crate::server::store::tests::fresh_postgres_database().await {
            portals.push(portal_on(Some(url)).await);
        }
        portals
    }

    /// [`portal`] on the database `url` names (a fresh SQLite file without one).
    async fn portal_on(database_url: Option<String>) -> Portal {
        let dir = std::env::temp_dir().join(format!("portal-router-test-{}", clock::random_token()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut settings = Settings::load(std::path::Path::new("Leptos.toml")).unwrap();
        settings.database_url = database_url.unwrap_or_else(|| format!("sqlite://{}/portal.db", dir.display()));
        settings.public_url = "http://127.0.0.1:3999".into();
        let catalog = catalog_loader::read_catalog(std::path::Path::new("catalog")).unwrap();
        let store = Store::connect(&settings.database_url).await.unwrap();
        catalog_loader::store_catalog(&store, &catalog, 1).await.unwrap();
        demo::create_demo_accounts(&store, 1).await.unwrap();
        let calendar = catalog_loader::load_calendar(&store).await.unwrap();
        let conf = leptos::prelude::get_configuration(Some("Cargo.toml")).unwrap();
        let state = AppState::new(AppStateParts {
            leptos_options: conf.leptos_options,
            blobs: BlobStore::new(&dir.join("uploads")),
            settings: Arc::new(settings),
            store: store.clone(),
            session_key: SessionKey::for_tests(9),
            throttle: Arc::new(Throttle::default()),
            sites: Arc::new(catalog.sites),
            proactive: Arc::new(catalog.proactive),
            bundles: Arc::new(catalog.bundles),
            calendar: Arc::new(RwLock::new(calendar)),
            assets: Default::default(),
            pages: Default::default(),
        });
        let mut answers = BTreeMap::new();
        answers.insert("applicant_name".to_owned(), "王小明".to_owned());
        answers.insert("applicant_phone".to_owned(), "13800138000".to_owned());
        let draft = Draft { id: "matrix".into(), owner_hash: "owner".into(), service_code: "HLT-0001".into(), answers: answers.clone(), created_at: 1, updated_at: 1, citizen_id: None };
        store.save_draft(&draft).await.unwrap();
        let case = store
            .submit_case(&NewCase {
                draft: &draft,
                region: "350102",
                department: "health",
                applicant_name: "王小明",
                applicant_phone: "13800138000",
                answers: &answers,
                site_path: "/gulou/",
                locale: "zh-Hans",
                delivery: &Delivery::Online,
                citizen_id: None,
                proxy: None,
                fee: crate::domain::fee::CaseFee::NONE,
                waiver: None,
                credit: None,
                provisions: &[],
                instant: None,
                at: clock::now_ms(),
            })
            .await
            .unwrap();
        let reviewers = vec!["health".to_owned()];
        let mut accept = Step::new(case.id, CaseStatus::Submitted, CaseStatus::Accepted, "staff:window01", "", clock::now_ms());
        accept.open_reviews = &reviewers;
        store.record_step(&accept).await.unwrap();
        Portal { app: router(state.clone()), state, tracking: case.tracking_number.as_str().to_owned() }
    }

    /// Who calls.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Caller {
        Anonymous,
        /// A citizen's browser: an applicant cookie, no staff session.
        Applicant,
        Staff(&'static str),
    }

    const CALLERS: [Caller; 10] = [
        Caller::Anonymous,
        Caller::Applicant,
        Caller::Staff("window01"),
        Caller::Staff("review01"),
        // A reviewer of another department than the case's.
        Caller::Staff("market01"),
        Caller::Staff("issue01"),
        Caller::Staff("super01"),
        Caller::Staff("admin01"),
        // A window clerk of a town centre: the district's case is not theirs.
        Caller::Staff("window02"),
        // A community's proxy agent: files for residents, sees no clerk's case.
        Caller::Staff("agent01"),
    ];

    impl Portal {
        async fn cookie(&self, caller: Caller) -> Option<String> {
            match caller {
                Caller::Anonymous => None,
                Caller::Applicant => Some("portal_applicant=0123456789abcdef0123456789abcdef".into()),
                Caller::Staff(username) => {
                    let user = self.state.store.user_by_username(username).await.unwrap().unwrap();
                    // As a sign-in now would: after any "sign out everywhere" the matrix ran.
                    Some(format!("{STAFF_COOKIE}={}", self.state.session_key.sign_session(user.id, clock::now_ms() + crate::server::auth::STAFF_SESSION_MS)))
                }
            }
        }

        async fn post(&self, path: &str, body: &str, caller: Caller, extra: &[(header::HeaderName, &str)]) -> (StatusCode, String) {
            let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            if let Some(c) = self.cookie(caller).await {
                request = request.header(header::COOKIE, c);
            }
            for (k, v) in extra {
                request = request.header(k, *v);
            }
            let response = self.app.clone().oneshot(request.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
            let status = response.status();
            let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            (status, location)
        }
    }

    /// How a server function answered, as the matrix speaks of it.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Answer {
        Ok,
        /// Sent elsewhere (a form's answer): a `Location`, with 302 for a browser.
        Redirect,
        SignedOut,
        NotFound,
        Other(StatusCode),
    }

    fn answer(status: StatusCode, location: &str) -> Answer {
        match status {
            StatusCode::OK | StatusCode::FOUND if !location.is_empty() => Answer::Redirect,
            StatusCode::OK => Answer::Ok,
            StatusCode::UNAUTHORIZED => Answer::SignedOut,
            StatusCode::NOT_FOUND => Answer::NotFound,
            other => Answer::Other(other),
        }
    }

    /// What each staff server function answers each caller. A new staff function
    /// without a row here fails the test.
    fn expected(path: &str, caller: Caller) -> Option<Answer> {
        use Caller::*;
        let ok = Answer::Ok;
        let redirect = Answer::Redirect;
        let signed_out = Answer::SignedOut;
        let not_found = Answer::NotFound;
        // Who may see the case: its site's clerks, its department's reviewer, overseers.
        let sees_case = matches!(caller, Staff("window01" | "review01" | "issue01" | "super01" | "admin01"));
        Some(match (path, caller) {
            ("/api/staff/me", _) => ok,
            ("/api/staff/login", _) | ("/api/staff/logout", _) => redirect,
            (_, Anonymous | Applicant) => signed_out,
            ("/api/staff/logout-everywhere", _) => redirect,
            ("/api/staff/queue", Staff("agent01")) => not_found,
            ("/api/staff/queue", _) => ok,
            // Proxy filing: the agent's page and forms, nobody else's. Starting with
            // a code never sent is refused back to the form.
            ("/api/staff/agent", Staff("agent01")) => ok,
            ("/api/staff/agent/consent-code" | "/api/staff/agent/start", Staff("agent01")) => redirect,
            ("/api/staff/agent" | "/api/staff/agent/consent-code" | "/api/staff/agent/start", _) => not_found,
            ("/api/staff/case", _) => if sees_case { ok } else { not_found },
            // Refusing without a reason never changes anything: allowed callers are
            // sent back with a message, the others do not see the case.
            ("/api/staff/decide", _) => if sees_case { redirect } else { not_found },
            ("/api/staff/calendar", Staff("admin01")) => ok,
            ("/api/staff/calendar", _) => not_found,
            ("/api/staff/calendar/edit", Staff("admin01")) => redirect,
            ("/api/staff/calendar/edit", _) => not_found,
            ("/api/staff/credit", Staff("admin01")) => ok,
            ("/api/staff/credit/put" | "/api/staff/credit/remove", Staff("admin01")) => redirect,
            ("/api/staff/credit" | "/api/staff/credit/put" | "/api/staff/credit/remove", _) => not_found,
            _ => return None,
        })
    }

    fn body_for(path: &str, tracking: &str) -> String {
        match path {
            "/api/staff/login" => "username=nobody&password=wrong".into(),
            "/api/staff/queue" => "tab=&q=&service=&site=&status=&department=&after=".into(),
            "/api/staff/case" => format!("tracking={tracking}"),
            "/api/staff/decide" => format!("tracking={tracking}&action=refuse&seen_status=accepted&note="),
            // An edit that is refused (no reason): nothing changes.
            "/api/staff/calendar/edit" => "year=2026&text=year%20%3D%202026&reason=".into(),
            "/api/staff/agent/consent-code" => "service=HLT-0001&phone=13900139000".into(),
            // Changes refused for want of a reason: nothing changes.
            "/api/staff/credit/put" => "subject=11010519491231002X&list=red&reason_zh=a&reason_en=b&why=".into(),
            "/api/staff/credit/remove" => "subject=11010519491231002X&why=".into(),
            "/api/staff/agent/start" => "service=HLT-0001&phone=13700137000&code=000000".into(),
            _ => String::new(),
        }
    }

    #[tokio::test]
    async fn every_staff_function_answers_every_caller_as_the_matrix_says() {
        let p = portal().await;
        let mut paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).filter(|path| path.starts_with("/api/staff/")).collect();
        paths.sort();
        paths.dedup();
        assert!(paths.len() >= 8, "the staff functions are registered: {paths:?}");
        for path in &paths {
            for caller in CALLERS {
                let want = expected(path, caller).unwrap_or_else(|| panic!("{path} is missing from the authorisation matrix"));
                let (status, location) = p.post(path, &body_for(path, &p.tracking), caller, &[]).await;
                assert_eq!(answer(status, &location), want, "{path} as {caller:?} (location {location})");
            }
        }
    }

    #[tokio::test]
    async fn bad_requests_are_4xx_and_foreign_posts_are_refused() {
        let p = portal().await;
        // An empty body is a malformed request, not a server failure.
        assert_eq!(p.post("/api/lookup", "", Caller::Anonymous, &[]).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(p.post("/api/staff/case", "", Caller::Staff("window01"), &[]).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(p.post("/api/staff/queue", &body_for("/api/staff/queue", ""), Caller::Anonymous, &[]).await.0, StatusCode::UNAUTHORIZED);
        // A signed-out browser posting a staff form is sent to sign in.
        let (status, location) = p.post("/api/staff/decide", &body_for("/api/staff/decide", &p.tracking), Caller::Anonymous, &[(header::ACCEPT, "text/html")]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/admin/login"));
        // Another site's page posting into the portal, even with a valid session.
        let foreign = [(header::ORIGIN, "https://evil.example")];
        assert_eq!(p.post("/api/staff/decide", &body_for("/api/staff/decide", &p.tracking), Caller::Staff("admin01"), &foreign).await.0, StatusCode::FORBIDDEN);
        let foreign_referer = [(header::REFERER, "https://evil.example/page")];
        assert_eq!(p.post("/api/lookup", "number=1&phone=2", Caller::Anonymous, &foreign_referer).await.0, StatusCode::FORBIDDEN);
        assert_eq!(p.post(&format!("/apply/x/materials/y"), "", Caller::Anonymous, &foreign).await.0, StatusCode::FORBIDDEN);
        let own = [(header::ORIGIN, "http://127.0.0.1:3999")];
        assert_eq!(p.post("/api/staff/case", &format!("tracking={}", p.tracking), Caller::Staff("window01"), &own).await.0, StatusCode::OK);
    }

    /// A forged upload whose file name holds a NUL cannot be parsed; the refusal is
    /// answered once the client has sent the whole request, over a real connection,
    /// so the client reads it (answered while it was still sending, the closing
    /// connection would reset and the client would see no answer at all).
    #[tokio::test]
    async fn a_malformed_upload_is_answered_with_a_refusal_the_client_can_read() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let p = portal().await;
        let applicant = "0123456789abcdef0123456789abcdef";
        let draft = Draft {
            id: "forged-upload".into(),
            owner_hash: crate::server::auth::owner_hash(applicant),
            service_code: "HLT-0001".into(),
            answers: BTreeMap::new(),
            created_at: 1,
            updated_at: 1,
            citizen_id: None,
        };
        p.state.store.save_draft(&draft).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = p.app.clone();
        tokio::spawn(async move { axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await });
        // Two megabytes after the broken header: more than the connection buffers hold.
        let mut body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\0.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n".to_vec();
        body.extend(std::iter::repeat_n(b'x', 2 * 1024 * 1024));
        body.extend_from_slice(b"\r\n--b--\r\n");
        let head = format!(
            "POST /apply/forged-upload/materials/spouses_identity HTTP/1.1\r\nHost: {address}\r\nOrigin: http://127.0.0.1:3999\r\nCookie: portal_applicant={applicant}\r\n\
             Accept: text/html\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let mut connection = tokio::net::TcpStream::connect(address).await.unwrap();
        connection.write_all(head.as_bytes()).await.unwrap();
        connection.write_all(&body).await.expect("the portal reads the whole request");
        let mut answer = String::new();
        connection.read_to_string(&mut answer).await.expect("the answer arrives, not a reset");
        assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
        assert!(answer.contains("location: /apply/forged-upload/materials?error=empty&material=spouses_identity"), "{answer}");
        assert!(p.state.store.materials_of_draft("forged-upload").await.unwrap().is_empty(), "nothing is kept");
    }

    /// A NUL (which PostgreSQL text cannot hold) or another control character in
    /// any argument of the functions that take text: refused or answered, never a
    /// server failure. Where the text is
    /// a person's (a clerk's note, a reason), the refusal names the problem.
    #[tokio::test]
    async fn control_characters_in_any_argument_are_refused_never_a_server_failure() {
        for p in portals_on_every_engine().await {
            let engine = p.state.store.engine();
            let listed_before = p.state.store.credit_entries().await.unwrap();
            let mut bodies: Vec<(&str, String)> = vec![
                ("/api/lookup", "number=350102-20261203-0001-X&phone=1234".into()),
                ("/api/account/code", "phone=13800138000".into()),
                ("/api/catalog/list", "query=%E7%94%9F%E8%82%B2&department=health&audience=person&depth=full&popular_only=false".into()),
                ("/api/applications/answers", "service=HLT-0001&answers%5Bapplicant_name%5D=%E7%8E%8B".into()),
                ("/api/staff/decide", format!("tracking={}&action=refuse&seen_status=accepted&note=why&legal_basis=law", p.tracking)),
            ];
            let mut staff_paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).filter(|path| path.starts_with("/api/staff/")).collect();
            staff_paths.sort();
            staff_paths.dedup();
            bodies.extend(staff_paths.into_iter().map(|path| (path, body_for(path, &p.tracking))).filter(|(_, body)| !body.is_empty()));
            for (path, body) in &bodies {
                let pairs: Vec<&str> = body.split('&').collect();
                for i in 0..pairs.len() {
                    for bad in ["%00", "%1B"] {
                        let mut poisoned = pairs.clone();
                        let with_bad = format!("{}{bad}x", pairs[i]);
                        poisoned[i] = &with_bad;
                        let poisoned = poisoned.join("&");
                        // An administrator may call every staff function and sees the case.
                        let caller = if path.starts_with("/api/staff/") { Caller::Staff("admin01") } else { Caller::Anonymous };
                        let (status, location) = p.post(path, &poisoned, caller, &[]).await;
                        assert!(!status.is_server_error(), "{engine}: {path} `{poisoned}` as {caller:?} answered {status} ({location})");
                    }
                }
            }
            let refused = |path: &'static str, body: String, caller: Caller, outcome: &'static str| {
                let p = &p;
                async move {
                    let (_, location) = p.post(path, &body, caller, &[]).await;
                    assert!(location.contains(outcome), "{engine}: {path} `{body}`: {location}");
                }
            };
            refused("/api/staff/decide", format!("tracking={}&action=refuse&seen_status=accepted&note=%E7%90%86%E7%94%B1%00", p.tracking), Caller::Staff("window01"), "error=note_control_character").await;
            refused("/api/staff/decide", format!("tracking={}&action=refuse&seen_status=accepted&note=n&legal_basis=%1B%5B31m", p.tracking), Caller::Staff("window01"), "error=note_control_character").await;
            refused("/api/staff/calendar/edit", "year=2026&text=year%20%3D%202026&reason=%E8%B0%83%E6%95%B4%00".into(), Caller::Staff("admin01"), "error=control_character").await;
            refused("/api/staff/credit/put", "subject=11010519491231002X&list=red&reason_zh=a&reason_en=b&why=w%00".into(), Caller::Staff("admin01"), "error=why_control_character").await;
            refused("/api/staff/credit/put", "subject=11010519491231002X&list=red&reason_zh=a%00&reason_en=b&why=w".into(), Caller::Staff("admin01"), "error=reason_control_character").await;
            refused("/api/staff/credit/remove", "subject=11010519491231002X&why=%00".into(), Caller::Staff("admin01"), "error=why_control_character").await;
            // None of them changed the credit lists (the shipped file lists this subject).
            assert_eq!(p.state.store.credit_entries().await.unwrap(), listed_before, "{engine}");
        }
    }

    /// Posts a form as a browser on the portal's own page would; answers the status,
    /// the `Location` and the `Set-Cookie` headers.
    async fn form(p: &Portal, path: &str, body: &str, cookie: Option<&str>) -> (StatusCode, String, Vec<String>) {
        let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").header(header::ACCEPT, "text/html");
        if let Some(c) = cookie {
            request = request.header(header::COOKIE, c);
        }
        let response = p.app.clone().oneshot(request.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
        let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let cookies = response.headers().get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect();
        (response.status(), location, cookies)
    }

    /// The six digits of the newest code message to `phone` in the outbox.
    async fn newest_code(p: &Portal, phone: &str) -> String {
        let (_, _, _, body) = p.state.store.recent_outbox(50).await.unwrap().into_iter().find(|(_, to, kind, _)| to == phone && kind == "sign_in_code").expect("a code message");
        body.chars().filter(char::is_ascii_digit).collect::<String>().chars().take(6).collect()
    }

    #[tokio::test]
    async fn a_citizen_signs_in_with_a_code_once_and_claims_the_case_filed_with_their_number() {
        let p = portal().await;
        let phone = "13800138000";
        // A number that is not one is refused with its own message, before any send.
        let (_, location, _) = form(&p, "/api/account/code", "phone=12345&back=%2Fm%2Fme", None).await;
        assert!(location.starts_with("/m/me?error=phone_invalid"), "{location}");
        let (_, location, _) = form(&p, "/api/account/code", &format!("phone={phone}&back=%2Fme"), None).await;
        assert!(location.starts_with(&format!("/me?phone={phone}&sent=1")), "{location}");
        // A second code within the minute is refused, with the seconds to wait.
        let (_, location, _) = form(&p, "/api/account/code", &format!("phone={phone}&back=%2Fme"), None).await;
        let wait: i64 = location.split("wait=").nth(1).and_then(|w| w.split(['&', '#']).next()).and_then(|w| w.parse().ok()).unwrap_or(0);
        assert!(location.contains("error=too_soon") && (50..=60).contains(&wait), "{location}");
        let code = newest_code(&p, phone).await;
        assert_eq!(code.len(), 6);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let (_, location, cookies) = form(&p, "/api/account/sign-in", &format!("phone={phone}&code={wrong}&back=%2Fme"), None).await;
        assert!(location.contains("error=code_wrong&left=4"), "{location}");
        assert!(cookies.iter().all(|c| !c.starts_with("portal_citizen=")), "no session for a wrong code");
        let (_, location, cookies) = form(&p, "/api/account/sign-in", &format!("phone={phone}&code={code}&back=%2Fme"), None).await;
        assert_eq!(location, "/me");
        let session = cookies.iter().find(|c| c.starts_with("portal_citizen=")).expect("a citizen session").split(';').next().unwrap().to_owned();
        // The same code again: used up.
        let (_, location, _) = form(&p, "/api/account/sign-in", &format!("phone={phone}&code={code}&back=%2Fme"), None).await;
        assert!(location.contains("error=code_used"), "{location}");
        // The case filed before with this number is claimable, and then in "my cases".
        let citizen = p.state.store.citizen_signed_in(phone, clock::now_ms()).await.unwrap();
        assert_eq!(p.state.store.claimable_cases(phone, 10).await.unwrap().len(), 1);
        let (_, location, _) = form(&p, "/api/account/claim", &format!("tracking={}&back=%2Fme", p.tracking), Some(&session)).await;
        assert!(location.starts_with("/me?claimed="), "{location}");
        let mine = p.state.store.cases_of_citizen(citizen.id, 10).await.unwrap();
        assert_eq!(mine.iter().map(|c| c.tracking_number.as_str()).collect::<Vec<_>>(), vec![p.tracking.as_str()]);
        assert!(p.state.store.claimable_cases(phone, 10).await.unwrap().is_empty());
        assert!(p.state.store.verify_case_chain(mine[0].id).await.unwrap().is_ok(), "the claim is chained");
        // Claiming needs a session; another number's account cannot take the case.
        let (status, location, _) = form(&p, "/api/account/claim", &format!("tracking={}", p.tracking), None).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/me"), "a signed-out browser is sent to sign in");
        let other = p.state.store.citizen_signed_in("13900139000", clock::now_ms()).await.unwrap();
        let other_session = format!("portal_citizen={}", p.state.session_key.sign_citizen_session(other.id, clock::now_ms() + 60_000));
        let (status, _, _) = form(&p, "/api/account/claim", &format!("tracking={}", p.tracking), Some(&other_session)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A staff session is not a citizen's.
        let staff = p.cookie(Caller::Staff("window01")).await.unwrap().replace("portal_staff=", "portal_citizen=");
        let (status, location, _) = form(&p, "/api/account/claim", &format!("tracking={}", p.tracking), Some(&staff)).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/me"));
        // Signed out, the session is over even for a copy of its cookie.
        let (_, location, _) = form(&p, "/api/account/sign-out", "back=%2Fme", Some(&session)).await;
        assert_eq!(location, "/me");
        let (status, location, _) = form(&p, "/api/account/claim", &format!("tracking={}", p.tracking), Some(&session)).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/me"), "a signed-out citizen's cookie signs no one in");
    }

    #[tokio::test]
    async fn a_session_ends_everywhere_at_once_and_a_disabled_account_has_none() {
        let p = portal().await;
        let queue = body_for("/api/staff/queue", "");
        // Two devices signed in as window02.
        let (phone, desk) = (p.cookie(Caller::Staff("window02")).await.unwrap(), p.cookie(Caller::Staff("window02")).await.unwrap());
        // A browser's form is answered by going back to where it came from; a
        // signed-out one is sent to sign in.
        let (status, location, _) = form(&p, "/api/staff/queue", &queue, Some(&desk)).await;
        assert_eq!((status, location.as_str()), (StatusCode::FOUND, "/"));
        let (_, location, cookies) = form(&p, "/api/staff/logout-everywhere", "", Some(&phone)).await;
        assert_eq!(location, "/admin/login?ended=1");
        assert!(cookies.iter().any(|c| c.starts_with("portal_staff=;")), "{cookies:?}");
        // The other device is signed out too, and sent to sign in.
        let (status, location, _) = form(&p, "/api/staff/queue", &queue, Some(&desk)).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/admin/login"));
        // A new sign-in works again.
        let fresh = p.cookie(Caller::Staff("window02")).await.unwrap();
        assert_eq!(form(&p, "/api/staff/queue", &queue, Some(&fresh)).await.1, "/");
        // Signing out ends that session itself, not only the browser's copy of the
        // cookie; the account's other sessions stay.
        let brief = p.cookie(Caller::Staff("window02")).await.unwrap();
        assert_eq!(form(&p, "/api/staff/logout", "", Some(&brief)).await.1, "/admin/login");
        let (status, location, _) = form(&p, "/api/staff/queue", &queue, Some(&brief)).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/admin/login"), "a copy of a signed-out cookie is worth nothing");
        assert_eq!(form(&p, "/api/staff/queue", &queue, Some(&fresh)).await.1, "/", "the other session stays");

        // Disabled: the live session ends and the password no longer signs in.
        assert!(p.state.store.set_user_disabled("window02", true, clock::now_ms()).await.unwrap());
        let (status, location, _) = form(&p, "/api/staff/queue", &queue, Some(&fresh)).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/admin/login"));
        let (_, location, cookies) = form(&p, "/api/staff/login", "username=window02&password=Demo-2026%21", None).await;
        assert_eq!(location, "/admin/login?failed=1");
        assert!(cookies.iter().all(|c| !c.starts_with("portal_staff=") || c.starts_with("portal_staff=;")), "{cookies:?}");
        assert!(p.state.store.set_user_disabled("window02", false, clock::now_ms()).await.unwrap());
        let (_, location, _) = form(&p, "/api/staff/login", "username=window02&password=Demo-2026%21", None).await;
        assert_eq!(location, "/admin");
        assert!(!p.state.store.set_user_disabled("nobody", true, 1).await.unwrap());
    }

    #[tokio::test]
    async fn five_wrong_passwords_lock_an_account_name_whoever_tries_and_say_for_how_long() {
        let p = portal().await;
        for _ in 0..4 {
            let (_, location, _) = form(&p, "/api/staff/login", "username=window02&password=wrong", None).await;
            assert_eq!(location, "/admin/login?failed=1");
        }
        let (_, location, _) = form(&p, "/api/staff/login", "username=window02&password=wrong", None).await;
        assert_eq!(location, "/admin/login?locked=15");
        // Locked: even the right password waits, and no session is given.
        let (_, location, cookies) = form(&p, "/api/staff/login", "username=window02&password=Demo-2026%21", None).await;
        assert_eq!(location, "/admin/login?locked=15");
        assert!(cookies.iter().all(|c| !c.starts_with("portal_staff=")), "{cookies:?}");
        // (The per-address slowing is the other half; set aside here to keep the test quick.)
        let here = std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);
        p.state.throttle.record_success("login", here);
        // A name that is no account is counted and locked the same way.
        for _ in 0..5 {
            form(&p, "/api/staff/login", "username=nobody_here&password=wrong", None).await;
        }
        assert_eq!(form(&p, "/api/staff/login", "username=nobody_here&password=x", None).await.1, "/admin/login?locked=15");
        p.state.throttle.record_success("login", here);
        // Other accounts are not locked; a right password clears the count.
        assert!(p.state.store.login_failures("window01").await.unwrap().count == 0);
        p.state.store.put_login_failures("window01", &crate::domain::lockout::LoginFailures { count: 3, first_at: clock::now_ms(), locked_until: None }).await.unwrap();
        assert_eq!(form(&p, "/api/staff/login", "username=window01&password=Demo-2026%21", None).await.1, "/admin");
        assert_eq!(p.state.store.login_failures("window01").await.unwrap().count, 0);
    }

    /// A public guide is rendered once and then served from memory, with its inline
    /// scripts allowed by hash; a clerk's request is rendered for them, with a fresh
    /// nonce; `clear` drops the kept copies.
    #[tokio::test]
    async fn public_catalog_pages_are_kept_in_memory_with_hashed_inline_scripts() {
        let p = portal().await;
        let get = |path: &'static str, cookie: Option<String>| {
            let app = p.app.clone();
            async move {
                let mut request = Request::get(path).header(header::ACCEPT_LANGUAGE, "zh-CN");
                if let Some(c) = cookie {
                    request = request.header(header::COOKIE, c);
                }
                let response = app.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
                let policy = response.headers().get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
                (policy, String::from_utf8(body.to_vec()).unwrap())
            }
        };
        let (first_policy, first) = get("/services/HLT-0001", None).await;
        assert!(first.contains("生育登记"));
        let (kept_policy, kept) = get("/services/HLT-0001", None).await;
        assert_eq!(kept, first, "the kept copy is the page as rendered");
        assert_eq!(kept_policy, first_policy);
        let scripts = kept_policy.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(scripts.contains("'sha256-") && !scripts.contains("nonce") && !scripts.contains("unsafe-inline"), "{kept_policy}");
        // Its hashes are those of the page's inline scripts: the one Leptos writes first.
        let script = first.split("<script nonce=").nth(1).and_then(|s| s.split_once('>')).and_then(|(_, s)| s.split_once("</script>")).map(|(s, _)| s).unwrap();
        use base64::Engine as _;
        use sha2::Digest as _;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()));
        assert!(kept_policy.contains(&format!("'sha256-{hash}'")), "{kept_policy}");
        // A clerk is served a rendered page.
        let staff = p.cookie(Caller::Staff("window01")).await;
        assert!(get("/services/HLT-0001", staff).await.0.contains("'nonce-"));
        // Cleared, the next request renders again: a new page (its resource data is
        // the same, so its hashes are too).
        p.state.pages.clear();
        let (_, again) = get("/services/HLT-0001", None).await;
        assert_ne!(again, first, "rendered anew, with a new nonce attribute");
    }
}
