//! `/services`: the catalog with keyword, department, audience and depth filters.
//! The filters are a GET form, so results have shareable addresses.

use crate::api::catalog::{CatalogPage, list_services};
use crate::domain::catalog::{Audience, HandlingDepth};
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::{audience_label, days_label, depth_label, lang, load_page, page_data};
use crate::ui::components::service_search::{SearchBoxModel, ServiceSearch};
use crate::ui::shell::shell_path;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Filters {
    q: String,
    department: String,
    audience: String,
    depth: String,
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        Filters { q: get("q"), department: get("department"), audience: get("audience"), depth: get("depth") }
    };
    let data = page_data(filters, |f| async move {
        let page = list_services(Some(f.q.clone()), Some(f.department.clone()), Some(f.audience.clone()), Some(f.depth.clone()), false).await?;
        Ok((f, page))
    });
    view! {
        <Title text=format!("{} - {}", t_string!(i18n, catalog.title), t_string!(i18n, site.name))/>
        <h1 class="page-title">{t_string!(i18n, catalog.title).to_string()}</h1>
        {load_page(data, catalog_view)}
    }
}

fn select(id: &'static str, label: String, any: String, current: &str, options: Vec<(String, String)>) -> impl IntoView + use<> {
    let current = current.to_owned();
    view! {
        <div>
            <label for=id class="field-label">{label}</label>
            <select id=id name=id class="field-input">
                <option value="">{any}</option>
                {options.into_iter().map(|(value, text)| {
                    let selected = value == current;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

fn catalog_view((filters, page): (Filters, CatalogPage)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let any = t_string!(i18n, catalog.any).to_string();
    let departments = page.departments.iter().map(|d| (d.code.clone(), d.name.get(lang).to_owned())).collect();
    let audiences = Audience::ALL.iter().map(|a| (a.code().to_owned(), audience_label(i18n, a.code()))).collect();
    let depths = HandlingDepth::ALL.iter().map(|d| (d.code().to_owned(), depth_label(i18n, d.code()))).collect();
    let count = fill_template(&t_string!(i18n, catalog.results).to_string(), &[("count", page.items.len().to_string())]);
    view! {
        <form method="get" action=shell_path("/services") class="card mb-6" aria-label=t_string!(i18n, catalog.filters).to_string()>
            <div class="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
                <div>
                    <label for="q" class="field-label">{t_string!(i18n, catalog.keyword).to_string()}</label>
                    <span id="q-hint" class="field-hint">{t_string!(i18n, catalog.keyword_hint).to_string()}</span>
                    <ServiceSearch model=SearchBoxModel {
                    input_id: "q".into(),
                    value: filters.q.clone(),
                    placeholder: String::new(),
                    hint_id: "q-hint".into(),
                    guide_base: shell_path("/services/"),
                    list_label: t_string!(i18n, catalog.suggestions).to_string(),
                    count_template: t_string!(i18n, catalog.suggestion_count).to_string(),
                }/>
                </div>
                {select("department", t_string!(i18n, catalog.department).to_string(), any.clone(), &filters.department, departments)}
                {select("audience", t_string!(i18n, catalog.audience).to_string(), any.clone(), &filters.audience, audiences)}
                {select("depth", t_string!(i18n, catalog.depth).to_string(), any, &filters.depth, depths)}
            </div>
            <div class="mt-4 flex flex-wrap items-center gap-4">
                <button type="submit" class="btn-primary">{t_string!(i18n, catalog.apply_filters).to_string()}</button>
                <a class="link" href=shell_path("/services")>{t_string!(i18n, catalog.clear).to_string()}</a>
            </div>
        </form>
        <p class="mb-3 font-semibold" role="status">{count}</p>
        {if page.items.is_empty() {
            view! { <p class="notice">{t_string!(i18n, catalog.no_results).to_string()}</p> }.into_any()
        } else {
            view! {
                <ul class="space-y-3">
                    {page.items.into_iter().map(|item| view! {
                        <li class="card">
                            <h2 class="text-lg font-semibold"><a class="link" href=shell_path(&format!("/services/{}", item.code))>{item.name.get(lang).to_owned()}</a></h2>
                            <p class="mb-2 text-slate-700">{item.summary.get(lang).to_owned()}</p>
                            <p class="flex flex-wrap gap-2 text-sm">
                                <span class="badge">{item.department.get(lang).to_owned()}</span>
                                {item.audiences.iter().map(|a| view! { <span class="badge">{audience_label(i18n, a)}</span> }).collect_view()}
                                <span class="badge">{depth_label(i18n, &item.handling_depth)}</span>
                                <span class="badge">{t_string!(i18n, guide.promised).to_string()}": "{days_label(i18n, item.promised_days as u32)}</span>
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
