//! Proxy filing (代办): drafts a proxy agent starts for a resident, with the
//! resident's consent, and the list of cases an agent filed.

use super::BeginWrite;
use super::{CitizenCaseRow, Draft, Pool, Store, StoreResult, corrupt};
use crate::domain::proxy::Consent;

/// Who a draft is filed for, by whom, and the consent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftProxy {
    /// The agent's staff user name.
    pub agent: String,
    /// The resident's verified mobile number: the case's applicant phone.
    pub phone: String,
    pub consent: Consent,
}

impl Store {
    /// Creates a draft for a resident and records who files it and the consent, in
    /// one transaction.
    pub async fn start_proxy_draft(&self, draft: &Draft, proxy: &DraftProxy) -> StoreResult<()> {
        let answers = serde_json::to_string(&draft.answers).map_err(corrupt)?;
        let consent = serde_json::to_string(&proxy.consent).map_err(corrupt)?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("INSERT INTO drafts (id, owner_hash, service_code, answers, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
                .bind(&draft.id).bind(&draft.owner_hash).bind(&draft.service_code).bind(&answers).bind(draft.created_at)
                .execute(&mut *tx).await?;
            sqlx::query("INSERT INTO draft_proxies (draft_id, agent, phone, consent, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&draft.id).bind(&proxy.agent).bind(&proxy.phone).bind(&consent).bind(draft.created_at)
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The proxy filing of a draft, if an agent started it.
    pub async fn draft_proxy(&self, draft_id: &str) -> StoreResult<Option<DraftProxy>> {
        let row: Option<(String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT agent, phone, consent FROM draft_proxies WHERE draft_id = $1").bind(draft_id).fetch_optional(pool).await?
        });
        row.map(|(agent, phone, consent)| {
            let consent = serde_json::from_str(&consent).map_err(|e| corrupt(format!("draft {draft_id} consent: {e}")))?;
            Ok(DraftProxy { agent, phone, consent })
        })
        .transpose()
    }

    /// The cases an agent filed, newest first.
    pub async fn cases_filed_by(&self, agent: &str, limit: i64) -> StoreResult<Vec<CitizenCaseRow>> {
        let rows: Vec<super::citizens::CaseLine> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, tracking_number, service_code, status, submitted_at, proxy_agent FROM cases
                 WHERE proxy_agent = $1 ORDER BY submitted_at DESC, id DESC LIMIT $2",
            )
            .bind(agent).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(super::citizens::case_line).collect()
    }
}
