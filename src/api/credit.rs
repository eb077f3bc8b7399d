//! The credit lists in the admin view: who is on the red or black list and why;
//! administrators put subjects on a list or take them off, each change with its
//! reason in the staff audit chain.

use super::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditEntryView {
    pub subject: String,
    pub enterprise: bool,
    pub list: crate::domain::credit::CreditList,
    pub reason: crate::domain::text::Text,
    pub since: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditChange {
    pub at: String,
    pub actor: String,
    pub subject: String,
    pub what: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditAdminView {
    pub me: super::staff::StaffView,
    pub entries: Vec<CreditEntryView>,
    pub changes: Vec<CreditChange>,
}

#[cfg(feature = "ssr")]
async fn require_credit_editor() -> Result<super::ssr::Staff, ApiError> {
    let me = super::ssr::require_staff().await?;
    if !me.scope.can(crate::domain::access::Capability::EditCreditLists) {
        return Err(ApiError::NotFound);
    }
    Ok(me)
}

/// The reason an administrator gives for a change, or the outcome code that refuses it.
#[cfg(feature = "ssr")]
fn change_reason(why: &str) -> Result<&str, &'static str> {
    use crate::domain::text::{CHANGE_REASON_MAX_CHARS, FreeTextError, required_free_text};
    required_free_text(why, CHANGE_REASON_MAX_CHARS).map_err(|e| if e == FreeTextError::ControlCharacter { "error=why_control_character" } else { "error=why" })
}

#[server(endpoint = "staff/credit")]
pub async fn credit_admin() -> Result<CreditAdminView, ApiError> {
    use super::ssr::{internal, state};
    use crate::domain::calendar::format_china_datetime;
    use crate::domain::credit::CreditSubject;
    let me = require_credit_editor().await?;
    let st = state();
    let entries = st
        .store
        .credit_entries()
        .await
        .map_err(|e| internal("credit entries", e))?
        .into_iter()
        .map(|e| CreditEntryView {
            subject: e.subject.key().to_owned(),
            enterprise: matches!(e.subject, CreditSubject::Enterprise(_)),
            list: e.list,
            reason: e.reason,
            since: e.since.to_string(),
        })
        .collect();
    let mut changes = Vec::new();
    for action in ["credit_put", "credit_remove"] {
        for a in st.store.staff_actions(action, 20).await.map_err(|e| internal("credit changes", e))? {
            changes.push((a.id, CreditChange { at: format_china_datetime(a.at), actor: a.actor, subject: a.subject, what: a.action, detail: a.detail }));
        }
    }
    changes.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
    Ok(CreditAdminView { me: super::staff::ssr::staff_view(&st.store, &me).await?, entries, changes: changes.into_iter().map(|(_, c)| c).collect() })
}

/// Puts `subject` (a resident ID number or credit code) on `list`, with the reason
/// for the listing in both languages and the reason for the change.
#[server(endpoint = "staff/credit/put")]
pub async fn put_credit_entry(subject: String, list: String, reason_zh: String, reason_en: String, why: String) -> Result<(), ApiError> {
    use super::ssr::{internal, state};
    use crate::domain::credit::{CreditEntry, CreditEntryError, CreditEntryFile, CreditList};
    use crate::domain::text::{FreeTextError, Text};
    let me = require_credit_editor().await?;
    let back = |query: &str| leptos_axum::redirect(&format!("/admin/credit?{query}#outcome"));
    let why = match change_reason(&why) {
        Ok(why) => why,
        Err(outcome) => {
            back(outcome);
            return Ok(());
        }
    };
    let Some(list) = CreditList::from_code(&list) else {
        back("error=entry");
        return Ok(());
    };
    let today = crate::server::clock::today();
    let file = CreditEntryFile { id: subject.trim().to_owned(), list, reason: Text { zh: reason_zh, en: reason_en }, since: today.to_string() };
    let entry = match CreditEntry::check(&file) {
        Ok(entry) => entry,
        Err(CreditEntryError::Reason { problem: FreeTextError::ControlCharacter, .. }) => {
            back("error=reason_control_character");
            return Ok(());
        }
        Err(_) => {
            back("error=entry");
            return Ok(());
        }
    };
    state().store.put_credit_entry(&entry, &me.actor(), why, crate::server::clock::now_ms()).await.map_err(|e| internal("saving credit entry", e))?;
    tracing::info!(by = %me.username, list = list.code(), "credit list changed");
    back("saved=1");
    Ok(())
}

#[server(endpoint = "staff/credit/remove")]
pub async fn remove_credit_entry(subject: String, why: String) -> Result<(), ApiError> {
    use super::ssr::{internal, state};
    let me = require_credit_editor().await?;
    let back = |query: &str| leptos_axum::redirect(&format!("/admin/credit?{query}#outcome"));
    let why = match change_reason(&why) {
        Ok(why) => why,
        Err(outcome) => {
            back(outcome);
            return Ok(());
        }
    };
    // Only what could be on a list is looked up.
    let Some(subject) = crate::domain::credit::CreditSubject::parse(&subject) else {
        back("error=entry");
        return Ok(());
    };
    let removed = state().store.remove_credit_entry(subject.key(), &me.actor(), why, crate::server::clock::now_ms()).await.map_err(|e| internal("removing credit entry", e))?;
    back(if removed { "removed=1" } else { "error=entry" });
    Ok(())
}
