//! Appending to the hash chains and checking them. Appends happen inside the
//! transaction of the step they record; the chain head is compared and set, so two
//! writers can never fork a chain (the second fails and its transaction rolls back).

use super::BeginWrite;
use super::{Pool, Store, StoreResult};
use crate::server::audit::{CaseEventContent, GENESIS, STAFF_CHAIN, StaffActionContent, case_chain, chain_hash};

/// The error an append raises when the chain moved under it.
pub(super) fn chain_moved() -> sqlx::Error {
    sqlx::Error::Protocol("audit chain head moved during the transaction".into())
}

/// How every case event row is written, one or many (`VALUES` follow), in the
/// order [`ChainedEvent`] binds them.
pub(super) const CASE_EVENT_INSERT: &str = "INSERT INTO case_events (case_id, at, actor, from_status, to_status, note, kind, department, prev_hash, hash) ";

/// One case event hashed onto the one before it: the row as it is written.
pub(super) struct ChainedEvent<'a> {
    pub case_id: i64,
    pub content: CaseEventContent<'a>,
    pub prev: String,
    pub hash: String,
}

impl<'a> ChainedEvent<'a> {
    pub(super) fn after(prev: String, case_id: i64, content: CaseEventContent<'a>) -> ChainedEvent<'a> {
        let hash = chain_hash(&prev, &content);
        ChainedEvent { case_id, content, prev, hash }
    }
}

/// Appends one event to a case's chain and to `case_events`, inside transaction `$tx`
/// (an expression giving `&mut Transaction`). Must be used in an async block whose
/// error type is `sqlx::Error`.
macro_rules! append_case_event {
    ($tx:expr, $case_id:expr, $kind:expr, $at:expr, $actor:expr, $department:expr, $from:expr, $to:expr, $note:expr) => {{
        let case_id: i64 = $case_id;
        let chain = $crate::server::audit::case_chain(case_id);
        let from: Option<&str> = $from;
        let content = $crate::server::audit::CaseEventContent {
            chain: &chain, at: $at, actor: $actor, kind: $kind, department: $department, from, to: $to, note: $note,
        };
        let head: Option<String> = sqlx::query_scalar("SELECT head FROM chain_heads WHERE chain = $1")
            .bind(&chain).fetch_optional(&mut *$tx).await?;
        let prev = head.unwrap_or_else(|| $crate::server::audit::GENESIS.to_owned());
        let e = $crate::server::store::audit::ChainedEvent::after(prev, case_id, content);
        let moved = sqlx::query(
            "INSERT INTO chain_heads (chain, head, length) VALUES ($1, $2, 1)
             ON CONFLICT (chain) DO UPDATE SET head = excluded.head, length = chain_heads.length + 1 WHERE chain_heads.head = $3",
        )
        .bind(&chain).bind(&e.hash).bind(&e.prev).execute(&mut *$tx).await?.rows_affected();
        if moved != 1 {
            return Err($crate::server::store::audit::chain_moved().into());
        }
        let c = &e.content;
        sqlx::query(&format!("{} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", $crate::server::store::audit::CASE_EVENT_INSERT))
            .bind(e.case_id).bind(c.at).bind(c.actor).bind(c.from).bind(c.to).bind(c.note)
            .bind(c.kind).bind(c.department).bind(&e.prev).bind(&e.hash)
            .execute(&mut *$tx).await?;
    }};
}

/// Appends one staff action to the `staff` chain inside transaction `$tx`.
macro_rules! append_staff_action {
    ($tx:expr, $at:expr, $actor:expr, $action:expr, $subject:expr, $detail:expr) => {{
        let content = $crate::server::audit::StaffActionContent { at: $at, actor: $actor, action: $action, subject: $subject, detail: $detail };
        let chain = $crate::server::audit::STAFF_CHAIN;
        // Every staff action of every process goes to this one chain, with no case
        // row to serialise them (two clerks signing in at once). Lock its head row
        // first, creating it if need be: on PostgreSQL the read below then sees the
        // head as the previous holder left it instead of failing as moved. (On
        // SQLite the transaction holds the write lock from its start anyway.)
        sqlx::query(
            "INSERT INTO chain_heads (chain, head, length) VALUES ($1, $2, 0)
             ON CONFLICT (chain) DO UPDATE SET length = chain_heads.length",
        )
        .bind(chain).bind($crate::server::audit::GENESIS).execute(&mut *$tx).await?;
        let head: Option<String> = sqlx::query_scalar("SELECT head FROM chain_heads WHERE chain = $1")
            .bind(chain).fetch_optional(&mut *$tx).await?;
        let prev = head.unwrap_or_else(|| $crate::server::audit::GENESIS.to_owned());
        let hash = $crate::server::audit::chain_hash(&prev, &content);
        let moved = sqlx::query(
            "INSERT INTO chain_heads (chain, head, length) VALUES ($1, $2, 1)
             ON CONFLICT (chain) DO UPDATE SET head = excluded.head, length = chain_heads.length + 1 WHERE chain_heads.head = $3",
        )
        .bind(chain).bind(&hash).bind(&prev).execute(&mut *$tx).await?.rows_affected();
        if moved != 1 {
            return Err($crate::server::store::audit::chain_moved().into());
        }
        sqlx::query("INSERT INTO staff_audit (at, actor, action, subject, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(content.at).bind(content.actor).bind(content.action).bind(content.subject).bind(content.detail)
            .bind(&prev).bind(&hash)
            .execute(&mut *$tx).await?;
    }};
}

/// Where a chain is broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    /// `case:<id>` or `staff`.
    pub chain: String,
    /// The first event (row id) whose stored hashes do not match; `None` when the
    /// events agree but the recorded head does not (events removed at the end).
    pub event_id: Option<i64>,
    pub problem: String,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.event_id {
            Some(id) => write!(f, "{}: event {id}: {}", self.chain, self.problem),
            None => write!(f, "{}: {}", self.chain, self.problem),
        }
    }
}

/// A staff action as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffAuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

type EventRow = (i64, i64, i64, String, Option<String>, String, String, String, String, String, String);

/// Checks one chain's records in order; returns the last hash or the first break.
fn check_links<'a>(chain: &str, rows: impl Iterator<Item = (i64, &'a str, &'a str, String)>) -> Result<(String, i64), ChainBreak> {
    let mut prev = GENESIS.to_owned();
    let mut n = 0;
    for (id, stored_prev, stored_hash, computed) in rows {
        if stored_prev != prev {
            return Err(ChainBreak { chain: chain.into(), event_id: Some(id), problem: "does not follow the event before it".into() });
        }
        if stored_hash != computed {
            return Err(ChainBreak { chain: chain.into(), event_id: Some(id), problem: "its content does not match its hash".into() });
        }
        prev = stored_hash.to_owned();
        n += 1;
    }
    Ok((prev, n))
}

impl Store {
    /// The head digest of a case's chain (what the clerk and the applicant are shown).
    pub async fn case_chain_head(&self, case_id: i64) -> StoreResult<Option<String>> {
        let chain = case_chain(case_id);
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT head FROM chain_heads WHERE chain = $1").bind(&chain).fetch_optional(pool).await?
        }))
    }

    /// Checks one case's chain: `Ok(())` or the first break.
    pub async fn verify_case_chain(&self, case_id: i64) -> StoreResult<Result<(), ChainBreak>> {
        let rows: Vec<EventRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, case_id, at, actor, from_status, to_status, note, kind, department, prev_hash, hash
                 FROM case_events WHERE case_id = $1 ORDER BY id",
            )
            .bind(case_id).fetch_all(pool).await?
        });
        let head = self.case_chain_head(case_id).await?;
        Ok(verify_case_rows(case_id, &rows, head.as_deref()))
    }

    /// Checks every chain; returns every break found (one per broken chain).
    pub async fn verify_all_chains(&self) -> StoreResult<(usize, Vec<ChainBreak>)> {
        let mut breaks = Vec::new();
        let mut checked = 0;
        let mut after: i64 = 0;
        loop {
            // Case by case, in batches, so a large database is never read whole.
            let ids: Vec<i64> = on_pool!(self, pool => {
                sqlx::query_scalar("SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT 500").bind(after).fetch_all(pool).await?
            });
            let Some(&last) = ids.last() else { break };
            for id in ids {
                checked += 1;
                if let Err(b) = self.verify_case_chain(id).await? {
                    breaks.push(b);
                }
            }
            after = last;
        }
        checked += 1;
        if let Err(b) = self.verify_staff_chain().await? {
            breaks.push(b);
        }
        Ok((checked, breaks))
    }

    async fn verify_staff_chain(&self) -> StoreResult<Result<(), ChainBreak>> {
        let rows: Vec<(i64, i64, String, String, String, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM staff_audit ORDER BY id").fetch_all(pool).await?
        });
        let head: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT head FROM chain_heads WHERE chain = $1").bind(STAFF_CHAIN).fetch_optional(pool).await?
        });
        let links = rows.iter().map(|(id, at, actor, action, subject, detail, prev, hash)| {
            let content = StaffActionContent { at: *at, actor, action, subject, detail };
            (*id, prev.as_str(), hash.as_str(), chain_hash(prev, &content))
        });
        Ok(check_links(STAFF_CHAIN, links).and_then(|(last, n)| head_matches(STAFF_CHAIN, &last, n, head.as_deref())))
    }

    /// Records a staff action that is not about one case, chained as `staff`.
    pub async fn record_staff_action(&self, at: i64, actor: &str, action: &str, subject: &str, detail: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            append_staff_action!(tx, at, actor, action, subject, detail);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The newest staff actions of one kind about one subject, newest first.
    pub async fn staff_actions(&self, action: &str, limit: i64) -> StoreResult<Vec<StaffAuditEntry>> {
        let rows: Vec<(i64, i64, String, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, at, actor, action, subject, detail FROM staff_audit WHERE action = $1 ORDER BY id DESC LIMIT $2")
                .bind(action).bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(id, at, actor, action, subject, detail)| StaffAuditEntry { id, at, actor, action, subject, detail }).collect())
    }

    /// Gives events written before the chain existed (an older database) their hashes,
    /// in order. Runs at start-up; does nothing once every event is chained.
    pub async fn chain_unchained_events(&self) -> StoreResult<usize> {
        let cases: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT DISTINCT case_id FROM case_events WHERE hash = '' ORDER BY case_id").fetch_all(pool).await?
        });
        for case_id in &cases {
            on_pool!(self, pool => {
                let mut tx = pool.begin_write().await?;
                let rows: Vec<(i64, i64, String, Option<String>, String, String, String, String)> = sqlx::query_as(
                    "SELECT id, at, actor, from_status, to_status, note, kind, department FROM case_events WHERE case_id = $1 ORDER BY id",
                )
                .bind(case_id).fetch_all(&mut *tx).await?;
                let chain = case_chain(*case_id);
                let mut prev = GENESIS.to_owned();
                for (id, at, actor, from, to, note, kind, department) in &rows {
                    let content = CaseEventContent { chain: &chain, at: *at, actor, kind, department, from: from.as_deref(), to, note };
                    let hash = chain_hash(&prev, &content);
                    sqlx::query("UPDATE case_events SET prev_hash = $1, hash = $2 WHERE id = $3").bind(&prev).bind(&hash).bind(id).execute(&mut *tx).await?;
                    prev = hash;
                }
                sqlx::query(
                    "INSERT INTO chain_heads (chain, head, length) VALUES ($1, $2, $3)
                     ON CONFLICT (chain) DO UPDATE SET head = excluded.head, length = excluded.length",
                )
                .bind(&chain).bind(&prev).bind(rows.len() as i64).execute(&mut *tx).await?;
                tx.commit().await?;
            });
        }
        Ok(cases.len())
    }
}

fn head_matches(chain: &str, last: &str, _n: i64, head: Option<&str>) -> Result<(), ChainBreak> {
    match head {
        None if last == GENESIS => Ok(()),
        Some(h) if h == last => Ok(()),
        _ => Err(ChainBreak { chain: chain.into(), event_id: None, problem: "the recorded head is not the last event's hash (events were removed)".into() }),
    }
}

fn verify_case_rows(case_id: i64, rows: &[EventRow], head: Option<&str>) -> Result<(), ChainBreak> {
    let chain = case_chain(case_id);
    let links = rows.iter().map(|(id, _case, at, actor, from, to, note, kind, department, prev, hash)| {
        let content = CaseEventContent { chain: &chain, at: *at, actor, kind, department, from: from.as_deref(), to, note };
        (*id, prev.as_str(), hash.as_str(), chain_hash(prev, &content))
    });
    check_links(&chain, links).and_then(|(last, n)| head_matches(&chain, &last, n, head))
}
