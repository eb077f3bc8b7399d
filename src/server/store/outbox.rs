//! The outbox of messages to applicants. A message is written in the transaction of
//! the step it reports (see `Step::notices`), then delivered by the worker with
//! retries; what was delivered is the case's message list.

use super::{Pool, Store, StoreResult};

/// A message to write with a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// What it reports (`accepted`, `correction_needed`, …).
    pub kind: String,
    pub phone: String,
    /// The applicant's language, in which `body` is written.
    pub locale: String,
    pub body: String,
}

/// A message in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    /// None for a message about no case (a sign-in code).
    pub case_id: Option<i64>,
    pub phone: String,
    pub locale: String,
    pub kind: String,
    pub body: String,
    pub created_at: i64,
    pub attempts: i64,
    pub delivered_at: Option<i64>,
}

pub(super) type Row = (i64, Option<i64>, String, String, String, String, i64, i64, Option<i64>);

pub(super) fn message((id, case_id, phone, locale, kind, body, created_at, attempts, delivered_at): Row) -> OutboxMessage {
    OutboxMessage { id, case_id, phone, locale, kind, body, created_at, attempts, delivered_at }
}

const COLUMNS: &str = "id, case_id, phone, locale, kind, body, created_at, attempts, delivered_at";

/// A case's messages, oldest first; `$1` is the case.
pub(super) static CASE_MESSAGES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| format!("SELECT {COLUMNS} FROM outbox WHERE case_id = $1 ORDER BY id"));

impl Store {
    /// Messages due for (another) delivery attempt at `now`, oldest first.
    pub async fn due_messages(&self, now: i64, limit: i64) -> StoreResult<Vec<OutboxMessage>> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2");
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(&sql).bind(now).bind(limit).fetch_all(pool).await?);
        Ok(rows.into_iter().map(message).collect())
    }

    /// Claims the messages due at `now` (fewer than `max_attempts` tried) for this
    /// process until `lease_until`, oldest first, and returns them: with several
    /// portal processes each message goes to one of them. The claim moves the next
    /// attempt to the lease's end, so a process that dies holding it leaves the
    /// message to be tried again then. One statement on both engines: on PostgreSQL a
    /// concurrent claim of the same row waits for this one and then finds the row no
    /// longer due (the outer condition is checked again on the updated row).
    pub async fn claim_due_messages(&self, now: i64, lease_until: i64, max_attempts: i64, limit: i64) -> StoreResult<Vec<OutboxMessage>> {
        let sql = format!(
            "UPDATE outbox SET next_attempt_at = $1
             WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $2 AND attempts < $3 ORDER BY id LIMIT $4)
               AND delivered_at IS NULL AND next_attempt_at <= $2
             RETURNING {COLUMNS}"
        );
        let mut rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(&sql).bind(lease_until).bind(now).bind(max_attempts).bind(limit).fetch_all(pool).await?);
        rows.sort_by_key(|r| r.0);
        Ok(rows.into_iter().map(message).collect())
    }

    pub async fn mark_delivered(&self, id: i64, at: i64) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE outbox SET delivered_at = $1, attempts = attempts + 1 WHERE id = $2 AND delivered_at IS NULL")
                .bind(at).bind(id).execute(pool).await?;
        });
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub async fn mark_failed(&self, id: i64, error: &str, retry_at: i64) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3 AND delivered_at IS NULL")
                .bind(error).bind(retry_at).bind(id).execute(pool).await?;
        });
        Ok(())
    }

    /// Every message of a case, delivered or not, oldest first.
    pub async fn case_messages(&self, case_id: i64) -> StoreResult<Vec<OutboxMessage>> {
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(CASE_MESSAGES.as_str()).bind(case_id).fetch_all(pool).await?);
        Ok(rows.into_iter().map(message).collect())
    }
}
