//! Electronic licences (电子证照): what an approved case issues when its item says so,
//! and what the public verification page may show about one.

use super::calendar::Date;
use super::text::Text;
use serde::{Deserialize, Serialize};

/// What a service item issues on approval, from its catalog file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceSpec {
    pub name: Text,
    /// The answer that names the holder (a company name, a person); the applicant by default.
    #[serde(default)]
    pub holder_field: Option<String>,
    /// Years of validity; none for a licence that does not expire.
    #[serde(default)]
    pub valid_years: Option<u32>,
    /// The registration assigns the holder its unified social credit code (a
    /// business licence): the licence carries the code later filings use.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub assigns_credit_code: bool,
}

/// Whether a licence stands, as the register says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceStatus {
    Valid,
    Revoked,
}

impl LicenceStatus {
    pub fn code(self) -> &'static str {
        match self {
            LicenceStatus::Valid => "valid",
            LicenceStatus::Revoked => "revoked",
        }
    }

    pub fn from_code(code: &str) -> Option<LicenceStatus> {
        [LicenceStatus::Valid, LicenceStatus::Revoked].into_iter().find(|s| s.code() == code)
    }
}

/// What the verification page answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Genuine and in force.
    Current,
    /// Genuine, but past its validity.
    Expired,
    /// Genuine, and withdrawn by the issuing department.
    Revoked,
}

impl Standing {
    pub fn code(self) -> &'static str {
        match self {
            Standing::Current => "current",
            Standing::Expired => "expired",
            Standing::Revoked => "revoked",
        }
    }
}

/// The standing of a licence on `today`.
pub fn standing(status: LicenceStatus, valid_until: Option<Date>, today: Date) -> Standing {
    match (status, valid_until) {
        (LicenceStatus::Revoked, _) => Standing::Revoked,
        (LicenceStatus::Valid, Some(until)) if today > until => Standing::Expired,
        (LicenceStatus::Valid, _) => Standing::Current,
    }
}

/// The last day of a licence issued on `issued_on` for `years` years.
pub fn valid_until(issued_on: Date, years: u32) -> Date {
    let year = issued_on.year() + years as i32;
    // 29 February issues end on 28 February in a common year.
    let end = Date::new(year, issued_on.month(), issued_on.day()).or_else(|| Date::new(year, issued_on.month(), 28)).unwrap_or(issued_on);
    end.plus_days(-1)
}

/// A name as the public page shows it: enough to recognise, not enough to harvest.
/// Short (personal) names keep their first character; long (organisation) names keep
/// their first and last two.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        n if n <= 4 => std::iter::once(chars[0]).chain(std::iter::repeat_n('*', n - 1)).collect(),
        n => chars[..2].iter().chain(['*'; 4].iter()).chain(chars[n - 2..].iter()).collect(),
    }
}

/// The licence number: item, date of issue and the case's sequence, e.g.
/// `MKT-0001-20260403-000123`. Readable over the phone and unique per case.
pub fn licence_number(item_code: &str, issued_on: Date, case_id: i64) -> String {
    format!("{item_code}-{}-{case_id:06}", issued_on.compact())
}

/// Whether `code` is shaped like a verification code (so a junk path is "not found"
/// without a database query).
pub fn is_verification_code(code: &str) -> bool {
    code.len() == 20 && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn names_are_masked_for_the_public() {
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("福州市鼓楼区某某科技有限公司"), "福州****公司");
        assert_eq!(mask_name("李"), "*");
        assert_eq!(mask_name(" "), "");
    }

    #[test]
    fn a_licence_is_current_until_it_expires_or_is_revoked() {
        let until = valid_until(d("2026-04-03"), 5);
        assert_eq!(until, d("2031-04-02"));
        assert_eq!(standing(LicenceStatus::Valid, Some(until), d("2031-04-02")), Standing::Current);
        assert_eq!(standing(LicenceStatus::Valid, Some(until), d("2031-04-03")), Standing::Expired);
        assert_eq!(standing(LicenceStatus::Revoked, None, d("2026-04-04")), Standing::Revoked);
        assert_eq!(standing(LicenceStatus::Valid, None, d("2099-01-01")), Standing::Current);
        assert_eq!(valid_until(d("2024-02-29"), 1), d("2025-02-27"));
    }

    #[test]
    fn numbers_and_codes_have_fixed_shapes() {
        assert_eq!(licence_number("MKT-0001", d("2026-04-03"), 123), "MKT-0001-20260403-000123");
        assert!(is_verification_code("ABCDEFGHJK2345678912"));
        assert!(!is_verification_code("abc"));
        assert!(!is_verification_code("../../../etc/passwd.."));
    }
}
