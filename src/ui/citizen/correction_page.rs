//! `/track/{tracking}/correct`: the applicant corrects exactly what the clerk named
//! (补正) and resubmits. Reached from the lookup, which gives this browser access to
//! the case; plain forms, so it works without JavaScript.

use crate::api::lookup::{CorrectionPageView, ResubmitCase, load_correction};
use crate::domain::form::FieldKind;
use crate::domain::material::human_size;
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::citizen::materials_page::{UploadOutcome, upload_error_message};
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::{error_template, lang, load_page, page_data};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CorrectionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = page_data(
        move || {
            let q = query.read();
            (params.read().get("tracking").unwrap_or_default(), UploadOutcome::from_query(&q))
        },
        |(tracking, outcome)| async move { Ok((load_correction(tracking).await?, outcome)) },
    );
    load_page(data, correction_view)
}

fn correction_view((v, outcome): (CorrectionPageView, UploadOutcome)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let tracking = v.progress.tracking_plain.clone();
    // A refused answer ("field:code") or a refused upload (with `material`).
    let (field_error, problems): (Option<(String, String)>, Vec<(String, String)>) = match (&outcome.error, &outcome.material) {
        (Some(code), Some(material)) => (None, vec![(format!("#file-{material}"), upload_error_message(i18n, code, v.max_bytes))]),
        (Some(e), None) => match e.split_once(':') {
            Some((field, code)) => {
                let label = v.fields.iter().find(|f| f.name == field).map(|f| f.label.get(lang).to_owned()).unwrap_or_default();
                let rule = code.strip_prefix("rule").and_then(|i| i.parse::<usize>().ok()).and_then(|i| v.rule_messages.get(i));
                let message = match rule {
                    Some(m) => m.get(lang).to_owned(),
                    None => error_template(i18n, code).replace("{label}", &label),
                };
                (Some((field.to_owned(), message.clone())), vec![(format!("#field-{field}"), format!("{label}: {message}"))])
            }
            None => (None, vec![]),
        },
        _ => (None, vec![]),
    };
    let title = if v.correcting { t_string!(i18n, correction.title).to_string() } else { t_string!(i18n, provision.to_send_title).to_string() };
    view! {
        <Title text=format!("{title} {}", v.progress.tracking_number)/>
        <h1 class="page-title">{title}</h1>
        <p class="mb-2">{v.progress.service_name.get(lang).to_owned()}" · "<span class="font-mono">{v.progress.tracking_number.clone()}</span></p>
        <ErrorSummary title=t_string!(i18n, correction.error_title).to_string() problems=problems/>
        {outcome.uploaded.is_some().then(|| view! { <p class="success" role="status">{t_string!(i18n, materials.saved).to_string()}</p> })}
        {v.progress.correction.clone().map(|c| view! {
            <section class="notice" aria-labelledby="what-title">
                <h2 id="what-title" class="font-semibold">{t_string!(i18n, correction.clerk_says).to_string()}</h2>
                <p class="whitespace-pre-line">{c.note}</p>
            </section>
        })}
        {(!v.materials.is_empty()).then(|| view! {
            <h2 class="section-title">{t_string!(i18n, correction.materials).to_string()}</h2>
            <ul class="mb-6 space-y-4">
                {v.materials.iter().map(|(m, current)| {
                    let input_id = format!("file-{}", m.code);
                    view! {
                        <li id=format!("material-{}", m.code) class="card">
                            <h3 class="font-semibold">{m.name.get(lang).to_owned()}</h3>
                            <p class="my-2 text-sm">{current.clone().map(|f| fill_template(&t_string!(i18n, correction.current_file).to_string(), &[("name", f)]))}</p>
                            <form method="post" enctype="multipart/form-data" action=format!("/track/{tracking}/materials/{}", m.code)>
                                <label for=input_id.clone() class="field-label">{format!("{}: {}", t_string!(i18n, materials.choose_file), m.name.get(lang))}</label>
                                <span class="field-hint">{fill_template(&t_string!(i18n, materials.intro).to_string(), &[("max", human_size(v.max_bytes))])}</span>
                                <input id=input_id type="file" name="file" accept=crate::domain::material::MediaType::accept_attribute() capture="environment" class="mb-3 block"/>
                                <button type="submit" class="btn-secondary">{t_string!(i18n, materials.upload).to_string()}</button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {(!v.deferred.is_empty()).then(|| view! {
            <h2 class="section-title">{t_string!(i18n, provision.to_send_title).to_string()}</h2>
            <ul class="mb-6 space-y-4">
                {v.deferred.iter().map(|(m, due, overdue)| {
                    let input_id = format!("file-{}", m.code);
                    view! {
                        <li id=format!("material-{}", m.code) class="card">
                            <h3 class="font-semibold">{m.name.get(lang).to_owned()}</h3>
                            <p class="my-2 text-sm">
                                {fill_template(&t_string!(i18n, provision.due).to_string(), &[("due", due.clone())])}
                                {overdue.then(|| view! { " "<strong class="text-red-800">{t_string!(i18n, provision.overdue).to_string()}</strong> })}
                            </p>
                            <form method="post" enctype="multipart/form-data" action=format!("/track/{tracking}/materials/{}", m.code)>
                                <label for=input_id.clone() class="field-label">{format!("{}: {}", t_string!(i18n, materials.choose_file), m.name.get(lang))}</label>
                                <span class="field-hint">{fill_template(&t_string!(i18n, materials.intro).to_string(), &[("max", human_size(v.max_bytes))])}</span>
                                <input id=input_id type="file" name="file" accept=crate::domain::material::MediaType::accept_attribute() class="mb-3 block"/>
                                <button type="submit" class="btn-secondary">{t_string!(i18n, materials.upload).to_string()}</button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {v.correcting.then(|| view! {
        <form method="post" action=ResubmitCase::PATH class="card">
            <input type="hidden" name="tracking" value=tracking.clone()/>
            {(!v.fields.is_empty()).then(|| view! { <h2 class="mb-3 text-xl font-semibold">{t_string!(i18n, correction.answers).to_string()}</h2> })}
            {v.fields.iter().map(|f| {
                let id = format!("field-{}", f.name);
                let name = format!("answers[{}]", f.name);
                let value = v.answers.get(&f.name).cloned().unwrap_or_default();
                let error = field_error.as_ref().filter(|(n, _)| *n == f.name).map(|(_, m)| m.clone());
                let error_id = format!("{id}-error");
                let described = error.as_ref().map(|_| error_id.clone());
                let invalid = error.is_some().to_string();
                let input = match f.kind {
                    FieldKind::LongText => view! { <textarea id=id.clone() name=name rows="5" class="field-input" aria-describedby=described aria-invalid=invalid>{value}</textarea> }.into_any(),
                    FieldKind::Select => view! {
                        <select id=id.clone() name=name class="field-input" aria-describedby=described aria-invalid=invalid>
                            {f.options.iter().map(|o| view! { <option value=o.value.clone() selected=o.value == value>{o.label.get(lang).to_owned()}</option> }).collect_view()}
                        </select>
                    }.into_any(),
                    FieldKind::Date => view! { <input id=id.clone() name=name type="date" value=value class="field-input" aria-describedby=described aria-invalid=invalid/> }.into_any(),
                    FieldKind::Mobile => view! { <input id=id.clone() name=name type="tel" inputmode="tel" value=value class="field-input" aria-describedby=described aria-invalid=invalid/> }.into_any(),
                    _ => view! { <input id=id.clone() name=name type="text" value=value spellcheck="false" class="field-input" aria-describedby=described aria-invalid=invalid/> }.into_any(),
                };
                view! {
                    <div class="field">
                        <label for=id class="field-label">{f.label.get(lang).to_owned()}</label>
                        {f.hint.as_ref().map(|h| view! { <span class="field-hint">{h.get(lang).to_owned()}</span> })}
                        {error.map(|e| view! { <span id=error_id class="field-error">{e}</span> })}
                        {input}
                    </div>
                }
            }).collect_view()}
            <p class="mb-4">{t_string!(i18n, correction.declaration).to_string()}</p>
            <button type="submit" class="btn-primary">{t_string!(i18n, correction.resubmit).to_string()}</button>
        </form>
        })}
    }
}
