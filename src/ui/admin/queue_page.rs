//! `/admin?tab=…&q=…&after=…`: the work queues, with search, filters, deadline
//! lights and keyset paging (a page costs the same on the millionth case).

use crate::api::staff::{Logout, LogoutEverywhere, QUEUE_COUNT_CAP, QueueTab, QueueView, StaffView, staff_queue};
use crate::domain::case::CaseStatus;
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::I18n;
use crate::ui::{encode_query, lang, light_badge, load_page, page_data, role_label, status_label};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn QueuePage() -> impl IntoView {
    let query = use_query_map();
    let data = page_data(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            (get("tab"), get("q"), get("service"), get("site"), get("status"), get("department"), get("after"))
        },
        |(tab, q, service, site, status, department, after)| staff_queue(tab, q, service, site, status, department, after),
    );
    load_page(data, queue_view)
}

/// Who is signed in, their post, and the sign-out button.
pub fn staff_bar(i18n: I18n, me: &StaffView) -> impl IntoView + use<> {
    let lang = lang();
    let roles = me.roles.iter().map(|r| role_label(i18n, *r)).collect::<Vec<_>>().join("、");
    let who = fill_template(&t_string!(i18n, admin.signed_in_as).to_string(), &[("name", me.display_name.clone()), ("role", roles)]);
    let post = me.department.as_ref().or(me.site.as_ref()).map(|t| t.get(lang).to_owned());
    view! {
        <div class="mb-4 flex flex-wrap items-center justify-end gap-3 text-sm">
            <span data-testid="signed-in-as">{who}</span>
            {post.map(|p| view! { <span class="text-slate-700">{p}</span> })}
            <a class="link" href="/admin">{t_string!(i18n, admin.queue_title).to_string()}</a>
            {me.can_edit_calendar.then(|| view! { <a class="link" href="/admin/calendar">{t_string!(i18n, calendar.title).to_string()}</a> })}
            {me.can_edit_credit.then(|| view! { <a class="link" href="/admin/credit">{t_string!(i18n, credit.title).to_string()}</a> })}
            <form method="post" action=Logout::PATH>
                <button type="submit" class="link">{t_string!(i18n, admin.sign_out).to_string()}</button>
            </form>
            <form method="post" action=LogoutEverywhere::PATH>
                <button type="submit" class="link">{t_string!(i18n, admin.sign_out_everywhere).to_string()}</button>
            </form>
        </div>
    }
}

pub fn tab_label(i18n: I18n, tab: QueueTab) -> String {
    match tab {
        QueueTab::Intake => t_string!(i18n, admin.tab_intake).to_string(),
        QueueTab::Mine => t_string!(i18n, admin.tab_mine).to_string(),
        QueueTab::Review => t_string!(i18n, admin.tab_review).to_string(),
        QueueTab::Issue => t_string!(i18n, admin.tab_issue).to_string(),
        QueueTab::DueSoon => t_string!(i18n, admin.tab_due_soon).to_string(),
        QueueTab::Overdue => t_string!(i18n, admin.tab_overdue).to_string(),
        QueueTab::Done => t_string!(i18n, admin.tab_done).to_string(),
        QueueTab::All => t_string!(i18n, admin.tab_all).to_string(),
    }
}

fn count_label(n: i64) -> String {
    if n >= QUEUE_COUNT_CAP { format!("{QUEUE_COUNT_CAP}+") } else { n.to_string() }
}

fn queue_view(v: QueueView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let tab = v.tab;
    let search = v.search.clone();
    // The current search, carried by the paging links.
    let carried = format!(
        "tab={}&q={}&service={}&site={}&status={}&department={}",
        tab.code(),
        encode_query(&search.q),
        encode_query(&search.service),
        encode_query(&search.site),
        encode_query(&search.status),
        encode_query(&search.department)
    );
    let searching = !(search.q.is_empty() && search.service.is_empty() && search.site.is_empty() && search.status.is_empty() && search.department.is_empty());
    let option = |value: String, label: String, selected: bool| view! { <option value=value selected=selected>{label}</option> };
    view! {
        <Title text=format!("{} - {}", t_string!(i18n, admin.queue_title), tab_label(i18n, tab))/>
        {staff_bar(i18n, &v.me)}
        <h1 class="page-title">{t_string!(i18n, admin.queue_title).to_string()}</h1>
        <nav aria-label=t_string!(i18n, admin.tabs).to_string() class="mb-4">
            <ul class="flex flex-wrap gap-2">
                {v.counts.iter().map(|(t, n)| {
                    let current = *t == tab;
                    view! {
                        <li>
                            <a href=format!("/admin?tab={}", t.code()) aria-current=current.then_some("page")
                                class=if current { "btn-primary" } else { "btn-secondary" }>
                                {format!("{} ({})", tab_label(i18n, *t), count_label(*n))}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
        <form method="get" action="/admin" class="card mb-4" role="search" aria-label=t_string!(i18n, admin.search_title).to_string()>
            <input type="hidden" name="tab" value=tab.code()/>
            <div class="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                <div class="field">
                    <label for="q" class="field-label">{t_string!(i18n, admin.search_q).to_string()}</label>
                    <span id="q-hint" class="field-hint">{t_string!(i18n, admin.search_q_hint).to_string()}</span>
                    <input id="q" name="q" type="search" class="field-input" value=search.q.clone() aria-describedby="q-hint"/>
                </div>
                <div class="field">
                    <label for="service" class="field-label">{t_string!(i18n, admin.col_service).to_string()}</label>
                    <select id="service" name="service" class="field-input">
                        {option(String::new(), t_string!(i18n, admin.any).to_string(), search.service.is_empty())}
                        {v.services.iter().map(|(code, name)| option(code.clone(), name.get(lang).to_owned(), *code == search.service)).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="site" class="field-label">{t_string!(i18n, admin.col_site).to_string()}</label>
                    <select id="site" name="site" class="field-input">
                        {option(String::new(), t_string!(i18n, admin.any).to_string(), search.site.is_empty())}
                        {v.sites.iter().map(|(code, name)| option(code.clone(), name.get(lang).to_owned(), *code == search.site)).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="status" class="field-label">{t_string!(i18n, admin.col_status).to_string()}</label>
                    <select id="status" name="status" class="field-input">
                        {option(String::new(), t_string!(i18n, admin.any).to_string(), search.status.is_empty())}
                        {CaseStatus::ALL.iter().map(|s| option(s.code().to_owned(), status_label(i18n, *s), s.code() == search.status)).collect_view()}
                    </select>
                </div>
                {(!v.overdue_by_department.is_empty() || !search.department.is_empty() || v.me.roles.iter().any(|r| matches!(r, crate::domain::case::Role::Supervisor | crate::domain::case::Role::Admin))).then(|| view! {
                    <div class="field">
                        <label for="department" class="field-label">{t_string!(i18n, admin.col_department).to_string()}</label>
                        <select id="department" name="department" class="field-input">
                            {option(String::new(), t_string!(i18n, admin.any).to_string(), search.department.is_empty())}
                            {v.departments.iter().map(|(code, name)| option(code.clone(), name.get(lang).to_owned(), *code == search.department)).collect_view()}
                        </select>
                    </div>
                })}
            </div>
            <div class="mt-3 flex flex-wrap gap-3">
                <button type="submit" class="btn-primary">{t_string!(i18n, admin.search).to_string()}</button>
                {searching.then(|| view! { <a class="btn-secondary" href=format!("/admin?tab={}", tab.code())>{t_string!(i18n, admin.clear_search).to_string()}</a> })}
            </div>
        </form>
        {v.search_problem.as_ref().map(|_| view! { <p class="error-text mb-4" role="alert">{t_string!(i18n, track.typo_number).to_string()}</p> })}
        {(!v.overdue_by_department.is_empty()).then(|| view! {
            <section class="card mb-4" aria-labelledby="overdue-title">
                <h2 id="overdue-title" class="mb-2 text-lg font-semibold">{t_string!(i18n, admin.overdue_by_department).to_string()}</h2>
                <ul class="flex flex-wrap gap-3">
                    {v.overdue_by_department.iter().map(|(code, name, n)| view! {
                        <li><a class="link" href=format!("/admin?tab=overdue&department={code}")>{format!("{}：{n}", name.get(lang))}</a></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {if v.lines.is_empty() {
            view! { <p class="notice">{t_string!(i18n, admin.empty_queue).to_string()}</p> }.into_any()
        } else {
            view! {
                <div class="card overflow-x-auto">
                    <table class="data-table">
                        <caption class="sr-only">{tab_label(i18n, tab)}</caption>
                        <thead><tr>
                            <th scope="col">{t_string!(i18n, admin.col_tracking).to_string()}</th>
                            <th scope="col">{t_string!(i18n, admin.col_service).to_string()}</th>
                            <th scope="col">{t_string!(i18n, admin.col_applicant).to_string()}</th>
                            <th scope="col">{t_string!(i18n, admin.col_submitted).to_string()}</th>
                            <th scope="col">{t_string!(i18n, admin.col_status).to_string()}</th>
                            <th scope="col">{t_string!(i18n, admin.col_deadline).to_string()}</th>
                        </tr></thead>
                        <tbody>
                            {v.lines.into_iter().map(|l| view! {
                                <tr>
                                    <td><a class="link font-mono" href=format!("/admin/cases/{}", l.tracking_number)>{l.tracking_display}</a></td>
                                    <td>{l.service_name.get(lang).to_owned()}</td>
                                    <td>{l.applicant_name}</td>
                                    <td>{l.submitted_at}</td>
                                    <td>{status_label(i18n, l.status)}</td>
                                    <td>{light_badge(i18n, l.light, l.due_on)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <nav class="mt-4 flex gap-4" aria-label=t_string!(i18n, admin.paging).to_string()>
            {v.paged.then(|| view! { <a class="link" href=format!("/admin?{carried}")>{t_string!(i18n, admin.first_page).to_string()}</a> })}
            {v.next_after.map(|after| view! { <a class="link" href=format!("/admin?{carried}&after={after}")>{t_string!(i18n, admin.next).to_string()}</a> })}
        </nav>
    }
}
