//! `/admin/login`: staff sign-in.

use crate::api::staff::Login;
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::components::error_summary::ErrorSummary;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map().read_untracked();
    let failed = query.get("failed").is_some();
    let ended = query.get("ended").is_some();
    // The lock's notice, with the minutes left (bounded: the address is editable).
    let locked = query.get("locked").and_then(|m| m.parse::<i64>().ok()).map(|m| m.clamp(1, crate::domain::lockout::LOCK_MS / 60_000));
    let problems = match (locked, failed) {
        (Some(minutes), _) => vec![("#username".to_owned(), fill_template(&t_string!(i18n, admin.login_locked).to_string(), &[("minutes", minutes.to_string())]))],
        (None, true) => vec![("#username".to_owned(), t_string!(i18n, admin.login_failed).to_string())],
        (None, false) => vec![],
    };
    view! {
        <Title text=format!("{} - {}", t_string!(i18n, admin.login_title), t_string!(i18n, site.name))/>
        <h1 class="page-title">{t_string!(i18n, admin.login_title).to_string()}</h1>
        <ErrorSummary title=t_string!(i18n, admin.login_error_title).to_string() problems=problems/>
        {ended.then(|| view! { <p class="success mb-4" role="status">{t_string!(i18n, admin.signed_out_everywhere).to_string()}</p> })}
        <form method="post" action=Login::PATH class="card max-w-md">
            <div class="field">
                <label for="username" class="field-label">{t_string!(i18n, admin.username).to_string()}</label>
                <input id="username" name="username" type="text" class="field-input" autocomplete="username" required spellcheck="false"/>
            </div>
            <div class="field">
                <label for="password" class="field-label">{t_string!(i18n, admin.password).to_string()}</label>
                <input id="password" name="password" type="password" class="field-input" autocomplete="current-password" required/>
            </div>
            <button type="submit" class="btn-primary">{t_string!(i18n, admin.sign_in).to_string()}</button>
        </form>
    }
}
