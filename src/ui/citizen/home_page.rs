//! `/`: search, the two doors (individuals, businesses), popular services, tracking.

use crate::api::catalog::{CatalogPage, list_services};
use crate::i18n::*;
use crate::ui::{days_label, lang, load_page, page_data};
use crate::ui::components::service_search::{SearchBoxModel, ServiceSearch};
use crate::ui::shell::shell_path;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let popular = page_data(|| (), |_| list_services(None, None, None, None, true));
    view! {
        <Title text=t_string!(i18n, site.name).to_string()/>
        <h1 class="page-title">{t_string!(i18n, site.name).to_string()}</h1>
        <p class="mb-6 text-lg text-slate-700">{t_string!(i18n, site.tagline).to_string()}</p>
        <form method="get" action=shell_path("/services") role="search" class="mb-8 flex max-w-2xl flex-wrap items-end gap-2">
            <div class="min-w-64 flex-1">
                <label for="home-search" class="field-label">{t_string!(i18n, home.search_label).to_string()}</label>
                <span id="home-search-hint" class="field-hint">{t_string!(i18n, home.search_hint).to_string()}</span>
                <ServiceSearch model=SearchBoxModel {
                    input_id: "home-search".into(),
                    value: String::new(),
                    placeholder: t_string!(i18n, home.search_placeholder).to_string(),
                    hint_id: "home-search-hint".into(),
                    guide_base: shell_path("/services/"),
                    list_label: t_string!(i18n, catalog.suggestions).to_string(),
                    count_template: t_string!(i18n, catalog.suggestion_count).to_string(),
                }/>
            </div>
            <button type="submit" class="btn-primary">{t_string!(i18n, home.search_button).to_string()}</button>
        </form>
        <div class="mb-8 grid gap-4 sm:grid-cols-2">
            <a href=shell_path("/services?audience=individual") class="card block no-underline hover:border-red-800">
                <h2 class="text-xl font-semibold text-red-800">{t_string!(i18n, home.individual).to_string()}</h2>
                <p class="text-slate-700">{t_string!(i18n, home.individual_desc).to_string()}</p>
            </a>
            <a href=shell_path("/services?audience=enterprise") class="card block no-underline hover:border-red-800">
                <h2 class="text-xl font-semibold text-red-800">{t_string!(i18n, home.enterprise).to_string()}</h2>
                <p class="text-slate-700">{t_string!(i18n, home.enterprise_desc).to_string()}</p>
            </a>
        </div>
        <a href=shell_path("/bundles") class="card mb-8 block no-underline hover:border-red-800" data-testid="home-bundles">
            <h2 class="text-xl font-semibold text-red-800">{t_string!(i18n, bundle.home_title).to_string()}</h2>
            <p class="text-slate-700">{t_string!(i18n, bundle.home_intro).to_string()}</p>
        </a>
        <h2 class="section-title">{t_string!(i18n, home.popular).to_string()}</h2>
        {load_page(popular, popular_list)}
        <p class="mt-3"><a class="link" href=shell_path("/services")>{t_string!(i18n, home.all_services).to_string()}</a></p>
        <section class="card mt-8" aria-labelledby="track-title">
            <h2 id="track-title" class="mb-2 text-xl font-semibold">{t_string!(i18n, home.track_title).to_string()}</h2>
            <p class="mb-3 text-slate-700">{t_string!(i18n, home.track_desc).to_string()}</p>
            <a class="btn-secondary" href=shell_path("/track")>{t_string!(i18n, track.submit).to_string()}</a>
        </section>
    }
}

fn popular_list(page: CatalogPage) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    view! {
        <ul class="grid gap-3 sm:grid-cols-2">
            {page.items.into_iter().map(|item| view! {
                <li class="card">
                    <a class="link text-lg font-semibold" href=shell_path(&format!("/services/{}", item.code))>{item.name.get(lang).to_owned()}</a>
                    <p class="text-sm text-slate-700">{item.department.get(lang).to_owned()}" · "{days_label(i18n, item.promised_days as u32)}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}
