//! Proactive service (主动办): the offers made to signed-in citizens, each once per
//! rule and issued case, with its message queued in the same transaction.

use super::BeginWrite;
use super::{Notice, Pool, Store, StoreResult, corrupt, status_of};
use crate::domain::proactive::HeldCase;

/// An issued case in a citizen's account that a rule has not yet looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedToCitizen {
    pub case_id: i64,
    pub citizen_id: i64,
    pub citizen_phone: String,
    pub locale: String,
}

/// An offer as made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredOffer {
    pub rule_code: String,
    pub trigger_case_id: i64,
    pub items: Vec<String>,
    pub offered_at: i64,
}

impl Store {
    /// Issued cases of `service_code` in a citizen's account without an offer of
    /// `rule_code` yet, oldest first.
    pub async fn issued_without_offer(&self, rule_code: &str, service_code: &str, limit: i64) -> StoreResult<Vec<IssuedToCitizen>> {
        let rows: Vec<(i64, i64, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.id, z.id, z.phone, c.locale FROM cases c JOIN citizens z ON z.id = c.citizen_id
                 WHERE c.service_code = $1 AND c.status = 'issued' AND c.citizen_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM proactive_offers o WHERE o.rule_code = $2 AND o.trigger_case_id = c.id)
                 ORDER BY c.id LIMIT $3",
            )
            .bind(service_code).bind(rule_code).bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(case_id, citizen_id, citizen_phone, locale)| IssuedToCitizen { case_id, citizen_id, citizen_phone, locale }).collect())
    }

    /// Every case in a citizen's account, as the proactive rules see it.
    pub async fn held_cases(&self, citizen_id: i64) -> StoreResult<Vec<HeldCase>> {
        let rows: Vec<(i64, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, service_code, status FROM cases WHERE citizen_id = $1").bind(citizen_id).fetch_all(pool).await?
        });
        rows.into_iter().map(|(id, service_code, status)| Ok(HeldCase { id, status: status_of(&status)?, service_code })).collect()
    }

    /// Records an offer and queues its message (none when nothing is offered),
    /// together: made once however often, and by however many processes, the sweep
    /// runs. False when it was made already.
    pub async fn record_offer(&self, rule_code: &str, trigger_case_id: i64, citizen_id: i64, items: &[String], notice: Option<&Notice>, at: i64) -> StoreResult<bool> {
        let items = serde_json::to_string(items).map_err(corrupt)?;
        let made: Result<bool, sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "INSERT INTO proactive_offers (rule_code, trigger_case_id, citizen_id, items, offered_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT DO NOTHING",
            )
            .bind(rule_code).bind(trigger_case_id).bind(citizen_id).bind(&items).bind(at).execute(&mut *tx).await?.rows_affected();
            if n != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            if let Some(notice) = notice {
                sqlx::query("INSERT INTO outbox (case_id, phone, locale, kind, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)")
                    .bind(trigger_case_id).bind(&notice.phone).bind(&notice.locale).bind(&notice.kind).bind(&notice.body).bind(at)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(true)
        }.await);
        Ok(made?)
    }

    /// The offers made to a citizen that offered something, newest first.
    pub async fn offers_to(&self, citizen_id: i64, limit: i64) -> StoreResult<Vec<StoredOffer>> {
        let rows: Vec<(String, i64, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT rule_code, trigger_case_id, items, offered_at FROM proactive_offers
                 WHERE citizen_id = $1 AND items <> '[]' ORDER BY offered_at DESC LIMIT $2",
            )
            .bind(citizen_id).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(rule_code, trigger_case_id, items, offered_at)| {
                let items = serde_json::from_str(&items).map_err(|e| corrupt(format!("offer {rule_code}/{trigger_case_id} items: {e}")))?;
                Ok(StoredOffer { rule_code, trigger_case_id, items, offered_at })
            })
            .collect()
    }
}
