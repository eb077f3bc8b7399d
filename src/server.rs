//! Everything that touches the outside world: settings, the database, uploaded
//! files, sessions. Compiled only into the server (`ssr`).

pub mod assets;
pub mod audit;
pub mod auth;
pub mod blobs;
pub mod catalog_loader;
pub mod clock;
pub mod codes;
pub mod demo;
pub mod durability;
pub mod forwarded;
pub mod guard;
pub mod licences;
pub mod logging;
pub mod notify;
pub mod page_cache;
pub mod payments;
pub mod router;
pub mod settings;
pub mod state;
pub mod store;
pub mod throttle;

pub use state::{AppState, AppStateParts};
