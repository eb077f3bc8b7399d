//! `/m/me` ("我的") on the handheld version: what a citizen reaches for without
//! looking for it — progress of a case, the hotline, the language, the desktop site.

use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MePage() -> impl IntoView {
    let i18n = use_i18n();
    let title = t_string!(i18n, me.title).to_string();
    view! {
        <Title text=format!("{title} - {}", t_string!(i18n, site.name))/>
        <h1 class="page-title">{title}</h1>
        <ul class="menu-list card mb-6">
            <li><a href="/m/track">{t_string!(i18n, me.track).to_string()}</a></li>
            <li><a href="tel:12345">{t_string!(i18n, me.hotline).to_string()}</a></li>
            <li><a href="/">{t_string!(i18n, me.desktop).to_string()}</a></li>
        </ul>
        <p class="text-slate-700">{t_string!(i18n, me.note).to_string()}</p>
    }
}
