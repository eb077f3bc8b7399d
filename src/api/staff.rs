//! The clerk's side: sign-in, the queues, case detail and decisions. Every function
//! asks `domain::access` what this staff member may see and do; a case they may not
//! see answers exactly like a case that does not exist.

use super::ApiError;
use crate::domain::calendar::DaysOff;
use crate::domain::case::{CaseAction, CaseStatus, EventKind, Role};
use crate::domain::catalog::ServiceItem;
use crate::domain::correction::CorrectionRequest;
use crate::domain::deadline::Light;
use crate::domain::delivery::Delivery;
use crate::domain::review::ReviewStatus;
use crate::domain::text::Text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in clerk, as pages show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffView {
    pub display_name: String,
    pub roles: Vec<Role>,
    /// The department's name, for reviewers.
    pub department: Option<Text>,
    /// The site's name.
    pub site: Option<Text>,
    pub can_edit_calendar: bool,
    pub can_edit_credit: bool,
}

/// Queue tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueTab {
    /// 待受理: submitted, waiting for the front desk.
    Intake,
    /// 我的审查: reviews this reviewer has taken.
    Mine,
    /// 待审查: reviews open (for a reviewer: their department's).
    Review,
    /// 待出件: approved, waiting for the results window.
    Issue,
    /// 即将到期: yellow lights.
    DueSoon,
    /// 已超期: red lights.
    Overdue,
    /// 已办结: issued, refused or rejected.
    Done,
    All,
}

impl QueueTab {
    pub const ALL: [QueueTab; 8] =
        [QueueTab::Intake, QueueTab::Mine, QueueTab::Review, QueueTab::Issue, QueueTab::DueSoon, QueueTab::Overdue, QueueTab::Done, QueueTab::All];

    pub fn code(self) -> &'static str {
        match self {
            QueueTab::Intake => "intake",
            QueueTab::Mine => "mine",
            QueueTab::Review => "review",
            QueueTab::Issue => "issue",
            QueueTab::DueSoon => "due_soon",
            QueueTab::Overdue => "overdue",
            QueueTab::Done => "done",
            QueueTab::All => "all",
        }
    }

    pub fn from_code(code: &str) -> Option<QueueTab> {
        QueueTab::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The tabs a staff member works with, their own work first.
    pub fn for_roles(roles: &[Role]) -> Vec<QueueTab> {
        let has = |r| roles.contains(&r);
        let overseer = has(Role::Supervisor) || has(Role::Admin);
        QueueTab::ALL
            .into_iter()
            .filter(|t| match t {
                QueueTab::Intake => overseer || has(Role::WindowClerk),
                QueueTab::Mine => has(Role::Reviewer),
                QueueTab::Review => overseer || has(Role::Reviewer) || has(Role::WindowClerk),
                QueueTab::Issue => overseer || has(Role::IssuingClerk),
                QueueTab::DueSoon | QueueTab::Overdue | QueueTab::Done => true,
                QueueTab::All => overseer || has(Role::WindowClerk),
            })
            .collect()
    }
}

/// The search and filters of a queue page, echoed back to the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueSearch {
    /// A tracking number, the last four digits of a phone, or an applicant's name.
    pub q: String,
    pub service: String,
    pub site: String,
    pub status: String,
    /// Supervisors: only cases this department reviews.
    pub department: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueLine {
    pub tracking_number: String,
    pub tracking_display: String,
    pub service_name: Text,
    pub applicant_name: String,
    pub status: CaseStatus,
    pub submitted_at: String,
    pub light: Option<Light>,
    pub due_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    pub me: StaffView,
    pub tab: QueueTab,
    /// Each tab with its count, counted up to [`QUEUE_COUNT_CAP`].
    pub counts: Vec<(QueueTab, i64)>,
    pub lines: Vec<QueueLine>,
    pub search: QueueSearch,
    /// The keyset of the next page, if there is one.
    pub next_after: Option<String>,
    /// Whether this is a later page (so "first page" is offered).
    pub paged: bool,
    pub services: Vec<(String, Text)>,
    pub sites: Vec<(String, Text)>,
    pub departments: Vec<(String, Text)>,
    /// Overdue running cases per reviewing department, for supervisors.
    pub overdue_by_department: Vec<(String, Text, i64)>,
    /// The search could not be understood (e.g. a tracking number with a typo).
    pub search_problem: Option<String>,
}

pub const QUEUE_PAGE_SIZE: i64 = 20;
/// Tabs count up to this many cases and then show "100+": a clerk needs to know
/// there is a lot of work, not to wait while a million rows are counted.
pub const QUEUE_COUNT_CAP: i64 = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMaterial {
    pub id: i64,
    pub code: String,
    pub name: Text,
    pub file_name: String,
    pub size_bytes: i64,
    pub media_type: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffEvent {
    pub at: String,
    pub actor: String,
    pub kind: EventKind,
    pub department: Option<Text>,
    pub to: CaseStatus,
    pub note: String,
}

/// One department's part of a case, as a clerk sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    pub department: Text,
    pub status: ReviewStatus,
    pub reviewer: Option<String>,
    pub reason: String,
    pub legal_basis: String,
    /// Whether this is the signed-in reviewer's department.
    pub mine: bool,
}

/// A deadline and why it falls where it does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineView {
    pub accepted_on: String,
    pub promised_days: u32,
    pub paused_days: u32,
    pub due_on: String,
    pub provisional: bool,
    pub days_off: Vec<DaysOff>,
    pub light: Option<Light>,
    /// While the applicant corrects: since when.
    pub paused_since: Option<String>,
}

/// A licence as its holder and the clerks see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceView {
    pub number: String,
    pub name: Text,
    pub holder: String,
    pub department: Text,
    pub issued_on: String,
    pub valid_until: Option<String>,
    pub verification_code: String,
    pub verify_url: String,
    pub qr_svg: String,
    pub standing: crate::domain::licence::Standing,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffCaseView {
    pub me: StaffView,
    pub tracking_number: String,
    pub tracking_display: String,
    pub item: ServiceItem,
    pub status: CaseStatus,
    pub applicant_name: String,
    pub answers: std::collections::BTreeMap<String, String>,
    pub submitted_at: String,
    pub site: Text,
    pub delivery: Delivery,
    /// The collection site's name, when the result is collected.
    pub delivery_site: Option<Text>,
    pub materials: Vec<StaffMaterial>,
    pub events: Vec<StaffEvent>,
    pub actions: Vec<CaseAction>,
    pub reviews: Vec<ReviewView>,
    /// How many departments review in all (the reviewer sees only their own part).
    pub review_count: usize,
    pub deadline: Option<DeadlineView>,
    pub correction: Option<CorrectionRequest>,
    pub licence: Option<LicenceView>,
    pub chain_head: String,
    /// Whether the calendar ran out while counting this case's deadline.
    pub calendar_warning: bool,
    /// Filed by a proxy agent (代办) with the resident's consent.
    pub proxy: Option<crate::api::agent::ProxyView>,
    pub fee: crate::domain::fee::CaseFee,
    /// The credit list the applicant was found on at submission, and why.
    pub credit: Option<(crate::domain::credit::CreditList, Text)>,
    /// Materials provided without an upload (reused licence, deferral, commitment).
    pub provided: Vec<crate::api::lookup::ProvidedView>,
    /// What the case spared the applicant (四减), and the working days saved once issued.
    pub reductions: crate::domain::provision::Reductions,
    pub days_saved: Option<i64>,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::api::ssr::{Staff, internal, state};
    use crate::domain::access::Sight;
    use crate::server::store::{CaseParts, CaseRecord, ReviewRecord, Store};

    pub async fn staff_view(store: &Store, s: &Staff) -> Result<StaffView, ApiError> {
        let departments = store.departments().await.map_err(|e| internal("departments", e))?;
        let department = s.scope.department.as_ref().and_then(|d| departments.iter().find(|x| &x.code == d)).map(|d| d.name.clone());
        let st = state();
        let site = s.site.as_deref().and_then(|c| st.sites.get(c)).map(|x| x.name.clone());
        Ok(StaffView {
            display_name: s.display_name.clone(),
            roles: s.scope.roles.clone(),
            department,
            site,
            can_edit_calendar: s.scope.can(crate::domain::access::Capability::EditCalendar),
            can_edit_credit: s.scope.can(crate::domain::access::Capability::EditCreditLists),
        })
    }

    /// A case and its reviews, if this staff member may see it; otherwise `NotFound`,
    /// exactly as for a number that does not exist.
    pub async fn visible_case(store: &Store, me: &Staff, tracking: &str) -> Result<(CaseRecord, Vec<ReviewRecord>, Sight), ApiError> {
        use crate::domain::ids::TrackingNumber;
        let number = TrackingNumber::parse(tracking).map_err(|_| ApiError::NotFound)?;
        let case = store.case_by_tracking(&number).await.map_err(|e| internal("case", e))?.ok_or(ApiError::NotFound)?;
        let reviews = store.case_reviews(case.id).await.map_err(|e| internal("case reviews", e))?;
        let sight = sight_of(me, &case, &reviews)?;
        Ok((case, reviews, sight))
    }

    /// The case and everything recorded with it (one trip on SQLite), for the page
    /// that shows it whole, if this member of staff may see it.
    pub async fn visible_case_whole(store: &Store, me: &Staff, tracking: &str) -> Result<(CaseRecord, CaseParts, Sight), ApiError> {
        use crate::domain::ids::TrackingNumber;
        let number = TrackingNumber::parse(tracking).map_err(|_| ApiError::NotFound)?;
        let (case, parts) = store.case_whole_by_tracking(&number).await.map_err(|e| internal("case", e))?.ok_or(ApiError::NotFound)?;
        let sight = sight_of(me, &case, &parts.reviews)?;
        Ok((case, parts, sight))
    }

    /// How much of a case this member of staff may see; a case they may not see
    /// at all does not exist for them.
    fn sight_of(me: &Staff, case: &CaseRecord, reviews: &[ReviewRecord]) -> Result<Sight, ApiError> {
        let parts: Vec<_> = reviews.iter().map(|r| r.part()).collect();
        match me.scope.sight(&case.facts(&parts)) {
            Sight::None => Err(ApiError::NotFound),
            sight => Ok(sight),
        }
    }

    pub fn actions_of(me: &Staff, case: &CaseRecord, reviews: &[ReviewRecord]) -> Vec<CaseAction> {
        let parts: Vec<_> = reviews.iter().map(|r| r.part()).collect();
        me.scope.actions(&case.facts(&parts))
    }
}

#[server(endpoint = "staff/me")]
pub async fn whoami() -> Result<Option<StaffView>, ApiError> {
    use super::ssr::{current_staff, state};
    match current_staff().await? {
        Some(s) => Ok(Some(ssr::staff_view(&state().store, &s).await?)),
        None => Ok(None),
    }
}

#[server(endpoint = "staff/login")]
pub async fn login(username: String, password: String) -> Result<(), ApiError> {
    use super::ssr::{add_set_cookie, client_ip, internal, state};
    use crate::server::{auth, clock};
    const PURPOSE: &str = "login";
    let st = state();
    let ip = client_ip();
    let delay = st.throttle.delay(PURPOSE, ip);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let username: String = username.trim().chars().take(64).collect();
    let password: String = password.chars().take(256).collect();
    // A locked name is not even tried: its lock says how long to wait.
    let failures = st.store.login_failures(&username).await.map_err(|e| internal("login", e))?;
    if let Some(minutes) = failures.minutes_locked(clock::now_ms()) {
        leptos_axum::redirect(&format!("/admin/login?locked={minutes}"));
        return Ok(());
    }
    let user = st.store.user_by_username(&username).await.map_err(|e| internal("login", e))?;
    // Verify against a decoy when the user is unknown: same time, same answer.
    let hash = user.as_ref().map_or(auth::decoy_hash(), |u| u.password_hash.as_str());
    let verified = auth::verify_password(&password, hash);
    match user.filter(|u| verified && !u.disabled && u.roles.iter().any(|r| r.is_staff())) {
        Some(u) => {
            st.throttle.record_success(PURPOSE, ip);
            if failures.count > 0 {
                st.store.forget_login_failures(Some(&username), 0).await.map_err(|e| internal("login", e))?;
            }
            let expires = clock::now_ms() + auth::STAFF_SESSION_MS;
            let cookie = st.session_key.sign_session(u.id, expires);
            add_set_cookie(&auth::set_cookie(auth::STAFF_COOKIE, &cookie, Some(auth::STAFF_SESSION_MS / 1000), "Strict", st.settings.secure_cookies()));
            tracing::info!(user = %u.username, "staff signed in");
            // Who worked when is part of the record.
            let actor = format!("staff:{}", u.username);
            if let Err(e) = st.store.record_staff_action(clock::now_ms(), &actor, "sign_in", &u.username, "").await {
                return Err(internal("recording sign-in", e));
            }
            // A proxy agent's work is filing for residents, not the clerks' queue.
            let agent_only = u.roles.iter().all(|r| *r == crate::domain::case::Role::ProxyAgent);
            leptos_axum::redirect(if agent_only { "/agent" } else { "/admin" });
        }
        None => {
            st.throttle.record_failure(PURPOSE, ip);
            let now = clock::now_ms();
            let counted = failures.after_failure(now);
            st.store.put_login_failures(&username, &counted).await.map_err(|e| internal("login", e))?;
            match counted.minutes_locked(now) {
                Some(minutes) => leptos_axum::redirect(&format!("/admin/login?locked={minutes}")),
                None => leptos_axum::redirect("/admin/login?failed=1"),
            }
        }
    }
    Ok(())
}

#[server(endpoint = "staff/logout")]
pub async fn logout() -> Result<(), ApiError> {
    use super::ssr::{add_set_cookie, revoke_session_cookie, state};
    use crate::server::auth;
    revoke_session_cookie(auth::STAFF_COOKIE).await?;
    add_set_cookie(&auth::set_cookie(auth::STAFF_COOKIE, "", Some(0), "Strict", state().settings.secure_cookies()));
    leptos_axum::redirect("/admin/login");
    Ok(())
}

/// Ends every session of the signed-in staff member, on every device and process
/// (a lost phone, a shared computer), this one included.
#[server(endpoint = "staff/logout-everywhere")]
pub async fn logout_everywhere() -> Result<(), ApiError> {
    use super::ssr::{add_set_cookie, internal, require_staff, state};
    use crate::server::{auth, clock};
    let me = require_staff().await?;
    let st = state();
    let now = clock::now_ms();
    st.store.end_sessions(me.id, now).await.map_err(|e| internal("ending sessions", e))?;
    st.store.record_staff_action(now, &format!("staff:{}", me.username), "sign_out_everywhere", &me.username, "").await.map_err(|e| internal("recording sign-out", e))?;
    add_set_cookie(&auth::set_cookie(auth::STAFF_COOKIE, "", Some(0), "Strict", st.settings.secure_cookies()));
    leptos_axum::redirect("/admin/login?ended=1");
    Ok(())
}

#[server(endpoint = "staff/queue")]
pub async fn staff_queue(tab: String, q: String, service: String, site: String, status: String, department: String, after: String) -> Result<QueueView, ApiError> {
    use super::ssr::{internal, require_staff, state};
    use crate::domain::calendar::format_china_datetime;
    use crate::domain::deadline::light_of;
    use crate::domain::ids::TrackingNumber;
    use crate::domain::text::fold_to_ascii_compact;
    use crate::server::clock;
    use crate::server::store::{QueueFilter, QueueKind, QueueScope, Stage};
    let me = require_staff().await?;
    if !me.scope.can(crate::domain::access::Capability::UseQueue) {
        // A proxy agent has their own page.
        leptos_axum::redirect("/agent");
        return Err(ApiError::NotFound);
    }
    let st = state();
    let store = &st.store;
    let roles = me.scope.roles.clone();
    let tabs = QueueTab::for_roles(&roles);
    let tab = QueueTab::from_code(&tab).filter(|t| tabs.contains(t)).unwrap_or(tabs[0]);
    let overseer = me.scope.can(crate::domain::access::Capability::SuperviseDeadlines);
    let scope = if overseer {
        QueueScope::Everything
    } else if let Some(path) = me.scope.site_path.clone().filter(|_| roles.iter().any(|r| matches!(r, Role::WindowClerk | Role::IssuingClerk))) {
        QueueScope::Sites(st.sites.paths_within(&path))
    } else if let Some(d) = me.scope.department.clone() {
        QueueScope::Department(d)
    } else {
        return Err(ApiError::Forbidden);
    };
    let kind_of = |t: QueueTab| match t {
        QueueTab::Intake => QueueKind::Stage(Stage::Intake),
        QueueTab::Mine => QueueKind::MyReviews(me.actor()),
        QueueTab::Review => match (&scope, &me.scope.department) {
            (QueueScope::Department(_), Some(d)) => QueueKind::DepartmentReviews(d.clone()),
            _ => QueueKind::Stage(Stage::Review),
        },
        QueueTab::Issue => QueueKind::Stage(Stage::Issue),
        QueueTab::DueSoon => QueueKind::DueSoon,
        QueueTab::Overdue => QueueKind::Overdue,
        QueueTab::Done => QueueKind::Stage(Stage::Done),
        QueueTab::All => QueueKind::All,
    };
    let today = clock::today();
    // One search box: a tracking number, four phone digits, or a name.
    let mut filter = QueueFilter::default();
    let mut search_problem = None;
    let typed = q.trim();
    if !typed.is_empty() {
        let folded = fold_to_ascii_compact(typed);
        if folded.len() == 4 && folded.bytes().all(|b| b.is_ascii_digit()) {
            filter.phone_last4 = Some(folded);
        } else if folded.len() >= 18 && folded.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'X' || b == b'x') {
            match TrackingNumber::parse(typed) {
                Ok(n) => filter.tracking = Some(n.as_str().to_owned()),
                Err(_) => search_problem = Some("tracking".to_owned()),
            }
        } else {
            filter.applicant_name = Some(typed.chars().take(50).collect());
        }
    }
    let services = store.list_service_items(&Default::default()).await.map_err(|e| internal("queue services", e))?;
    filter.service = services.iter().find(|s| s.code == service).map(|s| s.code.clone());
    filter.site_paths = st.sites.path(&site).map(|p| st.sites.paths_within(p));
    filter.status = CaseStatus::from_code(&status);
    let departments = store.departments().await.map_err(|e| internal("queue departments", e))?;
    if overseer {
        filter.department = departments.iter().find(|d| d.code == department).map(|d| d.code.clone());
    }
    let after_key = Some(after.trim()).filter(|a| !a.is_empty() && a.len() <= 40);
    let mut rows = if search_problem.is_some() {
        Vec::new()
    } else {
        store.queue(&scope, &kind_of(tab), &filter, today, after_key, QUEUE_PAGE_SIZE + 1).await.map_err(|e| internal("queue", e))?
    };
    let next_after = (rows.len() as i64 > QUEUE_PAGE_SIZE).then(|| {
        rows.truncate(QUEUE_PAGE_SIZE as usize);
        rows.last().map(|r| r.keyset.clone()).unwrap_or_default()
    });
    let mut counts = Vec::new();
    for t in &tabs {
        counts.push((*t, store.queue_count(&scope, &kind_of(*t), today, QUEUE_COUNT_CAP).await.map_err(|e| internal("queue count", e))?));
    }
    let lines = rows
        .into_iter()
        .map(|r| QueueLine {
            tracking_display: r.tracking_number.to_string(),
            tracking_number: r.tracking_number.as_str().to_owned(),
            service_name: Text { zh: r.service_name_zh, en: r.service_name_en },
            applicant_name: r.applicant_name,
            light: match (r.due_on, r.yellow_on) {
                (Some(due), Some(yellow)) => light_of(r.status, due, yellow, today),
                _ => None,
            },
            due_on: r.due_on.map(|d| d.to_string()),
            status: r.status,
            submitted_at: format_china_datetime(r.submitted_at),
        })
        .collect();
    let overdue_by_department = if overseer {
        store
            .overdue_by_department(today)
            .await
            .map_err(|e| internal("overdue by department", e))?
            .into_iter()
            .map(|(code, n)| {
                let name = departments.iter().find(|d| d.code == code).map(|d| d.name.clone()).unwrap_or_default();
                (code, name, n)
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(QueueView {
        me: ssr::staff_view(store, &me).await?,
        tab,
        counts,
        lines,
        search: QueueSearch { q: typed.to_owned(), service: filter.service.unwrap_or_default(), site: if filter.site_paths.is_some() { site } else { String::new() }, status: filter.status.map(|s| s.code().to_owned()).unwrap_or_default(), department: filter.department.unwrap_or_default() },
        next_after,
        paged: after_key.is_some(),
        services: services.into_iter().map(|s| (s.code, Text { zh: s.name_zh, en: s.name_en })).collect(),
        sites: st.sites.all().map(|s| (s.code.clone(), s.name.clone())).collect(),
        departments: departments.into_iter().map(|d| (d.code, d.name)).collect(),
        overdue_by_department,
        search_problem,
    })
}

#[server(endpoint = "staff/case")]
pub async fn staff_case(tracking: String) -> Result<StaffCaseView, ApiError> {
    use super::ssr::{internal, require_staff, state};
    use crate::domain::access::Sight;
    use crate::domain::calendar::format_china_datetime;
    use crate::server::clock;
    use crate::server::store::CaseParts;
    let me = require_staff().await?;
    let st = state();
    let store = &st.store;
    let (case, parts, sight) = ssr::visible_case_whole(store, &me, &tracking).await?;
    let chain_head = parts.chain_head();
    let CaseParts { events, reviews, licence, provisions, .. } = parts;
    let item = store.service_item(&case.service_code).await.map_err(|e| internal("case item", e))?.ok_or(ApiError::NotFound)?;
    let departments = store.departments().await.map_err(|e| internal("departments", e))?;
    let department_name = |code: &str| departments.iter().find(|d| d.code == code).map(|d| d.name.clone()).unwrap_or_else(|| Text { zh: code.into(), en: code.into() });
    let materials = store
        .materials_of_draft(&case.draft_id)
        .await
        .map_err(|e| internal("case materials", e))?
        .into_iter()
        .map(|m| StaffMaterial {
            id: m.id,
            name: item.material(&m.material_code).map(|x| x.name.clone()).unwrap_or_default(),
            code: m.material_code,
            file_name: m.file_name,
            size_bytes: m.size_bytes,
            media_type: m.media_type.code().to_owned(),
        })
        .collect();
    let own_department = match &sight {
        Sight::Department(d) => Some(d.clone()),
        _ => None,
    };
    // A reviewer sees their own department's part and events, never another's.
    let visible = |department: &str| own_department.as_deref().is_none_or(|d| department.is_empty() || department == d);
    let events = events
        .into_iter()
        .filter(|e| visible(&e.department))
        .map(|e| StaffEvent {
            at: format_china_datetime(e.at),
            department: (!e.department.is_empty()).then(|| department_name(&e.department)),
            actor: e.actor,
            kind: e.kind,
            to: e.to,
            note: e.note,
        })
        .collect();
    let actions = ssr::actions_of(&me, &case, &reviews);
    let review_count = reviews.len();
    let reviews = reviews
        .into_iter()
        .filter(|r| visible(&r.department))
        .map(|r| ReviewView {
            mine: me.scope.department.as_deref() == Some(r.department.as_str()),
            department: department_name(&r.department),
            status: r.status,
            reviewer: r.reviewer,
            reason: r.reason,
            legal_basis: r.legal_basis,
        })
        .collect();
    let today = clock::today();
    let calendar = st.calendar();
    let deadline = case.deadline.as_ref().map(|d| DeadlineView {
        accepted_on: d.accepted_on.to_string(),
        promised_days: d.promised_days,
        paused_days: d.paused_days,
        due_on: d.due.date.to_string(),
        provisional: d.due.provisional,
        days_off: calendar.days_off_between(d.accepted_on, d.due.date),
        light: d.light(case.status, today),
        paused_since: case.paused_on.map(|p| p.to_string()),
    });
    let calendar_warning = deadline.as_ref().is_some_and(|d| d.provisional) && me.scope.can(crate::domain::access::Capability::EditCalendar);
    let licence = licence.map(|l| crate::api::licences::ssr::licence_view(&l, &department_name(&l.department), today));
    let site = st.sites.all().find(|s| st.sites.path(&s.code) == Some(case.site_path.as_str())).map(|s| s.name.clone()).unwrap_or_default();
    let delivery_site = match &case.delivery {
        Delivery::Collect { site } => st.sites.get(site).map(|s| s.name.clone()),
        _ => None,
    };
    let proxy = match &case.proxy {
        Some((agent, consent)) => Some(crate::api::agent::ssr::proxy_view(&state(), agent, consent).await?),
        None => None,
    };
    let provided = crate::api::lookup::ssr::provided(&case, provisions, Some(&item));
    Ok(StaffCaseView {
        provided,
        reductions: case.reductions,
        days_saved: case.days_saved,
        proxy,
        fee: case.fee,
        credit: case.credit.clone(),
        me: ssr::staff_view(store, &me).await?,
        actions,
        tracking_display: case.tracking_number.to_string(),
        tracking_number: case.tracking_number.as_str().to_owned(),
        status: case.status,
        applicant_name: case.applicant_name,
        answers: case.answers,
        submitted_at: format_china_datetime(case.submitted_at),
        site,
        delivery: case.delivery,
        delivery_site,
        item: (*item).clone(),
        materials,
        events,
        reviews,
        review_count,
        deadline,
        correction: case.correction,
        licence,
        chain_head,
        calendar_warning,
    })
}

/// Takes a decision. `seen_status` is the status the clerk was looking at: if the
/// case has moved on since, the decision is refused rather than applied to a case
/// the clerk has not seen. A correction request names the answers (`fix_fields`)
/// and materials (`fix_materials`) to correct; a rejection cites its legal basis.
#[server(endpoint = "staff/decide")]
pub async fn decide_case(
    tracking: String,
    action: String,
    seen_status: String,
    note: String,
    legal_basis: Option<String>,
    fix_fields: Option<Vec<String>>,
    fix_materials: Option<Vec<String>>,
) -> Result<(), ApiError> {
    use super::ssr::{internal, require_staff, state};
    use crate::domain::case::{NOTE_MAX_CHARS, TransitionError, transition};
    use crate::domain::text::{FreeTextError, free_text};
    use crate::domain::correction::CorrectionRequestError;
    use crate::domain::deadline::Deadline;
    use crate::server::notify::compose;
    use crate::server::store::{Clock, NewLicence, ReviewChange, Step, StoreError};
    use crate::server::clock;
    let me = require_staff().await?;
    let st = state();
    let store = &st.store;
    let (case, reviews, _) = ssr::visible_case(store, &me, &tracking).await?;
    let number = case.tracking_number.clone();
    let back = |outcome: &str| leptos_axum::redirect(&format!("/admin/cases/{}?{outcome}#outcome", number.as_str()));
    let (Some(action), Some(seen)) = (CaseAction::from_code(&action), CaseStatus::from_code(&seen_status)) else {
        back("error=not_allowed_now");
        return Ok(());
    };
    let legal_basis = legal_basis.unwrap_or_default();
    let (note, legal_basis) = match (free_text(&note, NOTE_MAX_CHARS), free_text(&legal_basis, NOTE_MAX_CHARS)) {
        (Ok(note), Ok(legal_basis)) => (note, legal_basis),
        (Err(FreeTextError::ControlCharacter), _) | (_, Err(FreeTextError::ControlCharacter)) => {
            back("error=note_control_character");
            return Ok(());
        }
        _ => {
            back("error=note_too_long");
            return Ok(());
        }
    };
    if case.status != seen {
        back("error=not_allowed_now");
        return Ok(());
    }
    if !ssr::actions_of(&me, &case, &reviews).contains(&action) {
        back("error=not_your_role");
        return Ok(());
    }
    let Some(role) = me.scope.acting_role(action) else {
        back("error=not_your_role");
        return Ok(());
    };
    let next = match transition(case.status, action, role, note, case.accepted()) {
        Ok(next) => next,
        Err(e) => {
            back(match e {
                TransitionError::NotAllowedNow => "error=not_allowed_now",
                TransitionError::NotYourRole => "error=not_your_role",
                TransitionError::ReasonRequired | TransitionError::LegalBasisRequired => "error=reason_required",
            });
            return Ok(());
        }
    };
    if action == CaseAction::Reject && legal_basis.is_empty() {
        back("error=legal_basis_required");
        return Ok(());
    }
    let item = store.service_item(&case.service_code).await.map_err(|e| internal("decide item", e))?.ok_or(ApiError::NotFound)?;
    let actor = me.actor();
    let now = clock::now_ms();
    let today = clock::today();
    let calendar = st.calendar();
    let share = st.settings.deadline_yellow_share;
    // A rejection's legal basis goes with its reason into the timeline and the
    // message, so the applicant sees both wherever they look.
    let event_note = if action == CaseAction::Reject { format!("{note}（{legal_basis}）") } else { note.to_owned() };
    let mut step = Step::new(case.id, case.status, next, &actor, &event_note, now);
    let reviewers = item.reviewers();
    let correction;
    let licence: Option<NewLicence>;
    let own_department = me.scope.department.clone().unwrap_or_default();
    let review_from_open = [ReviewStatus::Pending, ReviewStatus::InReview];
    let review_from_pending = [ReviewStatus::Pending];
    match action {
        CaseAction::Accept => {
            step.clock = Clock::Start(Deadline::compute(&calendar, today, item.guide.promised_days, 0, share));
            step.open_reviews = &reviewers;
        }
        CaseAction::RequestCorrection => {
            match CorrectionRequest::new(&item, &fix_fields.unwrap_or_default(), &fix_materials.unwrap_or_default(), note) {
                Ok(r) => correction = r,
                Err(CorrectionRequestError::NothingNamed) => {
                    back("error=nothing_to_correct");
                    return Ok(());
                }
                Err(CorrectionRequestError::Unknown) => {
                    back("error=not_allowed_now");
                    return Ok(());
                }
            }
            step.correction = Some(Some(&correction));
            if case.accepted() {
                step.clock = Clock::Pause(today);
            }
        }
        CaseAction::StartReview | CaseAction::Approve | CaseAction::Reject => {
            let (kind, to, from): (EventKind, ReviewStatus, &[ReviewStatus]) = match action {
                CaseAction::StartReview => (EventKind::ReviewStarted, ReviewStatus::InReview, &review_from_pending),
                CaseAction::Approve => (EventKind::ReviewApproved, ReviewStatus::Approved, &review_from_open),
                _ => (EventKind::ReviewRejected, ReviewStatus::Rejected, &review_from_open),
            };
            step.kind = kind;
            step.review = Some(ReviewChange { department: &own_department, from, to, reviewer: &actor, reason: note, legal_basis });
        }
        CaseAction::Issue => {
            (licence, step.days_saved) = issue_parts(&item, &case, &calendar, today);
            step.licence = licence.as_ref();
        }
        CaseAction::Revoke => step.revoke_licence = true,
        CaseAction::Refuse | CaseAction::Resubmit => {}
    }
    let service = item.name.get(crate::domain::text::Lang::of_locale(&case.locale)).to_owned();
    for status in [next, CaseStatus::Approved, CaseStatus::Rejected] {
        if step.notices.iter().any(|(s, _)| *s == status) {
            continue;
        }
        if let Some(n) = compose(status, &case.locale, &case.applicant_phone, &case.tracking_number.to_string(), &service, &event_note) {
            step.notices.push((status, n));
        }
    }
    match store.record_step(&step).await {
        Ok(ended) => {
            tracing::info!(tracking = %number, action = action.code(), by = %me.username, ended = ended.code(), "case decided");
            // A case that ends without a result gives a paid fee back.
            if case.fee.status.after(ended) != case.fee.status {
                refund(&st, case.id).await?;
            }
            back(&format!("done={}", action.code()));
        }
        Err(StoreError::Conflict) => back("error=not_allowed_now"),
        Err(e) => return Err(internal("recording decision", e)),
    }
    Ok(())
}

/// What issuing a case writes besides its status: the licence its item issues, and
/// the working days saved against the statutory limit (the days the clock ran).
#[cfg(feature = "ssr")]
pub(crate) fn issue_parts(
    item: &ServiceItem,
    case: &crate::server::store::CaseRecord,
    calendar: &crate::domain::calendar::WorkCalendar,
    today: crate::domain::calendar::Date,
) -> (Option<crate::server::store::NewLicence>, Option<i64>) {
    use crate::domain::licence::{licence_number, valid_until};
    let licence = item.licence.as_ref().map(|spec| crate::server::store::NewLicence {
        number: licence_number(&item.code, today, case.id),
        service_code: item.code.clone(),
        name: spec.name.clone(),
        holder: spec.holder_field.as_ref().and_then(|f| case.answers.get(f)).cloned().unwrap_or_else(|| case.applicant_name.clone()),
        department: item.department.clone(),
        issued_on: today,
        valid_until: spec.valid_years.map(|y| valid_until(today, y)),
        verification_code: crate::server::licences::verification_code(),
        // The registration assigns the code; the case's id is its serial, unique here.
        credit_code: spec.assigns_credit_code.then(|| crate::domain::ids::CreditCode::assign(&case.tracking_number.as_str()[..6], case.id as u64).as_str().to_owned()),
    });
    let days_saved = case.deadline.as_ref().map(|d| {
        let used = calendar.working_days_between(d.accepted_on, today).saturating_sub(d.paused_days);
        crate::domain::provision::days_saved(item.guide.statutory_days, used)
    });
    (licence, days_saved)
}

/// Refunds a case's paid fee through the gateway, then records it.
#[cfg(feature = "ssr")]
async fn refund(st: &crate::server::AppState, case_id: i64) -> Result<(), ApiError> {
    use super::ssr::internal;
    let paid = st.store.paid_payment_of_case(case_id).await.map_err(|e| internal("finding payment", e))?;
    if let Some(p) = paid {
        crate::server::payments::gateway().refund(&p.reference, p.amount_fen).map_err(|e| internal("refunding", e))?;
        st.store.refund_case_fee(case_id, crate::server::clock::now_ms()).await.map_err(|e| internal("recording refund", e))?;
    }
    Ok(())
}
