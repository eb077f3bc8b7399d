//! Proxy filing (代办) for village and town proxy agents: with the resident's
//! consent — a one-time code sent to the resident's own phone, which the resident
//! tells the agent — the agent starts an application for them and fills it in on
//! the ordinary pages; the case records that it was filed by proxy, by whom, and
//! how the resident agreed. The resident is notified and can look the case up as
//! if they had filed it.

use super::ApiError;
use super::account::AccountCase;
use crate::domain::text::Text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The agent's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentView {
    pub display_name: String,
    pub site: Option<Text>,
    /// Items that can be applied for online: (code, name).
    pub services: Vec<(String, Text)>,
    /// The cases this agent filed, newest first.
    pub cases: Vec<AccountCase>,
}

/// How a case filed by proxy is shown to the clerk and to the resident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyView {
    /// The agent's name as their account gives it.
    pub agent: String,
    /// The number the consent code went to, masked.
    pub consent_phone: String,
    pub consent_at: String,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::api::ssr::{Staff, internal, require_staff};
    use crate::domain::access::Capability;
    use crate::domain::proxy::Consent;

    pub async fn proxy_view(st: &crate::server::AppState, agent: &str, consent: &Consent) -> Result<ProxyView, ApiError> {
        let name = st.store.user_by_username(agent).await.map_err(|e| internal("loading proxy agent", e))?.map(|u| u.display_name).unwrap_or_else(|| agent.to_owned());
        let Consent::PhoneCode { phone_masked, at } = consent;
        Ok(ProxyView { agent: name, consent_phone: phone_masked.clone(), consent_at: crate::domain::calendar::format_china_datetime(*at) })
    }

    /// The signed-in proxy agent; anyone else finds no such page.
    pub async fn require_agent() -> Result<Staff, ApiError> {
        let me = require_staff().await?;
        if !me.scope.can(Capability::FileForResidents) {
            return Err(ApiError::NotFound);
        }
        Ok(me)
    }
}

#[server(endpoint = "staff/agent")]
pub async fn load_agent() -> Result<AgentView, ApiError> {
    use self::ssr::require_agent;
    use crate::api::account::ssr::{Names, case_line};
    use crate::api::ssr::{internal, state};
    let me = require_agent().await?;
    let st = state();
    let fail = |e| internal("loading agent page", e);
    let mut names = Names::new(&st);
    let mut cases = Vec::new();
    for row in st.store.cases_filed_by(&me.username, 50).await.map_err(fail)? {
        cases.push(case_line(&mut names, row).await?);
    }
    use crate::domain::catalog::HandlingDepth;
    let services = st
        .store
        .list_service_items(&crate::server::store::CatalogFilter::default())
        .await
        .map_err(fail)?
        .into_iter()
        .filter(|i| matches!(HandlingDepth::from_code(&i.handling_depth), Some(HandlingDepth::OnlineApplication | HandlingDepth::FullyOnline)))
        .map(|i| (i.code, Text { zh: i.name_zh, en: i.name_en }))
        .collect();
    Ok(AgentView { display_name: me.display_name.clone(), site: me.site.as_deref().and_then(|c| st.sites.get(c)).map(|s| s.name.clone()), services, cases })
}

/// Sends the consent code to the resident's phone.
#[server(endpoint = "staff/agent/consent-code")]
pub async fn send_consent_code(service: String, phone: String) -> Result<(), ApiError> {
    use self::ssr::require_agent;
    use crate::api::ssr::{client_ip, internal, state};
    use crate::domain::ids::MobilePhone;
    use crate::domain::one_time_code::{CodePurpose, SendRefusal};
    use crate::ui::encode_query;
    require_agent().await?;
    let st = state();
    let service = encode_query(&service.chars().take(20).collect::<String>());
    let Ok(resident) = MobilePhone::parse(&phone) else {
        leptos_axum::redirect(&format!("/agent?service={service}&error=phone_invalid&phone={}#error-summary", encode_query(&phone.chars().take(20).collect::<String>())));
        return Ok(());
    };
    let now = crate::server::clock::now_ms();
    // The resident reads the message: it is written in the portal's default language.
    let sent = crate::server::codes::send_code(&st, CodePurpose::ProxyConsent, &resident, client_ip(), "zh-Hans", now).await.map_err(|e| internal("sending consent code", e))?;
    let phone = resident.as_str();
    match sent {
        Ok(()) => leptos_axum::redirect(&format!("/agent?service={service}&phone={phone}&sent=1#code")),
        Err(refusal) => {
            let wait = if let SendRefusal::TooSoon { wait_s } = refusal { wait_s } else { 0 };
            leptos_axum::redirect(&format!("/agent?service={service}&phone={phone}&error={}&wait={wait}#error-summary", refusal.code()));
        }
    }
    Ok(())
}

/// Checks the resident's consent code and starts the application for them, with
/// their number as the applicant's phone.
#[server(endpoint = "staff/agent/start")]
pub async fn start_for_resident(service: String, phone: String, code: String) -> Result<(), ApiError> {
    use self::ssr::require_agent;
    use crate::api::ssr::{applicant_owner, internal, state};
    use crate::domain::form::{APPLICANT_PHONE, RawAnswers};
    use crate::domain::ids::MobilePhone;
    use crate::domain::one_time_code::{CodePurpose, CodeRefusal};
    use crate::domain::proxy::Consent;
    use crate::server::clock;
    use crate::server::store::{Draft, DraftProxy};
    let me = require_agent().await?;
    let st = state();
    let item = st.store.service_item(&service).await.map_err(|e| internal("agent service", e))?.filter(|i| i.can_apply_online()).ok_or(ApiError::NotFound)?;
    let Ok(resident) = MobilePhone::parse(&phone) else {
        leptos_axum::redirect(&format!("/agent?service={}&error=phone_invalid#error-summary", item.code));
        return Ok(());
    };
    let now = clock::now_ms();
    if let Err(refusal) = crate::server::codes::check_code(&st, CodePurpose::ProxyConsent, &resident, &code, now).await.map_err(|e| internal("checking consent", e))? {
        let left = if let CodeRefusal::Wrong { tries_left } = refusal { tries_left } else { 0 };
        leptos_axum::redirect(&format!("/agent?service={}&phone={}&sent=1&error={}&left={left}#error-summary", item.code, resident.as_str(), refusal.code()));
        return Ok(());
    }
    let owner = applicant_owner(true).ok_or(ApiError::Forbidden)?;
    let mut answers = RawAnswers::new();
    answers.insert(APPLICANT_PHONE.to_owned(), resident.as_str().to_owned());
    let draft = Draft { id: clock::random_token(), owner_hash: owner, service_code: item.code.clone(), answers, created_at: now, updated_at: now, citizen_id: None };
    let proxy = DraftProxy { agent: me.username.clone(), phone: resident.as_str().to_owned(), consent: Consent::PhoneCode { phone_masked: resident.masked(), at: now } };
    st.store.start_proxy_draft(&draft, &proxy).await.map_err(|e| internal("starting proxy draft", e))?;
    tracing::info!(agent = %me.username, service = %item.code, "proxy filing started with the resident's consent");
    leptos_axum::redirect(&format!("/services/{}/apply?draft={}", item.code, draft.id));
    Ok(())
}
