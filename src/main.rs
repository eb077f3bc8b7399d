//! Server entry: loads settings, the database and the catalog, then serves the portal.
//!
//! `portal` serves; `portal verify-audit` checks every audit chain in the database
//! and names the first broken event of each broken chain (exit status 1 if any).

use leptos::prelude::*;
use portal::server::notify::{LogGateway, spawn_reminders, spawn_worker};
use portal::server::{AppState, auth::SessionKey, blobs::BlobStore, catalog_loader, clock, demo, settings::Settings, store::Store, throttle::Throttle};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("portal cannot start: {message}");
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()))
        .init();

    let settings = Settings::load(std::path::Path::new("Leptos.toml")).unwrap_or_else(|e| fail(e));
    let command = std::env::args().nth(1);
    match command.as_deref() {
        None | Some("serve") => serve(settings).await,
        Some("verify-audit") => verify_audit(settings).await,
        Some(other) => fail(format!("unknown command `{other}`; use `portal` (serve) or `portal verify-audit`")),
    }
}

async fn verify_audit(settings: Settings) {
    let store = Store::connect(&settings.database_url).await.unwrap_or_else(|e| fail(format!("database {}: {e}", settings.database_url)));
    match store.verify_all_chains().await {
        Ok((checked, breaks)) if breaks.is_empty() => println!("verify-audit: {checked} chains checked, all intact"),
        Ok((checked, breaks)) => {
            println!("verify-audit: {checked} chains checked, {} broken:", breaks.len());
            for b in breaks {
                println!("  {b}");
            }
            std::process::exit(1);
        }
        Err(e) => fail(format!("verify-audit: {e}")),
    }
}

async fn serve(settings: Settings) {
    let mut conf = get_configuration(Some("Cargo.toml")).unwrap_or_else(|e| fail(format!("Cargo.toml [package.metadata.leptos]: {e}")));
    conf.leptos_options.site_addr = settings.site_addr;
    let leptos_options = conf.leptos_options;

    let catalog = catalog_loader::read_catalog(&settings.catalog_dir).unwrap_or_else(|e| fail(format!("the catalog has problems:\n{e}")));
    let store = Store::connect(&settings.database_url).await.unwrap_or_else(|e| fail(format!("database {}: {e}", settings.database_url)));
    let changed = catalog_loader::store_catalog(&store, &catalog, clock::now_ms()).await.unwrap_or_else(|e| fail(e));
    tracing::info!(engine = store.engine(), items = catalog.items.len(), changed, "catalog loaded");
    let chained = store.chain_unchained_events().await.unwrap_or_else(|e| fail(format!("chaining older events: {e}")));
    if chained > 0 {
        tracing::info!(cases = chained, "events written before the audit chain existed were chained");
    }
    let calendar = catalog_loader::load_calendar(&store).await.unwrap_or_else(|e| fail(e));
    let last_year = calendar.years().last();
    if last_year < Some(clock::today().year() + 1) {
        tracing::warn!(?last_year, "the working-day calendar ends soon: deadlines past it are provisional; add next year's holidays");
    }
    if settings.demo_data {
        demo::create_demo_accounts(&store, clock::now_ms()).await.unwrap_or_else(|e| fail(format!("demo accounts: {e}")));
        tracing::warn!("demo data is on: demo staff accounts exist (see README); never use this in production");
    }
    let session_key = SessionKey::load_or_create(&settings.session_key_file).unwrap_or_else(|e| fail(format!("session key: {e}")));

    let state = AppState {
        leptos_options,
        blobs: BlobStore::new(&settings.upload_dir),
        settings: Arc::new(settings),
        store: store.clone(),
        session_key,
        throttle: Arc::new(Throttle::default()),
        sites: Arc::new(catalog.sites),
        proactive: Arc::new(catalog.proactive),
        calendar: Arc::new(RwLock::new(calendar)),
    };
    spawn_worker(store, Arc::new(LogGateway));
    spawn_reminders(state.clone());
    let app = portal::server::router::router(state.clone());

    let addr = state.settings.site_addr;
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap_or_else(|e| fail(format!("cannot listen on {addr}: {e}")));
    tracing::info!("serving http://{addr}");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .unwrap_or_else(|e| fail(e));
}
