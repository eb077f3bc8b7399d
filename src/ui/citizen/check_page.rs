//! `/apply/{draft}/check`: step 3, check your answers, then submit.

use crate::api::applications::{CheckView, SubmitApplication, load_check};
use crate::domain::material::human_size;
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::citizen::answers_page::step_heading;
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::{lang, load_page, page_data};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CheckPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = page_data(
        move || {
            let q = query.read();
            let typed = DeliveryTyped { kind: q.get("delivery").unwrap_or_default(), address: q.get("address").unwrap_or_default(), site: q.get("pickup_site").unwrap_or_default() };
            (params.read().get("draft").unwrap_or_default(), q.get("delivery_error"), typed)
        },
        |(draft, delivery_error, typed)| async move { Ok((load_check(draft).await?, delivery_error, typed)) },
    );
    load_page(data, check_view)
}

/// The delivery choice as sent, when it was refused: shown again as it was.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct DeliveryTyped {
    kind: String,
    address: String,
    site: String,
}

fn delivery_error_message(i18n: crate::ui::I18n, code: &str) -> String {
    match code {
        "error_address_required" => t_string!(i18n, delivery.error_address_required).to_string(),
        "error_address_too_long" => t_string!(i18n, delivery.error_address_too_long).to_string(),
        "error_address_control_character" => t_string!(i18n, delivery.error_address_control_character).to_string(),
        "error_unknown_site" => t_string!(i18n, delivery.error_unknown_site).to_string(),
        _ => t_string!(i18n, delivery.error_choose).to_string(),
    }
}

fn check_view((v, delivery_error, typed): (CheckView, Option<String>, DeliveryTyped)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let name = v.item.name.get(lang).to_owned();
    let answers_href = format!("/services/{}/apply?draft={}", v.item.code, v.draft_id);
    let materials_href = format!("/apply/{}/materials", v.draft_id);
    let mut problems: Vec<(String, String)> = Vec::new();
    if !v.errors.is_empty() {
        problems.push((format!("{answers_href}#error-summary"), t_string!(i18n, check.fix_answers).to_string()));
    }
    for code in &v.missing {
        if let Some(m) = v.item.material(code) {
            let text = fill_template(&t_string!(i18n, check.missing_material).to_string(), &[("name", m.name.get(lang).to_owned())]);
            problems.push((format!("{materials_href}#material-{code}"), text));
        }
    }
    let ready = problems.is_empty();
    let delivery_error = delivery_error.map(|code| delivery_error_message(i18n, &code));
    if let Some(e) = &delivery_error {
        problems.push(("#delivery".to_owned(), e.clone()));
    }
    let change = t_string!(i18n, check.change).to_string();
    view! {
        <Title text=format!("{} - {name}", t_string!(i18n, check.title))/>
        {step_heading(i18n, 3, t_string!(i18n, apply.step_check).to_string())}
        <h1 class="page-title">{t_string!(i18n, check.title).to_string()}</h1>
        <p class="mb-4 text-lg">{name}</p>
        <ErrorSummary title=t_string!(i18n, check.problems_title).to_string() problems=problems/>
        <h2 class="section-title">{t_string!(i18n, check.answers).to_string()}</h2>
        {answers_summary(i18n, &v.item.form, &v.answers, &answers_href)}
        <h2 class="section-title">{t_string!(i18n, check.materials).to_string()}</h2>
        <dl class="summary-list card">
            {v.item.materials.iter().map(|m| {
                let uploaded = v.uploaded.iter().find(|u| u.material_code == m.code);
                let provided = v.provided.iter().find(|p| p.material_code == m.code);
                let shown = match (uploaded, provided) {
                    (Some(u), _) => format!("{} ({})", u.file_name, human_size(u.size_bytes as u64)),
                    (None, Some(p)) => crate::ui::citizen::materials_page::provision_label(i18n, p, v.item.deferral_days),
                    (None, None) => t_string!(i18n, check.none).to_string(),
                };
                let label = m.name.get(lang).to_owned();
                view! {
                    <dt>{label.clone()}</dt>
                    <dd class="break-words">{shown}</dd>
                    <dd class="sm:pt-3"><a class="link" href=format!("{materials_href}#material-{}", m.code)>{change.clone()}<span class="sr-only">" "{label}</span></a></dd>
                }
            }).collect_view()}
        </dl>
        {ready.then(|| view! {
            <form method="post" action=SubmitApplication::PATH class="mt-6">
                <input type="hidden" name="draft" value=v.draft_id.clone()/>
                <fieldset id="delivery" class="card mb-6" tabindex="-1" aria-describedby=delivery_error.as_ref().map(|_| "delivery-error")>
                    <legend class="px-1 text-xl font-semibold">{t_string!(i18n, delivery.title).to_string()}</legend>
                    <p class="field-hint">{t_string!(i18n, delivery.hint).to_string()}</p>
                    {delivery_error.clone().map(|e| view! { <p id="delivery-error" class="field-error">{e}</p> })}
                    <div class="mb-3 flex min-h-12 items-center gap-3">
                        <input id="delivery-online" type="radio" name="delivery" value="online" checked={!matches!(typed.kind.as_str(), "post" | "collect")} class="h-6 w-6"/>
                        <label for="delivery-online">{t_string!(i18n, delivery.online).to_string()}</label>
                    </div>
                    <div class="mb-3">
                        <div class="flex min-h-12 items-center gap-3">
                            <input id="delivery-post" type="radio" name="delivery" value="post" checked={typed.kind == "post"} class="h-6 w-6"/>
                            <label for="delivery-post">{t_string!(i18n, delivery.post).to_string()}</label>
                        </div>
                        // Indented under its choice by padding, not margin, so a full-width field fits a 360 px screen.
                        <div class="pl-9">
                            <label for="address" class="field-label">{t_string!(i18n, delivery.address).to_string()}</label>
                            <input id="address" name="address" type="text" maxlength="200" autocomplete="street-address" class="field-input max-w-lg" value=typed.address.clone()/>
                        </div>
                    </div>
                    <div>
                        <div class="flex min-h-12 items-center gap-3">
                            <input id="delivery-collect" type="radio" name="delivery" value="collect" checked={typed.kind == "collect"} class="h-6 w-6"/>
                            <label for="delivery-collect">{t_string!(i18n, delivery.collect).to_string()}</label>
                        </div>
                        <div class="pl-9">
                            <label for="pickup_site" class="field-label">{t_string!(i18n, delivery.site).to_string()}</label>
                            <select id="pickup_site" name="pickup_site" class="field-input max-w-lg">
                                {v.issuing_sites.iter().map(|(code, name)| view! { <option value=code.clone() selected={*code == typed.site}>{name.get(lang).to_owned()}</option> }).collect_view()}
                            </select>
                        </div>
                    </div>
                </fieldset>
                <p class="mb-4">{t_string!(i18n, check.declaration).to_string()}</p>
                <button type="submit" class="btn-primary">{t_string!(i18n, check.submit).to_string()}</button>
            </form>
        })}
    }
}

/// The answers that apply, each with a "change" link to its field on `answers_href`.
pub fn answers_summary(i18n: crate::ui::I18n, form: &crate::domain::form::FormDefinition, answers: &crate::domain::form::RawAnswers, answers_href: &str) -> impl IntoView + use<> {
    let change = t_string!(i18n, check.change).to_string();
    view! {
        <dl class="summary-list card">
            {crate::ui::answer_rows(i18n, form, answers).into_iter().map(|(key, label, shown)| {
                let shown = if shown.trim().is_empty() { t_string!(i18n, check.not_answered).to_string() } else { shown };
                view! {
                    <dt>{label.clone()}</dt>
                    <dd class="whitespace-pre-line break-words">{shown}</dd>
                    <dd class="sm:pt-3"><a class="link" href=format!("{answers_href}#field-{key}")>{change.clone()}<span class="sr-only">" "{label}</span></a></dd>
                }
            }).collect_view()}
        </dl>
    }
}
