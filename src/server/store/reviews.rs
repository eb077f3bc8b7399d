//! Department reviews of cases (one row per reviewing department).

use super::{Pool, Store, StoreResult, corrupt};
use crate::domain::access::ReviewPart;
use crate::domain::review::ReviewStatus;

/// One department's review of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRecord {
    pub department: String,
    pub status: ReviewStatus,
    /// `staff:<username>` of the reviewer who took or decided it.
    pub reviewer: Option<String>,
    pub reason: String,
    pub legal_basis: String,
    pub updated_at: i64,
}

impl ReviewRecord {
    pub fn part(&self) -> ReviewPart {
        ReviewPart { department: self.department.clone(), status: self.status }
    }
}

pub(super) type ReviewRow = (String, String, Option<String>, String, String, i64);
/// A case's reviews, in the order the departments were named; `$1` is the case.
pub(super) const CASE_REVIEWS: &str = "SELECT department, status, reviewer, reason, legal_basis, updated_at FROM case_reviews WHERE case_id = $1 ORDER BY position";

pub(super) fn review((department, status, reviewer, reason, legal_basis, updated_at): ReviewRow) -> StoreResult<ReviewRecord> {
    let status = ReviewStatus::from_code(&status).ok_or_else(|| corrupt(format!("review status `{status}`")))?;
    Ok(ReviewRecord { department, status, reviewer, reason, legal_basis, updated_at })
}

impl Store {
    /// The reviews of a case, in the order the departments were named.
    pub async fn case_reviews(&self, case_id: i64) -> StoreResult<Vec<ReviewRecord>> {
        let rows: Vec<ReviewRow> = on_pool!(self, pool => sqlx::query_as(CASE_REVIEWS).bind(case_id).fetch_all(pool).await?);
        rows.into_iter().map(review).collect()
    }
}
