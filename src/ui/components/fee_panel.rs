//! A case's fee as its applicant sees it on the receipt and the lookup: the amount
//! and where it stands, a button to pay online while it is unpaid, and what came
//! of the last payment (`?payment=paid|failed` after the gateway).

use crate::api::payments::PayFee;
use crate::domain::fee::{CaseFee, PaymentStatus, yuan};
use crate::domain::text::{Text, fill_template};
use crate::i18n::*;
use crate::ui::{I18n, lang};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// "待缴费", "已缴费", …
pub fn payment_label(i18n: I18n, status: PaymentStatus) -> String {
    match status {
        PaymentStatus::NotRequired => t_string!(i18n, fee.free).to_string(),
        PaymentStatus::Unpaid => t_string!(i18n, fee.unpaid).to_string(),
        PaymentStatus::Paid => t_string!(i18n, fee.paid).to_string(),
        PaymentStatus::Refunded => t_string!(i18n, fee.refunded).to_string(),
        PaymentStatus::Waived => t_string!(i18n, fee.waived).to_string(),
    }
}

/// `back`: `receipt` or `track`, where the payer returns after the gateway.
pub fn fee_panel(i18n: I18n, fee: CaseFee, waiver: Option<Text>, tracking_plain: String, back: &'static str, outcome: Option<String>) -> impl IntoView + use<> {
    (fee.status != PaymentStatus::NotRequired).then(|| {
        let amount = fill_template(&t_string!(i18n, fee.amount).to_string(), &[("amount", yuan(fee.amount_fen))]);
        view! {
            <section id="fee" class="card mb-6" aria-labelledby="fee-title">
                <h2 id="fee-title" class="mb-2 text-xl font-semibold">{t_string!(i18n, fee.title).to_string()}</h2>
                {match outcome.as_deref() {
                    Some("paid") if fee.status == PaymentStatus::Paid => Some(view! { <p class="success" role="status">{t_string!(i18n, fee.paid_now).to_string()}</p> }.into_any()),
                    Some("failed") if fee.status.payable() => Some(view! { <p class="error-summary" role="alert">{t_string!(i18n, fee.failed_now).to_string()}</p> }.into_any()),
                    _ => None,
                }}
                <p class="mb-3" data-testid="fee-status">{amount}" · "<span class="font-semibold">{payment_label(i18n, fee.status)}</span></p>
                {waiver.map(|basis| view! { <p class="mb-3 text-slate-700">{basis.get(lang()).to_owned()}</p> })}
                {fee.status.payable().then(|| view! {
                    <p class="mb-3">{t_string!(i18n, fee.pay_before_result).to_string()}</p>
                    <form method="post" action=PayFee::PATH class="no-print">
                        <input type="hidden" name="tracking" value=tracking_plain/>
                        <input type="hidden" name="back" value=back/>
                        <button type="submit" class="btn-primary">{t_string!(i18n, fee.pay).to_string()}</button>
                    </form>
                })}
            </section>
        }
    })
}
