//! `/track`: progress lookup without an account. A GET form, so the QR code on a
//! receipt can link straight to it with the number filled in.

use crate::api::lookup::{LookupOutcome, lookup_case};
use crate::i18n::*;
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::components::timeline::{Timeline, TimelineEntry};
use crate::ui::{lang, load_page, status_label};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Asked {
    number: String,
    phone: String,
}

#[component]
pub fn TrackPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            Asked { number: q.get("number").unwrap_or_default(), phone: q.get("phone").unwrap_or_default() }
        },
        |asked| async move {
            // Only a submitted form (both fields present in the address) is looked up;
            // a number alone (from a receipt's QR code) just fills in the form.
            let outcome = if asked.phone.is_empty() { None } else { Some(lookup_case(asked.number.clone(), asked.phone.clone()).await?) };
            Ok((asked, outcome))
        },
    );
    load_page(data, track_view)
}

fn track_view((asked, outcome): (Asked, Option<LookupOutcome>)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let (number_error, phone_error, general_error) = match &outcome {
        Some(LookupOutcome::InvalidNumber) => (Some(t_string!(i18n, track.invalid_number).to_string()), None, None),
        Some(LookupOutcome::TypoNumber) => (Some(t_string!(i18n, track.typo_number).to_string()), None, None),
        Some(LookupOutcome::InvalidPhone) => (None, Some(t_string!(i18n, track.invalid_phone).to_string()), None),
        Some(LookupOutcome::NotFound) => (None, None, Some(t_string!(i18n, track.not_found).to_string())),
        _ => (None, None, None),
    };
    let mut problems = Vec::new();
    if let Some(e) = &number_error {
        problems.push(("#number".to_owned(), e.clone()));
    }
    if let Some(e) = &phone_error {
        problems.push(("#phone".to_owned(), e.clone()));
    }
    if let Some(e) = &general_error {
        problems.push(("#number".to_owned(), e.clone()));
    }
    let title = t_string!(i18n, track.title).to_string();
    view! {
        <Title text=format!("{title} - {}", t_string!(i18n, site.name))/>
        <h1 class="page-title">{title}</h1>
        <ErrorSummary title=t_string!(i18n, track.error_title).to_string() problems=problems/>
        <p class="mb-4">{t_string!(i18n, track.intro).to_string()}</p>
        <form method="get" action="/track" class="card mb-6" novalidate>
            <div class="field">
                <label for="number" class="field-label">{t_string!(i18n, track.number).to_string()}</label>
                <span id="number-hint" class="field-hint">{t_string!(i18n, track.number_hint).to_string()}</span>
                {number_error.clone().map(|e| view! { <span id="number-error" class="field-error">{e}</span> })}
                <input id="number" name="number" type="text" class="field-input font-mono" autocomplete="off" spellcheck="false"
                    value=asked.number.clone() aria-invalid=number_error.is_some().to_string()
                    aria-describedby=if number_error.is_some() { "number-hint number-error" } else { "number-hint" }/>
            </div>
            <div class="field">
                <label for="phone" class="field-label">{t_string!(i18n, track.phone).to_string()}</label>
                <span id="phone-hint" class="field-hint">{t_string!(i18n, track.phone_hint).to_string()}</span>
                {phone_error.clone().map(|e| view! { <span id="phone-error" class="field-error">{e}</span> })}
                <input id="phone" name="phone" type="text" inputmode="numeric" maxlength="4" class="field-input w-32" autocomplete="off"
                    value=asked.phone.clone() aria-invalid=phone_error.is_some().to_string()
                    aria-describedby=if phone_error.is_some() { "phone-hint phone-error" } else { "phone-hint" }/>
            </div>
            <button type="submit" class="btn-primary">{t_string!(i18n, track.submit).to_string()}</button>
        </form>
        {match outcome {
            Some(LookupOutcome::Found(progress)) => {
                let entries = progress.steps.iter().map(|s| TimelineEntry {
                    at: s.at.clone(),
                    status: status_label(i18n, s.status),
                    who: if s.by_staff { t_string!(i18n, actor.staff).to_string() } else { t_string!(i18n, actor.applicant).to_string() },
                    note: s.note.clone(),
                }).collect::<Vec<_>>();
                view! {
                    <section class="card" aria-labelledby="result-title">
                        <h2 id="result-title" class="mb-3 text-xl font-semibold">{t_string!(i18n, track.result_title).to_string()}</h2>
                        <dl class="summary-list mb-4">
                            <dt>{t_string!(i18n, receipt.tracking_number).to_string()}</dt><dd class="font-mono sm:col-span-2">{progress.tracking_number.clone()}</dd>
                            <dt>{t_string!(i18n, track.service).to_string()}</dt><dd class="sm:col-span-2">{progress.service_name.get(lang).to_owned()}</dd>
                            <dt>{t_string!(i18n, track.current_status).to_string()}</dt><dd class="font-semibold sm:col-span-2" data-testid="current-status">{status_label(i18n, progress.status)}</dd>
                        </dl>
                        <h3 class="mb-2 font-semibold">{t_string!(i18n, track.timeline).to_string()}</h3>
                        <Timeline entries=entries/>
                    </section>
                }.into_any()
            }
            _ => ().into_any(),
        }}
    }
}
