//! Credit lists: the entries (seeded from the catalog file, changed by
//! administrators with each change in the staff audit chain), and the look-up an
//! application's subjects get at submission.

use super::BeginWrite;
use super::{Pool, Store, StoreResult, corrupt};
use crate::domain::calendar::Date;
use crate::domain::credit::{CreditEntry, CreditList, CreditSubject};
use crate::domain::text::Text;

type Row = (String, String, String, String, String);

fn entry((subject, list, zh, en, since): Row) -> StoreResult<CreditEntry> {
    Ok(CreditEntry {
        subject: CreditSubject::parse(&subject).ok_or_else(|| corrupt(format!("credit subject `{subject}`")))?,
        list: CreditList::from_code(&list).ok_or_else(|| corrupt(format!("credit list `{list}`")))?,
        reason: Text { zh, en },
        since: Date::parse_iso(&since).ok_or_else(|| corrupt(format!("credit since `{since}`")))?,
    })
}

const COLUMNS: &str = "subject, list, reason_zh, reason_en, since";

impl Store {
    /// Adds an entry from the catalog file unless the subject is on record already
    /// (an administrator's change wins over the file). Returns whether it was added.
    pub async fn seed_credit_entry(&self, e: &CreditEntry, at: i64) -> StoreResult<bool> {
        let n = on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO credit_entries (subject, list, reason_zh, reason_en, since, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6, 'file') ON CONFLICT (subject) DO NOTHING",
            )
            .bind(e.subject.key()).bind(e.list.code()).bind(&e.reason.zh).bind(&e.reason.en).bind(e.since.to_string()).bind(at)
            .execute(pool).await?.rows_affected()
        });
        Ok(n > 0)
    }

    /// Every entry, black list first.
    pub async fn credit_entries(&self) -> StoreResult<Vec<CreditEntry>> {
        let sql = format!("SELECT {COLUMNS} FROM credit_entries ORDER BY list, subject");
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
        rows.into_iter().map(entry).collect()
    }

    /// The entries of these subjects (ID numbers and credit codes as parsed).
    pub async fn credit_entries_for(&self, subjects: &[String]) -> StoreResult<Vec<CreditEntry>> {
        let mut found = Vec::new();
        let sql = format!("SELECT {COLUMNS} FROM credit_entries WHERE subject = $1");
        for s in subjects {
            let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(&sql).bind(s).fetch_optional(pool).await?);
            found.extend(row.map(entry).transpose()?);
        }
        Ok(found)
    }

    /// An administrator puts a subject on a list (or moves it), with the reason for
    /// the change in the staff audit chain, in one transaction.
    pub async fn put_credit_entry(&self, e: &CreditEntry, actor: &str, why: &str, at: i64) -> StoreResult<()> {
        let detail = format!("{} since {}: {} | {why}", e.list.code(), e.since, e.reason.zh);
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO credit_entries (subject, list, reason_zh, reason_en, since, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (subject) DO UPDATE SET list = excluded.list, reason_zh = excluded.reason_zh,
                     reason_en = excluded.reason_en, since = excluded.since, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(e.subject.key()).bind(e.list.code()).bind(&e.reason.zh).bind(&e.reason.en).bind(e.since.to_string()).bind(at).bind(actor)
            .execute(&mut *tx).await?;
            append_staff_action!(tx, at, actor, "credit_put", e.subject.key(), &detail);
            tx.commit().await?;
        });
        Ok(())
    }

    /// An administrator takes a subject off its list, with the reason, audited.
    /// False when it was on no list.
    pub async fn remove_credit_entry(&self, subject: &str, actor: &str, why: &str, at: i64) -> StoreResult<bool> {
        let removed: Result<bool, sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query("DELETE FROM credit_entries WHERE subject = $1").bind(subject).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            append_staff_action!(tx, at, actor, "credit_remove", subject, why);
            tx.commit().await?;
            Ok(true)
        }.await);
        Ok(removed?)
    }
}
