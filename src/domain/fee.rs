//! Fees (收费) as data. An item that charges names its amount in its catalog file
//! (`[charge]`, in fen, so money is never a float); a fee the government pays
//! instead of the applicant (政府免单) names its basis. The case keeps its fee and
//! payment status; a result is not issued while a fee is unpaid, and a case that
//! ends without a result gives a paid fee back.

use super::case::CaseStatus;
use super::text::Text;
use serde::{Deserialize, Serialize};

/// What an item charges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charge {
    /// In fen (分).
    pub amount_fen: u32,
    /// 政府免单: the fee is due but paid by the government, on this basis.
    #[serde(default)]
    pub waived: Option<Text>,
}

/// Where a case's fee stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The item is free.
    NotRequired,
    Unpaid,
    Paid,
    /// Paid, then given back (the case ended without a result).
    Refunded,
    /// Paid by the government (政府免单).
    Waived,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 5] = [PaymentStatus::NotRequired, PaymentStatus::Unpaid, PaymentStatus::Paid, PaymentStatus::Refunded, PaymentStatus::Waived];

    pub fn code(self) -> &'static str {
        match self {
            PaymentStatus::NotRequired => "not_required",
            PaymentStatus::Unpaid => "unpaid",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Refunded => "refunded",
            PaymentStatus::Waived => "waived",
        }
    }

    pub fn from_code(code: &str) -> Option<PaymentStatus> {
        PaymentStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status a new case of an item with `charge` starts in.
    pub fn at_submission(charge: Option<&Charge>) -> PaymentStatus {
        match charge {
            None => PaymentStatus::NotRequired,
            Some(c) if c.waived.is_some() => PaymentStatus::Waived,
            Some(_) => PaymentStatus::Unpaid,
        }
    }

    /// Whether the applicant can pay now.
    pub fn payable(self) -> bool {
        self == PaymentStatus::Unpaid
    }

    /// Whether the result must wait for payment.
    pub fn holds_issuance(self) -> bool {
        self == PaymentStatus::Unpaid
    }

    /// What becomes of the fee when the case reaches `status`: a paid fee is given
    /// back when the case ends without a result (refused or rejected).
    pub fn after(self, status: CaseStatus) -> PaymentStatus {
        match (self, status) {
            (PaymentStatus::Paid, CaseStatus::Refused | CaseStatus::Rejected) => PaymentStatus::Refunded,
            (s, _) => s,
        }
    }
}

/// A case's fee: how much, and where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFee {
    pub amount_fen: u32,
    pub status: PaymentStatus,
}

impl CaseFee {
    pub const NONE: CaseFee = CaseFee { amount_fen: 0, status: PaymentStatus::NotRequired };

    pub fn at_submission(charge: Option<&Charge>) -> CaseFee {
        CaseFee { amount_fen: charge.map_or(0, |c| c.amount_fen), status: PaymentStatus::at_submission(charge) }
    }
}

/// 8000 fen → "80.00".
pub fn yuan(fen: u32) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// How a payment at the gateway ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentOutcome {
    Paid,
    Failed,
}

impl PaymentOutcome {
    pub fn parse(s: &str) -> Option<PaymentOutcome> {
        match s {
            "paid" => Some(PaymentOutcome::Paid),
            "failed" => Some(PaymentOutcome::Failed),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_starts_free_unpaid_or_waived_by_its_items_charge() {
        assert_eq!(CaseFee::at_submission(None), CaseFee::NONE);
        let charge = Charge { amount_fen: 8000, waived: None };
        assert_eq!(CaseFee::at_submission(Some(&charge)), CaseFee { amount_fen: 8000, status: PaymentStatus::Unpaid });
        let waived = Charge { amount_fen: 30000, waived: Some(Text { zh: "区财政承担".into(), en: "Paid by the district".into() }) };
        assert_eq!(CaseFee::at_submission(Some(&waived)).status, PaymentStatus::Waived);
        assert_eq!(yuan(8000), "80.00");
        assert_eq!(yuan(5), "0.05");
    }

    #[test]
    fn only_an_unpaid_fee_holds_the_result_and_a_paid_one_comes_back_when_the_case_fails() {
        assert!(PaymentStatus::Unpaid.holds_issuance() && PaymentStatus::Unpaid.payable());
        for s in [PaymentStatus::NotRequired, PaymentStatus::Paid, PaymentStatus::Waived, PaymentStatus::Refunded] {
            assert!(!s.holds_issuance() && !s.payable(), "{s:?}");
        }
        assert_eq!(PaymentStatus::Paid.after(CaseStatus::Rejected), PaymentStatus::Refunded);
        assert_eq!(PaymentStatus::Paid.after(CaseStatus::Refused), PaymentStatus::Refunded);
        assert_eq!(PaymentStatus::Paid.after(CaseStatus::Issued), PaymentStatus::Paid);
        assert_eq!(PaymentStatus::Unpaid.after(CaseStatus::Rejected), PaymentStatus::Unpaid);
        for s in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(PaymentOutcome::parse("paid"), Some(PaymentOutcome::Paid));
        assert_eq!(PaymentOutcome::parse("free"), None);
    }
}
