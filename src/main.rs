//! Server entry: loads settings, the database and the catalog, then serves the portal.
//!
//! `portal` serves; `portal verify-audit` checks every audit chain in the database
//! and names the first broken event of each broken chain (exit status 1 if any).

use leptos::prelude::*;
use portal::server::notify::{LogGateway, spawn_reminders, spawn_worker};
use portal::server::{AppState, AppStateParts, auth::SessionKey, blobs::BlobStore, catalog_loader, clock, demo, settings::Settings, store::Store, throttle::Throttle};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("portal cannot start: {message}");
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    portal::server::logging::init();

    let settings = Settings::load(std::path::Path::new("Leptos.toml")).unwrap_or_else(|e| fail(e));
    let command = std::env::args().nth(1);
    match command.as_deref() {
        None | Some("serve") => serve(settings).await,
        Some("verify-audit") => verify_audit(settings).await,
        Some("verify-cases") => verify_cases(settings).await,
        Some("create-admin") => create_admin(settings, std::env::args().nth(2)).await,
        Some(command @ ("disable-user" | "enable-user")) => set_disabled(settings, std::env::args().nth(2), command == "disable-user").await,
        Some(other) => fail(format!(
            "unknown command `{other}`; use `portal` (serve), `portal verify-audit`, `portal verify-cases`, `portal create-admin <username>`, `portal disable-user <username>` or `portal enable-user <username>`"
        )),
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

/// Reads acknowledgements from standard input, one per line (`submitted <number>`,
/// `decided <number> <action>`), and checks that each is stored whole: the case, its
/// events, its materials' files and, for a decision, its message to the applicant.
/// Exit status 1 if anything acknowledged is missing.
async fn verify_cases(settings: Settings) {
    use portal::server::durability::{Acknowledged, missing};
    let store = Store::connect(&settings.database_url).await.unwrap_or_else(|e| fail(format!("database {}: {e}", settings.database_url)));
    let blobs = BlobStore::from_settings(&settings).unwrap_or_else(|e| fail(e));
    let (mut submitted, mut decided, mut problems) = (0, 0, Vec::new());
    for line in std::io::stdin().lines() {
        let line = line.unwrap_or_else(|e| fail(format!("reading standard input: {e}")));
        if line.trim().is_empty() {
            continue;
        }
        let ack = Acknowledged::parse(&line).unwrap_or_else(|e| fail(e));
        match ack {
            Acknowledged::Submitted(_) => submitted += 1,
            Acknowledged::Decided(..) => decided += 1,
        }
        problems.extend(missing(&store, &blobs, &ack).await.unwrap_or_else(|e| fail(format!("verify-cases: {e}"))));
    }
    println!("verify-cases: {submitted} acknowledged submissions and {decided} acknowledged decisions checked, {} problems", problems.len());
    for p in &problems {
        println!("  {p}");
    }
    if !problems.is_empty() {
        std::process::exit(1);
    }
}

/// Creates the first administrator (or sets a new password for one): outside demo
/// data there is no default account. The password is read from standard input
/// (one line), never from the command line, where other users could see it.
async fn create_admin(settings: Settings, username: Option<String>) {
    use portal::server::store::NewUser;
    let Some(username) = username.filter(|u| portal::server::auth::valid_username(u)) else {
        fail("usage: portal create-admin <username> (3–32 lowercase letters, digits or _), the password on standard input")
    };
    let mut password = String::new();
    std::io::stdin().read_line(&mut password).unwrap_or_else(|e| fail(format!("reading the password: {e}")));
    let password = password.trim_end_matches(['\r', '\n']);
    if let Err(why) = portal::server::auth::acceptable_password(password) {
        fail(why);
    }
    let store = Store::connect(&settings.database_url).await.unwrap_or_else(|e| fail(format!("database {}: {e}", settings.database_url)));
    let hash = portal::server::auth::hash_password(password);
    let admin = [portal::domain::case::Role::Admin];
    let user = NewUser { username: &username, display_name: &username, roles: &admin, department: None, site: None, password_hash: &hash };
    store.upsert_user(&user, clock::now_ms()).await.unwrap_or_else(|e| fail(format!("saving the administrator: {e}")));
    println!("create-admin: `{username}` is an administrator and can sign in at /admin/login");
}

/// Disables a staff account (its sessions end at once, on every process) or enables
/// it again; recorded in the staff audit chain.
async fn set_disabled(settings: Settings, username: Option<String>, disabled: bool) {
    let Some(username) = username else { fail("usage: portal disable-user <username> | portal enable-user <username>") };
    let store = Store::connect(&settings.database_url).await.unwrap_or_else(|e| fail(format!("database {}: {e}", settings.database_url)));
    let now = clock::now_ms();
    match store.set_user_disabled(&username, disabled, now).await {
        Ok(true) => {}
        Ok(false) => fail(format!("there is no staff account `{username}`")),
        Err(e) => fail(format!("changing `{username}`: {e}")),
    }
    let action = if disabled { "user_disabled" } else { "user_enabled" };
    store.record_staff_action(now, "system:command", action, &username, "").await.unwrap_or_else(|e| fail(format!("recording the change: {e}")));
    println!("{action}: {username}");
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

    let assets = portal::server::assets::ClientAssets::load(std::path::Path::new(&*leptos_options.site_root), &leptos_options.site_pkg_dir)
        .unwrap_or_else(|e| fail(format!("the built client code (run the build first): {e}")));
    let blobs = BlobStore::from_settings(&settings).unwrap_or_else(|e| fail(e));
    tracing::info!(uploads = %blobs.describe(), "uploads stored");
    let state = AppState::new(AppStateParts {
        leptos_options,
        assets,
        pages: Default::default(),
        blobs,
        settings: Arc::new(settings),
        store: store.clone(),
        session_key,
        throttle: Arc::new(Throttle::default()),
        sites: Arc::new(catalog.sites),
        proactive: Arc::new(catalog.proactive),
        bundles: Arc::new(catalog.bundles),
        calendar: Arc::new(RwLock::new(calendar)),
    });
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
