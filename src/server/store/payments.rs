//! Payments of fees: each attempt at the gateway, and the case's payment status,
//! changed with a chained event in the same transaction.

use super::BeginWrite;
use super::{Pool, Store, StoreResult};
use crate::domain::case::EventKind;
use crate::domain::fee::{PaymentOutcome, PaymentStatus, yuan};

/// One attempt to pay a case's fee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRecord {
    pub case_id: i64,
    pub reference: String,
    pub amount_fen: u32,
    /// `pending`, `paid`, `failed`, `refunded`.
    pub status: String,
    pub return_path: String,
}

impl Store {
    /// Opens an attempt to pay `amount_fen` for a case.
    pub async fn start_payment(&self, case_id: i64, reference: &str, amount_fen: u32, return_path: &str, at: i64) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO payments (case_id, reference, amount_fen, status, return_path, created_at, updated_at) VALUES ($1, $2, $3, 'pending', $4, $5, $5)",
            )
            .bind(case_id).bind(reference).bind(i64::from(amount_fen)).bind(return_path).bind(at)
            .execute(pool).await?;
        });
        Ok(())
    }

    pub async fn payment(&self, reference: &str) -> StoreResult<Option<PaymentRecord>> {
        let row: Option<(i64, String, i64, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT case_id, reference, amount_fen, status, return_path FROM payments WHERE reference = $1")
                .bind(reference).fetch_optional(pool).await?
        });
        Ok(row.map(|(case_id, reference, amount, status, return_path)| PaymentRecord {
            case_id,
            reference,
            amount_fen: u32::try_from(amount).unwrap_or(0),
            status,
            return_path,
        }))
    }

    /// The attempt that paid a case's fee, if one did.
    pub async fn paid_payment_of_case(&self, case_id: i64) -> StoreResult<Option<PaymentRecord>> {
        let reference: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT reference FROM payments WHERE case_id = $1 AND status = 'paid' ORDER BY id DESC LIMIT 1")
                .bind(case_id).fetch_optional(pool).await?
        });
        match reference {
            Some(r) => self.payment(&r).await,
            None => Ok(None),
        }
    }

    /// Settles a pending attempt as the gateway reports it: paid marks the case's
    /// fee paid. Both are chained into the case's record. False when the attempt
    /// was settled already (a gateway may report twice) or the fee no longer
    /// waits for payment.
    pub async fn settle_payment(&self, reference: &str, outcome: PaymentOutcome, at: i64) -> StoreResult<bool> {
        let settled: Result<bool, sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let status = match outcome { PaymentOutcome::Paid => "paid", PaymentOutcome::Failed => "failed" };
            let row: Option<(i64, i64)> = sqlx::query_as(
                "UPDATE payments SET status = $1, updated_at = $2 WHERE reference = $3 AND status = 'pending' RETURNING case_id, amount_fen",
            )
            .bind(status).bind(at).bind(reference).fetch_optional(&mut *tx).await?;
            let Some((case_id, amount)) = row else {
                tx.rollback().await?;
                return Ok(false);
            };
            let amount = u32::try_from(amount).unwrap_or(0);
            if outcome == PaymentOutcome::Paid {
                let moved = sqlx::query("UPDATE cases SET payment_status = $1, updated_at = $2 WHERE id = $3 AND payment_status = $4")
                    .bind(PaymentStatus::Paid.code()).bind(at).bind(case_id).bind(PaymentStatus::Unpaid.code())
                    .execute(&mut *tx).await?.rows_affected();
                if moved != 1 {
                    // Paid twice (two tabs): the second is not taken.
                    tx.rollback().await?;
                    return Ok(false);
                }
            }
            let case_status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = $1").bind(case_id).fetch_one(&mut *tx).await?;
            let note = match outcome {
                PaymentOutcome::Paid => format!("paid {} ({reference})", yuan(amount)),
                PaymentOutcome::Failed => format!("payment failed ({reference})"),
            };
            append_case_event!(tx, case_id, EventKind::Payment.code(), at, "applicant", "", Some(case_status.as_str()), case_status.as_str(), &note);
            tx.commit().await?;
            Ok(true)
        }.await);
        Ok(settled?)
    }

    /// Gives a paid fee back (the case ended without a result): the case's fee is
    /// refunded and the paid attempt marked so, in its record.
    pub async fn refund_case_fee(&self, case_id: i64, at: i64) -> StoreResult<bool> {
        let refunded: Result<bool, sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin_write().await?;
            let row: Option<(String, i64)> = sqlx::query_as(
                "UPDATE cases SET payment_status = $1, updated_at = $2 WHERE id = $3 AND payment_status = $4 RETURNING status, fee_fen",
            )
            .bind(PaymentStatus::Refunded.code()).bind(at).bind(case_id).bind(PaymentStatus::Paid.code())
            .fetch_optional(&mut *tx).await?;
            let Some((case_status, amount)) = row else {
                tx.rollback().await?;
                return Ok(false);
            };
            sqlx::query("UPDATE payments SET status = 'refunded', updated_at = $1 WHERE case_id = $2 AND status = 'paid'")
                .bind(at).bind(case_id).execute(&mut *tx).await?;
            let note = format!("refunded {}", yuan(u32::try_from(amount).unwrap_or(0)));
            append_case_event!(tx, case_id, EventKind::Payment.code(), at, "system", "", Some(case_status.as_str()), case_status.as_str(), &note);
            tx.commit().await?;
            Ok(true)
        }.await);
        Ok(refunded?)
    }
}
