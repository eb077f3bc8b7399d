//! Printing a receipt. An island only because `window.print()` needs the browser.

use leptos::prelude::*;

#[island]
pub fn PrintButton(label: String) -> impl IntoView {
    view! {
        <button type="button" class="btn-secondary no-print" on:click=move |_| {
            let _ = window().print();
        }>{label}</button>
    }
}
