//! `/services/{code}`: the guide (办事指南) and the way in to apply.

use crate::api::catalog::{GuideView, get_guide};
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::{audience_label, days_label, depth_label, lang, load_page, page_data};
use crate::ui::shell::{HANDHELD_ROOT, Shell};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn GuidePage() -> impl IntoView {
    let params = use_params_map();
    let data = page_data(move || params.read().get("code").unwrap_or_default(), get_guide);
    load_page(data, guide_view)
}

fn guide_view(GuideView { item, department }: GuideView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let g = &item.guide;
    let name = item.name.get(lang).to_owned();
    let row = |label: String, value: String| view! { <dt>{label}</dt><dd>{value}</dd> };
    view! {
        <Title text=format!("{name} - {}", t_string!(i18n, site.name))/>
        <h1 class="page-title">{name}</h1>
        <p class="mb-4 text-lg text-slate-700">{item.summary.get(lang).to_owned()}</p>
        {item.can_apply_online().then(|| view! {
            // On the handheld version the application asks one question per screen.
            <p class="mb-6"><a class="btn-primary" href=format!("{}/services/{}/apply", if Shell::current() == Shell::Handheld { HANDHELD_ROOT } else { "" }, item.code)>{t_string!(i18n, guide.apply).to_string()}</a></p>
        })}
        <dl class="facts card mb-6">
            {row(t_string!(i18n, guide.department).to_string(), department.name.get(lang).to_owned())}
            {row(t_string!(i18n, guide.audience).to_string(), item.audience.iter().map(|a| audience_label(i18n, a.code())).collect::<Vec<_>>().join(" / "))}
            {row(t_string!(i18n, guide.depth).to_string(), depth_label(i18n, item.handling_depth.code()))}
            {row(t_string!(i18n, guide.statutory).to_string(), days_label(i18n, g.statutory_days))}
            {row(t_string!(i18n, guide.promised).to_string(), days_label(i18n, g.promised_days))}
            {row(t_string!(i18n, guide.visits).to_string(), fill_template(&t_string!(i18n, guide.visits_count).to_string(), &[("n", g.onsite_visits.to_string())]))}
            <dt>{t_string!(i18n, guide.fee).to_string()}</dt>
            <dd>
                {item.charge.as_ref().map(|c| {
                    let amount = crate::domain::fee::yuan(c.amount_fen);
                    let line = if c.waived.is_some() { t_string!(i18n, fee.guide_waived).to_string() } else { t_string!(i18n, fee.guide_charge).to_string() };
                    view! { <span class="badge mb-1" data-testid="guide-charge">{fill_template(&line, &[("amount", amount)])}</span><br/> }
                })}
                {g.fee.get(lang).to_owned()}
            </dd>
            {row(t_string!(i18n, guide.result).to_string(), g.result.get(lang).to_owned())}
            {row(t_string!(i18n, guide.consultation).to_string(), g.consultation_phone.clone())}
            {row(t_string!(i18n, guide.complaint).to_string(), g.complaint_phone.clone())}
        </dl>
        <h2 class="section-title">{t_string!(i18n, guide.conditions).to_string()}</h2>
        <ol class="list-decimal space-y-1 pl-6">
            {g.conditions.iter().map(|c| view! { <li>{c.get(lang).to_owned()}</li> }).collect_view()}
        </ol>
        {item.instant_approval.is_some().then(|| view! { <p class="success" data-testid="guide-instant">{t_string!(i18n, instant.guide).to_string()}</p> })}
        <h2 class="section-title">{t_string!(i18n, guide.materials).to_string()}</h2>
        <table class="data-table card">
            <thead><tr><th scope="col">{t_string!(i18n, guide.materials).to_string()}</th><th scope="col">{format!("{} / {}", t_string!(i18n, guide.required), t_string!(i18n, guide.optional))}</th></tr></thead>
            <tbody>
                {item.materials.iter().map(|m| view! {
                    <tr>
                        <td>
                            <span class="font-semibold">{m.name.get(lang).to_owned()}</span>
                            {m.note.as_ref().map(|n| view! { <span class="block text-sm text-slate-700">{n.get(lang).to_owned()}</span> })}
                            {(!m.reusable_licences.is_empty()).then(|| view! { <span class="block text-sm font-semibold text-emerald-800">{t_string!(i18n, provision.guide_licence).to_string()}</span> })}
                            {m.deferrable.then(|| view! { <span class="block text-sm font-semibold text-emerald-800">{t_string!(i18n, provision.guide_defer).to_string()}</span> })}
                            {m.commitment.is_some().then(|| view! { <span class="block text-sm font-semibold text-emerald-800">{t_string!(i18n, provision.guide_commit).to_string()}</span> })}
                        </td>
                        <td>{if m.required { t_string!(i18n, guide.required).to_string() } else { t_string!(i18n, guide.optional).to_string() }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <h2 class="section-title">{t_string!(i18n, guide.legal_basis).to_string()}</h2>
        <ul class="list-disc space-y-1 pl-6">
            {g.legal_basis.iter().map(|l| view! { <li>{l.get(lang).to_owned()}</li> }).collect_view()}
        </ul>
    }
}
