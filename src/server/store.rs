//! The database. One `Store` over SQLite (embedded default) or PostgreSQL (at
//! scale), chosen by the URL. Each query is written once, in SQL both engines
//! accept (`$1` parameters, `RETURNING`, `ON CONFLICT`), and compiled for both pools
//! by [`on_pool!`]; each engine keeps its own migrations folder for its types.

use crate::domain::calendar::Date;
use crate::domain::case::CaseStatus;
use crate::domain::catalog::{Audience, Department, HandlingDepth, ServiceItem};
use crate::domain::form::RawAnswers;
use crate::domain::ids::TrackingNumber;
use crate::domain::material::MediaType;
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
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Conflict => f.write_str("the record was changed concurrently"),
            StoreError::Corrupt(what) => write!(f, "stored data does not parse: {what}"),
            StoreError::Database(e) => write!(f, "database: {e}"),
            StoreError::Migration(e) => write!(f, "migration: {e}"),
        }
    }
}
impl std::error::Error for StoreError {}
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Database(e)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever pool the store has. The body is
/// compiled once per engine, so it must be SQL both accept.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            Pool::Sqlite($pool) => $body,
            Pool::Postgres($pool) => $body,
        }
    };
}

/// The portal's database.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
}

/// A catalog entry as listed, without its full guide.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceSummaryRow {
    pub code: String,
    pub department: String,
    pub name_zh: String,
    pub name_en: String,
    pub summary_zh: String,
    pub summary_en: String,
    pub audiences: String,
    pub handling_depth: String,
    pub popular: bool,
    pub promised_days: i64,
}

/// Filters of the catalog list; `None` means any.
#[derive(Clone, Debug, Default)]
pub struct CatalogFilter {
    pub query: Option<String>,
    pub department: Option<String>,
    pub audience: Option<Audience>,
    pub handling_depth: Option<HandlingDepth>,
    pub popular_only: bool,
}

/// An application being filled in, before it becomes a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub id: String,
    pub owner_hash: String,
    pub service_code: String,
    pub answers: RawAnswers,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An uploaded material, attached to a draft (and so to the case it becomes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaterialRecord {
    pub id: i64,
    pub draft_id: String,
    pub material_code: String,
    pub sha256: String,
    pub media_type: MediaType,
    pub size_bytes: i64,
    pub file_name: String,
    pub uploaded_at: i64,
}

/// What submitting a draft writes.
#[derive(Clone, Debug)]
pub struct NewCase<'a> {
    pub draft: &'a Draft,
    pub region: &'a str,
    pub department: &'a str,
    pub applicant_name: &'a str,
    pub applicant_phone: &'a str,
    /// The validated, normalised answers.
    pub answers: &'a std::collections::BTreeMap<String, String>,
    pub at: i64,
}

/// A case as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: i64,
    pub tracking_number: TrackingNumber,
    pub draft_id: String,
    pub owner_hash: String,
    pub service_code: String,
    pub department: String,
    pub applicant_name: String,
    pub applicant_phone: String,
    pub answers: std::collections::BTreeMap<String, String>,
    pub status: CaseStatus,
    pub submitted_at: i64,
    pub updated_at: i64,
}

/// One step of a case's life, append-only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseEvent {
    pub at: i64,
    pub actor: String,
    pub from: Option<CaseStatus>,
    pub to: CaseStatus,
    pub note: String,
}

/// A line of a clerk's queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueRow {
    pub tracking_number: TrackingNumber,
    pub service_code: String,
    pub service_name_zh: String,
    pub service_name_en: String,
    pub applicant_name: String,
    pub status: CaseStatus,
    pub submitted_at: i64,
}

/// A staff account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub department: Option<String>,
    pub password_hash: String,
}

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
                .busy_timeout(Duration::from_secs(10));
            if let Some(parent) = options.get_filename().parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
                }
            }
            let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
            sqlx::migrate!("migrations/sqlite").run(&pool).await.map_err(StoreError::Migration)?;
            Pool::Sqlite(pool)
        } else {
            let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
            sqlx::migrate!("migrations/postgres").run(&pool).await.map_err(StoreError::Migration)?;
            Pool::Postgres(pool)
        };
        Ok(Store { pool })
    }

    /// `sqlite` or `postgres`, for logs and the bench.
    pub fn engine(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    // ---- catalog ----------------------------------------------------------

    pub async fn upsert_department(&self, d: &Department) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO departments (code, name_zh, name_en, phone) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, phone = excluded.phone",
            )
            .bind(&d.code).bind(&d.name.zh).bind(&d.name.en).bind(&d.phone)
            .execute(pool).await?;
        });
        Ok(())
    }

    pub async fn departments(&self) -> StoreResult<Vec<Department>> {
        let rows: Vec<(String, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT code, name_zh, name_en, phone FROM departments ORDER BY code").fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(code, zh, en, phone)| Department { code, name: crate::domain::text::Text { zh, en }, phone })
            .collect())
    }

    /// Stores `item` unless an identical version is already there. Returns whether
    /// anything changed, so start-up can report what the catalog files changed.
    pub async fn upsert_service_item(&self, item: &ServiceItem, content_hash: &str, at: i64) -> StoreResult<bool> {
        let definition = serde_json::to_string(item).map_err(corrupt)?;
        let audiences = format!(",{},", item.audience.iter().map(|a| a.code()).collect::<Vec<_>>().join(","));
        let changed = on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO service_items (code, department, name_zh, name_en, summary_zh, summary_en, audiences,
                     handling_depth, popular, promised_days, definition, content_hash, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                 ON CONFLICT (code) DO UPDATE SET department = excluded.department, name_zh = excluded.name_zh,
                     name_en = excluded.name_en, summary_zh = excluded.summary_zh, summary_en = excluded.summary_en,
                     audiences = excluded.audiences, handling_depth = excluded.handling_depth, popular = excluded.popular,
                     promised_days = excluded.promised_days, definition = excluded.definition,
                     content_hash = excluded.content_hash, updated_at = excluded.updated_at
                 WHERE service_items.content_hash <> excluded.content_hash",
            )
            .bind(&item.code).bind(&item.department).bind(&item.name.zh).bind(&item.name.en)
            .bind(&item.summary.zh).bind(&item.summary.en).bind(&audiences).bind(item.handling_depth.code())
            .bind(item.popular).bind(i64::from(item.guide.promised_days)).bind(&definition).bind(content_hash).bind(at)
            .execute(pool).await?.rows_affected()
        });
        Ok(changed > 0)
    }

    pub async fn list_service_items(&self, filter: &CatalogFilter) -> StoreResult<Vec<ServiceSummaryRow>> {
        // Fixed SQL with "$n IS NULL OR …" keeps one statement (and one prepared plan) per engine.
        let query = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(like_pattern);
        let audience = filter.audience.map(|a| format!("%,{},%", a.code()));
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, ServiceSummaryRow>(
                "SELECT code, department, name_zh, name_en, summary_zh, summary_en, audiences, handling_depth, popular, promised_days
                 FROM service_items
                 WHERE ($1 IS NULL OR LOWER(name_zh) LIKE $1 ESCAPE '\\' OR LOWER(name_en) LIKE $1 ESCAPE '\\'
                        OR LOWER(summary_zh) LIKE $1 ESCAPE '\\' OR LOWER(summary_en) LIKE $1 ESCAPE '\\')
                   AND ($2 IS NULL OR department = $2)
                   AND ($3 IS NULL OR audiences LIKE $3)
                   AND ($4 IS NULL OR handling_depth = $4)
                   AND ($5 = FALSE OR popular = TRUE)
                 ORDER BY popular DESC, code",
            )
            .bind(query).bind(filter.department.as_deref()).bind(audience)
            .bind(filter.handling_depth.map(|d| d.code())).bind(filter.popular_only)
            .fetch_all(pool).await?
        });
        Ok(rows)
    }

    pub async fn service_item(&self, code: &str) -> StoreResult<Option<ServiceItem>> {
        let definition: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT definition FROM service_items WHERE code = $1").bind(code).fetch_optional(pool).await?
        });
        definition.map(|d| serde_json::from_str(&d).map_err(|e| corrupt(format!("service item {code}: {e}")))).transpose()
    }

    // ---- drafts and materials ----------------------------------------------

    /// Creates or updates a draft's answers.
    pub async fn save_draft(&self, draft: &Draft) -> StoreResult<()> {
        let answers = serde_json::to_string(&draft.answers).map_err(corrupt)?;
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO drafts (id, owner_hash, service_code, answers, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (id) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at
                 WHERE drafts.owner_hash = excluded.owner_hash",
            )
            .bind(&draft.id).bind(&draft.owner_hash).bind(&draft.service_code).bind(&answers)
            .bind(draft.created_at).bind(draft.updated_at)
            .execute(pool).await?;
        });
        Ok(())
    }

    pub async fn draft(&self, id: &str) -> StoreResult<Option<Draft>> {
        let row: Option<(String, String, String, String, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, owner_hash, service_code, answers, created_at, updated_at FROM drafts WHERE id = $1")
                .bind(id).fetch_optional(pool).await?
        });
        row.map(|(id, owner_hash, service_code, answers, created_at, updated_at)| {
            let answers = serde_json::from_str(&answers).map_err(|e| corrupt(format!("draft {id}: {e}")))?;
            Ok(Draft { id, owner_hash, service_code, answers, created_at, updated_at })
        })
        .transpose()
    }

    /// Attaches an uploaded file to a draft, replacing an earlier file for the same material.
    pub async fn put_material(&self, m: &MaterialRecord) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO materials (draft_id, material_code, sha256, media_type, size_bytes, file_name, uploaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (draft_id, material_code) DO UPDATE SET sha256 = excluded.sha256, media_type = excluded.media_type,
                     size_bytes = excluded.size_bytes, file_name = excluded.file_name, uploaded_at = excluded.uploaded_at",
            )
            .bind(&m.draft_id).bind(&m.material_code).bind(&m.sha256).bind(m.media_type.code())
            .bind(m.size_bytes).bind(&m.file_name).bind(m.uploaded_at)
            .execute(pool).await?;
        });
        Ok(())
    }

    pub async fn materials_of_draft(&self, draft_id: &str) -> StoreResult<Vec<MaterialRecord>> {
        let rows: Vec<(i64, String, String, String, String, i64, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, draft_id, material_code, sha256, media_type, size_bytes, file_name, uploaded_at
                 FROM materials WHERE draft_id = $1 ORDER BY id",
            )
            .bind(draft_id).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, draft_id, material_code, sha256, media, size_bytes, file_name, uploaded_at)| {
                let media_type = MediaType::from_code(&media).ok_or_else(|| corrupt(format!("media type `{media}`")))?;
                Ok(MaterialRecord { id, draft_id, material_code, sha256, media_type, size_bytes, file_name, uploaded_at })
            })
            .collect()
    }

    /// One material by id, for staff viewing a case's documents.
    pub async fn material_by_id(&self, id: i64) -> StoreResult<Option<MaterialRecord>> {
        let draft_id: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT draft_id FROM materials WHERE id = $1").bind(id).fetch_optional(pool).await?
        });
        let Some(draft_id) = draft_id else { return Ok(None) };
        Ok(self.materials_of_draft(&draft_id).await?.into_iter().find(|m| m.id == id))
    }

    // ---- cases ---------------------------------------------------------------

    /// Turns a draft into a case with a new tracking number and its first event, in
    /// one transaction. Submitting the same draft again returns the case it already
    /// became: a double click or a network retry never makes two cases.
    pub async fn submit_case(&self, new: &NewCase<'_>) -> StoreResult<CaseRecord> {
        let day = Date::from_unix_ms_china(new.at);
        let answers = serde_json::to_string(new.answers).map_err(corrupt)?;
        let inserted: Result<(), sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            // Write first: on SQLite this takes the write lock before any read, so the
            // transaction never has to upgrade a read snapshot (which could fail busy).
            let sequence: i64 = sqlx::query_scalar(
                "INSERT INTO tracking_sequences (region, day, last) VALUES ($1, $2, 1)
                 ON CONFLICT (region, day) DO UPDATE SET last = tracking_sequences.last + 1 RETURNING last",
            )
            .bind(new.region).bind(day.compact())
            .fetch_one(&mut *tx).await?;
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE draft_id = $1")
                .bind(&new.draft.id).fetch_optional(&mut *tx).await?;
            if exists.is_some() {
                tx.rollback().await?;
                return Ok(());
            }
            let tracking = TrackingNumber::new(new.region, day, sequence as u32);
            let case_id: i64 = sqlx::query_scalar(
                "INSERT INTO cases (tracking_number, draft_id, owner_hash, service_code, department, applicant_name,
                     applicant_phone, answers, status, submitted_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            )
            .bind(tracking.as_str()).bind(&new.draft.id).bind(&new.draft.owner_hash).bind(&new.draft.service_code)
            .bind(new.department).bind(new.applicant_name).bind(new.applicant_phone).bind(&answers)
            .bind(CaseStatus::Submitted.code()).bind(new.at)
            .fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO case_events (case_id, at, actor, from_status, to_status, note) VALUES ($1, $2, $3, NULL, $4, '')")
                .bind(case_id).bind(new.at).bind("applicant").bind(CaseStatus::Submitted.code())
                .execute(&mut *tx).await?;
            tx.commit().await
        }.await);
        match inserted {
            Ok(()) => {}
            // A concurrent submission of the same draft won the race: return its case.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {}
            Err(e) => return Err(e.into()),
        }
        self.case_by_draft(&new.draft.id).await?.ok_or_else(|| corrupt("submitted case vanished"))
    }

    const CASE_COLUMNS: &'static str = "id, tracking_number, draft_id, owner_hash, service_code, department, applicant_name, \
                                        applicant_phone, answers, status, submitted_at, updated_at";

    async fn case_where(&self, column: &str, value: &str) -> StoreResult<Option<CaseRecord>> {
        let sql = format!("SELECT {} FROM cases WHERE {column} = $1", Self::CASE_COLUMNS);
        type CaseRow = (i64, String, String, String, String, String, String, String, String, String, i64, i64);
        let row: Option<CaseRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(value).fetch_optional(pool).await?);
        row.map(|(id, tn, draft_id, owner_hash, service_code, department, applicant_name, applicant_phone, answers, status, submitted_at, updated_at)| {
            Ok(CaseRecord {
                id,
                tracking_number: TrackingNumber::parse(&tn).map_err(|_| corrupt(format!("tracking number `{tn}`")))?,
                draft_id,
                owner_hash,
                service_code,
                department,
                applicant_name,
                applicant_phone,
                answers: serde_json::from_str(&answers).map_err(|e| corrupt(format!("case {id} answers: {e}")))?,
                status: status_of(&status)?,
                submitted_at,
                updated_at,
            })
        })
        .transpose()
    }

    pub async fn case_by_tracking(&self, tracking: &TrackingNumber) -> StoreResult<Option<CaseRecord>> {
        self.case_where("tracking_number", tracking.as_str()).await
    }

    pub async fn case_by_draft(&self, draft_id: &str) -> StoreResult<Option<CaseRecord>> {
        self.case_where("draft_id", draft_id).await
    }

    /// The case's events, oldest first.
    pub async fn case_events(&self, case_id: i64) -> StoreResult<Vec<CaseEvent>> {
        let rows: Vec<(i64, String, Option<String>, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT at, actor, from_status, to_status, note FROM case_events WHERE case_id = $1 ORDER BY id")
                .bind(case_id).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(at, actor, from, to, note)| {
                Ok(CaseEvent { at, actor, from: from.as_deref().map(status_of).transpose()?, to: status_of(&to)?, note })
            })
            .collect()
    }

    /// Moves a case from `from` to `to` and appends the event, in one transaction.
    /// Fails with [`StoreError::Conflict`] if the case is no longer in `from`
    /// (someone else decided first), so no decision is ever silently overwritten.
    pub async fn record_transition(&self, case_id: i64, from: CaseStatus, to: CaseStatus, actor: &str, note: &str, at: i64) -> StoreResult<()> {
        let changed = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query("UPDATE cases SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
                .bind(to.code()).bind(at).bind(case_id).bind(from.code())
                .execute(&mut *tx).await?.rows_affected();
            if changed == 1 {
                sqlx::query("INSERT INTO case_events (case_id, at, actor, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(case_id).bind(at).bind(actor).bind(from.code()).bind(to.code()).bind(note)
                    .execute(&mut *tx).await?;
                tx.commit().await?;
            }
            changed
        });
        if changed == 1 { Ok(()) } else { Err(StoreError::Conflict) }
    }

    /// Cases in any of `statuses`, oldest first (first come, first served), with paging.
    pub async fn queue(&self, statuses: &[CaseStatus], limit: i64, offset: i64) -> StoreResult<Vec<QueueRow>> {
        // Status codes are our own constants, never user input, so they may be inlined.
        let list = statuses.iter().map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT c.tracking_number, c.service_code, s.name_zh, s.name_en, c.applicant_name, c.status, c.submitted_at
             FROM cases c JOIN service_items s ON s.code = c.service_code
             WHERE c.status IN ({list}) ORDER BY c.submitted_at, c.id LIMIT $1 OFFSET $2"
        );
        let rows: Vec<(String, String, String, String, String, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(&sql).bind(limit).bind(offset).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(tn, service_code, service_name_zh, service_name_en, applicant_name, status, submitted_at)| {
                Ok(QueueRow {
                    tracking_number: TrackingNumber::parse(&tn).map_err(|_| corrupt(format!("tracking number `{tn}`")))?,
                    service_code,
                    service_name_zh,
                    service_name_en,
                    applicant_name,
                    status: status_of(&status)?,
                    submitted_at,
                })
            })
            .collect()
    }

    /// How many cases are in each status, for the queue's tabs.
    pub async fn count_by_status(&self) -> StoreResult<Vec<(CaseStatus, i64)>> {
        let rows: Vec<(String, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT status, COUNT(*) FROM cases GROUP BY status").fetch_all(pool).await?
        });
        rows.into_iter().map(|(s, n)| Ok((status_of(&s)?, n))).collect()
    }

    // ---- staff accounts --------------------------------------------------------

    /// Creates the account, or updates its name, role and password if it exists.
    pub async fn upsert_user(&self, username: &str, display_name: &str, role: &str, department: Option<&str>, password_hash: &str, at: i64) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO users (username, display_name, role, department, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
                     department = excluded.department, password_hash = excluded.password_hash",
            )
            .bind(username).bind(display_name).bind(role).bind(department).bind(password_hash).bind(at)
            .execute(pool).await?;
        });
        Ok(())
    }

    pub async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        self.user_where("username = $1", username).await
    }

    pub async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>> {
        let row: Option<(i64, String, String, String, Option<String>, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, username, display_name, role, department, password_hash FROM users WHERE id = $1")
                .bind(id).fetch_optional(pool).await?
        });
        Ok(row.map(user_from_row))
    }

    async fn user_where(&self, condition: &str, value: &str) -> StoreResult<Option<UserRecord>> {
        let sql = format!("SELECT id, username, display_name, role, department, password_hash FROM users WHERE {condition}");
        let row: Option<(i64, String, String, String, Option<String>, String)> = on_pool!(self, pool => {
            sqlx::query_as(&sql).bind(value).fetch_optional(pool).await?
        });
        Ok(row.map(user_from_row))
    }
}

fn user_from_row((id, username, display_name, role, department, password_hash): (i64, String, String, String, Option<String>, String)) -> UserRecord {
    UserRecord { id, username, display_name, role, department, password_hash }
}

#[cfg(test)]
mod tests;
