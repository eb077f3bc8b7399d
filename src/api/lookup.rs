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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseProgress {
    pub tracking_number: String,
    pub service_name: Text,
    pub status: CaseStatus,
    pub steps: Vec<ProgressStep>,
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
}

#[server(endpoint = "lookup")]
pub async fn lookup_case(number: String, phone: String) -> Result<LookupOutcome, ApiError> {
    use super::ssr::{client_ip, internal, state};
    use crate::domain::calendar::format_china_datetime;
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
    if !is_four_digits(&phone) {
        return Ok(LookupOutcome::InvalidPhone);
    }
    let case = st.store.case_by_tracking(&tracking).await.map_err(|e| internal("lookup", e))?;
    let case = match case {
        Some(c) if MobilePhone::parse(&c.applicant_phone).is_ok_and(|p| phone_matches(&p, &phone)) => c,
        _ => {
            st.throttle.record_failure(PURPOSE, ip);
            return Ok(LookupOutcome::NotFound);
        }
    };
    st.throttle.record_success(PURPOSE, ip);
    let events = st.store.case_events(case.id).await.map_err(|e| internal("lookup events", e))?;
    let service_name = st
        .store
        .service_item(&case.service_code)
        .await
        .map_err(|e| internal("lookup service", e))?
        .map(|i| i.name)
        .unwrap_or_default();
    Ok(LookupOutcome::Found(CaseProgress {
        tracking_number: case.tracking_number.to_string(),
        service_name,
        status: case.status,
        steps: events
            .into_iter()
            .map(|e| ProgressStep { at: format_china_datetime(e.at), status: e.to, by_staff: e.actor != "applicant", note: e.note })
            .collect(),
    }))
}
