//! Identifiers that can only exist valid: parse, don't validate. Each parser folds
//! what phones and Chinese input methods produce (full-width digits, lowercase x,
//! spaces) before checking, so a citizen is never refused for how they typed.

use super::calendar::Date;
use super::text::fold_to_ascii_compact;
use serde::{Deserialize, Serialize};
use std::fmt;

/// ISO 7064 MOD 11-2 check character over a run of decimal digits, as used by the
/// resident ID number (GB 11643-1999) and by our tracking numbers.
fn mod11_2_check(digits: &[u8]) -> char {
    let mut weight = 2u32; // weight of the digit just left of the check character
    let mut sum = 0u32;
    for &d in digits.iter().rev() {
        sum += u32::from(d - b'0') * weight;
        weight = weight * 2 % 11;
    }
    match (12 - sum % 11) % 11 {
        10 => 'X',
        n => char::from(b'0' + n as u8),
    }
}

/// Provincial-level codes that may open an ID number: the 31 provinces, Taiwan (71),
/// and the residence permits for Hong Kong, Macao and Taiwan residents (81, 82, 83).
const PROVINCE_CODES: [&str; 35] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
];

/// Why a resident ID number was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResidentIdError {
    /// Not 18 characters once spaces are removed.
    Length,
    /// A character other than a digit, or an X anywhere but last.
    Character,
    /// The first two digits are no province.
    Region,
    /// Digits 7–14 are no real date (e.g. 29 February in a common year).
    BirthDate,
    /// The last character does not match the other 17: a typo somewhere.
    CheckCharacter,
}

/// 居民身份证号码 (GB 11643-1999), 18 characters, the last a digit or `X`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResidentId(String);

impl ResidentId {
    pub fn parse(input: &str) -> Result<ResidentId, ResidentIdError> {
        let folded = fold_to_ascii_compact(input).to_ascii_uppercase();
        if folded.chars().count() != 18 {
            return Err(ResidentIdError::Length);
        }
        let bytes = folded.as_bytes();
        let body_ok = bytes[..17].iter().all(u8::is_ascii_digit);
        let last_ok = bytes[17].is_ascii_digit() || bytes[17] == b'X';
        if !body_ok || !last_ok {
            return Err(ResidentIdError::Character);
        }
        if !PROVINCE_CODES.contains(&&folded[0..2]) {
            return Err(ResidentIdError::Region);
        }
        match Date::parse_compact(&folded[6..14]) {
            Some(d) if d.year() >= 1900 => {}
            _ => return Err(ResidentIdError::BirthDate),
        }
        if mod11_2_check(&bytes[..17]) != char::from(bytes[17]) {
            return Err(ResidentIdError::CheckCharacter);
        }
        Ok(ResidentId(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> Date {
        Date::parse_compact(&self.0[6..14]).expect("checked in parse")
    }

    /// The 17th digit is odd for men and even for women.
    pub fn is_male(&self) -> bool {
        (self.0.as_bytes()[16] - b'0') % 2 == 1
    }

    /// For display to clerks and on receipts: region and check character only.
    pub fn masked(&self) -> String {
        format!("{}************{}", &self.0[..4], &self.0[16..])
    }
}

impl TryFrom<String> for ResidentId {
    type Error = ResidentIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ResidentId::parse(&s)
    }
}
impl From<ResidentId> for String {
    fn from(id: ResidentId) -> String {
        id.0
    }
}
impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Display for ResidentIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// The 31 characters of GB 32100-2015, in value order (no I, O, S, V, Z).
const CREDIT_CODE_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_CODE_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/// Registration authorities (first character): 1 机构编制, 2 外交, 3 司法行政, 4 文化,
/// 5 民政, 6 旅游, 7 宗教, 8 工会, 9 市场监管, A 中央军委改革和编制办公室, N 农业农村, Y 其他.
const CREDIT_CODE_AUTHORITIES: &[u8] = b"123456789ANY";

/// Why a unified social credit code was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreditCodeError {
    Length,
    /// A character outside the code's 31-character set (I, O, S, V, Z are never used).
    Character,
    /// The first character names no registration authority.
    Authority,
    /// Characters 3–8 must be the digits of an administrative division.
    Region,
    CheckCharacter,
}

/// 统一社会信用代码 (GB 32100-2015), 18 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(input: &str) -> Result<CreditCode, CreditCodeError> {
        let folded = fold_to_ascii_compact(input).to_ascii_uppercase();
        if folded.chars().count() != 18 {
            return Err(CreditCodeError::Length);
        }
        let values: Option<Vec<u32>> = folded
            .bytes()
            .map(|b| CREDIT_CODE_CHARSET.iter().position(|&c| c == b).map(|p| p as u32))
            .collect();
        let values = values.ok_or(CreditCodeError::Character)?;
        let bytes = folded.as_bytes();
        if !CREDIT_CODE_AUTHORITIES.contains(&bytes[0]) {
            return Err(CreditCodeError::Authority);
        }
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::Region);
        }
        let sum: u32 = values[..17].iter().zip(CREDIT_CODE_WEIGHTS).map(|(v, w)| v * w).sum();
        let check = (31 - sum % 31) % 31;
        if values[17] != check {
            return Err(CreditCodeError::CheckCharacter);
        }
        Ok(CreditCode(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code a market regulation registration (authority 9, enterprise 1) in
    /// `region` (six digits) assigns its `serial`-th enterprise: the organisation
    /// code is the serial's eight digits with its GB 11714 check character.
    pub fn assign(region: &str, serial: u64) -> CreditCode {
        let organisation = format!("{:08}", serial % 100_000_000);
        const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = organisation.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        let organisation_check = match 11 - sum % 11 {
            10 => 'X',
            11 => '0',
            n => char::from(b'0' + n as u8),
        };
        let body = format!("91{region}{organisation}{organisation_check}");
        let sum: u32 = body
            .bytes()
            .filter_map(|b| CREDIT_CODE_CHARSET.iter().position(|&c| c == b))
            .zip(CREDIT_CODE_WEIGHTS)
            .map(|(v, w)| v as u32 * w)
            .sum();
        let check = CREDIT_CODE_CHARSET[((31 - sum % 31) % 31) as usize];
        CreditCode(format!("{body}{}", char::from(check)))
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CreditCode::parse(&s)
    }
}
impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}
impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Display for CreditCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Why a mobile number was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MobilePhoneError {
    /// Not 11 digits (after an optional +86 / 0086 prefix).
    Length,
    Character,
    /// Mainland mobile numbers start 13–19.
    Prefix,
}

/// A mainland China mobile number, stored as its 11 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MobilePhone(String);

impl MobilePhone {
    pub fn parse(input: &str) -> Result<MobilePhone, MobilePhoneError> {
        let folded: String = fold_to_ascii_compact(input).chars().filter(|c| !matches!(c, '-' | '(' | ')')).collect();
        let digits = folded
            .strip_prefix("+86")
            .or_else(|| folded.strip_prefix("0086"))
            .or_else(|| (folded.len() == 13).then(|| folded.strip_prefix("86")).flatten())
            .unwrap_or(&folded);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MobilePhoneError::Character);
        }
        if digits.len() != 11 {
            return Err(MobilePhoneError::Length);
        }
        let b = digits.as_bytes();
        if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
            return Err(MobilePhoneError::Prefix);
        }
        Ok(MobilePhone(digits.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What a citizen types to prove a case is theirs when looking it up.
    pub fn last_four(&self) -> &str {
        &self.0[7..]
    }

    /// `138****8000`, for screens that others may see.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl TryFrom<String> for MobilePhone {
    type Error = MobilePhoneError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        MobilePhone::parse(&s)
    }
}
impl From<MobilePhone> for String {
    fn from(p: MobilePhone) -> String {
        p.0
    }
}
impl fmt::Display for MobilePhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Why a tracking number was not recognised. Says nothing about whether a case exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrackingNumberError {
    Format,
    CheckCharacter,
}

/// 办件编号: region code (6) · acceptance date (8) · daily sequence (6) · check character,
/// written `350102-20261123-000042-7`. The check character (MOD 11-2) lets the portal tell
/// a mistyped number from one that does not exist without looking anything up.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingNumber(String);

impl TrackingNumber {
    /// Builds the number for the `sequence`-th case of `date` in `region`.
    /// `region` must be six digits (checked when settings are loaded).
    pub fn new(region: &str, date: Date, sequence: u32) -> TrackingNumber {
        let body = format!("{region}{}{sequence:06}", date.compact());
        let check = mod11_2_check(body.as_bytes());
        TrackingNumber(format!("{body}{check}"))
    }

    pub fn parse(input: &str) -> Result<TrackingNumber, TrackingNumberError> {
        let folded: String = fold_to_ascii_compact(input)
            .to_ascii_uppercase()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | '.'))
            .collect();
        let b = folded.as_bytes();
        let shape_ok = b.len() == 21 && b[..20].iter().all(u8::is_ascii_digit) && (b[20].is_ascii_digit() || b[20] == b'X');
        if !shape_ok || Date::parse_compact(&folded[6..14]).is_none() {
            return Err(TrackingNumberError::Format);
        }
        if mod11_2_check(&b[..20]) != char::from(b[20]) {
            return Err(TrackingNumberError::CheckCharacter);
        }
        Ok(TrackingNumber(folded))
    }

    /// The 21 characters without separators, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TrackingNumber {
    /// Grouped for reading aloud over the phone: `350102-20261123-000042-7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.0;
        write!(f, "{}-{}-{}-{}", &s[..6], &s[6..14], &s[14..20], &s[20..])
    }
}
impl TryFrom<String> for TrackingNumber {
    type Error = TrackingNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        TrackingNumber::parse(&s)
    }
}
impl From<TrackingNumber> for String {
    fn from(t: TrackingNumber) -> String {
        t.0
    }
}
impl fmt::Display for TrackingNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_resident_ids_parse() {
        for id in ["11010519491231002X", "440308199901010012", "350102199003071234", "110101200002290018"] {
            assert!(ResidentId::parse(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn lowercase_and_full_width_x_and_digits_are_normalised() {
        assert_eq!(ResidentId::parse("11010519491231002x").unwrap().as_str(), "11010519491231002X");
        assert_eq!(ResidentId::parse("１１０１０５１９４９１２３１００２ｘ").unwrap().as_str(), "11010519491231002X");
        assert_eq!(ResidentId::parse(" 110105 19491231 002X ").unwrap().as_str(), "11010519491231002X");
    }

    #[test]
    fn wrong_check_character_is_a_typo() {
        assert_eq!(ResidentId::parse("110105194912310021"), Err(ResidentIdError::CheckCharacter));
        assert_eq!(ResidentId::parse("440308199901010013"), Err(ResidentIdError::CheckCharacter));
    }

    #[test]
    fn twenty_ninth_of_february_in_an_id_needs_a_leap_year() {
        assert!(ResidentId::parse("110101200002290018").is_ok(), "2000 was a leap year");
        // Check character is right for the digits, but 1900-02-29 never existed.
        assert_eq!(ResidentId::parse("350102190002290012"), Err(ResidentIdError::BirthDate));
        assert_eq!(ResidentId::parse("350102199002300012").unwrap_err(), ResidentIdError::BirthDate);
    }

    #[test]
    fn malformed_resident_ids_say_what_is_wrong() {
        assert_eq!(ResidentId::parse(""), Err(ResidentIdError::Length));
        assert_eq!(ResidentId::parse("11010519491231002"), Err(ResidentIdError::Length));
        assert_eq!(ResidentId::parse("1101051949123100X2"), Err(ResidentIdError::Character));
        assert_eq!(ResidentId::parse("11010519491231002Y"), Err(ResidentIdError::Character));
        assert_eq!(ResidentId::parse("99010519491231002X"), Err(ResidentIdError::Region));
    }

    #[test]
    fn resident_id_knows_birth_date_and_sex() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), Date::new(1949, 12, 31).unwrap());
        assert!(!id.is_male());
        assert_eq!(id.masked(), "1101************2X");
    }

    #[test]
    fn known_credit_codes_parse_including_authorities_a_n_y() {
        for code in [
            "91350100M000100Y43",
            "91110000802100433B",
            "91110108551385082Q",
            "12100000400000624D",
            "Y1350100MA2Y8K9L0P",
            "N2350102MF0000001E",
            "A1000000MB1234567F",
            "93350100MA34ABCD0R",
        ] {
            assert!(CreditCode::parse(code).is_ok(), "{code}");
        }
        assert_eq!(CreditCode::parse("91350100m000100y43").unwrap().as_str(), "91350100M000100Y43");
    }

    #[test]
    fn credit_codes_with_errors_are_refused_for_the_right_reason() {
        assert_eq!(CreditCode::parse("91350100M000100Y44"), Err(CreditCodeError::CheckCharacter));
        assert_eq!(CreditCode::parse("91350100M000100Y4"), Err(CreditCodeError::Length));
        assert_eq!(CreditCode::parse("91350100I000100Y43"), Err(CreditCodeError::Character), "I is never used");
        assert_eq!(CreditCode::parse("B1350100M000100Y43"), Err(CreditCodeError::Authority));
        assert_eq!(CreditCode::parse("9135A100M000100Y43"), Err(CreditCodeError::Region));
    }

    #[test]
    fn an_assigned_credit_code_is_a_valid_one_of_its_region() {
        for serial in [0, 1, 42, 123_456, 99_999_999, 100_000_007] {
            let code = CreditCode::assign("350102", serial);
            assert_eq!(CreditCode::parse(code.as_str()).as_ref(), Ok(&code), "{code}");
            assert!(code.as_str().starts_with("91350102"));
        }
        assert_ne!(CreditCode::assign("350102", 1), CreditCode::assign("350102", 2));
    }

    #[test]
    fn mobile_numbers_accept_country_prefix_and_separators() {
        for input in ["13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "8613800138000", "１３８００１３８０００"] {
            assert_eq!(MobilePhone::parse(input).map(|p| p.as_str().to_owned()), Ok("13800138000".into()), "{input}");
        }
        let p = MobilePhone::parse("13800138000").unwrap();
        assert_eq!(p.last_four(), "8000");
        assert_eq!(p.masked(), "138****8000");
    }

    #[test]
    fn landlines_and_short_numbers_are_not_mobiles() {
        assert_eq!(MobilePhone::parse("1380013800"), Err(MobilePhoneError::Length));
        assert_eq!(MobilePhone::parse("12800138000"), Err(MobilePhoneError::Prefix));
        assert_eq!(MobilePhone::parse("0591-87654321"), Err(MobilePhoneError::Length));
        assert_eq!(MobilePhone::parse("0591-8765432"), Err(MobilePhoneError::Prefix), "eleven digits, but a landline");
        assert_eq!(MobilePhone::parse("1380013800a"), Err(MobilePhoneError::Character));
    }

    #[test]
    fn tracking_numbers_round_trip_and_catch_typos() {
        let date = Date::new(2026, 11, 23).unwrap();
        let n = TrackingNumber::new("350102", date, 42);
        assert_eq!(n.as_str().len(), 21);
        assert!(n.to_string().starts_with("350102-20261123-000042-"));
        assert_eq!(TrackingNumber::parse(&n.to_string()), Ok(n.clone()));
        assert_eq!(TrackingNumber::parse(&n.as_str().to_lowercase()), Ok(n.clone()));
        // Change one digit of the sequence: the check character no longer fits.
        let typo = n.as_str().replacen("000042", "000043", 1);
        assert_eq!(TrackingNumber::parse(&typo), Err(TrackingNumberError::CheckCharacter));
        assert_eq!(TrackingNumber::parse("35010220261123"), Err(TrackingNumberError::Format));
        assert_eq!(TrackingNumber::parse("350102-20261323-000042-7"), Err(TrackingNumberError::Format));
    }

    #[test]
    fn mod11_2_matches_the_id_number_standard() {
        assert_eq!(mod11_2_check(b"11010519491231002"), 'X');
        assert_eq!(mod11_2_check(b"44030819990101001"), '2');
    }
}
