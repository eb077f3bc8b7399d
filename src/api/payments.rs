//! Paying a case's fee online: the applicant starts a payment from the receipt or
//! the lookup, pays at the gateway's checkout, and comes back to where they were.
//! The built-in sandbox's checkout is a page of the portal (`/pay/sandbox/…`).

use super::ApiError;
use crate::domain::text::Text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The sandbox checkout page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutView {
    pub reference: String,
    pub amount: String,
    pub service_name: Text,
    pub tracking_number: String,
    /// Already paid or failed: nothing more to do here.
    pub settled: bool,
    pub return_path: String,
}

/// Where the payer goes back to: the receipt, or the lookup with the case shown.
#[cfg(feature = "ssr")]
fn return_path(back: Option<&str>, case: &crate::server::store::CaseRecord) -> String {
    let number = case.tracking_number.as_str();
    match back {
        Some("track") => {
            // The browser proved it may see the case (the lookup's access cookie).
            let phone = crate::domain::ids::MobilePhone::parse(&case.applicant_phone).map(|p| p.last_four().to_owned()).unwrap_or_default();
            format!("/track?number={number}&phone={phone}")
        }
        _ => format!("/receipt/{number}"),
    }
}

/// Starts paying the fee of case `tracking` and sends the payer to the gateway.
#[server(endpoint = "payments/start")]
pub async fn pay_fee(tracking: String, back: Option<String>) -> Result<(), ApiError> {
    use super::ssr::{applicant_holds, internal, state};
    use crate::domain::ids::TrackingNumber;
    use crate::server::clock;
    let st = state();
    let number = TrackingNumber::parse(&tracking).map_err(|_| ApiError::NotFound)?;
    let case = st.store.case_by_tracking(&number).await.map_err(|e| internal("payment case", e))?.ok_or(ApiError::NotFound)?;
    if !applicant_holds(&case).await? {
        return Err(ApiError::NotFound);
    }
    let back_to = return_path(back.as_deref(), &case);
    if !case.fee.status.payable() {
        leptos_axum::redirect(&back_to);
        return Ok(());
    }
    let reference = clock::random_token();
    st.store.start_payment(case.id, &reference, case.fee.amount_fen, &back_to, clock::now_ms()).await.map_err(|e| internal("starting payment", e))?;
    leptos_axum::redirect(&crate::server::payments::gateway().checkout_path(&reference));
    Ok(())
}

#[server(endpoint = "payments/checkout")]
pub async fn load_checkout(reference: String) -> Result<CheckoutView, ApiError> {
    use super::ssr::{internal, state};
    let st = state();
    let payment = st.store.payment(&reference).await.map_err(|e| internal("checkout", e))?.ok_or(ApiError::NotFound)?;
    let case = st.store.case_by_id(payment.case_id).await.map_err(|e| internal("checkout case", e))?.ok_or(ApiError::NotFound)?;
    let service_name = st.store.service_item(&case.service_code).await.map_err(|e| internal("checkout item", e))?.map(|i| i.name.clone()).unwrap_or_default();
    Ok(CheckoutView {
        reference: payment.reference,
        amount: crate::domain::fee::yuan(payment.amount_fen),
        service_name,
        tracking_number: case.tracking_number.to_string(),
        settled: payment.status != "pending",
        return_path: payment.return_path,
    })
}

/// The sandbox gateway's answer: `outcome` is `paid` or `failed`, as the payer chose.
#[server(endpoint = "payments/sandbox")]
pub async fn settle_sandbox_payment(reference: String, outcome: String) -> Result<(), ApiError> {
    use super::ssr::{internal, state};
    use crate::domain::fee::PaymentOutcome;
    let st = state();
    let outcome = PaymentOutcome::parse(&outcome).ok_or_else(|| ApiError::Transport(format!("unknown outcome `{outcome}`")))?;
    let payment = st.store.payment(&reference).await.map_err(|e| internal("sandbox payment", e))?.ok_or(ApiError::NotFound)?;
    st.store.settle_payment(&reference, outcome, crate::server::clock::now_ms()).await.map_err(|e| internal("settling payment", e))?;
    let sep = if payment.return_path.contains('?') { '&' } else { '?' };
    let word = match outcome {
        PaymentOutcome::Paid => "paid",
        PaymentOutcome::Failed => "failed",
    };
    leptos_axum::redirect(&format!("{}{sep}payment={word}#fee", payment.return_path));
    Ok(())
}
