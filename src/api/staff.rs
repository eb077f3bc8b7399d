//! The clerk's side: sign-in, the queue, case detail and decisions.

use super::ApiError;
use crate::domain::case::{CaseAction, CaseStatus, Role};
use crate::domain::catalog::ServiceItem;
use crate::domain::text::Text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in clerk, as pages show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffView {
    pub display_name: String,
    pub role: Role,
}

/// Queue tabs, each a set of statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueTab {
    Intake,
    Review,
    Issue,
    Done,
    All,
}

impl QueueTab {
    pub const ALL: [QueueTab; 5] = [QueueTab::Intake, QueueTab::Review, QueueTab::Issue, QueueTab::Done, QueueTab::All];

    pub fn code(self) -> &'static str {
        match self {
            QueueTab::Intake => "intake",
            QueueTab::Review => "review",
            QueueTab::Issue => "issue",
            QueueTab::Done => "done",
            QueueTab::All => "all",
        }
    }

    pub fn from_code(code: &str) -> QueueTab {
        QueueTab::ALL.into_iter().find(|t| t.code() == code).unwrap_or(QueueTab::Intake)
    }

    pub fn statuses(self) -> Vec<CaseStatus> {
        use CaseStatus as S;
        match self {
            QueueTab::Intake => vec![S::Submitted],
            QueueTab::Review => vec![S::Accepted, S::UnderReview],
            QueueTab::Issue => vec![S::Approved],
            QueueTab::Done => vec![S::Issued, S::Refused, S::Rejected],
            QueueTab::All => S::ALL.to_vec(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueLine {
    pub tracking_number: String,
    pub tracking_display: String,
    pub service_name: Text,
    pub applicant_name: String,
    pub status: CaseStatus,
    pub submitted_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    pub me: StaffView,
    pub tab: QueueTab,
    pub counts: Vec<(QueueTab, i64)>,
    pub lines: Vec<QueueLine>,
    pub page: u32,
    pub has_next: bool,
}

pub const QUEUE_PAGE_SIZE: i64 = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMaterial {
    pub id: i64,
    pub name: Text,
    pub file_name: String,
    pub size_bytes: i64,
    pub media_type: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffEvent {
    pub at: String,
    pub actor: String,
    pub to: CaseStatus,
    pub note: String,
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
    pub materials: Vec<StaffMaterial>,
    pub events: Vec<StaffEvent>,
    pub actions: Vec<CaseAction>,
}

#[cfg(feature = "ssr")]
fn view_of(s: &super::ssr::Staff) -> StaffView {
    StaffView { display_name: s.display_name.clone(), role: s.role }
}

#[server(endpoint = "staff/me")]
pub async fn whoami() -> Result<Option<StaffView>, ApiError> {
    Ok(super::ssr::current_staff().await?.as_ref().map(view_of))
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
    let user = st.store.user_by_username(&username).await.map_err(|e| internal("login", e))?;
    // Verify against a decoy when the user is unknown: same time, same answer.
    let hash = user.as_ref().map_or(auth::decoy_hash(), |u| u.password_hash.as_str());
    let verified = auth::verify_password(&password, hash);
    match user.filter(|_| verified) {
        Some(u) => {
            st.throttle.record_success(PURPOSE, ip);
            let expires = clock::now_ms() + auth::STAFF_SESSION_MS;
            let cookie = st.session_key.sign_session(u.id, expires);
            add_set_cookie(&auth::set_cookie(auth::STAFF_COOKIE, &cookie, Some(auth::STAFF_SESSION_MS / 1000), "Strict", st.settings.secure_cookies()));
            tracing::info!(user = %u.username, "staff signed in");
            leptos_axum::redirect("/admin");
        }
        None => {
            st.throttle.record_failure(PURPOSE, ip);
            leptos_axum::redirect("/admin/login?failed=1");
        }
    }
    Ok(())
}

#[server(endpoint = "staff/logout")]
pub async fn logout() -> Result<(), ApiError> {
    use super::ssr::{add_set_cookie, state};
    use crate::server::auth;
    add_set_cookie(&auth::set_cookie(auth::STAFF_COOKIE, "", Some(0), "Strict", state().settings.secure_cookies()));
    leptos_axum::redirect("/admin/login");
    Ok(())
}

#[server(endpoint = "staff/queue")]
pub async fn staff_queue(tab: String, page: u32) -> Result<QueueView, ApiError> {
    use super::ssr::{internal, require_staff, state};
    use crate::domain::calendar::format_china_datetime;
    let me = require_staff().await?;
    let store = state().store;
    let tab = QueueTab::from_code(&tab);
    let page = page.clamp(1, 10_000);
    let mut rows = store
        .queue(&tab.statuses(), QUEUE_PAGE_SIZE + 1, i64::from(page - 1) * QUEUE_PAGE_SIZE)
        .await
        .map_err(|e| internal("queue", e))?;
    let has_next = rows.len() as i64 > QUEUE_PAGE_SIZE;
    rows.truncate(QUEUE_PAGE_SIZE as usize);
    let by_status = store.count_by_status().await.map_err(|e| internal("queue counts", e))?;
    let counts = QueueTab::ALL
        .into_iter()
        .map(|t| (t, by_status.iter().filter(|(s, _)| t.statuses().contains(s)).map(|(_, n)| n).sum()))
        .collect();
    let lines = rows
        .into_iter()
        .map(|r| QueueLine {
            tracking_display: r.tracking_number.to_string(),
            tracking_number: r.tracking_number.as_str().to_owned(),
            service_name: Text { zh: r.service_name_zh, en: r.service_name_en },
            applicant_name: r.applicant_name,
            status: r.status,
            submitted_at: format_china_datetime(r.submitted_at),
        })
        .collect();
    Ok(QueueView { me: view_of(&me), tab, counts, lines, page, has_next })
}

#[server(endpoint = "staff/case")]
pub async fn staff_case(tracking: String) -> Result<StaffCaseView, ApiError> {
    use super::ssr::{internal, require_staff, state};
    use crate::domain::calendar::format_china_datetime;
    use crate::domain::ids::TrackingNumber;
    let me = require_staff().await?;
    let store = state().store;
    let number = TrackingNumber::parse(&tracking).map_err(|_| ApiError::NotFound)?;
    let case = store.case_by_tracking(&number).await.map_err(|e| internal("case", e))?.ok_or(ApiError::NotFound)?;
    let item = store.service_item(&case.service_code).await.map_err(|e| internal("case item", e))?.ok_or(ApiError::NotFound)?;
    let materials = store
        .materials_of_draft(&case.draft_id)
        .await
        .map_err(|e| internal("case materials", e))?
        .into_iter()
        .map(|m| StaffMaterial {
            id: m.id,
            name: item.material(&m.material_code).map(|x| x.name.clone()).unwrap_or_default(),
            file_name: m.file_name,
            size_bytes: m.size_bytes,
            media_type: m.media_type.code().to_owned(),
        })
        .collect();
    let events = store
        .case_events(case.id)
        .await
        .map_err(|e| internal("case events", e))?
        .into_iter()
        .map(|e| StaffEvent { at: format_china_datetime(e.at), actor: e.actor, to: e.to, note: e.note })
        .collect();
    Ok(StaffCaseView {
        actions: case.status.actions_for(me.role),
        me: view_of(&me),
        tracking_display: case.tracking_number.to_string(),
        tracking_number: case.tracking_number.as_str().to_owned(),
        status: case.status,
        applicant_name: case.applicant_name,
        answers: case.answers,
        submitted_at: format_china_datetime(case.submitted_at),
        item,
        materials,
        events,
    })
}

/// Takes a decision. `seen_status` is the status the clerk was looking at: if the
/// case has moved on since, the decision is refused rather than applied to a case
/// the clerk has not seen.
#[server(endpoint = "staff/decide")]
pub async fn decide_case(tracking: String, action: String, seen_status: String, note: String) -> Result<(), ApiError> {
    use super::ssr::{internal, require_staff, state};
    use crate::domain::case::{NOTE_MAX_CHARS, TransitionError, transition};
    use crate::domain::ids::TrackingNumber;
    use crate::server::{clock, store::StoreError};
    let me = require_staff().await?;
    let store = state().store;
    let number = TrackingNumber::parse(&tracking).map_err(|_| ApiError::NotFound)?;
    let back = |outcome: &str| leptos_axum::redirect(&format!("/admin/cases/{}?{outcome}#outcome", number.as_str()));
    let (Some(action), Some(seen)) = (CaseAction::from_code(&action), CaseStatus::from_code(&seen_status)) else {
        back("error=not_allowed_now");
        return Ok(());
    };
    let note = note.trim();
    if note.chars().count() > NOTE_MAX_CHARS {
        back("error=note_too_long");
        return Ok(());
    }
    let case = store.case_by_tracking(&number).await.map_err(|e| internal("decide", e))?.ok_or(ApiError::NotFound)?;
    if case.status != seen {
        back("error=not_allowed_now");
        return Ok(());
    }
    let next = match transition(case.status, action, me.role, note) {
        Ok(next) => next,
        Err(e) => {
            back(match e {
                TransitionError::NotAllowedNow => "error=not_allowed_now",
                TransitionError::NotYourRole => "error=not_your_role",
                TransitionError::ReasonRequired => "error=reason_required",
            });
            return Ok(());
        }
    };
    let actor = format!("staff:{}", me.username);
    match store.record_transition(case.id, case.status, next, &actor, note, clock::now_ms()).await {
        Ok(()) => {
            tracing::info!(tracking = %number, action = action.code(), by = %me.username, "case decided");
            back(&format!("done={}", action.code()));
        }
        Err(StoreError::Conflict) => back("error=not_allowed_now"),
        Err(e) => return Err(internal("recording decision", e)),
    }
    Ok(())
}
