//! Citizen accounts: one-time codes (sent through the outbox), the accounts they
//! open, and what an account holds — its cases, the cases it may claim, the
//! messages sent to its number, its licences and its unfinished drafts.

use super::BeginWrite;
use super::{LicenceRecord, NOT_REVOKED, Notice, Pool, Store, StoreResult, corrupt, status_of};
use crate::domain::case::{CaseStatus, EventKind};
use crate::domain::ids::TrackingNumber;
use crate::domain::one_time_code::EarlierSend;

/// A one-time code to store, with the message that carries it.
#[derive(Clone, Debug)]
pub struct NewCode<'a> {
    pub phone: &'a str,
    pub purpose: &'a str,
    /// A keyed hash of the code; the digits themselves are only in the message.
    pub code_hash: &'a str,
    pub client: &'a str,
    pub at: i64,
    pub expires_at: i64,
    pub notice: &'a Notice,
}

/// The newest code sent to a number for a purpose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCode {
    pub id: i64,
    pub code_hash: String,
    pub expires_at: i64,
    pub used: bool,
    pub wrong_entries: u32,
}

/// A signed-in citizen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citizen {
    pub id: i64,
    pub phone: String,
}

/// One line of "my cases".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitizenCaseRow {
    pub id: i64,
    pub tracking_number: TrackingNumber,
    pub service_code: String,
    pub status: CaseStatus,
    pub submitted_at: i64,
    /// The proxy agent who filed it, if one did.
    pub proxy_agent: Option<String>,
}

/// A message delivered to a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveredMessage {
    pub delivered_at: i64,
    pub body: String,
    pub tracking_number: Option<String>,
}

/// An unfinished application of an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftSummary {
    pub id: String,
    pub service_code: String,
    pub updated_at: i64,
}

pub(super) type CaseLine = (i64, String, String, String, i64, Option<String>);

pub(super) fn case_line((id, tn, service_code, status, submitted_at, proxy_agent): CaseLine) -> StoreResult<CitizenCaseRow> {
    Ok(CitizenCaseRow {
        id,
        tracking_number: TrackingNumber::parse(&tn).map_err(|_| corrupt(format!("tracking number `{tn}`")))?,
        service_code,
        status: status_of(&status)?,
        submitted_at,
        proxy_agent,
    })
}

/// Kinds of message that are not part of anyone's correspondence (codes are read
/// once and worthless after).
pub const CODE_MESSAGE_KINDS: [&str; 2] = ["sign_in_code", "proxy_consent_code"];

impl Store {
    /// The codes for `purpose` sent to `phone` since `since`, and how many codes of
    /// any purpose `client` asked for since then.
    pub async fn code_sends(&self, phone: &str, purpose: &str, client: &str, since: i64) -> StoreResult<(Vec<EarlierSend>, usize)> {
        let (to_number, from_client): (Vec<(i64, Option<i64>)>, i64) = on_pool!(self, pool => {
            let to_number = sqlx::query_as("SELECT created_at, used_at FROM one_time_codes WHERE phone = $1 AND purpose = $2 AND created_at > $3")
                .bind(phone).bind(purpose).bind(since).fetch_all(pool).await?;
            let from_client = sqlx::query_scalar("SELECT COUNT(*) FROM one_time_codes WHERE client = $1 AND created_at > $2")
                .bind(client).bind(since).fetch_one(pool).await?;
            (to_number, from_client)
        });
        Ok((to_number.into_iter().map(|(at, used_at)| EarlierSend { at, used: used_at.is_some() }).collect(), from_client as usize))
    }

    /// Stores a code and queues its message, in one transaction.
    pub async fn issue_code(&self, code: &NewCode<'_>) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO one_time_codes (phone, purpose, code_hash, client, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(code.phone).bind(code.purpose).bind(code.code_hash).bind(code.client).bind(code.at).bind(code.expires_at)
            .execute(&mut *tx).await?;
            sqlx::query("INSERT INTO outbox (case_id, phone, locale, kind, body, created_at, next_attempt_at) VALUES (NULL, $1, $2, $3, $4, $5, $5)")
                .bind(&code.notice.phone).bind(&code.notice.locale).bind(&code.notice.kind).bind(&code.notice.body).bind(code.at)
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The newest code sent to `phone` for `purpose`; an older one is void once a
    /// newer one is sent.
    pub async fn newest_code(&self, phone: &str, purpose: &str) -> StoreResult<Option<StoredCode>> {
        let row: Option<(i64, String, i64, Option<i64>, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, code_hash, expires_at, used_at, wrong_entries FROM one_time_codes
                 WHERE phone = $1 AND purpose = $2 ORDER BY created_at DESC, id DESC LIMIT 1",
            )
            .bind(phone).bind(purpose).fetch_optional(pool).await?
        });
        Ok(row.map(|(id, code_hash, expires_at, used_at, wrong)| StoredCode {
            id,
            code_hash,
            expires_at,
            used: used_at.is_some(),
            wrong_entries: wrong.clamp(0, u32::MAX as i64) as u32,
        }))
    }

    pub async fn count_wrong_code_entry(&self, id: i64) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE one_time_codes SET wrong_entries = wrong_entries + 1 WHERE id = $1").bind(id).execute(pool).await?;
        });
        Ok(())
    }

    /// Marks a code used; false when another request used it first (single use
    /// even under a double submit).
    pub async fn use_code(&self, id: i64, at: i64) -> StoreResult<bool> {
        let n = on_pool!(self, pool => {
            sqlx::query("UPDATE one_time_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL").bind(at).bind(id).execute(pool).await?.rows_affected()
        });
        Ok(n == 1)
    }

    /// The account of a verified number, opened on its first sign-in.
    pub async fn citizen_signed_in(&self, phone: &str, at: i64) -> StoreResult<Citizen> {
        let id: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(
                "INSERT INTO citizens (phone, created_at, last_signed_in_at) VALUES ($1, $2, $2)
                 ON CONFLICT (phone) DO UPDATE SET last_signed_in_at = excluded.last_signed_in_at RETURNING id",
            )
            .bind(phone).bind(at).fetch_one(pool).await?
        });
        Ok(Citizen { id, phone: phone.to_owned() })
    }

    /// The account a citizen session cookie names, unless that session was signed out.
    pub async fn citizen_of_session(&self, id: i64, session_hash: &str) -> StoreResult<Option<Citizen>> {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| format!("SELECT phone FROM citizens WHERE id = $1 AND {NOT_REVOKED}"));
        let phone: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar(SQL.as_str()).bind(id).bind(session_hash).fetch_optional(pool).await?
        });
        Ok(phone.map(|phone| Citizen { id, phone }))
    }

    /// The account's cases, newest first.
    pub async fn cases_of_citizen(&self, citizen_id: i64, limit: i64) -> StoreResult<Vec<CitizenCaseRow>> {
        let rows: Vec<CaseLine> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, tracking_number, service_code, status, submitted_at, proxy_agent FROM cases
                 WHERE citizen_id = $1 ORDER BY submitted_at DESC, id DESC LIMIT $2",
            )
            .bind(citizen_id).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(case_line).collect()
    }

    /// Cases filed with `phone` as the applicant's number that no account holds yet.
    pub async fn claimable_cases(&self, phone: &str, limit: i64) -> StoreResult<Vec<CitizenCaseRow>> {
        let rows: Vec<CaseLine> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, tracking_number, service_code, status, submitted_at, proxy_agent FROM cases
                 WHERE applicant_phone = $1 AND citizen_id IS NULL ORDER BY submitted_at DESC, id DESC LIMIT $2",
            )
            .bind(phone).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(case_line).collect()
    }

    /// Adds a case filed with the account's verified number to the account, and
    /// records it in the case's chain. False when the case is not claimable by it.
    pub async fn claim_case(&self, tracking: &TrackingNumber, citizen: &Citizen, at: i64) -> StoreResult<bool> {
        let claimed: Result<bool, sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let row: Option<(i64, String)> = sqlx::query_as(
                "UPDATE cases SET citizen_id = $1 WHERE tracking_number = $2 AND applicant_phone = $3 AND citizen_id IS NULL RETURNING id, status",
            )
            .bind(citizen.id).bind(tracking.as_str()).bind(&citizen.phone)
            .fetch_optional(&mut *tx).await?;
            let Some((case_id, status)) = row else {
                tx.rollback().await?;
                return Ok(false);
            };
            append_case_event!(tx, case_id, EventKind::Claimed.code(), at, "applicant", "", Some(status.as_str()), status.as_str(), "");
            tx.commit().await?;
            Ok(true)
        }.await);
        Ok(claimed?)
    }

    /// Messages delivered to `phone` about its cases, newest first (codes left out).
    pub async fn messages_to(&self, phone: &str, limit: i64) -> StoreResult<Vec<DeliveredMessage>> {
        let rows: Vec<(i64, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT o.delivered_at, o.body, c.tracking_number FROM outbox o LEFT JOIN cases c ON c.id = o.case_id
                 WHERE o.phone = $1 AND o.delivered_at IS NOT NULL AND o.kind NOT IN ($2, $3) ORDER BY o.id DESC LIMIT $4",
            )
            .bind(phone).bind(CODE_MESSAGE_KINDS[0]).bind(CODE_MESSAGE_KINDS[1]).bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(delivered_at, body, tracking_number)| DeliveredMessage { delivered_at, body, tracking_number }).collect())
    }

    /// The licences issued on the account's cases, newest first.
    pub async fn licences_of_citizen(&self, citizen_id: i64) -> StoreResult<Vec<LicenceRecord>> {
        let ids: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT l.case_id FROM licences l JOIN cases c ON c.id = l.case_id WHERE c.citizen_id = $1 ORDER BY l.id DESC LIMIT 50")
                .bind(citizen_id).fetch_all(pool).await?
        });
        let mut licences = Vec::with_capacity(ids.len());
        for case_id in ids {
            licences.extend(self.licence_of_case(case_id).await?);
        }
        Ok(licences)
    }

    /// The account's applications not yet submitted, most recently touched first.
    pub async fn drafts_of_citizen(&self, citizen_id: i64, limit: i64) -> StoreResult<Vec<DraftSummary>> {
        let rows: Vec<(String, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT d.id, d.service_code, d.updated_at FROM drafts d
                 WHERE d.citizen_id = $1 AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.draft_id = d.id)
                 ORDER BY d.updated_at DESC LIMIT $2",
            )
            .bind(citizen_id).bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(id, service_code, updated_at)| DraftSummary { id, service_code, updated_at }).collect())
    }

    /// Every message in the outbox, newest first: the demo's stand-in for a phone.
    pub async fn recent_outbox(&self, limit: i64) -> StoreResult<Vec<(i64, String, String, String)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT created_at, phone, kind, body FROM outbox ORDER BY id DESC LIMIT $1").bind(limit).fetch_all(pool).await?
        }))
    }
}
