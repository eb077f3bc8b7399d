//! `/admin/cases/{tracking}`: everything about one case, and the decisions the
//! clerk's role may take now, as one form with a button per decision.

use crate::api::staff::{DecideCase, StaffCaseView, staff_case};
use crate::domain::material::human_size;
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::I18n;
use crate::ui::admin::queue_page::staff_bar;
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::components::timeline::{Timeline, TimelineEntry};
use crate::ui::{action_label, lang, load_page, status_label};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Outcome {
    done: Option<String>,
    error: Option<String>,
}

#[component]
pub fn StaffCasePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (params.read().get("tracking").unwrap_or_default(), Outcome { done: q.get("done"), error: q.get("error") })
        },
        |(tracking, outcome)| async move { Ok((staff_case(tracking).await?, outcome)) },
    );
    load_page(data, case_view)
}

fn error_message(i18n: I18n, code: &str) -> String {
    match code {
        "reason_required" => t_string!(i18n, admin.reason_required).to_string(),
        "not_your_role" => t_string!(i18n, admin.not_your_role).to_string(),
        "note_too_long" => t_string!(i18n, admin.note_too_long).to_string(),
        _ => t_string!(i18n, admin.not_allowed_now).to_string(),
    }
}

fn case_view((v, outcome): (StaffCaseView, Outcome)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let problems = outcome.error.as_deref().map(|code| vec![("#note".to_owned(), error_message(i18n, code))]).unwrap_or_default();
    let done = outcome.done.as_deref().and_then(crate::domain::case::CaseAction::from_code).map(|a| {
        fill_template(&t_string!(i18n, admin.done).to_string(), &[("action", action_label(i18n, a))])
    });
    let entries = v
        .events
        .iter()
        .map(|e| TimelineEntry { at: e.at.clone(), status: status_label(i18n, e.to), who: e.actor.clone(), note: e.note.clone() })
        .collect::<Vec<_>>();
    view! {
        <Title text=format!("{} {}", t_string!(i18n, admin.case_title), v.tracking_display)/>
        {staff_bar(i18n, &v.me)}
        <p class="mb-2"><a class="link" href="/admin">{t_string!(i18n, admin.back_to_queue).to_string()}</a></p>
        <h1 class="page-title">{t_string!(i18n, admin.case_title).to_string()}" "<span class="font-mono">{v.tracking_display.clone()}</span></h1>
        <div id="outcome">
            <ErrorSummary title=t_string!(i18n, admin.error_title).to_string() problems=problems/>
            {done.map(|d| view! { <p class="success" role="status">{d}</p> })}
        </div>
        <dl class="summary-list card mb-6">
            <dt>{t_string!(i18n, track.service).to_string()}</dt><dd class="sm:col-span-2">{v.item.name.get(lang).to_owned()}</dd>
            <dt>{t_string!(i18n, admin.col_status).to_string()}</dt><dd class="font-semibold sm:col-span-2" data-testid="case-status">{status_label(i18n, v.status)}</dd>
            <dt>{t_string!(i18n, admin.col_submitted).to_string()}</dt><dd class="sm:col-span-2">{v.submitted_at.clone()}</dd>
        </dl>
        <section class="card mb-6" aria-labelledby="actions-title">
            <h2 id="actions-title" class="mb-3 text-xl font-semibold">{t_string!(i18n, admin.actions).to_string()}</h2>
            {if v.actions.is_empty() {
                view! { <p>{t_string!(i18n, admin.no_actions).to_string()}</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=DecideCase::PATH>
                        <input type="hidden" name="tracking" value=v.tracking_number.clone()/>
                        <input type="hidden" name="seen_status" value=v.status.code()/>
                        <div class="field">
                            <label for="note" class="field-label">{t_string!(i18n, admin.note).to_string()}</label>
                            <span id="note-hint" class="field-hint">{t_string!(i18n, admin.note_hint).to_string()}</span>
                            <textarea id="note" name="note" rows="3" maxlength="500" class="field-input" aria-describedby="note-hint"></textarea>
                        </div>
                        <div class="flex flex-wrap gap-3">
                            {v.actions.iter().enumerate().map(|(i, a)| view! {
                                <button type="submit" name="action" value=a.code() class=if i == 0 { "btn-primary" } else { "btn-secondary" }>{action_label(i18n, *a)}</button>
                            }).collect_view()}
                        </div>
                    </form>
                }.into_any()
            }}
        </section>
        <h2 class="section-title">{t_string!(i18n, admin.answers).to_string()}</h2>
        <dl class="summary-list card">
            {v.item.form.fields.iter().map(|f| {
                let shown = f.display_value(v.answers.get(&f.name).map(String::as_str).unwrap_or(""), lang);
                view! { <dt>{f.label.get(lang).to_owned()}</dt><dd class="whitespace-pre-line break-words sm:col-span-2">{shown}</dd> }
            }).collect_view()}
        </dl>
        <h2 class="section-title">{t_string!(i18n, admin.materials).to_string()}</h2>
        <ul class="card space-y-2">
            {v.materials.iter().map(|m| view! {
                <li>
                    <span class="font-semibold">{m.name.get(lang).to_owned()}</span>": "{format!("{} ({}, {})", m.file_name, m.media_type.to_uppercase(), human_size(m.size_bytes as u64))}" "
                    <a class="link" href=format!("/admin/materials/{}", m.id) target="_blank" rel="noopener">{t_string!(i18n, admin.view_file).to_string()}<span class="sr-only">" "{m.file_name.clone()}</span></a>
                </li>
            }).collect_view()}
        </ul>
        <h2 class="section-title">{t_string!(i18n, admin.timeline).to_string()}</h2>
        <Timeline entries=entries/>
    }
}
