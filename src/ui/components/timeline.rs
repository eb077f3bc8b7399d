//! A case's history as an ordered list, newest last.

use leptos::prelude::*;

/// One entry: when, what it became, who, and the note (reasons for refusals).
#[derive(Clone, Debug)]
pub struct TimelineEntry {
    pub at: String,
    pub status: String,
    pub who: String,
    pub note: String,
}

#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    view! {
        <ol class="relative ml-2 border-l-4 border-slate-300">
            {entries
                .into_iter()
                .map(|e| {
                    view! {
                        <li class="mb-4 ml-4">
                            <p class="font-semibold">{e.status}</p>
                            <p class="text-sm text-slate-700"><time>{e.at}</time>" · "{e.who}</p>
                            {(!e.note.is_empty()).then(|| view! { <p class="mt-1 whitespace-pre-line">{e.note}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
