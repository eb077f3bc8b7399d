//! The HTML shell, the layout every page shares, and the routes.

use crate::i18n::*;
use crate::ui::shell::{Shell, desktop_twin, handheld_twin};
use crate::ui::{admin, citizen, language::LanguageLink};
use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

pub fn shell(_options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ui::page_security_policy();
    let (stylesheet, loader) = client_addresses();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#991b1b"/>
                <link rel="stylesheet" href=stylesheet/>
                // In the page, not a request of its own (`public/favicon.svg`, which
                // the offline page links). The manifest is named by the island loader
                // after the first paint: only installing the handheld version needs it.
                <link rel="icon" href=FAVICON type="image/svg+xml"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <IslandScript src=loader/>
                <MetaTags/>
            </head>
            <body class="bg-slate-50 text-slate-900 min-h-screen flex flex-col">
                <App/>
            </body>
        </html>
    }
}

/// `public/favicon.svg` as a data address.
const FAVICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='6' fill='%23991b1b'/%3E%3Cpath d='M8 22h16M10 22V12m4 10V12m4 10V12m4 10V12M7 12l9-5 9 5z' stroke='%23fff' stroke-width='2' fill='none'/%3E%3C/svg%3E";

/// The stylesheet's and the island loader's addresses: their content-hashed names
/// (cached for a year, `server::assets`), or the plain ones where the portal runs
/// without a built site (the router's tests).
fn client_addresses() -> (String, String) {
    #[cfg(feature = "ssr")]
    if let Some(st) = use_context::<crate::server::AppState>().filter(|st| !st.assets.loader().is_empty()) {
        return (st.assets.stylesheet().to_owned(), st.assets.loader().to_owned());
    }
    ("/pkg/portal.css".to_owned(), "/islands.js".to_owned())
}

/// The one script every page gets: the island loader (`public/islands.js`), which
/// loads the client code (WASM) only on a page that has an island. The server
/// renders in islands mode: nothing outside an island is hydrated, so it needs no
/// hydration markers.
#[component]
fn IslandScript(src: String) -> impl IntoView {
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    // Low priority: nothing on the page waits for it (see islands.js).
    view! { <script type="module" src=src fetchpriority="low"></script> }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <LocaleProvider>
            <Router>
                // Async: every page is complete HTML when it arrives, which is what
                // a browser without JavaScript (or before the WASM) needs.
                <Routes fallback=|| view! { <Layout>{crate::ui::error_page(crate::api::ApiError::NotFound)}</Layout> }>
                    // 掌上办: the same citizen pages in the handheld frame.
                    <ParentRoute path=path!("/m") view=HandheldLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=citizen::home_page::HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/services") view=citizen::catalog_page::CatalogPage ssr=SsrMode::Async/>
                        <Route path=path!("/services/:code") view=citizen::guide_page::GuidePage ssr=SsrMode::Async/>
                        <Route path=path!("/services/:code/apply") view=citizen::question_page::QuestionPage ssr=SsrMode::Async/>
                        <Route path=path!("/bundles") view=citizen::bundle_pages::BundlesPage ssr=SsrMode::Async/>
                        <Route path=path!("/bundles/:code") view=citizen::bundle_pages::BundleGuidePage ssr=SsrMode::Async/>
                        <Route path=path!("/track") view=citizen::track_page::TrackPage ssr=SsrMode::Async/>
                        <Route path=path!("/me") view=citizen::me_page::MePage ssr=SsrMode::Async/>
                    </ParentRoute>
                    <ParentRoute path=path!("") view=|| view! { <Layout><Outlet/></Layout> } ssr=SsrMode::Async>
                        <Route path=path!("/") view=citizen::home_page::HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/services") view=citizen::catalog_page::CatalogPage ssr=SsrMode::Async/>
                        <Route path=path!("/services/:code") view=citizen::guide_page::GuidePage ssr=SsrMode::Async/>
                        <Route path=path!("/services/:code/apply") view=citizen::answers_page::AnswersPage ssr=SsrMode::Async/>
                        <Route path=path!("/apply/:draft/materials") view=citizen::materials_page::MaterialsPage ssr=SsrMode::Async/>
                        <Route path=path!("/apply/:draft/check") view=citizen::check_page::CheckPage ssr=SsrMode::Async/>
                        <Route path=path!("/receipt/:tracking") view=citizen::receipt_page::ReceiptPage ssr=SsrMode::Async/>
                        <Route path=path!("/bundles") view=citizen::bundle_pages::BundlesPage ssr=SsrMode::Async/>
                        <Route path=path!("/bundles/:code") view=citizen::bundle_pages::BundleGuidePage ssr=SsrMode::Async/>
                        <Route path=path!("/bundles/:code/apply") view=citizen::bundle_pages::BundleAnswersPage ssr=SsrMode::Async/>
                        <Route path=path!("/bundle-apply/:draft/materials") view=citizen::bundle_pages::BundleMaterialsPage ssr=SsrMode::Async/>
                        <Route path=path!("/bundle-apply/:draft/check") view=citizen::bundle_pages::BundleCheckPage ssr=SsrMode::Async/>
                        <Route path=path!("/bundle-receipt/:tracking") view=citizen::bundle_pages::BundleReceiptPage ssr=SsrMode::Async/>
                        <Route path=path!("/track") view=citizen::track_page::TrackPage ssr=SsrMode::Async/>
                        <Route path=path!("/track/:tracking/correct") view=citizen::correction_page::CorrectionPage ssr=SsrMode::Async/>
                        <Route path=path!("/verify/:code") view=citizen::verify_page::VerifyPage ssr=SsrMode::Async/>
                        <Route path=path!("/me") view=citizen::me_page::MePage ssr=SsrMode::Async/>
                        <Route path=path!("/pay/sandbox/:reference") view=citizen::checkout_page::CheckoutPage ssr=SsrMode::Async/>
                        <Route path=path!("/demo/messages") view=citizen::demo_messages_page::DemoMessagesPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/login") view=admin::login_page::LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin") view=admin::queue_page::QueuePage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/cases/:tracking") view=admin::case_page::StaffCasePage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/calendar") view=admin::calendar_page::CalendarPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/credit") view=admin::credit_page::CreditPage ssr=SsrMode::Async/>
                        <Route path=path!("/agent") view=admin::agent_page::AgentPage ssr=SsrMode::Async/>
                    </ParentRoute>
                </Routes>
            </Router>
        </LocaleProvider>
    }
}

/// The language of the page, from the language cookie (or Accept-Language), for
/// every component the server renders, and on `<html lang dir>`. Not leptos_i18n's
/// `I18nContextProvider`: in islands mode that is itself an island around the whole
/// page, which would make every page load the client code. Our islands get their
/// strings as props, so the browser never needs the translations.
#[component]
fn LocaleProvider(children: Children) -> impl IntoView {
    use leptos_i18n::Locale as _;
    // Made in an owner of its own that is paused at once, then provided to the page.
    // leptos_i18n starts an isomorphic effect that writes the language cookie; on
    // the server it is a task that may first run after a quick page's owner is gone,
    // and then reads the disposed locale signal and panics. Paused, it never runs:
    // the language cookie is ours to write (`/lang/…`, with its year-long age).
    let i18n_owner = Owner::new();
    #[allow(deprecated)] // the provider function the component wraps; see above
    let i18n = i18n_owner.with(leptos_i18n::provide_i18n_context::<Locale>);
    i18n_owner.pause();
    provide_context(i18n);
    // The locale signal lives as long as the page.
    on_cleanup(move || drop(i18n_owner));
    let locale = i18n.get_locale_untracked();
    view! {
        <leptos_meta::Html attr:lang=locale.as_str() attr:dir=locale.direction().as_str()/>
        // What search engines show under the portal's pages.
        <leptos_meta::Meta name="description" content=td_string!(locale, site.description).to_string()/>
        {children()}
    }
}

/// 掌上办: a one-line header, the page, and a tab bar at the bottom within reach of
/// the thumb (home, services, progress, me). Every tab is a plain link.
#[component]
fn HandheldLayout() -> impl IntoView {
    provide_context(Shell::Handheld);
    let i18n = use_i18n();
    let location = leptos_router::hooks::use_location();
    let here = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    let desktop = match search.trim_start_matches('?') {
        "" => desktop_twin(&here),
        q => format!("{}?{q}", desktop_twin(&here)),
    };
    let tabs = [
        ("/m", t_string!(i18n, nav.tab_home).to_string(), here == "/m"),
        ("/m/services", t_string!(i18n, nav.tab_services).to_string(), here.starts_with("/m/services") || here.starts_with("/m/bundles")),
        ("/m/track", t_string!(i18n, nav.tab_track).to_string(), here.starts_with("/m/track")),
        ("/m/me", t_string!(i18n, nav.tab_me).to_string(), here.starts_with("/m/me")),
    ];
    view! {
        <a href="#main" class="skip-link">{t_string!(i18n, site.skip_to_content).to_string()}</a>
        <header class="handheld-header">
            <a href="/m" class="inline-flex min-h-12 items-center font-bold text-white no-underline">{t_string!(i18n, site.short_name).to_string()}</a>
            <div class="flex items-center">
                <a class="nav-link" href=desktop>{t_string!(i18n, nav.desktop).to_string()}</a>
                <LanguageLink/>
            </div>
        </header>
        <main id="main" tabindex="-1" class="handheld-main"><Outlet/></main>
        <nav class="tab-bar" aria-label=t_string!(i18n, nav.tabs).to_string()>
            <ul>
                {tabs.into_iter().map(|(href, label, current)| view! {
                    <li><a href=href aria-current=current.then_some("page")>{label}</a></li>
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// Header with the site name and navigation, the main region, the footer.
#[component]
fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let here = leptos_router::hooks::use_location().pathname.get_untracked();
    let staff = here.starts_with("/admin");
    let handheld = handheld_twin(&here);
    view! {
        <a href="#main" class="skip-link">{t_string!(i18n, site.skip_to_content).to_string()}</a>
        <header class="bg-red-800 text-white">
            <div class="mx-auto max-w-5xl px-4 py-3 flex flex-wrap items-center justify-between gap-3">
                <a href="/" class="text-xl font-bold text-white no-underline">{t_string!(i18n, site.name).to_string()}</a>
                <nav aria-label=t_string!(i18n, nav.main).to_string()>
                    <ul class="flex flex-wrap items-center gap-1">
                        <li><a class="nav-link" href="/">{t_string!(i18n, nav.home).to_string()}</a></li>
                        <li><a class="nav-link" href="/services">{t_string!(i18n, nav.services).to_string()}</a></li>
                        <li><a class="nav-link" href="/track">{t_string!(i18n, nav.track).to_string()}</a></li>
                        <li><a class="nav-link" href="/me">{t_string!(i18n, nav.me).to_string()}</a></li>
                        <li><a class="nav-link" href="/admin">{t_string!(i18n, nav.admin).to_string()}</a></li>
                        <li><a class="nav-link" href=handheld.clone()>{t_string!(i18n, nav.handheld).to_string()}</a></li>
                        <li><LanguageLink/></li>
                    </ul>
                </nav>
            </div>
        </header>
        // Phones are offered the handheld version, never sent there.
        {(!staff).then(|| view! {
            <p class="handheld-offer sm:hidden">
                {t_string!(i18n, nav.handheld_offer).to_string()}" "<a class="link" href=handheld>{t_string!(i18n, nav.handheld_open).to_string()}</a>
            </p>
        })}
        <main id="main" tabindex="-1" class="mx-auto w-full max-w-5xl flex-1 px-4 py-6">{children()}</main>
        <footer class="border-t border-slate-300 bg-white">
            <div class="mx-auto max-w-5xl px-4 py-4 text-sm text-slate-700">
                <p class="font-semibold">{t_string!(i18n, site.footer_hotline).to_string()}</p>
                <p>{t_string!(i18n, site.footer_note).to_string()}</p>
            </div>
        </footer>
    }
}
