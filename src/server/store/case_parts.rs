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

use super::cases::{CASE_EVENTS, CaseEvent, EventRow, event};
use super::licences::{CASE_LICENCE, LicenceRecord, licence};
use super::outbox::{CASE_MESSAGES, OutboxMessage, message};
use super::provisions::{draft_provisions, provision};
use super::reviews::{CASE_REVIEWS, ReviewRecord, ReviewRow, review};
use super::{CaseRecord, Pool, Store, StoreResult, corrupt};
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

/// The five reads as one batch: `$1` is the case, `$2` its draft.
static CASE_PARTS: LazyLock<String> =
    LazyLock::new(|| [CASE_EVENTS, CASE_REVIEWS, CASE_MESSAGES.as_str(), CASE_LICENCE.as_str(), draft_provisions("$2").as_str()].join(";\n"));

fn decode<'r, T: FromRow<'r, SqliteRow>, U>(rows: &'r [SqliteRow], f: impl Fn(T) -> StoreResult<U>) -> StoreResult<Vec<U>> {
    rows.iter().map(|r| f(T::from_row(r)?)).collect()
}

impl Store {
    pub async fn case_parts(&self, case: &CaseRecord) -> StoreResult<CaseParts> {
        match &self.pool {
            Pool::Sqlite(pool, _) => {
                // Each statement's rows, then a marker that it is done.
                let (mut batches, mut rows): (Vec<Vec<SqliteRow>>, Vec<SqliteRow>) = (Vec::new(), Vec::new());
                // Parameters with several statements are SQLite's alone, and sqlx 0.8 marks
                // them deprecated in favour of `raw_sql`, which takes none and prepares the
                // statements again each time. Should they go, this arm becomes the other's.
                #[allow(deprecated)]
                let mut results = sqlx::query(CASE_PARTS.as_str()).bind(case.id).bind(&case.draft_id).fetch_many(pool);
                while let Some(item) = results.try_next().await? {
                    match item {
                        Either::Left(_) => batches.push(std::mem::take(&mut rows)),
                        Either::Right(row) => rows.push(row),
                    }
                }
                let [events, reviews, messages, licences, provisions] = batches.as_slice() else {
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
}
