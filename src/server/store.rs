//! The database. One `Store` over SQLite (embedded default) or PostgreSQL (at
//! scale), chosen by the URL. Each query is written once, in SQL both engines
//! accept (`$1` parameters, `RETURNING`, `ON CONFLICT`), and compiled for both pools
//! by [`on_pool!`]; each engine keeps its own migrations folder for its types.
//! The queries are split by area, one file each under `store/`.


pub use audit::{ChainBreak, StaffAuditEntry};
pub use bundles::{BundleDraft, BundleRecord, NewBundle};
pub use case_parts::CaseParts;
pub use cases::{CaseEvent, CaseRecord, Clock, NewCase, ProxyFiling, QueueFilter, QueueKind, QueueRow, QueueScope, ReviewChange, Stage, Step};
pub use calendar::CalendarYearRecord;
pub use citizens::{Citizen, CitizenCaseRow, DeliveredMessage, DraftSummary, NewCode, StoredCode, CODE_MESSAGE_KINDS};
pub use catalog::{CatalogFilter, ServiceSummaryRow};
pub use drafts::{Draft, MaterialRecord};
pub use licences::{LicenceRecord, NewLicence};
pub use outbox::{Notice, OutboxMessage};
pub use payments::PaymentRecord;
pub use proactive::{IssuedToCitizen, StoredOffer};
pub use provisions::OutstandingDeferral;
pub use proxies::DraftProxy;
pub use reviews::ReviewRecord;
pub use staff::{NewUser, UserRecord};

use crate::domain::case::CaseStatus;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// A failure of the store. Details are logged by the caller; citizens never see them.
#[derive(Debug)]
pub enum StoreError {
    /// The row changed under us (e.g. two clerks deciding the same case at once).
    Conflict,
    /// Stored data that no longer parses (a bug or a hand edit).
    Corrupt(String),
    Database(sqlx::Error),
    Migration(sqlx::migrate::MigrateError),
    /// The database refused a value it cannot hold as text, such as a NUL, which
    /// PostgreSQL text cannot store (SQLSTATE 22021, 22P05). That is the sender's
    /// input, not a failure of ours: every parser should have refused it first with
    /// its own message, and this is the net under them.
    UnstorableText(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Conflict => f.write_str("the record was changed concurrently"),
            StoreError::Corrupt(what) => write!(f, "stored data does not parse: {what}"),
            StoreError::Database(e) => write!(f, "database: {e}"),
            StoreError::Migration(e) => write!(f, "migration: {e}"),
            StoreError::UnstorableText(e) => write!(f, "text the database cannot store: {e}"),
        }
    }
}
impl std::error::Error for StoreError {}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) if matches!(d.code().as_deref(), Some("22021" | "22P05")) => StoreError::UnstorableText(d.message().to_owned()),
            _ => StoreError::Database(e),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone)]
enum Pool {
    /// SQLite's submissions go through the store's one committer (`group_commit`).
    Sqlite(SqlitePool, group_commit::Committer),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever pool the store has. The body is
/// compiled once per engine, so it must be SQL both accept.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            Pool::Sqlite($pool, _) => $body,
            Pool::Postgres($pool) => $body,
        }
    };
}

/// Every transaction in the store writes, and most read first. On SQLite a
/// transaction begun `DEFERRED` takes its read snapshot and only then asks for the
/// write lock; if another connection wrote in between it fails at once with
/// SQLITE_BUSY, whatever the busy timeout (the snapshot is stale). `BEGIN IMMEDIATE`
/// takes the write lock first and waits its turn under the busy timeout instead.
/// PostgreSQL's row locks need no such care.
trait BeginWrite {
    type Db: sqlx::Database;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// The portal's database.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    catalog: std::sync::Arc<catalog::CatalogMemo>,
}

/// The condition, with the session's cookie hash as `$2`, that the session was not
/// signed out (`revoked_sessions`).
const NOT_REVOKED: &str = "NOT EXISTS (SELECT 1 FROM revoked_sessions WHERE session_hash = $2)";

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn status_of(code: &str) -> StoreResult<CaseStatus> {
    CaseStatus::from_code(code).ok_or_else(|| corrupt(format!("case status `{code}`")))
}

/// Escapes `%`, `_` and `\` so a citizen's search text matches literally.
fn like_pattern(query: &str) -> String {
    let mut p = String::from("%");
    for c in query.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// How much of an SQLite database file is read through a memory map: all of it, as
/// far as the build allows (`SQLITE_MAX_MMAP_SIZE` in .cargo/config.toml, the same 1 TiB).
const SQLITE_MMAP_BYTES: i64 = 1 << 40;

impl Store {
    /// Connects to `url` (`sqlite:…` or `postgres://…`) and brings the schema up to date.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: an answered submission survives a power cut, not only a crash.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Read the file through a memory map, as far as it goes: no system
                // call per page. SQLite still writes with write(), so durability is unchanged.
                .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string());
            if let Some(parent) = options.get_filename().parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
                }
            }
            // No ping before each use: an in-process connection cannot go stale, and
            // the ping is one more trip to the connection's thread on every query.
            let pool = SqlitePoolOptions::new().max_connections(8).test_before_acquire(false).connect_with(options).await?;
            sqlx::migrate!("migrations/sqlite").run(&pool).await.map_err(StoreError::Migration)?;
            let committer = group_commit::Committer::spawn(pool.clone());
            Pool::Sqlite(pool, committer)
        } else {
            let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
            sqlx::migrate!("migrations/postgres").run(&pool).await.map_err(StoreError::Migration)?;
            Pool::Postgres(pool)
        };
        Ok(Store { pool, catalog: Default::default() })
    }

    /// `sqlite` or `postgres`, for logs and the bench.
    pub fn engine(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(..) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }
}

/// The next tracking number of `region`'s daily sequence, inside transaction `tx`
/// (the upsert takes the write lock first). Cases and bundles both draw from it, so a
/// number names one thing.
macro_rules! next_tracking_number {
    ($tx:expr, $region:expr, $day:expr) => {{
        let last = take_tracking_numbers!($tx, $region, $day, 1);
        crate::domain::ids::TrackingNumber::new($region, $day, last as u32)
    }};
}

/// Takes `$count` numbers of `region`'s daily sequence inside transaction `$tx`;
/// evaluates to the last of them (the first is `last - count + 1`).
macro_rules! take_tracking_numbers {
    ($tx:expr, $region:expr, $day:expr, $count:expr) => {{
        let last: i64 = sqlx::query_scalar(
            "INSERT INTO tracking_sequences (region, day, last) VALUES ($1, $2, $3)
             ON CONFLICT (region, day) DO UPDATE SET last = tracking_sequences.last + excluded.last RETURNING last",
        )
        .bind($region)
        .bind($day.compact())
        .bind($count as i64)
        .fetch_one(&mut *$tx)
        .await?;
        last
    }};
}

// After the macro: the area files use `on_pool!`; `audit` first, the others use its macros.
#[macro_use]
mod audit;
mod bundles;
mod calendar;
mod case_parts;
mod cases;
mod citizens;
mod credit;
mod catalog;
mod drafts;
mod group_commit;
mod licences;
mod outbox;
mod payments;
mod proactive;
mod provisions;
mod proxies;
mod reviews;
mod staff;

#[cfg(test)]
pub(crate) mod tests;
