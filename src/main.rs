//! Server entry: loads settings, the database and the catalog, then serves the portal.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use portal::api::files;
use portal::app::{App, shell};
use portal::server::{AppState, auth::SessionKey, blobs::BlobStore, catalog_loader, clock, demo, settings::Settings, store::Store, throttle::Throttle};
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

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
    let mut conf = get_configuration(Some("Cargo.toml")).unwrap_or_else(|e| fail(format!("Cargo.toml [package.metadata.leptos]: {e}")));
    conf.leptos_options.site_addr = settings.site_addr;
    let leptos_options = conf.leptos_options;

    let catalog = catalog_loader::read_catalog(&settings.catalog_dir).unwrap_or_else(|e| fail(format!("the catalog has problems:\n{e}")));
    let store = Store::connect(&settings.database_url).await.unwrap_or_else(|e| fail(format!("database {}: {e}", settings.database_url)));
    let changed = catalog_loader::store_catalog(&store, &catalog, clock::now_ms()).await.unwrap_or_else(|e| fail(e));
    tracing::info!(engine = store.engine(), items = catalog.items.len(), changed, "catalog loaded");
    if settings.demo_data {
        demo::create_demo_accounts(&store, clock::now_ms()).await.unwrap_or_else(|e| fail(format!("demo accounts: {e}")));
        tracing::warn!("demo data is on: demo staff accounts exist (see README); never use this in production");
    }
    let session_key = SessionKey::load_or_create(&settings.session_key_file).unwrap_or_else(|e| fail(format!("session key: {e}")));

    let state = AppState {
        leptos_options: leptos_options.clone(),
        blobs: BlobStore::new(&settings.upload_dir),
        settings: Arc::new(settings),
        store,
        session_key,
        throttle: Arc::new(Throttle::default()),
    };
    let upload_limit = state.settings.upload_max_bytes as usize + 64 * 1024;
    let routes = generate_route_list(App);
    let app = Router::new()
        .route("/apply/{draft}/materials/{material}", post(files::upload_material).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/admin/materials/{id}", get(files::view_material))
        .route("/lang/{locale}", get(portal::ui::language::switch_language))
        // Client code, served from the brotli copies the build makes when the browser accepts them.
        .nest_service("/pkg", ServeDir::new(format!("{}/{}", leptos_options.site_root, leptos_options.site_pkg_dir)).precompressed_br())
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), portal::ui::language::default_locale))
        .layer(axum::middleware::from_fn(portal::ui::security_headers))
        .layer(CompressionLayer::new())
        .with_state(state.clone());

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
