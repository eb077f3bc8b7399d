//! Pages and components. Pages are rendered on the server as plain HTML; the few
//! islands add what only a browser can do. Every string comes from `locales/`.

pub mod admin;
pub mod citizen;
pub mod components;
pub mod language;
pub mod shell;

use crate::api::ApiError;
use crate::domain::case::{CaseAction, CaseStatus, Role};
use crate::domain::form::FieldError;
use crate::domain::text::{Lang, fill_template};
use crate::i18n::*;
use leptos::prelude::*;

/// The i18n context of a page.
pub type I18n = leptos_i18n::I18nContext<Locale>;

/// The language of catalog data matching the page's locale.
pub fn lang() -> Lang {
    match use_i18n().get_locale_untracked() {
        Locale::en => Lang::En,
        _ => Lang::Zh,
    }
}

/// The message template for a field error code.
pub fn error_template(i18n: I18n, code: &str) -> String {
    match code {
        "required" => t_string!(i18n, errors.required).to_string(),
        "too_short" => t_string!(i18n, errors.too_short).to_string(),
        "too_long" => t_string!(i18n, errors.too_long).to_string(),
        "id_length" => t_string!(i18n, errors.id_length).to_string(),
        "id_character" => t_string!(i18n, errors.id_character).to_string(),
        "id_region" => t_string!(i18n, errors.id_region).to_string(),
        "id_birth_date" => t_string!(i18n, errors.id_birth_date).to_string(),
        "id_check" => t_string!(i18n, errors.id_check).to_string(),
        "id_birth_future" => t_string!(i18n, errors.id_birth_future).to_string(),
        "credit_length" => t_string!(i18n, errors.credit_length).to_string(),
        "credit_character" => t_string!(i18n, errors.credit_character).to_string(),
        "credit_authority" => t_string!(i18n, errors.credit_authority).to_string(),
        "credit_region" => t_string!(i18n, errors.credit_region).to_string(),
        "credit_check" => t_string!(i18n, errors.credit_check).to_string(),
        "mobile_length" => t_string!(i18n, errors.mobile_length).to_string(),
        "mobile_character" => t_string!(i18n, errors.mobile_character).to_string(),
        "mobile_prefix" => t_string!(i18n, errors.mobile_prefix).to_string(),
        "date" => t_string!(i18n, errors.date).to_string(),
        "date_future" => t_string!(i18n, errors.date_future).to_string(),
        "date_past" => t_string!(i18n, errors.date_past).to_string(),
        "integer" => t_string!(i18n, errors.integer).to_string(),
        "too_small" => t_string!(i18n, errors.too_small).to_string(),
        "too_large" => t_string!(i18n, errors.too_large).to_string(),
        "control_character" => t_string!(i18n, errors.control_character).to_string(),
        _ => t_string!(i18n, errors.not_an_option).to_string(),
    }
}

/// A field error as the citizen reads it.
pub fn field_error_message(i18n: I18n, e: &FieldError) -> String {
    fill_template(&error_template(i18n, e.code()), &e.args())
}

/// "Household member (2)": the heading of a group's entry.
pub fn entry_heading(i18n: I18n, group: &crate::domain::form::FieldDefinition, n: usize) -> String {
    fill_template(&t_string!(i18n, apply.entry_heading).to_string(), &[("group", group.label.get(lang()).to_owned()), ("n", n.to_string())])
}

/// The answers as people read them, in the order asked, leaving out questions that
/// did not apply: (answer key, label, value; empty when not answered). A group's
/// entries are labelled with their heading; a group without entries says so.
pub fn answer_rows(i18n: I18n, form: &crate::domain::form::FormDefinition, answers: &std::collections::BTreeMap<String, String>) -> Vec<(String, String, String)> {
    use crate::domain::form::{FieldKind, shown_slots};
    let lang = lang();
    shown_slots(form, answers)
        .iter()
        .filter_map(|slot| {
            let key = slot.key();
            let value = slot.field.display_value(answers.get(&key).map(String::as_str).unwrap_or(""), lang);
            match slot.entry {
                None if slot.field.kind == FieldKind::Group => {
                    (slot.field.entry_count(answers.get(&key).map(String::as_str)) == 0).then(|| (key, slot.field.label.get(lang).to_owned(), String::new()))
                }
                None => Some((key, slot.field.label.get(lang).to_owned(), value)),
                Some((group, n)) => Some((key, format!("{} · {}", entry_heading(i18n, group, n), slot.field.label.get(lang)), value)),
            }
        })
        .collect()
}

/// A field error of `form` as the citizen reads it: a cross-field rule's message is
/// the form's own.
pub fn field_error_text(i18n: I18n, form: &crate::domain::form::FormDefinition, e: &FieldError) -> String {
    crate::domain::form::rule_message(form, e, lang()).unwrap_or_else(|| field_error_message(i18n, e))
}

pub fn status_label(i18n: I18n, s: CaseStatus) -> String {
    match s {
        CaseStatus::Submitted => t_string!(i18n, status.submitted).to_string(),
        CaseStatus::NeedsCorrection => t_string!(i18n, status.needs_correction).to_string(),
        CaseStatus::Refused => t_string!(i18n, status.refused).to_string(),
        CaseStatus::Accepted => t_string!(i18n, status.accepted).to_string(),
        CaseStatus::UnderReview => t_string!(i18n, status.under_review).to_string(),
        CaseStatus::Approved => t_string!(i18n, status.approved).to_string(),
        CaseStatus::Rejected => t_string!(i18n, status.rejected).to_string(),
        CaseStatus::Issued => t_string!(i18n, status.issued).to_string(),
        CaseStatus::Revoked => t_string!(i18n, status.revoked).to_string(),
    }
}

pub fn action_label(i18n: I18n, a: CaseAction) -> String {
    match a {
        CaseAction::Accept => t_string!(i18n, action.accept).to_string(),
        CaseAction::Refuse => t_string!(i18n, action.refuse).to_string(),
        CaseAction::RequestCorrection => t_string!(i18n, action.request_correction).to_string(),
        CaseAction::Resubmit => t_string!(i18n, action.resubmit).to_string(),
        CaseAction::StartReview => t_string!(i18n, action.start_review).to_string(),
        CaseAction::Approve => t_string!(i18n, action.approve).to_string(),
        CaseAction::Reject => t_string!(i18n, action.reject).to_string(),
        CaseAction::Issue => t_string!(i18n, action.issue).to_string(),
        CaseAction::Revoke => t_string!(i18n, action.revoke).to_string(),
    }
}

pub fn role_label(i18n: I18n, r: Role) -> String {
    match r {
        Role::Applicant => t_string!(i18n, role.applicant).to_string(),
        Role::WindowClerk => t_string!(i18n, role.window_clerk).to_string(),
        Role::Reviewer => t_string!(i18n, role.reviewer).to_string(),
        Role::IssuingClerk => t_string!(i18n, role.issuing_clerk).to_string(),
        Role::Supervisor => t_string!(i18n, role.supervisor).to_string(),
        Role::Admin => t_string!(i18n, role.admin).to_string(),
        Role::ProxyAgent => t_string!(i18n, role.proxy_agent).to_string(),
    }
}

pub fn audience_label(i18n: I18n, code: &str) -> String {
    match code {
        "enterprise" => t_string!(i18n, audience.enterprise).to_string(),
        _ => t_string!(i18n, audience.individual).to_string(),
    }
}

pub fn depth_label(i18n: I18n, code: &str) -> String {
    match code {
        "fully_online" => t_string!(i18n, depth.fully_online).to_string(),
        _ => t_string!(i18n, depth.online_application).to_string(),
    }
}

/// A deadline light with its words, and the due date.
pub fn light_badge(i18n: I18n, light: Option<crate::domain::deadline::Light>, due_on: Option<String>) -> AnyView {
    use crate::domain::deadline::Light;
    let Some(light) = light else {
        return view! { <span>{due_on.unwrap_or_else(|| "—".to_owned())}</span> }.into_any();
    };
    let words = match light {
        Light::Green => t_string!(i18n, light.green).to_string(),
        Light::Yellow => t_string!(i18n, light.yellow).to_string(),
        Light::Red => t_string!(i18n, light.red).to_string(),
        Light::Paused => t_string!(i18n, light.paused).to_string(),
    };
    view! {
        <span class=format!("light light-{}", light.code()) data-light=light.code()>{words}</span>
        {due_on.map(|d| view! { " "<span class="whitespace-nowrap">{d}</span> })}
    }
    .into_any()
}

/// A department review's status in words.
pub fn review_label(i18n: I18n, s: crate::domain::review::ReviewStatus) -> String {
    use crate::domain::review::ReviewStatus as R;
    match s {
        R::Pending => t_string!(i18n, review.pending).to_string(),
        R::InReview => t_string!(i18n, review.in_review).to_string(),
        R::Approved => t_string!(i18n, review.approved).to_string(),
        R::Rejected => t_string!(i18n, review.rejected).to_string(),
    }
}

/// What a case event was, in words, for the timelines: a transition is the status
/// it led to; a review decision names the department, and the case's new status when
/// the decision settled it ("税务局：审查通过 → 审批通过").
pub fn event_label(i18n: I18n, kind: crate::domain::case::EventKind, department: Option<&crate::domain::text::Text>, to: CaseStatus) -> String {
    use crate::domain::case::EventKind as K;
    let what = match kind {
        K::Transition => return status_label(i18n, to),
        K::ReviewStarted => t_string!(i18n, review.started).to_string(),
        K::ReviewApproved => t_string!(i18n, review.approved).to_string(),
        K::ReviewRejected => t_string!(i18n, review.rejected).to_string(),
        K::MaterialViewed => t_string!(i18n, review.material_viewed).to_string(),
        K::Claimed => t_string!(i18n, account.claimed_event).to_string(),
        K::Payment => t_string!(i18n, fee.event).to_string(),
        K::Provision => t_string!(i18n, provision.event).to_string(),
        K::InstantApproved => t_string!(i18n, instant.approved_event).to_string(),
        K::InstantFallback => t_string!(i18n, instant.fallback_event).to_string(),
    };
    let what = match department {
        Some(d) => format!("{}：{what}", d.get(lang())),
        None => what,
    };
    if matches!(kind, K::ReviewApproved | K::ReviewRejected) && matches!(to, CaseStatus::Approved | CaseStatus::Rejected) {
        format!("{what} → {}", status_label(i18n, to))
    } else {
        what
    }
}

/// How the result is delivered, in words (the collection site's name given).
pub fn delivery_label(i18n: I18n, delivery: &crate::domain::delivery::Delivery, site: Option<&crate::domain::text::Text>) -> String {
    use crate::domain::delivery::Delivery;
    match delivery {
        Delivery::Online => t_string!(i18n, delivery.online).to_string(),
        Delivery::Post { address } => format!("{}：{address}", t_string!(i18n, delivery.post)),
        Delivery::Collect { .. } => format!("{}：{}", t_string!(i18n, delivery.collect), site.map(|s| s.get(lang()).to_owned()).unwrap_or_default()),
    }
}

/// A licence's standing in words.
pub fn standing_label(i18n: I18n, s: crate::domain::licence::Standing) -> String {
    use crate::domain::licence::Standing as S;
    match s {
        S::Current => t_string!(i18n, licence.current).to_string(),
        S::Expired => t_string!(i18n, licence.expired).to_string(),
        S::Revoked => t_string!(i18n, licence.revoked).to_string(),
    }
}

/// "3 个工作日" or "即办".
pub fn days_label(i18n: I18n, days: u32) -> String {
    if days == 0 {
        t_string!(i18n, guide.immediate).to_string()
    } else {
        fill_template(&t_string!(i18n, guide.days).to_string(), &[("n", days.to_string())])
    }
}

/// The page shown for a failed load. Sets the HTTP status on the server, and sends
/// a signed-out clerk to the sign-in page.
pub fn error_page(e: ApiError) -> AnyView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    {
        // On the server a page's loader is called directly, so `Transport` is the
        // request's own fault here too (text the database cannot store).
        let status = crate::server::guard::status_of(&e);
        if e == ApiError::Unauthenticated {
            leptos_axum::redirect("/admin/login");
        } else if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(status);
        }
    }
    let (title, body) = match e {
        ApiError::NotFound | ApiError::Forbidden => (t_string!(i18n, common.not_found_title).to_string(), t_string!(i18n, common.not_found_body).to_string()),
        ApiError::Transport(_) => (t_string!(i18n, common.bad_request_title).to_string(), t_string!(i18n, common.bad_request_body).to_string()),
        _ => (t_string!(i18n, common.error_title).to_string(), t_string!(i18n, common.error_body).to_string()),
    };
    view! {
        <leptos_meta::Title text=title.clone()/>
        <h1 class="page-title">{title}</h1>
        <p class="mb-4">{body}</p>
        <a class="link" href="/">{t_string!(i18n, common.back_home).to_string()}</a>
    }
    .into_any()
}

/// The Content-Security-Policy. Scripts come only from the portal itself, or inline
/// when `inline_sources` allow them: this response's nonce (Leptos writes a page's resource data in inline
/// scripts carrying the nonce it makes per request) or, for a page served from
/// memory (`server::page_cache`), the scripts' hashes; WASM may be compiled for the
/// islands. Violations are reported to `/csp-report` with the blocked script's first
/// characters ('report-sample'). Styles stay `'unsafe-inline'`: Leptos writes `style` attributes, and a
/// style cannot run code.
pub fn content_security_policy(inline_sources: &[String]) -> String {
    let inline: String = inline_sources.iter().map(|s| format!(" {s}")).collect();
    format!(
        "default-src 'self'; script-src 'self'{inline} 'wasm-unsafe-eval' 'report-sample'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; report-uri /csp-report"
    )
}

/// A page's own policy, with the nonce of its inline scripts; set while the page
/// renders (every page is rendered whole before it is sent), so it wins over the
/// default that [`security_headers`] gives every other response.
#[cfg(feature = "ssr")]
pub fn page_security_policy() {
    use axum::http::{HeaderValue, header};
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else { return };
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&[format!("'nonce-{nonce}'")])) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// Security headers on every response: the policy without inline scripts (a page
/// has set its own with its nonce), no sniffing, no framing, no referrer to other
/// sites, and behind TLS (an `https` public URL) HSTS for a year.
#[cfg(feature = "ssr")]
pub async fn security_headers(
    axum::extract::State(state): axum::extract::State<crate::server::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.entry(header::X_FRAME_OPTIONS).or_insert(HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    // Built once: it is the same for every response that has none of its own.
    static NO_INLINE_SCRIPTS: std::sync::LazyLock<Option<HeaderValue>> = std::sync::LazyLock::new(|| HeaderValue::from_str(&content_security_policy(&[])).ok());
    if let (false, Some(policy)) = (h.contains_key(header::CONTENT_SECURITY_POLICY), NO_INLINE_SCRIPTS.as_ref()) {
        h.insert(header::CONTENT_SECURITY_POLICY, policy.clone());
    }
    if state.settings.secure_cookies() {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

/// A page's data: what `source` reads from the address, loaded once by `fetcher`.
/// A `OnceResource`, not a `Resource`: pages render on the server only (islands
/// carry the browser's code), so nothing ever loads a page's data again, and a
/// `Resource` would keep its source in a memo read by a reloading task on another
/// worker thread, one more task that can outlive the page's owner.
pub fn page_data<S, T, Fut>(source: impl FnOnce() -> S, fetcher: impl FnOnce(S) -> Fut) -> OnceResource<T>
where
    T: Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    OnceResource::new(fetcher(untrack(source)))
}

/// Renders a page from its loaded data, or the error page. `render` is a plain
/// function so every page reads the same: load, then render.
pub fn load_page<T, V>(data: OnceResource<Result<T, ApiError>>, render: fn(T) -> V) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    // No `<Suspense>`: pages render on the server in `SsrMode::Async`, which waits
    // for every `Suspend` before the first byte anyway, and a Suspense boundary
    // spawns an effect that can run after the page's owner is gone (and panic).
    Suspend::new(async move {
        match data.await {
            Ok(value) => render(value).into_any(),
            Err(e) => error_page(e),
        }
    })
}

/// Percent-encodes a query-string value.
pub fn encode_query(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
