//! Everything recorded with a case besides its own row, read at once for the pages
//! that show a case whole (the progress lookup above all, which must stay fast with
//! ten million cases stored).
//!
//! On SQLite every statement is a trip to the connection's own thread and back, and
//! those trips, not the reads, were most of a lookup's time; so the five reads go
//! as one batch of statements, in one trip. PostgreSQL cannot take parameters with
//! several statements at once: there they run side by side on their own connections.
//! The statements are the ones the single reads use (`CASE_EVENTS`, …), so there is
//! one SQL text of each.

use super::cases::{CASE_COLUMNS, CASE_EVENTS, CaseEvent, EventRow, event, sqlite_case};
use super::licences::{CASE_LICENCE, LicenceRecord, licence};
use super::outbox::{CASE_MESSAGES, OutboxMessage, message};
use super::provisions::{draft_provisions, provision};
use super::reviews::{CASE_REVIEWS, ReviewRecord, ReviewRow, review};
use super::{CaseRecord, Pool, Store, StoreResult, corrupt};
use crate::domain::ids::TrackingNumber;
use crate::domain::provision::Provision;
use futures_util::TryStreamExt;
use sqlx::{Either, FromRow, sqlite::SqliteRow};
use std::sync::LazyLock;

/// A case's events (oldest first), reviews, messages, licence and the materials
/// provided without an upload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseParts {
    pub events: Vec<CaseEvent>,
    pub reviews: Vec<ReviewRecord>,
    pub messages: Vec<OutboxMessage>,
    pub licence: Option<LicenceRecord>,
    pub provisions: Vec<Provision>,
}

impl CaseParts {
    /// The head of the case's audit chain: its last event's hash (the two are
    /// written in one transaction; verifying a case checks the stored head too).
    pub fn chain_head(&self) -> String {
        self.events.last().map(|e| e.hash.clone()).unwrap_or_default()
    }
}

/// The five reads, with the case's id and its draft's id given by the SQL `case` and
/// `draft` (parameters, or subqueries).
fn parts_sql(case: &str, draft: &str) -> String {
    [CASE_EVENTS, CASE_REVIEWS, CASE_MESSAGES.as_str(), CASE_LICENCE.as_str()]
        .iter()
        .map(|sql| sql.replace("$1", case))
        .chain([draft_provisions(draft)])
        .collect::<Vec<_>>()
        .join(";\n")
}

/// The five reads as one batch: `$1` is the case, `$2` its draft.
static CASE_PARTS: LazyLock<String> = LazyLock::new(|| parts_sql("$1", "$2"));

/// The case with tracking number `$1`, then its five reads, as one batch: the
/// progress lookup's one trip. Each read finds the case again by the tracking
/// number's unique index, which costs far less than a trip.
static CASE_WHOLE_BY_TRACKING: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE tracking_number = $1;\n{}",
        parts_sql("(SELECT id FROM cases WHERE tracking_number = $1)", "(SELECT draft_id FROM cases WHERE tracking_number = $1)")
    )
});

fn decode<'r, T: FromRow<'r, SqliteRow>, U>(rows: &'r [SqliteRow], f: impl Fn(T) -> StoreResult<U>) -> StoreResult<Vec<U>> {
    rows.iter().map(|r| f(T::from_row(r)?)).collect()
}

/// Runs a batch of statements in one trip and answers each statement's rows.
// Parameters with several statements are SQLite's alone, and sqlx 0.8 marks them
// deprecated in favour of `raw_sql`, which takes none and prepares the statements
// again each time. Should they go, the SQLite arms below become the PostgreSQL ones.
#[allow(deprecated)]
async fn batches<'q>(query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>, pool: &sqlx::SqlitePool) -> StoreResult<Vec<Vec<SqliteRow>>> {
    let (mut batches, mut rows) = (Vec::new(), Vec::new());
    // Each statement's rows come, then a marker that it is done.
    let mut results = query.fetch_many(pool);
    while let Some(item) = results.try_next().await? {
        match item {
            Either::Left(_) => batches.push(std::mem::take(&mut rows)),
            Either::Right(row) => rows.push(row),
        }
    }
    Ok(batches)
}

/// The five reads' rows, decoded.
fn parts_of(batches: &[Vec<SqliteRow>]) -> StoreResult<CaseParts> {
    let [events, reviews, messages, licences, provisions] = batches else {
        return Err(corrupt(format!("the case's reads gave {} results, not 5", batches.len())));
    };
    Ok(CaseParts {
        events: decode::<EventRow, _>(events, event)?,
        reviews: decode::<ReviewRow, _>(reviews, review)?,
        messages: decode::<super::outbox::Row, _>(messages, |r| Ok(message(r)))?,
        licence: decode::<super::licences::Row, _>(licences, licence)?.into_iter().next(),
        provisions: decode::<super::provisions::Row, _>(provisions, provision)?,
    })
}

impl Store {
    pub async fn case_parts(&self, case: &CaseRecord) -> StoreResult<CaseParts> {
        match &self.pool {
            Pool::Sqlite(pool, _) => {
                let query = sqlx::query(CASE_PARTS.as_str()).bind(case.id).bind(&case.draft_id);
                parts_of(&batches(query, pool).await?)
            }
            Pool::Postgres(_) => {
                let (events, reviews, messages, licence, provisions) = tokio::try_join!(
                    self.case_events(case.id),
                    self.case_reviews(case.id),
                    self.case_messages(case.id),
                    self.licence_of_case(case.id),
                    self.provisions_of_draft(&case.draft_id),
                )?;
                Ok(CaseParts { events, reviews, messages, licence, provisions })
            }
        }
    }

    /// The case with this tracking number and everything recorded with it: on
    /// SQLite in one trip (`CASE_WHOLE_BY_TRACKING`).
    pub async fn case_whole_by_tracking(&self, tracking: &TrackingNumber) -> StoreResult<Option<(CaseRecord, CaseParts)>> {
        match &self.pool {
            Pool::Sqlite(pool, _) => {
                let query = sqlx::query(CASE_WHOLE_BY_TRACKING.as_str()).bind(tracking.as_str());
                let batches = batches(query, pool).await?;
                let Some((cases, parts)) = batches.split_first() else {
                    return Err(corrupt("the case's reads gave no result".to_owned()));
                };
                match cases.as_slice() {
                    [] => Ok(None),
                    [case] => Ok(Some((sqlite_case(case)?, parts_of(parts)?))),
                    more => Err(corrupt(format!("{} cases numbered {tracking}", more.len()))),
                }
            }
            Pool::Postgres(_) => match self.case_by_tracking(tracking).await? {
                Some(case) => {
                    let parts = self.case_parts(&case).await?;
                    Ok(Some((case, parts)))
                }
                None => Ok(None),
            },
        }
    }
}
