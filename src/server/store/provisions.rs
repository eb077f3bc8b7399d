//! Materials provided without an upload (a reused e-licence, a deferral, a signed
//! commitment), kept with the draft and so with the case it becomes; deferred
//! materials arriving later, and the reminders before they fall due.

use super::BeginWrite;
use super::{Notice, Pool, Store, StoreResult, corrupt, status_of};
use crate::domain::calendar::Date;
use crate::domain::case::EventKind;
use crate::domain::provision::{Provision, ProvisionKind};

pub(super) type Row = (String, String, Option<String>, Option<String>, Option<String>, Option<i64>);
const COLUMNS: &str = "material_code, kind, licence_number, commitment, due_on, arrived_at";

/// A draft's provisions by material, the draft given as parameter `draft` (`$1`…).
pub(super) fn draft_provisions(draft: &str) -> String {
    format!("SELECT {COLUMNS} FROM material_provisions WHERE draft_id = {draft} ORDER BY material_code")
}

pub(super) fn provision((material_code, kind, licence_number, commitment, due_on, arrived_at): Row) -> StoreResult<Provision> {
    Ok(Provision {
        kind: ProvisionKind::from_code(&kind).ok_or_else(|| corrupt(format!("provision kind `{kind}`")))?,
        licence_number,
        commitment: commitment.map(|c| serde_json::from_str(&c)).transpose().map_err(|e| corrupt(format!("provision {material_code} commitment: {e}")))?,
        due_on: due_on.map(|d| Date::parse_iso(&d).ok_or_else(|| corrupt(format!("provision due `{d}`")))).transpose()?,
        arrived: arrived_at.is_some(),
        material_code,
    })
}

/// A deferred material whose reminder may be due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutstandingDeferral {
    pub case_id: i64,
    pub tracking_number: String,
    pub service_code: String,
    pub phone: String,
    pub locale: String,
    pub material_code: String,
    pub due_on: Date,
}

impl Store {
    /// Sets how a draft's material is provided, replacing an earlier choice.
    pub async fn set_provision(&self, draft_id: &str, p: &Provision, at: i64) -> StoreResult<()> {
        let commitment = p.commitment.as_ref().map(serde_json::to_string).transpose().map_err(corrupt)?;
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO material_provisions (draft_id, material_code, kind, licence_number, commitment, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (draft_id, material_code) DO UPDATE SET kind = excluded.kind,
                     licence_number = excluded.licence_number, commitment = excluded.commitment, created_at = excluded.created_at",
            )
            .bind(draft_id).bind(&p.material_code).bind(p.kind.code()).bind(p.licence_number.as_deref()).bind(commitment.as_deref()).bind(at)
            .execute(pool).await?;
        });
        Ok(())
    }

    /// The applicant will upload the material after all.
    pub async fn clear_provision(&self, draft_id: &str, material_code: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM material_provisions WHERE draft_id = $1 AND material_code = $2")
                .bind(draft_id).bind(material_code).execute(pool).await?;
        });
        Ok(())
    }

    pub async fn provisions_of_draft(&self, draft_id: &str) -> StoreResult<Vec<Provision>> {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| draft_provisions("$1"));
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(SQL.as_str()).bind(draft_id).fetch_all(pool).await?);
        rows.into_iter().map(provision).collect()
    }

    /// A deferred material arrived (its file is already attached to the draft): the
    /// deferral is settled, the case's earliest outstanding due date moves on, and
    /// the arrival is chained into the case's record, in one transaction. False
    /// when it was not outstanding.
    pub async fn deferred_material_arrived(&self, case_id: i64, material_code: &str, actor: &str, at: i64) -> StoreResult<bool> {
        let arrived: Result<bool, sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            // The case row first: its lock orders this append against any decision.
            let row: Option<(String, String)> = sqlx::query_as("UPDATE cases SET updated_at = updated_at WHERE id = $1 RETURNING draft_id, status")
                .bind(case_id).fetch_optional(&mut *tx).await?;
            let Some((draft_id, status)) = row else { return Ok(false) };
            let n = sqlx::query(
                "UPDATE material_provisions SET arrived_at = $1
                 WHERE draft_id = $2 AND material_code = $3 AND kind = 'deferred' AND arrived_at IS NULL",
            )
            .bind(at).bind(&draft_id).bind(material_code).execute(&mut *tx).await?.rows_affected();
            if n != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query(
                "UPDATE cases SET deferred_due_on = (SELECT MIN(due_on) FROM material_provisions
                     WHERE draft_id = $1 AND kind = 'deferred' AND arrived_at IS NULL) WHERE id = $2",
            )
            .bind(&draft_id).bind(case_id).execute(&mut *tx).await?;
            append_case_event!(tx, case_id, EventKind::Provision.code(), at, actor, "", Some(status.as_str()), status.as_str(), &format!("arrived {material_code}"));
            tx.commit().await?;
            Ok(true)
        }.await);
        Ok(arrived?)
    }

    /// Deferred materials not yet here nor reminded of, due on or before `until`, of
    /// cases still open.
    pub async fn deferrals_to_remind(&self, until: Date, limit: i64) -> StoreResult<Vec<OutstandingDeferral>> {
        let rows: Vec<(i64, String, String, String, String, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.id, c.tracking_number, c.service_code, c.applicant_phone, c.locale, p.material_code, p.due_on, c.status
                 FROM material_provisions p JOIN cases c ON c.draft_id = p.draft_id
                 WHERE p.kind = 'deferred' AND p.arrived_at IS NULL AND p.reminded_at IS NULL AND p.due_on <= $1
                 ORDER BY p.due_on LIMIT $2",
            )
            .bind(until.to_string()).bind(limit).fetch_all(pool).await?
        });
        let mut due = Vec::new();
        for (case_id, tracking_number, service_code, phone, locale, material_code, due_on, status) in rows {
            if status_of(&status)?.is_final() {
                continue;
            }
            let due_on = Date::parse_iso(&due_on).ok_or_else(|| corrupt(format!("provision due `{due_on}`")))?;
            due.push(OutstandingDeferral { case_id, tracking_number, service_code, phone, locale, material_code, due_on });
        }
        Ok(due)
    }

    /// Queues the reminder for a deferred material and marks it reminded, together
    /// (so it is sent once, however often the sweep runs).
    pub async fn remind_deferral(&self, d: &OutstandingDeferral, notice: &Notice, at: i64) -> StoreResult<bool> {
        let sent: Result<bool, sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE material_provisions SET reminded_at = $1
                 WHERE material_code = $2 AND reminded_at IS NULL AND arrived_at IS NULL
                   AND draft_id = (SELECT draft_id FROM cases WHERE id = $3)",
            )
            .bind(at).bind(&d.material_code).bind(d.case_id).execute(&mut *tx).await?.rows_affected();
            if n != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query("INSERT INTO outbox (case_id, phone, locale, kind, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)")
                .bind(d.case_id).bind(&notice.phone).bind(&notice.locale).bind(&notice.kind).bind(&notice.body).bind(at)
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        }.await);
        Ok(sent?)
    }
}

/// Used by `submit_case`: the provisions' due dates and chained records.
pub(super) fn provision_note(p: &Provision) -> String {
    match p.kind {
        ProvisionKind::Licence => format!("licence {}: {}", p.material_code, p.licence_number.as_deref().unwrap_or("")),
        ProvisionKind::Deferred => format!("deferred {}: due {}", p.material_code, p.due_on.map(|d| d.to_string()).unwrap_or_default()),
        ProvisionKind::Committed => format!("committed {}: {}", p.material_code, p.commitment.as_ref().map(|c| c.zh.as_str()).unwrap_or("")),
    }
}
