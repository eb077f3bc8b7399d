//! What every request handler and server function can reach.

use crate::domain::calendar::WorkCalendar;
use crate::domain::site::Sites;
use crate::server::{auth::SessionKey, blobs::BlobStore, settings::Settings, store::Store, throttle::Throttle};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::{Arc, RwLock};

/// Cloned for every request, often several times (each `State` extractor, each server
/// function's `state()`), so a clone is one reference count, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<AppStateParts>);

impl std::ops::Deref for AppState {
    type Target = AppStateParts;
    fn deref(&self) -> &AppStateParts {
        &self.0
    }
}

pub struct AppStateParts {
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    pub store: Store,
    pub blobs: BlobStore,
    pub session_key: SessionKey,
    pub throttle: Arc<Throttle>,
    /// The service sites, loaded at start-up from `catalog/sites.toml`.
    pub sites: Arc<Sites>,
    /// The proactive service rules (主动办), loaded at start-up from `catalog/proactive.toml`.
    pub proactive: Arc<Vec<crate::domain::proactive::ProactiveRule>>,
    /// The bundles (一件事一次办), loaded at start-up from `catalog/bundles/`.
    pub bundles: Arc<Vec<crate::domain::bundle::Bundle>>,
    /// The working-day calendar, rebuilt from the database after an administrator's edit.
    pub calendar: Arc<RwLock<WorkCalendar>>,
    /// The client code and stylesheet under content-hashed names.
    pub assets: crate::server::assets::ClientAssets,
    /// Public catalog pages rendered once (`server::page_cache`).
    pub pages: crate::server::page_cache::PageCache,
}

impl AppState {
    pub fn new(parts: AppStateParts) -> AppState {
        AppState(Arc::new(parts))
    }

    /// A copy of the calendar as it stands now.
    pub fn calendar(&self) -> WorkCalendar {
        self.calendar.read().map(|c| c.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }
}

impl FromRef<AppState> for crate::server::assets::ClientAssets {
    fn from_ref(state: &AppState) -> Self {
        state.assets.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
