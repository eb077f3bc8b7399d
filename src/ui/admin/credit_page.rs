//! `/admin/credit`: the credit lists (信用红黑名单) for administrators: every entry
//! with its reason, a form to put a person or enterprise on a list, a form to take
//! one off, each change with its reason in the staff audit chain.

use crate::api::credit::{CreditAdminView, PutCreditEntry, RemoveCreditEntry, credit_admin};
use crate::domain::credit::CreditList;
use crate::i18n::*;
use crate::ui::admin::queue_page::staff_bar;
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::{I18n, lang, load_page, page_data};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Outcome {
    saved: bool,
    removed: bool,
    error: Option<String>,
}

#[component]
pub fn CreditPage() -> impl IntoView {
    let query = use_query_map();
    let data = page_data(
        move || {
            let q = query.read();
            Outcome { saved: q.get("saved").is_some(), removed: q.get("removed").is_some(), error: q.get("error") }
        },
        |outcome| async move { Ok((credit_admin().await?, outcome)) },
    );
    load_page(data, credit_view)
}

fn list_label(i18n: I18n, list: CreditList) -> String {
    match list {
        CreditList::Red => t_string!(i18n, credit.red).to_string(),
        CreditList::Black => t_string!(i18n, credit.black).to_string(),
    }
}

fn credit_view((v, outcome): (CreditAdminView, Outcome)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let problems = match outcome.error.as_deref() {
        Some("why") => vec![("#why".to_owned(), t_string!(i18n, credit.error_why).to_string())],
        Some("why_control_character") => vec![("#why".to_owned(), t_string!(i18n, errors.control_character).to_string())],
        Some("reason_control_character") => vec![("#reason_zh".to_owned(), t_string!(i18n, errors.control_character).to_string())],
        Some(_) => vec![("#subject".to_owned(), t_string!(i18n, credit.error_entry).to_string())],
        None => vec![],
    };
    let title = t_string!(i18n, credit.title).to_string();
    view! {
        <Title text=title.clone()/>
        {staff_bar(i18n, &v.me)}
        <h1 class="page-title">{title}</h1>
        <p class="mb-4">{t_string!(i18n, credit.intro).to_string()}</p>
        <div id="outcome">
            <ErrorSummary title=t_string!(i18n, credit.error_title).to_string() problems=problems/>
            {outcome.saved.then(|| view! { <p class="success" role="status">{t_string!(i18n, credit.saved).to_string()}</p> })}
            {outcome.removed.then(|| view! { <p class="success" role="status">{t_string!(i18n, credit.removed).to_string()}</p> })}
        </div>
        <table class="data-table card mb-6" data-testid="credit-entries">
            <caption class="sr-only">{t_string!(i18n, credit.title).to_string()}</caption>
            <thead><tr>
                <th scope="col">{t_string!(i18n, credit.subject).to_string()}</th>
                <th scope="col">{t_string!(i18n, credit.list).to_string()}</th>
                <th scope="col">{t_string!(i18n, credit.reason).to_string()}</th>
                <th scope="col">{t_string!(i18n, credit.since).to_string()}</th>
            </tr></thead>
            <tbody>
                {v.entries.iter().map(|e| view! {
                    <tr>
                        <td class="font-mono">{e.subject.clone()}</td>
                        <td>{list_label(i18n, e.list)}</td>
                        <td>{e.reason.get(lang).to_owned()}</td>
                        <td class="whitespace-nowrap">{e.since.clone()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <form method="post" action=PutCreditEntry::PATH class="card mb-6">
            <h2 class="mb-2 text-xl font-semibold">{t_string!(i18n, credit.put_title).to_string()}</h2>
            <div class="field">
                <label for="subject" class="field-label">{t_string!(i18n, credit.subject).to_string()}</label>
                <span id="subject-hint" class="field-hint">{t_string!(i18n, credit.subject_hint).to_string()}</span>
                <input id="subject" name="subject" type="text" required maxlength="40" spellcheck="false" class="field-input" aria-describedby="subject-hint"/>
            </div>
            <div class="field">
                <label for="list" class="field-label">{t_string!(i18n, credit.list).to_string()}</label>
                <select id="list" name="list" class="field-input">
                    <option value="black">{list_label(i18n, CreditList::Black)}</option>
                    <option value="red">{list_label(i18n, CreditList::Red)}</option>
                </select>
            </div>
            <div class="field">
                <label for="reason_zh" class="field-label">{t_string!(i18n, credit.reason_zh).to_string()}</label>
                <input id="reason_zh" name="reason_zh" type="text" required maxlength="200" class="field-input"/>
            </div>
            <div class="field">
                <label for="reason_en" class="field-label">{t_string!(i18n, credit.reason_en).to_string()}</label>
                <input id="reason_en" name="reason_en" type="text" required maxlength="200" class="field-input"/>
            </div>
            <div class="field">
                <label for="why" class="field-label">{t_string!(i18n, credit.why).to_string()}</label>
                <input id="why" name="why" type="text" required maxlength="500" class="field-input"/>
            </div>
            <button type="submit" class="btn-primary">{t_string!(i18n, credit.put).to_string()}</button>
        </form>
        <form method="post" action=RemoveCreditEntry::PATH class="card mb-6">
            <h2 class="mb-2 text-xl font-semibold">{t_string!(i18n, credit.remove_title).to_string()}</h2>
            <div class="field">
                <label for="remove-subject" class="field-label">{t_string!(i18n, credit.subject).to_string()}</label>
                <input id="remove-subject" name="subject" type="text" required maxlength="40" spellcheck="false" class="field-input"/>
            </div>
            <div class="field">
                <label for="remove-why" class="field-label">{t_string!(i18n, credit.why).to_string()}</label>
                <input id="remove-why" name="why" type="text" required maxlength="500" class="field-input"/>
            </div>
            <button type="submit" class="btn-secondary">{t_string!(i18n, credit.remove).to_string()}</button>
        </form>
        <h2 class="section-title">{t_string!(i18n, credit.changes).to_string()}</h2>
        {if v.changes.is_empty() {
            view! { <p>{t_string!(i18n, credit.no_changes).to_string()}</p> }.into_any()
        } else {
            view! {
                <ul class="card space-y-1" data-testid="credit-changes">
                    {v.changes.into_iter().map(|c| view! { <li>{format!("{} {} {} {}：{}", c.at, c.actor, c.what, c.subject, c.detail)}</li> }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
