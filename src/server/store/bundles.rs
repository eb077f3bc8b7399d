//! Bundles (一件事一次办): the combined draft with one draft per part, the submitted
//! bundle with its own tracking number, and the parts still to be filed.

use super::BeginWrite;
use super::{Draft, Pool, Store, StoreResult, corrupt};
use crate::domain::calendar::Date;
use crate::domain::form::RawAnswers;
use crate::domain::ids::TrackingNumber;

/// A bundle being filled in: the combined answers and each part's own draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleDraft {
    pub id: String,
    pub bundle_code: String,
    pub owner_hash: String,
    pub citizen_id: Option<i64>,
    pub answers: RawAnswers,
    pub created_at: i64,
    pub updated_at: i64,
    /// (service code, draft id) of each part.
    pub parts: Vec<(String, String)>,
}

/// What submitting a bundle writes.
#[derive(Clone, Debug)]
pub struct NewBundle<'a> {
    pub draft: &'a BundleDraft,
    pub region: &'a str,
    pub applicant_name: &'a str,
    pub applicant_phone: &'a str,
    pub locale: &'a str,
    pub at: i64,
}

/// A submitted bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleRecord {
    pub id: i64,
    pub tracking_number: TrackingNumber,
    pub bundle_draft_id: String,
    pub bundle_code: String,
    pub owner_hash: String,
    pub citizen_id: Option<i64>,
    pub applicant_name: String,
    pub applicant_phone: String,
    pub locale: String,
    pub submitted_at: i64,
    pub all_filed: bool,
}

type BundleRow = (i64, String, String, String, String, Option<i64>, String, String, String, i64, i64);
const BUNDLE_COLUMNS: &str =
    "id, tracking_number, bundle_draft_id, bundle_code, owner_hash, citizen_id, applicant_name, applicant_phone, locale, submitted_at, all_filed";

fn bundle_from_row(row: BundleRow) -> StoreResult<BundleRecord> {
    let (id, tracking, bundle_draft_id, bundle_code, owner_hash, citizen_id, applicant_name, applicant_phone, locale, submitted_at, all_filed) = row;
    Ok(BundleRecord {
        id,
        tracking_number: TrackingNumber::parse(&tracking).map_err(|_| corrupt(format!("bundle {id} tracking number `{tracking}`")))?,
        bundle_draft_id,
        bundle_code,
        owner_hash,
        citizen_id,
        applicant_name,
        applicant_phone,
        locale,
        submitted_at,
        all_filed: all_filed != 0,
    })
}

impl Store {
    /// Creates or updates a bundle draft and its parts' drafts in one transaction, so a
    /// part never holds answers the combined draft does not. Only the browser or
    /// account that started it may write it (as for drafts).
    pub async fn save_bundle_draft(&self, bundle: &BundleDraft, parts: &[Draft]) -> StoreResult<()> {
        let answers = serde_json::to_string(&bundle.answers).map_err(corrupt)?;
        let mut part_answers = Vec::with_capacity(parts.len());
        for d in parts {
            part_answers.push(serde_json::to_string(&d.answers).map_err(corrupt)?);
        }
        let saved: Result<(), sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO bundle_drafts (id, bundle_code, owner_hash, citizen_id, answers, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (id) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at,
                     citizen_id = COALESCE(bundle_drafts.citizen_id, excluded.citizen_id)
                 WHERE bundle_drafts.owner_hash = excluded.owner_hash OR bundle_drafts.citizen_id = excluded.citizen_id",
            )
            .bind(&bundle.id).bind(&bundle.bundle_code).bind(&bundle.owner_hash).bind(bundle.citizen_id).bind(&answers)
            .bind(bundle.created_at).bind(bundle.updated_at)
            .execute(&mut *tx).await?;
            for (d, answers) in parts.iter().zip(&part_answers) {
                sqlx::query(
                    "INSERT INTO drafts (id, owner_hash, service_code, answers, created_at, updated_at, citizen_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (id) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at",
                )
                .bind(&d.id).bind(&d.owner_hash).bind(&d.service_code).bind(answers)
                .bind(d.created_at).bind(d.updated_at).bind(d.citizen_id)
                .execute(&mut *tx).await?;
                sqlx::query("INSERT INTO bundle_draft_parts (bundle_draft_id, service_code, draft_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(&bundle.id).bind(&d.service_code).bind(&d.id)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await
        }.await);
        Ok(saved?)
    }

    pub async fn bundle_draft(&self, id: &str) -> StoreResult<Option<BundleDraft>> {
        let row: Option<(String, String, String, Option<i64>, String, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, bundle_code, owner_hash, citizen_id, answers, created_at, updated_at FROM bundle_drafts WHERE id = $1")
                .bind(id).fetch_optional(pool).await?
        });
        let Some((id, bundle_code, owner_hash, citizen_id, answers, created_at, updated_at)) = row else { return Ok(None) };
        let parts: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT service_code, draft_id FROM bundle_draft_parts WHERE bundle_draft_id = $1").bind(&id).fetch_all(pool).await?
        });
        let answers = serde_json::from_str(&answers).map_err(|e| corrupt(format!("bundle draft {id}: {e}")))?;
        Ok(Some(BundleDraft { id, bundle_code, owner_hash, citizen_id, answers, created_at, updated_at, parts }))
    }

    /// The bundle a part's draft belongs to, if any.
    pub async fn bundle_of_part(&self, draft_id: &str) -> StoreResult<Option<String>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT bundle_draft_id FROM bundle_draft_parts WHERE draft_id = $1").bind(draft_id).fetch_optional(pool).await?
        }))
    }

    /// Gives the bundle its tracking number, once: submitting the same bundle draft
    /// again returns the bundle it already became. The parts are filed after it,
    /// each through the ordinary (idempotent) case submission.
    pub async fn submit_bundle(&self, new: &NewBundle<'_>) -> StoreResult<BundleRecord> {
        let day = Date::from_unix_ms_china(new.at);
        let inserted: Result<(), sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let tracking = next_tracking_number!(tx, new.region, day);
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM bundles WHERE bundle_draft_id = $1").bind(&new.draft.id).fetch_optional(&mut *tx).await?;
            if exists.is_some() {
                tx.rollback().await?;
                return Ok(());
            }
            sqlx::query(
                "INSERT INTO bundles (tracking_number, bundle_draft_id, bundle_code, owner_hash, citizen_id, applicant_name, applicant_phone, locale, submitted_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(tracking.as_str()).bind(&new.draft.id).bind(&new.draft.bundle_code).bind(&new.draft.owner_hash).bind(new.draft.citizen_id)
            .bind(new.applicant_name).bind(new.applicant_phone).bind(new.locale).bind(new.at)
            .execute(&mut *tx).await?;
            tx.commit().await
        }.await);
        // A concurrent submission of the same draft won the race: return its bundle.
        inserted.or_else(super::cases::already_submitted)?;
        self.bundle_where("bundle_draft_id", &new.draft.id).await?.ok_or_else(|| corrupt("submitted bundle vanished"))
    }

    async fn bundle_where(&self, column: &str, value: &str) -> StoreResult<Option<BundleRecord>> {
        let sql = format!("SELECT {BUNDLE_COLUMNS} FROM bundles WHERE {column} = $1");
        let row: Option<BundleRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(value).fetch_optional(pool).await?);
        row.map(bundle_from_row).transpose()
    }

    pub async fn bundle_by_tracking(&self, tracking: &TrackingNumber) -> StoreResult<Option<BundleRecord>> {
        self.bundle_where("tracking_number", tracking.as_str()).await
    }

    pub async fn bundle_by_draft(&self, bundle_draft_id: &str) -> StoreResult<Option<BundleRecord>> {
        self.bundle_where("bundle_draft_id", bundle_draft_id).await
    }

    /// Submitted bundles with a part not yet filed, oldest first.
    pub async fn bundles_to_file(&self, limit: i64) -> StoreResult<Vec<BundleRecord>> {
        let sql = format!("SELECT {BUNDLE_COLUMNS} FROM bundles WHERE all_filed = 0 ORDER BY id LIMIT $1");
        let rows: Vec<BundleRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(limit).fetch_all(pool).await?);
        rows.into_iter().map(bundle_from_row).collect()
    }

    /// Every part of the bundle is a case (or will never be one): the sweep stops looking.
    pub async fn mark_bundle_filed(&self, id: i64) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE bundles SET all_filed = 1 WHERE id = $1").bind(id).execute(pool).await?;
        });
        Ok(())
    }
}
