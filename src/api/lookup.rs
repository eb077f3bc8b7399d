//! Progress lookup without an account (tracking number + last four phone digits).

use super::ApiError;
use crate::domain::case::CaseStatus;
use crate::domain::text::Text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One step as the applicant sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressStep {
    pub at: String,
    pub status: CaseStatus,
    pub by_staff: bool,
    pub note: String,
    /// The department, for a review step.
    pub department: Option<Text>,
    pub kind: crate::domain::case::EventKind,
    /// Recorded by the proxy agent who filed the case.
    pub by_proxy: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseProgress {
    pub tracking_number: String,
    /// Without separators, for links.
    pub tracking_plain: String,
    pub service_name: Text,
    pub status: CaseStatus,
    pub steps: Vec<ProgressStep>,
    /// Each department's review, when several review in parallel or one has decided.
    pub reviews: Vec<(Text, crate::domain::review::ReviewStatus)>,
    /// The deadline, once accepted.
    pub due_on: Option<String>,
    pub due_provisional: bool,
    /// While correcting: since when the clock has stood still.
    pub paused_since: Option<String>,
    /// What to correct, while the case waits for it.
    pub correction: Option<CorrectionView>,
    /// Messages sent to the applicant, oldest first.
    pub messages: Vec<(String, String)>,
    pub licence: Option<crate::api::staff::LicenceView>,
    pub delivery: crate::domain::delivery::Delivery,
    pub delivery_site: Option<Text>,
    /// The head digest of the case's audit chain.
    pub chain_head: String,
    /// The answer to "verify this record", when asked.
    pub record_check: Option<RecordCheck>,
    /// Filed by a proxy agent (代办) with the applicant's consent.
    pub proxy: Option<crate::api::agent::ProxyView>,
    pub fee: crate::domain::fee::CaseFee,
    /// The basis of a waived fee (政府免单).
    pub waiver: Option<Text>,
    /// Materials provided without an upload: name, how, and for a deferred one
    /// whether it is overdue.
    pub provided: Vec<ProvidedView>,
}

/// A material provided without an upload, as the applicant and the clerk see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvidedView {
    pub name: Text,
    pub provision: crate::domain::provision::Provision,
    pub overdue: bool,
}

/// Whether a case's audit chain is intact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordCheck {
    Intact { events: usize },
    /// Broken at this event (counted from the first, 1-based), or at the end.
    Broken { at_event: Option<usize> },
}

/// What the applicant must correct, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionView {
    pub note: String,
    pub fields: Vec<Text>,
    pub materials: Vec<Text>,
}

/// The answer to a lookup. A wrong number and a wrong phone are the same
/// `NotFound`, so the lookup cannot be used to learn which numbers exist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LookupOutcome {
    /// Not shaped like a tracking number.
    InvalidNumber,
    /// Shaped right but its check character is wrong: a typo.
    TypoNumber,
    InvalidPhone,
    NotFound,
    Found(CaseProgress),
    /// A bundle's number (一件事): every part's progress.
    Bundle(crate::api::bundles::BundleReceiptView),
}

/// Looks a case up. With `verify`, its audit chain is checked again as well
/// ("verify this record").
#[server(endpoint = "lookup")]
pub async fn lookup_case(number: String, phone: String, verify: Option<bool>) -> Result<LookupOutcome, ApiError> {
    use super::ssr::{client_ip, internal, state};
    use crate::domain::ids::{MobilePhone, TrackingNumber, TrackingNumberError};
    use crate::domain::lookup::{is_four_digits, phone_matches};
    const PURPOSE: &str = "lookup";
    let st = state();
    let ip = client_ip();
    let delay = st.throttle.delay(PURPOSE, ip);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let tracking = match TrackingNumber::parse(&number) {
        Ok(t) => t,
        Err(e) => {
            st.throttle.record_failure(PURPOSE, ip);
            return Ok(match e {
                TrackingNumberError::Format => LookupOutcome::InvalidNumber,
                TrackingNumberError::CheckCharacter => LookupOutcome::TypoNumber,
            });
        }
    };
    // A signed-in citizen opens their own cases from "my cases" without the digits.
    let citizen = if phone.is_empty() { super::ssr::current_citizen().await?.map(|c| c.id) } else { None };
    if citizen.is_none() && !is_four_digits(&phone) {
        return Ok(LookupOutcome::InvalidPhone);
    }
    // The case and everything shown with it in one read: most lookups find their case.
    let whole = st.store.case_whole_by_tracking(&tracking).await.map_err(|e| internal("lookup", e))?;
    let (case, parts) = match whole {
        Some((c, parts)) if citizen.is_some() && c.citizen_id == citizen => (c, parts),
        Some((c, parts)) if citizen.is_none() && MobilePhone::parse(&c.applicant_phone).is_ok_and(|p| phone_matches(&p, &phone)) => (c, parts),
        // No case: the number may be a bundle's, shown on the same proof.
        None => {
            let bundle = st.store.bundle_by_tracking(&tracking).await.map_err(|e| internal("lookup", e))?;
            match bundle {
                Some(b) if (citizen.is_some() && b.citizen_id == citizen) || (citizen.is_none() && MobilePhone::parse(&b.applicant_phone).is_ok_and(|p| phone_matches(&p, &phone))) => {
                    st.throttle.record_success(PURPOSE, ip);
                    return Ok(LookupOutcome::Bundle(crate::api::bundles::ssr::receipt_view(&st, &b).await?));
                }
                _ => {
                    st.throttle.record_failure(PURPOSE, ip);
                    return Ok(LookupOutcome::NotFound);
                }
            }
        }
        Some(_) => {
            st.throttle.record_failure(PURPOSE, ip);
            return Ok(LookupOutcome::NotFound);
        }
    };
    st.throttle.record_success(PURPOSE, ip);
    // This browser proved it knows the case: let it correct the case and fetch its result.
    super::ssr::grant_case_access(case.id);
    // The events read with the case, for the record check's "broken at event N".
    let event_ids: Vec<i64> = parts.events.iter().map(|e| e.id).collect();
    let mut progress = ssr::progress(&st, &case, parts).await?;
    if verify == Some(true) {
        progress.record_check = Some(match st.store.verify_case_chain(case.id).await.map_err(|e| internal("lookup verify", e))? {
            Ok(()) => RecordCheck::Intact { events: event_ids.len() },
            Err(b) => RecordCheck::Broken { at_event: b.event_id.and_then(|id| event_ids.iter().position(|&e| e == id)).map(|i| i + 1) },
        });
    }
    Ok(LookupOutcome::Found(progress))
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::api::ssr::internal;
    use crate::domain::calendar::format_china_datetime;
    use crate::server::AppState;
    use crate::server::store::{CaseParts, CaseRecord};

    /// A case's materials provided without an upload, named from its item.
    pub fn provided(case: &CaseRecord, provisions: Vec<crate::domain::provision::Provision>, item: Option<&crate::domain::catalog::ServiceItem>) -> Vec<ProvidedView> {
        let today = crate::server::clock::today();
        provisions
            .into_iter()
            .map(|p| ProvidedView {
                name: item.and_then(|i| i.material(&p.material_code)).map(|m| m.name.clone()).unwrap_or_default(),
                overdue: p.is_overdue(today) && !case.status.is_final(),
                provision: p,
            })
            .collect()
    }

    /// Everything the applicant may see of their case, from the case and what is
    /// recorded with it ([`crate::server::store::CaseParts`]).
    pub async fn progress(st: &AppState, case: &CaseRecord, parts: CaseParts) -> Result<CaseProgress, ApiError> {
        let chain_head = parts.chain_head();
        let events = parts.events;
        let item = st.store.service_item(&case.service_code).await.map_err(|e| internal("lookup service", e))?;
        let departments = st.store.departments().await.map_err(|e| internal("lookup departments", e))?;
        let name_of = |code: &str| departments.iter().find(|d| d.code == code).map(|d| d.name.clone()).unwrap_or_default();
        let reviews = parts.reviews;
        let messages = parts
            .messages
            .into_iter()
            .filter_map(|m| Some((format_china_datetime(m.delivered_at?), m.body)))
            .collect();
        let licence = parts.licence.map(|l| crate::api::licences::ssr::licence_view(&l, &name_of(&l.department), crate::server::clock::today()));
        let correction = match (&case.correction, &item, case.status) {
            (Some(r), Some(item), CaseStatus::NeedsCorrection) => Some(CorrectionView {
                note: r.note.clone(),
                fields: r.fields.iter().filter_map(|f| item.form.fields.iter().find(|d| &d.name == f)).map(|d| d.label.clone()).collect(),
                materials: r.materials.iter().filter_map(|m| item.material(m)).map(|m| m.name.clone()).collect(),
            }),
            _ => None,
        };
        let delivery_site = match &case.delivery {
            crate::domain::delivery::Delivery::Collect { site } => st.sites.get(site).map(|s| s.name.clone()),
            _ => None,
        };
        Ok(CaseProgress {
            tracking_number: case.tracking_number.to_string(),
            tracking_plain: case.tracking_number.as_str().to_owned(),
            service_name: item.as_ref().map(|i| i.name.clone()).unwrap_or_default(),
            status: case.status,
            steps: events
                .into_iter()
                .filter(|e| e.kind.is_public())
                .map(|e| ProgressStep {
                    at: format_china_datetime(e.at),
                    status: e.to,
                    by_staff: e.actor.starts_with("staff:"),
                    by_proxy: e.actor.starts_with("proxy:"),
                    note: e.note,
                    department: (!e.department.is_empty()).then(|| name_of(&e.department)),
                    kind: e.kind,
                })
                .collect(),
            reviews: reviews.iter().map(|r| (name_of(&r.department), r.status)).collect(),
            due_on: case.deadline.as_ref().map(|d| d.due.date.to_string()),
            due_provisional: case.deadline.as_ref().is_some_and(|d| d.due.provisional),
            paused_since: case.paused_on.map(|d| d.to_string()),
            correction,
            messages,
            licence,
            delivery: case.delivery.clone(),
            delivery_site,
            chain_head,
            record_check: None,
            proxy: match &case.proxy {
                Some((agent, consent)) => Some(crate::api::agent::ssr::proxy_view(st, agent, consent).await?),
                None => None,
            },
            fee: case.fee,
            waiver: item.as_ref().and_then(|i| i.charge.as_ref()).and_then(|c| c.waived.clone()),
            provided: provided(case, parts.provisions, item.as_deref()),
        })
    }
}

/// What the correction page needs: the case's progress, the fields to answer again
/// (with the answers as they stand), the materials to upload again, and the
/// deferred materials (容缺) still to send.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorrectionPageView {
    pub progress: CaseProgress,
    pub fields: Vec<crate::domain::form::FieldDefinition>,
    /// The form's cross-field rules' messages, by index, for a refused correction.
    pub rule_messages: Vec<crate::domain::text::Text>,
    pub answers: crate::domain::form::RawAnswers,
    pub materials: Vec<(crate::domain::catalog::Material, Option<String>)>,
    /// Deferred materials still to come: the material, its due date, overdue.
    pub deferred: Vec<(crate::domain::catalog::Material, String, bool)>,
    /// The clerk asked for a correction (else only deferred materials are due).
    pub correcting: bool,
    pub max_bytes: u64,
    pub today: String,
}

/// The case a browser holding case access may send something for: a correction
/// asked for, or a deferred material still to come; anything else is "not found".
#[cfg(feature = "ssr")]
async fn correctable(tracking: &str, correcting_only: bool) -> Result<crate::server::store::CaseRecord, ApiError> {
    use super::ssr::{has_case_access, internal, state};
    use crate::domain::ids::TrackingNumber;
    let number = TrackingNumber::parse(tracking).map_err(|_| ApiError::NotFound)?;
    let case = state().store.case_by_tracking(&number).await.map_err(|e| internal("correction", e))?.ok_or(ApiError::NotFound)?;
    let correcting = case.status == CaseStatus::NeedsCorrection && case.correction.is_some();
    let awaited = !correcting_only && !case.status.is_final() && case.deferred_due_on.is_some();
    if !has_case_access(case.id) || !(correcting || awaited) {
        return Err(ApiError::NotFound);
    }
    Ok(case)
}

#[server(endpoint = "lookup/correction")]
pub async fn load_correction(tracking: String) -> Result<CorrectionPageView, ApiError> {
    use super::ssr::{internal, state};
    let st = state();
    let case = correctable(&tracking, false).await?;
    let correcting = case.status == CaseStatus::NeedsCorrection;
    let request = case.correction.clone().filter(|_| correcting).unwrap_or_default();
    let item = st.store.service_item(&case.service_code).await.map_err(|e| internal("correction item", e))?.ok_or(ApiError::NotFound)?;
    let uploaded = st.store.materials_of_draft(&case.draft_id).await.map_err(|e| internal("correction materials", e))?;
    let fields = item.form.fields.iter().filter(|f| request.fields.contains(&f.name)).cloned().collect();
    let materials = item
        .materials
        .iter()
        .filter(|m| request.materials.contains(&m.code))
        .map(|m| (m.clone(), uploaded.iter().find(|u| u.material_code == m.code).map(|u| u.file_name.clone())))
        .collect();
    let parts = st.store.case_parts(&case).await.map_err(|e| internal("correction", e))?;
    let progress = ssr::progress(&st, &case, parts).await?;
    let deferred = progress
        .provided
        .iter()
        .filter(|p| p.provision.is_outstanding())
        .filter_map(|p| Some((item.material(&p.provision.material_code)?.clone(), p.provision.due_on.map(|d| d.to_string()).unwrap_or_default(), p.overdue)))
        .collect();
    Ok(CorrectionPageView {
        progress,
        fields,
        rule_messages: item.form.rules.iter().map(|r| r.message.clone()).collect(),
        answers: case.answers.clone().into_iter().collect(),
        materials,
        deferred,
        correcting,
        max_bytes: st.settings.upload_max_bytes,
        today: crate::server::clock::today().to_string(),
    })
}

/// Resubmits a corrected case: only the answers the clerk named change, every answer
/// is validated again, and the clock (if it had started) runs again with the paused
/// working days added to the deadline.
#[server(endpoint = "lookup/resubmit")]
pub async fn resubmit_case(tracking: String, answers: Option<crate::domain::form::RawAnswers>) -> Result<(), ApiError> {
    use super::ssr::{internal, state};
    use crate::domain::case::{CaseAction, Role, transition};
    use crate::domain::deadline::Deadline;
    use crate::server::clock;
    use crate::server::store::{Clock, Step, StoreError};
    let st = state();
    let case = correctable(&tracking, true).await?;
    let number = case.tracking_number.as_str().to_owned();
    let request = case.correction.clone().unwrap_or_default();
    let item = st.store.service_item(&case.service_code).await.map_err(|e| internal("resubmit item", e))?.ok_or(ApiError::NotFound)?;
    let today = clock::today();
    let corrected = match request.apply(&item, &case.answers, &answers.unwrap_or_default(), today) {
        Ok(a) => a,
        Err(errors) => {
            // A rule's message is the item's; the correction page finds it by index.
            let code = |e: &crate::domain::form::FieldError| match e {
                crate::domain::form::FieldError::Rule { index } => format!("rule{index}"),
                e => e.code().to_owned(),
            };
            let first = errors.0.first().map(|(f, e)| format!("{f}:{}", code(e))).unwrap_or_default();
            leptos_axum::redirect(&format!("/track/{number}/correct?error={}#error-summary", crate::ui::encode_query(&first)));
            return Ok(());
        }
    };
    let Ok(next) = transition(case.status, CaseAction::Resubmit, Role::Applicant, "", case.accepted()) else {
        return Err(ApiError::NotFound);
    };
    let mut step = Step::new(case.id, case.status, next, "applicant", "", clock::now_ms());
    step.correction = Some(None);
    step.answers = Some(&corrected);
    if let (Some(d), Some(paused_on)) = (&case.deadline, case.paused_on) {
        let calendar = st.calendar();
        let paused = d.paused_days + calendar.working_days_between(paused_on, today);
        step.clock = Clock::Resume(Deadline::compute(&calendar, d.accepted_on, d.promised_days, paused, st.settings.deadline_yellow_share));
    }
    match st.store.record_step(&step).await {
        Ok(_) => {
            tracing::info!(tracking = %case.tracking_number, "case resubmitted after correction");
            // Back to the lookup with the case shown: this browser has just proved
            // it may see it (the access cookie), so the phone digits may ride along.
            let phone = crate::domain::ids::MobilePhone::parse(&case.applicant_phone).map(|p| p.last_four().to_owned()).unwrap_or_default();
            leptos_axum::redirect(&format!("/track?number={number}&phone={phone}&resubmitted=1"));
            Ok(())
        }
        Err(StoreError::Conflict) => Err(ApiError::NotFound),
        Err(e) => Err(internal("resubmitting", e)),
    }
}
