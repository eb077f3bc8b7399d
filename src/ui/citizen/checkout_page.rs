//! `/pay/sandbox/{reference}`: the built-in sandbox gateway's checkout. It moves no
//! money: the payer chooses whether the payment goes through or fails, to try the
//! whole path (and for the tests). A real provider's checkout is on its own site.

use crate::api::payments::{CheckoutView, SettleSandboxPayment, load_checkout};
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::{lang, load_page, page_data};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let params = use_params_map();
    let data = page_data(move || params.read().get("reference").unwrap_or_default(), load_checkout);
    load_page(data, |v: CheckoutView| {
        let i18n = use_i18n();
        let title = t_string!(i18n, fee.sandbox_title).to_string();
        view! {
            <Title text=format!("{title} - {}", t_string!(i18n, site.name))/>
            <h1 class="page-title">{title}</h1>
            <p class="notice mb-4">{t_string!(i18n, fee.sandbox_note).to_string()}</p>
            <dl class="facts card mb-6">
                <dt>{t_string!(i18n, receipt.service).to_string()}</dt><dd>{v.service_name.get(lang()).to_owned()}</dd>
                <dt>{t_string!(i18n, receipt.tracking_number).to_string()}</dt><dd class="font-mono">{v.tracking_number.clone()}</dd>
                <dt>{t_string!(i18n, fee.title).to_string()}</dt>
                <dd class="font-semibold" data-testid="checkout-amount">{fill_template(&t_string!(i18n, fee.amount).to_string(), &[("amount", v.amount.clone())])}</dd>
            </dl>
            {if v.settled {
                view! { <p><a class="btn-primary" href=v.return_path.clone()>{t_string!(i18n, fee.back).to_string()}</a></p> }.into_any()
            } else {
                view! {
                    <div class="flex flex-wrap gap-4">
                        <form method="post" action=SettleSandboxPayment::PATH>
                            <input type="hidden" name="reference" value=v.reference.clone()/>
                            <input type="hidden" name="outcome" value="paid"/>
                            <button type="submit" class="btn-primary">{t_string!(i18n, fee.sandbox_pay).to_string()}</button>
                        </form>
                        <form method="post" action=SettleSandboxPayment::PATH>
                            <input type="hidden" name="reference" value=v.reference.clone()/>
                            <input type="hidden" name="outcome" value="failed"/>
                            <button type="submit" class="btn-secondary">{t_string!(i18n, fee.sandbox_fail).to_string()}</button>
                        </form>
                    </div>
                }.into_any()
            }}
        }
    })
}
