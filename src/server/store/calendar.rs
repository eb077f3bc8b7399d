//! The working-day calendar, one text per year. The files under `catalog/calendar/`
//! seed it; an administrator's edit is kept (and audited) until the file itself changes.

use super::BeginWrite;
use super::{Pool, Store, StoreResult};

/// Who last wrote a year when it came from its file.
pub const FROM_FILE: &str = "file";

/// One year's calendar text as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarYearRecord {
    pub year: i32,
    pub text: String,
    pub updated_at: i64,
    pub updated_by: String,
}

impl Store {
    /// Stores a year from its file unless the file is unchanged since it was last
    /// loaded. Returns whether anything was written.
    pub async fn seed_calendar_year(&self, year: i32, text: &str, file_hash: &str, at: i64) -> StoreResult<bool> {
        let n = on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO calendar_years (year, text, file_hash, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (year) DO UPDATE SET text = excluded.text, file_hash = excluded.file_hash,
                     updated_at = excluded.updated_at, updated_by = excluded.updated_by
                 WHERE calendar_years.file_hash <> excluded.file_hash",
            )
            .bind(i64::from(year)).bind(text).bind(file_hash).bind(at).bind(FROM_FILE)
            .execute(pool).await?.rows_affected()
        });
        Ok(n > 0)
    }

    /// Every year on file, oldest first.
    pub async fn calendar_years(&self) -> StoreResult<Vec<CalendarYearRecord>> {
        let rows: Vec<(i64, String, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT year, text, updated_at, updated_by FROM calendar_years ORDER BY year").fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(year, text, updated_at, updated_by)| CalendarYearRecord { year: year as i32, text, updated_at, updated_by }).collect())
    }

    /// An administrator's edit of one year (new or changed), recorded in the staff
    /// audit chain in the same transaction, with the reason and the text before.
    pub async fn edit_calendar_year(&self, year: i32, text: &str, actor: &str, reason: &str, at: i64) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before: Option<String> = sqlx::query_scalar("SELECT text FROM calendar_years WHERE year = $1")
                .bind(i64::from(year)).fetch_optional(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO calendar_years (year, text, file_hash, updated_at, updated_by) VALUES ($1, $2, '', $3, $4)
                 ON CONFLICT (year) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(i64::from(year)).bind(text).bind(at).bind(actor)
            .execute(&mut *tx).await?;
            let detail = serde_json::json!({ "reason": reason, "before": before, "after": text }).to_string();
            let subject = year.to_string();
            append_staff_action!(tx, at, actor, "calendar_edit", &subject, &detail);
            tx.commit().await?;
        });
        Ok(())
    }
}
