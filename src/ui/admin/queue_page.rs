//! `/admin?tab=…&page=…`: the case queue.

use crate::api::staff::{Logout, QueueTab, QueueView, StaffView, staff_queue};
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::I18n;
use crate::ui::{lang, load_page, role_label, status_label};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn QueuePage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (q.get("tab").unwrap_or_default(), q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1u32))
        },
        |(tab, page)| staff_queue(tab, page),
    );
    load_page(data, queue_view)
}

/// Who is signed in, and the sign-out button.
pub fn staff_bar(i18n: I18n, me: &StaffView) -> impl IntoView + use<> {
    let who = fill_template(&t_string!(i18n, admin.signed_in_as).to_string(), &[("name", me.display_name.clone()), ("role", role_label(i18n, me.role))]);
    view! {
        <div class="mb-4 flex flex-wrap items-center justify-end gap-3 text-sm">
            <span data-testid="signed-in-as">{who}</span>
            <form method="post" action=Logout::PATH>
                <button type="submit" class="link">{t_string!(i18n, admin.sign_out).to_string()}</button>
            </form>
        </div>
    }
}

fn tab_label(i18n: I18n, tab: QueueTab) -> String {
    match tab {
        QueueTab::Intake => t_string!(i18n, admin.tab_intake).to_string(),
        QueueTab::Review => t_string!(i18n, admin.tab_review).to_string(),
        QueueTab::Issue => t_string!(i18n, admin.tab_issue).to_string(),
        QueueTab::Done => t_string!(i18n, admin.tab_done).to_string(),
        QueueTab::All => t_string!(i18n, admin.tab_all).to_string(),
    }
}

fn queue_view(v: QueueView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let tab = v.tab;
    view! {
        <Title text=format!("{} - {}", t_string!(i18n, admin.queue_title), tab_label(i18n, tab))/>
        {staff_bar(i18n, &v.me)}
        <h1 class="page-title">{t_string!(i18n, admin.queue_title).to_string()}</h1>
        <nav aria-label=t_string!(i18n, admin.queue_title).to_string() class="mb-4">
            <ul class="flex flex-wrap gap-2">
                {v.counts.iter().map(|(t, n)| {
                    let current = *t == tab;
                    view! {
                        <li>
                            <a href=format!("/admin?tab={}", t.code()) aria-current=current.then_some("page")
                                class=if current { "btn-primary" } else { "btn-secondary" }>
                                {format!("{} ({n})", tab_label(i18n, *t))}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
        {if v.lines.is_empty() {
            view! { <p class="notice">{t_string!(i18n, admin.empty_queue).to_string()}</p> }.into_any()
        } else {
            view! {
                <div class="card overflow-x-auto">
                    <table class="data-table">
                        <thead><tr>
                            <th scope="col">{t_string!(i18n, admin.col_tracking).to_string()}</th>
                            <th scope="col">{t_string!(i18n, admin.col_service).to_string()}</th>
                            <th scope="col">{t_string!(i18n, admin.col_applicant).to_string()}</th>
                            <th scope="col">{t_string!(i18n, admin.col_submitted).to_string()}</th>
                            <th scope="col">{t_string!(i18n, admin.col_status).to_string()}</th>
                        </tr></thead>
                        <tbody>
                            {v.lines.into_iter().map(|l| view! {
                                <tr>
                                    <td><a class="link font-mono" href=format!("/admin/cases/{}", l.tracking_number)>{l.tracking_display}</a></td>
                                    <td>{l.service_name.get(lang).to_owned()}</td>
                                    <td>{l.applicant_name}</td>
                                    <td>{l.submitted_at}</td>
                                    <td>{status_label(i18n, l.status)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <nav class="mt-4 flex gap-4" aria-label=t_string!(i18n, admin.next).to_string()>
            {(v.page > 1).then(|| view! { <a class="link" href=format!("/admin?tab={}&page={}", tab.code(), v.page - 1)>{t_string!(i18n, admin.previous).to_string()}</a> })}
            {v.has_next.then(|| view! { <a class="link" href=format!("/admin?tab={}&page={}", tab.code(), v.page + 1)>{t_string!(i18n, admin.next).to_string()}</a> })}
        </nav>
    }
}
