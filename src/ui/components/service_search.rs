//! The catalog search box. Without JavaScript it is a plain search field in a GET
//! form. As an island it also offers matching services while the citizen types
//! (Chinese, pinyin or initials, by the same search as the catalog), fetched with
//! gloo-net from `/api/catalog/suggest`: a list of links to their guides, counted
//! out loud for screen readers.

use crate::api::catalog::Suggestion;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything the box shows, in the page's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchBoxModel {
    pub input_id: String,
    pub value: String,
    pub placeholder: String,
    /// The id of the hint the field is described by.
    pub hint_id: String,
    /// Where a suggestion leads, before its code: `/services/` or `/m/services/`.
    pub guide_base: String,
    /// "匹配的事项"
    pub list_label: String,
    /// "{count} 个匹配事项，按 Tab 键选择"
    pub count_template: String,
}

#[island]
pub fn ServiceSearch(model: SearchBoxModel) -> impl IntoView {
    let SearchBoxModel { input_id, value, placeholder, hint_id, guide_base, list_label, count_template } = model;
    let suggestions = RwSignal::new(Vec::<Suggestion>::new());
    // Each keystroke starts a newer search; an answer to an older one is dropped.
    let latest = StoredValue::new(0u32);
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        let this = latest.get_value().wrapping_add(1);
        latest.set_value(this);
        if typed.trim().is_empty() {
            suggestions.set(Vec::new());
            return;
        }
        // A short pause, so that quick typing sends one request, not one per key.
        set_timeout(
            move || {
                if latest.get_value() != this {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let found = fetch_suggestions(&typed).await;
                    if latest.get_value() == this {
                        suggestions.set(found);
                    }
                });
            },
            std::time::Duration::from_millis(150),
        );
    };
    let guide_base = StoredValue::new(guide_base);
    view! {
        <input id=input_id name="q" type="search" class="field-input" value=value placeholder=placeholder
            aria-describedby=hint_id autocomplete="off" spellcheck="false" on:input=on_input/>
        <p class="sr-only" role="status">
            {move || {
                let n = suggestions.with(Vec::len);
                (n > 0).then(|| count_template.replace("{count}", &n.to_string()))
            }}
        </p>
        {move || (!suggestions.with(Vec::is_empty)).then(|| view! {
            <ul class="suggestions" aria-label=list_label.clone()>
                {suggestions.get().into_iter().map(|s| view! {
                    <li><a href=format!("{}{}", guide_base.get_value(), s.code)>{s.name}</a></li>
                }).collect_view()}
            </ul>
        })}
    }
}

/// Asks the server; a failure (offline, slow) just offers nothing: the form still works.
async fn fetch_suggestions(typed: &str) -> Vec<Suggestion> {
    #[cfg(feature = "hydrate")]
    {
        let url = format!("/api/catalog/suggest?q={}", crate::ui::encode_query(typed));
        match gloo_net::http::Request::get(&url).header("Accept", "application/json").send().await {
            Ok(answer) if answer.ok() => answer.json().await.unwrap_or_default(),
            _ => Vec::new(),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = typed;
        Vec::new()
    }
}
