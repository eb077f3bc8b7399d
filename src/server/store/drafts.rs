//! Drafts (applications being filled in) and their uploaded materials.

use super::BeginWrite;
use super::{Pool, Store, StoreResult, corrupt};
use crate::domain::form::RawAnswers;
use crate::domain::material::MediaType;

/// An application being filled in, before it becomes a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub id: String,
    pub owner_hash: String,
    pub service_code: String,
    pub answers: RawAnswers,
    pub created_at: i64,
    pub updated_at: i64,
    /// The signed-in citizen's account, so the draft can be continued on another
    /// device; None for a draft kept only by this browser.
    pub citizen_id: Option<i64>,
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

impl Store {
    /// Creates or updates a draft's answers.
    pub async fn save_draft(&self, draft: &Draft) -> StoreResult<()> {
        let answers = serde_json::to_string(&draft.answers).map_err(corrupt)?;
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO drafts (id, owner_hash, service_code, answers, created_at, updated_at, citizen_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (id) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at,
                     citizen_id = COALESCE(drafts.citizen_id, excluded.citizen_id)
                 WHERE drafts.owner_hash = excluded.owner_hash OR drafts.citizen_id = excluded.citizen_id",
            )
            .bind(&draft.id).bind(&draft.owner_hash).bind(&draft.service_code).bind(&answers)
            .bind(draft.created_at).bind(draft.updated_at).bind(draft.citizen_id)
            .execute(pool).await?;
        });
        Ok(())
    }

    pub async fn draft(&self, id: &str) -> StoreResult<Option<Draft>> {
        let row: Option<(String, String, String, String, i64, i64, Option<i64>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, owner_hash, service_code, answers, created_at, updated_at, citizen_id FROM drafts WHERE id = $1")
                .bind(id).fetch_optional(pool).await?
        });
        row.map(|(id, owner_hash, service_code, answers, created_at, updated_at, citizen_id)| {
            let answers = serde_json::from_str(&answers).map_err(|e| corrupt(format!("draft {id}: {e}")))?;
            Ok(Draft { id, owner_hash, service_code, answers, created_at, updated_at, citizen_id })
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

    /// Drafts untouched since `before` that never became a case are forgotten, with
    /// their materials, provisions and proxy filings, oldest first, at most `limit`
    /// in one transaction. Returns how many went and the digests of the files no
    /// draft uses any more (the caller removes those from the blob store).
    pub async fn sweep_drafts(&self, before: i64, limit: i64) -> StoreResult<(usize, Vec<String>)> {
        let swept: Result<(usize, Vec<String>), sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM drafts d WHERE d.updated_at < $1 AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.draft_id = d.id)
                     AND NOT EXISTS (SELECT 1 FROM bundle_draft_parts p JOIN bundles b ON b.bundle_draft_id = p.bundle_draft_id WHERE p.draft_id = d.id)
                 ORDER BY d.updated_at LIMIT $2",
            )
            .bind(before).bind(limit).fetch_all(&mut *tx).await?;
            let mut digests: Vec<String> = Vec::new();
            for id in &ids {
                let files: Vec<String> = sqlx::query_scalar("SELECT sha256 FROM materials WHERE draft_id = $1").bind(id).fetch_all(&mut *tx).await?;
                digests.extend(files);
                // A part of a submitted bundle waits for its turn however long that
                // takes (excluded above); a part of an abandoned one goes with it.
                for table in ["material_provisions", "draft_proxies", "materials", "bundle_draft_parts"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE draft_id = $1")).bind(id).execute(&mut *tx).await?;
                }
                sqlx::query("DELETE FROM drafts WHERE id = $1").bind(id).execute(&mut *tx).await?;
            }
            sqlx::query(
                "DELETE FROM bundle_drafts WHERE NOT EXISTS (SELECT 1 FROM bundle_draft_parts p WHERE p.bundle_draft_id = bundle_drafts.id)
                     AND NOT EXISTS (SELECT 1 FROM bundles b WHERE b.bundle_draft_id = bundle_drafts.id) AND updated_at < $1",
            )
            .bind(before).execute(&mut *tx).await?;
            digests.sort();
            digests.dedup();
            let mut unused = Vec::new();
            for sha in digests {
                let used: Option<i64> = sqlx::query_scalar("SELECT id FROM materials WHERE sha256 = $1 LIMIT 1").bind(&sha).fetch_optional(&mut *tx).await?;
                if used.is_none() {
                    unused.push(sha);
                }
            }
            tx.commit().await?;
            Ok((ids.len(), unused))
        }.await);
        Ok(swept?)
    }

    /// Sign-in and consent codes created before `before` are forgotten: the send
    /// limits look back an hour, a code lives five minutes.
    pub async fn forget_codes(&self, before: i64) -> StoreResult<u64> {
        Ok(on_pool!(self, pool => sqlx::query("DELETE FROM one_time_codes WHERE created_at < $1").bind(before).execute(pool).await?.rows_affected()))
    }
}
