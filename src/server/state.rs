//! What every request handler and server function can reach.

use crate::server::{auth::SessionKey, blobs::BlobStore, settings::Settings, store::Store, throttle::Throttle};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    pub store: Store,
    pub blobs: BlobStore,
    pub session_key: SessionKey,
    pub throttle: Arc<Throttle>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
