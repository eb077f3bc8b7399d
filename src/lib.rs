//! Online government services portal (全程网办). See `README.md` and the design
//! brief for the domain words used throughout.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

/// Browser entry: wakes the islands of a server-rendered page. Everything else on
/// the page is plain HTML that works before (and without) this WASM.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
