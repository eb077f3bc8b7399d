//! Department review (后台分类审批), single or parallel (并联审批): every department an
//! item names reviews the same case at the same time ("齐步跑"), and the case is
//! decided by all of their decisions together.

use serde::{Deserialize, Serialize};

/// Where one department's review of a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Waiting for a reviewer of the department to take it.
    Pending,
    /// A reviewer has taken it (it is in their "mine" list).
    InReview,
    Approved,
    Rejected,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 4] = [ReviewStatus::Pending, ReviewStatus::InReview, ReviewStatus::Approved, ReviewStatus::Rejected];

    /// The stable code stored in the database and used as the i18n key `review.<code>`.
    pub fn code(self) -> &'static str {
        match self {
            ReviewStatus::Pending => "pending",
            ReviewStatus::InReview => "in_review",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<ReviewStatus> {
        ReviewStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the department has decided.
    pub fn is_decided(self) -> bool {
        matches!(self, ReviewStatus::Approved | ReviewStatus::Rejected)
    }
}

/// What the departments' reviews add up to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewOutcome {
    /// At least one department has not decided, and none has rejected.
    Waiting,
    /// Every department approved.
    Approved,
    /// A department rejected: the case is rejected, whatever the others decide.
    Rejected,
}

/// Adds up the departments' reviews. No reviews at all is still waiting: a case is
/// never approved by nobody.
pub fn aggregate(reviews: impl IntoIterator<Item = ReviewStatus>) -> ReviewOutcome {
    let mut any = false;
    let mut all_approved = true;
    for r in reviews {
        any = true;
        match r {
            ReviewStatus::Rejected => return ReviewOutcome::Rejected,
            ReviewStatus::Approved => {}
            ReviewStatus::Pending | ReviewStatus::InReview => all_approved = false,
        }
    }
    if any && all_approved { ReviewOutcome::Approved } else { ReviewOutcome::Waiting }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReviewStatus as R;

    #[test]
    fn a_case_waits_for_every_department() {
        assert_eq!(aggregate([R::Approved, R::Pending]), ReviewOutcome::Waiting);
        assert_eq!(aggregate([R::InReview, R::Approved]), ReviewOutcome::Waiting);
        assert_eq!(aggregate([R::Approved, R::Approved, R::Approved]), ReviewOutcome::Approved);
        assert_eq!(aggregate([R::Approved]), ReviewOutcome::Approved, "a single review decides alone");
    }

    #[test]
    fn one_rejection_rejects_the_case_in_any_order() {
        assert_eq!(aggregate([R::Rejected, R::Pending]), ReviewOutcome::Rejected);
        assert_eq!(aggregate([R::Approved, R::Rejected]), ReviewOutcome::Rejected);
        assert_eq!(aggregate([R::Pending, R::Approved, R::Rejected]), ReviewOutcome::Rejected);
    }

    #[test]
    fn nobody_approves_nothing() {
        assert_eq!(aggregate([]), ReviewOutcome::Waiting);
    }

    #[test]
    fn codes_round_trip() {
        for s in R::ALL {
            assert_eq!(R::from_code(s.code()), Some(s));
        }
    }
}
