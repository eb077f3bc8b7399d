//! `/demo/messages`: with demo data only, the text messages the portal sent (codes
//! included), newest first, so a visitor trying the demo can sign in without a
//! real phone. Without demo data the page does not exist.

use crate::api::account::demo_messages;
use crate::i18n::*;
use crate::ui::{load_page, page_data};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DemoMessagesPage() -> impl IntoView {
    let data = page_data(|| (), |_| demo_messages());
    load_page(data, |messages: Vec<(String, String, String)>| {
        let i18n = use_i18n();
        let title = t_string!(i18n, account.demo_box).to_string();
        view! {
            <Title text=format!("{title} - {}", t_string!(i18n, site.name))/>
            <h1 class="page-title">{title}</h1>
            <p class="mb-4">{t_string!(i18n, account.demo_box_intro).to_string()}</p>
            {if messages.is_empty() {
                view! { <p>{t_string!(i18n, account.demo_none).to_string()}</p> }.into_any()
            } else {
                view! {
                    <ul class="space-y-3" data-testid="demo-messages">
                        {messages.into_iter().map(|(at, phone, body)| view! {
                            <li class="card">
                                <p class="text-sm text-slate-700">{at}" · "<span class="font-mono">{phone}</span></p>
                                <p class="break-words">{body}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        }
    })
}
