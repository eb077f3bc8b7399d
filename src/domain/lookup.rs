//! Progress lookup without an account: a tracking number and the last four digits
//! of the applicant's phone. Rules that keep it from being used to enumerate cases.

use super::ids::MobilePhone;

/// Whether the four digits a visitor typed match the applicant's phone. Compared
/// without early exit so timing does not reveal how many digits were right.
pub fn phone_matches(phone: &MobilePhone, typed_last_four: &str) -> bool {
    let typed = super::text::fold_to_ascii_compact(typed_last_four);
    let expected = phone.last_four().as_bytes();
    let typed = typed.as_bytes();
    if typed.len() != expected.len() {
        return false;
    }
    expected.iter().zip(typed).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// Whether what was typed could be the last four digits of a phone at all.
pub fn is_four_digits(typed: &str) -> bool {
    let typed = super::text::fold_to_ascii_compact(typed);
    typed.len() == 4 && typed.bytes().all(|b| b.is_ascii_digit())
}

/// Failed lookups a client may make before each further attempt is slowed.
pub const FREE_FAILURES: u32 = 5;
/// The slowest a throttled attempt gets.
pub const MAX_DELAY_MS: u64 = 8_000;

/// How long to hold a lookup from a client that has failed `failures` times in the
/// current window: nothing at first, then doubling from half a second.
pub fn failure_delay_ms(failures: u32) -> u64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(16);
    (500u64 << doublings).min(MAX_DELAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_four_digits_match_only_exactly() {
        let phone = MobilePhone::parse("13800138000").unwrap();
        assert!(phone_matches(&phone, "8000"));
        assert!(phone_matches(&phone, "８０００"));
        assert!(!phone_matches(&phone, "8001"));
        assert!(!phone_matches(&phone, "800"));
        assert!(!phone_matches(&phone, "38000"));
        assert!(is_four_digits(" 8000 "));
        assert!(!is_four_digits("80a0"));
    }

    #[test]
    fn repeated_failures_are_slowed_up_to_a_ceiling() {
        assert_eq!(failure_delay_ms(0), 0);
        assert_eq!(failure_delay_ms(FREE_FAILURES - 1), 0);
        assert_eq!(failure_delay_ms(FREE_FAILURES), 500);
        assert_eq!(failure_delay_ms(FREE_FAILURES + 1), 1000);
        assert_eq!(failure_delay_ms(FREE_FAILURES + 40), MAX_DELAY_MS);
    }
}
