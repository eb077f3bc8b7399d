//! `/admin/calendar`: the working-day calendar, one year per form, for administrators.

use crate::api::calendar::{CalendarAdminView, EditCalendar, calendar_admin};
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::admin::queue_page::staff_bar;
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::{load_page, page_data};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Outcome {
    saved: Option<String>,
    error: Option<String>,
    detail: Option<String>,
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let query = use_query_map();
    let data = page_data(
        move || {
            let q = query.read();
            Outcome { saved: q.get("saved"), error: q.get("error"), detail: q.get("detail") }
        },
        |outcome| async move { Ok((calendar_admin().await?, outcome)) },
    );
    load_page(data, calendar_view)
}

fn calendar_view((v, outcome): (CalendarAdminView, Outcome)) -> impl IntoView {
    let i18n = use_i18n();
    let problems = outcome
        .error
        .as_deref()
        .map(|code| {
            let message = match code {
                "reason" => t_string!(i18n, calendar.error_reason).to_string(),
                "control_character" => t_string!(i18n, errors.control_character).to_string(),
                "year" => t_string!(i18n, calendar.error_year).to_string(),
                _ => fill_template(&t_string!(i18n, calendar.error_invalid).to_string(), &[("detail", outcome.detail.clone().unwrap_or_default())]),
            };
            vec![("#calendar-years".to_owned(), message)]
        })
        .unwrap_or_default();
    let next_template = v.next_year_missing.map(|y| format!("year = {y}\n\n[[holidays]]\nname = {{ zh = \"元旦\", en = \"New Year's Day\" }}\ndays_off = [\"{y}-01-01\"]\n"));
    let year_form = move |year: i32, text: String, heading: String| {
        let text_id = format!("text-{year}");
        let reason_id = format!("reason-{year}");
        view! {
            <form method="post" action=EditCalendar::PATH class="card mb-6">
                <h2 class="mb-2 text-xl font-semibold">{heading}</h2>
                <input type="hidden" name="year" value=year.to_string()/>
                <div class="field">
                    <label for=text_id.clone() class="field-label">{t_string!(i18n, calendar.text).to_string()}</label>
                    <span id=format!("{text_id}-hint") class="field-hint">{t_string!(i18n, calendar.text_hint).to_string()}</span>
                    <textarea id=text_id.clone() name="text" rows="14" class="field-input max-w-none font-mono text-sm" aria-describedby=format!("{text_id}-hint")>{text}</textarea>
                </div>
                <div class="field">
                    <label for=reason_id.clone() class="field-label">{t_string!(i18n, calendar.reason).to_string()}</label>
                    <input id=reason_id name="reason" type="text" maxlength="500" required class="field-input"/>
                </div>
                <button type="submit" class="btn-primary">{fill_template(&t_string!(i18n, calendar.save).to_string(), &[("year", year.to_string())])}</button>
            </form>
        }
    };
    view! {
        <Title text=t_string!(i18n, calendar.title).to_string()/>
        {staff_bar(i18n, &v.me)}
        <h1 class="page-title">{t_string!(i18n, calendar.title).to_string()}</h1>
        <p class="mb-4">{t_string!(i18n, calendar.intro).to_string()}</p>
        <div id="outcome">
            <ErrorSummary title=t_string!(i18n, calendar.error_title).to_string() problems=problems/>
            {outcome.saved.map(|y| view! { <p class="success" role="status">{fill_template(&t_string!(i18n, calendar.saved).to_string(), &[("year", y)])}</p> })}
        </div>
        {v.next_year_missing.map(|y| view! { <p class="notice" role="status">{fill_template(&t_string!(i18n, calendar.next_missing).to_string(), &[("year", y.to_string())])}</p> })}
        <div id="calendar-years" tabindex="-1">
            {v.years.into_iter().map(|y| {
                let heading = fill_template(&t_string!(i18n, calendar.year_heading).to_string(), &[("year", y.year.to_string()), ("by", y.updated_by.clone()), ("at", y.updated_at.clone())]);
                year_form(y.year, y.text, heading)
            }).collect_view()}
            {v.next_year_missing.zip(next_template).map(|(y, text)| year_form(y, text, fill_template(&t_string!(i18n, calendar.add_year).to_string(), &[("year", y.to_string())])))}
        </div>
        <h2 class="section-title">{t_string!(i18n, calendar.edits).to_string()}</h2>
        {if v.edits.is_empty() {
            view! { <p>{t_string!(i18n, calendar.no_edits).to_string()}</p> }.into_any()
        } else {
            view! {
                <ul class="card space-y-1" data-testid="calendar-edits">
                    {v.edits.into_iter().map(|e| view! { <li>{format!("{} {} {}：{}", e.at, e.actor, e.year, e.reason)}</li> }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
