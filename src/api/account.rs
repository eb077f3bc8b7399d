//! Citizen accounts: sign-in by mobile number and a one-time code sent by text
//! message (no password to forget or steal), and what a signed-in citizen has —
//! "my cases", "my messages", "my licences", unfinished applications — with the
//! cases filed earlier without signing in under the same number, to claim.
//!
//! The forms post here directly and are answered with redirects back to the page
//! they came from (`back`: the desktop `/me` or the handheld `/m/me`), so they work
//! without JavaScript; a refusal rides back in the address as a code the page words.

use super::ApiError;
use crate::api::staff::LicenceView;
use crate::domain::case::CaseStatus;
use crate::domain::text::Text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One of the citizen's cases, as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCase {
    pub tracking_number: String,
    pub tracking_plain: String,
    pub service_name: Text,
    pub status: CaseStatus,
    pub submitted_at: String,
    /// The proxy agent's name when an agent filed it (代办).
    pub proxy_agent: Option<String>,
}

/// An application started but not submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDraft {
    pub service_code: String,
    pub service_name: Text,
    pub continue_path: String,
    pub updated_at: String,
}

/// A message the citizen was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMessage {
    pub at: String,
    pub body: String,
}

/// A proactive offer (主动办): why, and the items still worth applying for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountOffer {
    pub message: Text,
    /// (item code, name).
    pub items: Vec<(String, Text)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub phone_masked: String,
    pub cases: Vec<AccountCase>,
    /// Filed with this number before signing in, not yet in the account.
    pub claimable: Vec<AccountCase>,
    pub drafts: Vec<AccountDraft>,
    pub messages: Vec<AccountMessage>,
    pub licences: Vec<LicenceView>,
    pub offers: Vec<AccountOffer>,
}

/// The "me" page's data: the sign-in form, or the account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AccountPage {
    /// `demo`: codes are shown in the demo message box (no real text messages).
    SignedOut { demo: bool },
    SignedIn(AccountView),
}

/// Where the account forms return to: one of the two "me" pages, nothing else
/// (an open redirect would let a phishing link borrow the portal's address).
pub fn back_to(back: Option<&str>) -> &'static str {
    match back {
        Some("/m/me") => "/m/me",
        _ => "/me",
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::api::ssr::internal;
    use crate::domain::calendar::format_china_datetime;
    use crate::server::AppState;
    use crate::server::store::CitizenCaseRow;
    use std::collections::HashMap;

    /// Service names by code, loaded once per page.
    pub struct Names<'a> {
        st: &'a AppState,
        known: HashMap<String, Text>,
    }

    impl<'a> Names<'a> {
        pub fn new(st: &'a AppState) -> Self {
            Names { st, known: HashMap::new() }
        }

        pub async fn service(&mut self, code: &str) -> Result<Text, ApiError> {
            if let Some(t) = self.known.get(code) {
                return Ok(t.clone());
            }
            let name = self.st.store.service_item(code).await.map_err(|e| internal("account service", e))?.map(|i| i.name.clone()).unwrap_or_default();
            self.known.insert(code.to_owned(), name.clone());
            Ok(name)
        }
    }

    pub async fn case_line(names: &mut Names<'_>, row: CitizenCaseRow) -> Result<AccountCase, ApiError> {
        Ok(AccountCase {
            tracking_number: row.tracking_number.to_string(),
            tracking_plain: row.tracking_number.as_str().to_owned(),
            service_name: names.service(&row.service_code).await?,
            status: row.status,
            submitted_at: format_china_datetime(row.submitted_at),
            proxy_agent: row.proxy_agent,
        })
    }
}

#[server(endpoint = "account")]
pub async fn load_account() -> Result<AccountPage, ApiError> {
    use self::ssr::*;
    use crate::api::ssr::{current_citizen, internal, state};
    use crate::domain::calendar::format_china_datetime;
    use crate::domain::ids::MobilePhone;
    let st = state();
    let Some(citizen) = current_citizen().await? else {
        return Ok(AccountPage::SignedOut { demo: st.settings.demo_data });
    };
    let fail = |e| internal("loading account", e);
    let mut names = Names::new(&st);
    let mut cases = Vec::new();
    for row in st.store.cases_of_citizen(citizen.id, 50).await.map_err(fail)? {
        cases.push(case_line(&mut names, row).await?);
    }
    let mut claimable = Vec::new();
    for row in st.store.claimable_cases(&citizen.phone, 20).await.map_err(fail)? {
        claimable.push(case_line(&mut names, row).await?);
    }
    let mut drafts = Vec::new();
    for d in st.store.drafts_of_citizen(citizen.id, 10).await.map_err(fail)? {
        drafts.push(AccountDraft {
            service_name: names.service(&d.service_code).await?,
            continue_path: format!("/services/{}/apply?draft={}", d.service_code, d.id),
            service_code: d.service_code,
            updated_at: format_china_datetime(d.updated_at),
        });
    }
    let messages = st
        .store
        .messages_to(&citizen.phone, 30)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|m| AccountMessage { at: format_china_datetime(m.delivered_at), body: m.body })
        .collect();
    let departments = st.store.departments().await.map_err(fail)?;
    let today = crate::server::clock::today();
    let licences = st
        .store
        .licences_of_citizen(citizen.id)
        .await
        .map_err(fail)?
        .iter()
        .map(|l| {
            let department = departments.iter().find(|d| d.code == l.department).map(|d| d.name.clone()).unwrap_or_default();
            crate::api::licences::ssr::licence_view(l, &department, today)
        })
        .collect();
    // Offers stay while something in them is not yet applied for.
    let held = st.store.held_cases(citizen.id).await.map_err(fail)?;
    let mut offers = Vec::new();
    for offer in st.store.offers_to(citizen.id, 20).await.map_err(fail)? {
        let Some(rule) = st.proactive.iter().find(|r| r.code == offer.rule_code) else { continue };
        let mut items = Vec::new();
        for code in crate::domain::proactive::still_open(&offer.items, &held) {
            if !items.iter().any(|(c, _): &(String, Text)| *c == code) {
                items.push((code.clone(), names.service(&code).await?));
            }
        }
        if !items.is_empty() {
            offers.push(AccountOffer { message: rule.message.clone(), items });
        }
    }
    Ok(AccountPage::SignedIn(AccountView {
        phone_masked: MobilePhone::parse(&citizen.phone).map(|p| p.masked()).unwrap_or_default(),
        cases,
        claimable,
        drafts,
        messages,
        licences,
        offers,
    }))
}

/// Sends a sign-in code to `phone`, then back to the form for the code.
#[server(endpoint = "account/code")]
pub async fn send_sign_in_code(phone: String, back: Option<String>) -> Result<(), ApiError> {
    use crate::api::ssr::{client_ip, internal, locale_code, state};
    use crate::domain::ids::MobilePhone;
    use crate::domain::one_time_code::{CodePurpose, SendRefusal};
    use crate::ui::encode_query;
    let back = back_to(back.as_deref());
    let st = state();
    let Ok(phone) = MobilePhone::parse(&phone) else {
        leptos_axum::redirect(&format!("{back}?error=phone_invalid&phone={}#error-summary", encode_query(&phone.chars().take(20).collect::<String>())));
        return Ok(());
    };
    let now = crate::server::clock::now_ms();
    let sent = crate::server::codes::send_code(&st, CodePurpose::SignIn, &phone, client_ip(), locale_code(), now).await.map_err(|e| internal("sending code", e))?;
    match sent {
        Ok(()) => leptos_axum::redirect(&format!("{back}?phone={}&sent=1#code", phone.as_str())),
        Err(refusal) => {
            let wait = match refusal {
                SendRefusal::TooSoon { wait_s } => wait_s,
                _ => 0,
            };
            leptos_axum::redirect(&format!("{back}?phone={}&error={}&wait={wait}#error-summary", phone.as_str(), refusal.code()));
        }
    }
    Ok(())
}

/// Signs in with the code sent to `phone`: opens the account on first use.
#[server(endpoint = "account/sign-in")]
pub async fn sign_in_with_code(phone: String, code: String, back: Option<String>) -> Result<(), ApiError> {
    use crate::api::ssr::{add_set_cookie, internal, state};
    use crate::domain::ids::MobilePhone;
    use crate::domain::one_time_code::{CodePurpose, CodeRefusal};
    use crate::server::{auth, clock};
    use crate::ui::encode_query;
    let back = back_to(back.as_deref());
    let st = state();
    let Ok(phone) = MobilePhone::parse(&phone) else {
        leptos_axum::redirect(&format!("{back}?error=phone_invalid&phone={}#error-summary", encode_query(&phone.chars().take(20).collect::<String>())));
        return Ok(());
    };
    let now = clock::now_ms();
    match crate::server::codes::check_code(&st, CodePurpose::SignIn, &phone, &code, now).await.map_err(|e| internal("checking code", e))? {
        Ok(()) => {
            let citizen = st.store.citizen_signed_in(phone.as_str(), now).await.map_err(|e| internal("opening account", e))?;
            let cookie = st.session_key.sign_citizen_session(citizen.id, now + auth::CITIZEN_SESSION_MS);
            // Lax: a link from a text message opens the account signed in.
            add_set_cookie(&auth::set_cookie(auth::CITIZEN_COOKIE, &cookie, Some(auth::CITIZEN_SESSION_MS / 1000), "Lax", st.settings.secure_cookies()));
            tracing::info!(citizen = citizen.id, "citizen signed in");
            leptos_axum::redirect(back);
        }
        Err(refusal) => {
            let left = match refusal {
                CodeRefusal::Wrong { tries_left } => tries_left,
                _ => 0,
            };
            leptos_axum::redirect(&format!("{back}?phone={}&sent=1&error={}&left={left}#error-summary", phone.as_str(), refusal.code()));
        }
    }
    Ok(())
}

#[server(endpoint = "account/sign-out")]
pub async fn sign_out(back: Option<String>) -> Result<(), ApiError> {
    use crate::api::ssr::{add_set_cookie, revoke_session_cookie, state};
    use crate::server::auth;
    revoke_session_cookie(auth::CITIZEN_COOKIE).await?;
    add_set_cookie(&auth::set_cookie(auth::CITIZEN_COOKIE, "", Some(0), "Lax", state().settings.secure_cookies()));
    leptos_axum::redirect(back_to(back.as_deref()));
    Ok(())
}

/// Adds a case filed with the account's verified number before signing in.
#[server(endpoint = "account/claim")]
pub async fn claim_case(tracking: String, back: Option<String>) -> Result<(), ApiError> {
    use crate::api::ssr::{current_citizen, internal, state};
    use crate::domain::ids::TrackingNumber;
    let back = back_to(back.as_deref());
    let st = state();
    let citizen = current_citizen().await?.ok_or(ApiError::Unauthenticated)?;
    let number = TrackingNumber::parse(&tracking).map_err(|_| ApiError::NotFound)?;
    if !st.store.claim_case(&number, &citizen, crate::server::clock::now_ms()).await.map_err(|e| internal("claiming case", e))? {
        return Err(ApiError::NotFound);
    }
    leptos_axum::redirect(&format!("{back}?claimed={}#my-cases", number.as_str()));
    Ok(())
}

/// The demo's stand-in for a phone: the latest messages in the outbox, codes
/// included. Only with demo data; otherwise it does not exist.
#[server(endpoint = "demo/messages")]
pub async fn demo_messages() -> Result<Vec<(String, String, String)>, ApiError> {
    use crate::api::ssr::{internal, state};
    use crate::domain::calendar::format_china_datetime;
    let st = state();
    if !st.settings.demo_data {
        return Err(ApiError::NotFound);
    }
    Ok(st
        .store
        .recent_outbox(50)
        .await
        .map_err(|e| internal("demo messages", e))?
        .into_iter()
        .map(|(at, phone, _kind, body)| (format_china_datetime(at), phone, body))
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn account_forms_return_only_to_the_two_me_pages() {
        assert_eq!(super::back_to(Some("/m/me")), "/m/me");
        assert_eq!(super::back_to(Some("/me")), "/me");
        assert_eq!(super::back_to(Some("https://evil.example/")), "/me");
        assert_eq!(super::back_to(Some("//evil.example")), "/me");
        assert_eq!(super::back_to(None), "/me");
    }
}
