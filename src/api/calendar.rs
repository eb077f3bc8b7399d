//! The working-day calendar in the admin view: each year's holidays as data, edited
//! by administrators, every edit recorded in the staff audit chain with its reason.

use super::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarYearView {
    pub year: i32,
    pub text: String,
    pub updated_at: String,
    pub updated_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEdit {
    pub at: String,
    pub actor: String,
    pub year: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarAdminView {
    pub me: super::staff::StaffView,
    pub years: Vec<CalendarYearView>,
    pub edits: Vec<CalendarEdit>,
    /// The year after the last one on file is missing: deadlines past it are provisional.
    pub next_year_missing: Option<i32>,
}

#[cfg(feature = "ssr")]
async fn require_calendar_editor() -> Result<super::ssr::Staff, ApiError> {
    let me = super::ssr::require_staff().await?;
    if !me.scope.can(crate::domain::access::Capability::EditCalendar) {
        // Not an administrator: the page does not exist for them.
        return Err(ApiError::NotFound);
    }
    Ok(me)
}

#[server(endpoint = "staff/calendar")]
pub async fn calendar_admin() -> Result<CalendarAdminView, ApiError> {
    use super::ssr::{internal, state};
    use crate::domain::calendar::format_china_datetime;
    let me = require_calendar_editor().await?;
    let st = state();
    let years = st.store.calendar_years().await.map_err(|e| internal("calendar years", e))?;
    let edits = st
        .store
        .staff_actions("calendar_edit", 20)
        .await
        .map_err(|e| internal("calendar edits", e))?
        .into_iter()
        .map(|a| CalendarEdit {
            at: format_china_datetime(a.at),
            reason: serde_json::from_str::<serde_json::Value>(&a.detail).ok().and_then(|v| v["reason"].as_str().map(str::to_owned)).unwrap_or_default(),
            actor: a.actor,
            year: a.subject,
        })
        .collect();
    let next = crate::server::clock::today().year() + 1;
    Ok(CalendarAdminView {
        me: super::staff::ssr::staff_view(&st.store, &me).await?,
        next_year_missing: (!years.iter().any(|y| y.year == next)).then_some(next),
        years: years
            .into_iter()
            .map(|y| CalendarYearView { year: y.year, text: y.text, updated_at: format_china_datetime(y.updated_at), updated_by: y.updated_by })
            .collect(),
        edits,
    })
}

/// Saves one year's text after checking it together with the other years; a text
/// with problems is refused with the first problem, and nothing changes.
#[server(endpoint = "staff/calendar/edit")]
pub async fn edit_calendar(year: String, text: String, reason: String) -> Result<(), ApiError> {
    use super::ssr::{internal, state};
    use crate::domain::calendar::{CalendarProblem, CalendarYear, WorkCalendar};
    use crate::domain::text::{CHANGE_REASON_MAX_CHARS, FreeTextError, required_free_text};
    use crate::ui::encode_query;
    let me = require_calendar_editor().await?;
    let st = state();
    let back = |query: String| leptos_axum::redirect(&format!("/admin/calendar?{query}#outcome"));
    let reason = match required_free_text(&reason, CHANGE_REASON_MAX_CHARS) {
        Ok(reason) => reason,
        Err(FreeTextError::ControlCharacter) => {
            back("error=control_character".into());
            return Ok(());
        }
        Err(_) => {
            back("error=reason".into());
            return Ok(());
        }
    };
    let parsed = match CalendarYear::parse(&text) {
        Ok(y) => y,
        Err(CalendarProblem::ControlCharacter) => {
            back("error=control_character".into());
            return Ok(());
        }
        Err(problem) => {
            let detail = match problem {
                CalendarProblem::Syntax(detail) => detail,
                problem => problem.to_string(),
            };
            back(format!("error=syntax&detail={}", encode_query(&detail)));
            return Ok(());
        }
    };
    if year.trim() != parsed.year.to_string() {
        back("error=year".into());
        return Ok(());
    }
    let others = st.store.calendar_years().await.map_err(|e| internal("calendar years", e))?;
    let mut texts: Vec<&str> = others.iter().filter(|y| y.year != parsed.year).map(|y| y.text.as_str()).collect();
    texts.push(&text);
    let calendar = match WorkCalendar::from_toml_texts(&texts) {
        Ok(c) => c,
        Err(problems) => {
            let detail = problems.first().map(|p| p.to_string()).unwrap_or_default();
            back(format!("error=invalid&detail={}", encode_query(&detail)));
            return Ok(());
        }
    };
    st.store
        .edit_calendar_year(parsed.year, &text, &me.actor(), reason, crate::server::clock::now_ms())
        .await
        .map_err(|e| internal("saving calendar", e))?;
    if let Ok(mut c) = st.calendar.write() {
        *c = calendar;
    }
    // Pages kept in memory may count days on the old calendar.
    st.pages.clear();
    tracing::info!(year = parsed.year, by = %me.username, "calendar edited");
    back(format!("saved={}", parsed.year));
    Ok(())
}
