//! The error summary at the top of a page: a list of problems, each linking to
//! the field or section to fix. Focusable, announced as an alert.

use leptos::prelude::*;

/// `problems`: (link to the place to fix, message).
#[component]
pub fn ErrorSummary(title: String, problems: Vec<(String, String)>) -> impl IntoView {
    (!problems.is_empty()).then(|| {
        view! {
            <div id="error-summary" class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
                <h2 id="error-summary-title" class="mb-2 text-lg font-bold text-red-800">{title}</h2>
                <ul class="list-disc pl-5">
                    {problems
                        .into_iter()
                        .map(|(href, message)| view! { <li><a class="link font-semibold text-red-800" href=href>{message}</a></li> })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}
