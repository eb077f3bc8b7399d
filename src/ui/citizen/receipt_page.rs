//! `/receipt/{tracking}`: the receipt, printable, with a QR code of the lookup link.

use crate::api::ApiError;
use crate::api::applications::{ReceiptView, load_receipt};
use crate::i18n::*;
use crate::ui::components::fee_panel::fee_panel;
use crate::ui::components::print_button::PrintButton;
use crate::ui::{days_label, lang, load_page, page_data};
use crate::domain::text::fill_template;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = page_data(
        move || (params.read().get("tracking").unwrap_or_default(), query.read().get("payment")),
        |(tracking, payment)| async move {
            // Another device's receipt: say how to follow the case instead of "not found".
            match load_receipt(tracking).await {
                Ok(r) => Ok((Some(r), payment)),
                Err(ApiError::Forbidden) => Ok((None, payment)),
                Err(e) => Err(e),
            }
        },
    );
    load_page(data, receipt_view)
}

fn receipt_view((receipt, payment): (Option<ReceiptView>, Option<String>)) -> AnyView {
    let i18n = use_i18n();
    let lang = lang();
    let Some(r) = receipt else {
        #[cfg(feature = "ssr")]
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(axum::http::StatusCode::FORBIDDEN);
        }
        return view! {
            <Title text=t_string!(i18n, receipt.track_link).to_string()/>
            <h1 class="page-title">{t_string!(i18n, receipt.track_link).to_string()}</h1>
            <p class="notice">{t_string!(i18n, receipt.not_yours).to_string()}</p>
            <a class="btn-primary" href="/track">{t_string!(i18n, track.title).to_string()}</a>
        }
        .into_any();
    };
    view! {
        <Title text=format!("{} {}", t_string!(i18n, receipt.title), r.tracking_number)/>
        <div class="success" role="status">
            <h1 class="page-title mb-2">{t_string!(i18n, receipt.title).to_string()}</h1>
            <p>{t_string!(i18n, receipt.tracking_number).to_string()}</p>
            <p class="font-mono text-2xl font-bold tracking-wide sm:text-3xl" data-testid="tracking-number">{r.tracking_number.clone()}</p>
        </div>
        {match r.instant.clone() {
            Some(Ok(())) => view! {
                <section class="success" data-testid="instant-approved">
                    <p class="mb-2 font-semibold">{t_string!(i18n, instant.receipt_approved).to_string()}</p>
                    <p class="mb-2">{crate::ui::status_label(i18n, r.status)}</p>
                    <a class="btn-primary" href=r.result_path.clone()>{t_string!(i18n, instant.receipt_result).to_string()}</a>
                </section>
            }.into_any(),
            Some(Err(reasons)) => view! {
                <p class="notice" data-testid="instant-fallback">{fill_template(&t_string!(i18n, instant.receipt_fallback).to_string(), &[("reasons", reasons)])}</p>
            }.into_any(),
            None => ().into_any(),
        }}
        <p class="mb-4">{t_string!(i18n, receipt.keep_number).to_string()}</p>
        <div class="grid gap-6 sm:grid-cols-[1fr_auto]">
            <dl class="facts card">
                <dt>{t_string!(i18n, receipt.service).to_string()}</dt><dd>{r.service_name.get(lang).to_owned()}</dd>
                <dt>{t_string!(i18n, receipt.submitted_at).to_string()}</dt><dd>{r.submitted_at.clone()}</dd>
                <dt>{t_string!(i18n, receipt.applicant).to_string()}</dt><dd>{format!("{} ({})", r.applicant_name, r.applicant_phone_masked)}</dd>
                <dt>{t_string!(i18n, receipt.promised).to_string()}</dt><dd>{days_label(i18n, r.promised_days)}</dd>
                <dt>{t_string!(i18n, check.materials).to_string()}</dt>
                <dd><ul>
                    {r.materials.iter().map(|(name, file)| view! { <li>{format!("{}: {file}", name.get(lang))}</li> }).collect_view()}
                    {r.provided.iter().map(|(name, p)| view! {
                        <li data-testid=format!("provided-{}", p.material_code)>{format!("{}: {}", name.get(lang), crate::ui::citizen::materials_page::provision_label(i18n, p, 0))}</li>
                    }).collect_view()}
                </ul></dd>
            </dl>
            <figure class="card text-center">
                <div class="mx-auto w-40" role="img" aria-label=t_string!(i18n, receipt.qr).to_string() inner_html=r.qr_svg.clone()></div>
                <figcaption class="mt-2 text-sm">{t_string!(i18n, receipt.qr).to_string()}</figcaption>
            </figure>
        </div>
        {fee_panel(i18n, r.fee, r.waiver.clone(), r.tracking_number.replace('-', ""), "receipt", payment)}
        <h2 class="section-title">{t_string!(i18n, receipt.next_steps).to_string()}</h2>
        <p class="mb-6">{t_string!(i18n, receipt.next_steps_body).to_string()}</p>
        <div class="no-print flex flex-wrap items-center gap-4">
            <PrintButton label=t_string!(i18n, receipt.print).to_string()/>
            <a class="link" href=r.lookup_path.clone()>{t_string!(i18n, receipt.track_link).to_string()}</a>
        </div>
    }
    .into_any()
}
