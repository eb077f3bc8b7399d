//! One-time codes sent by text message: a citizen signs in with one (mobile number +
//! code, no password to forget), and a resident consents with one to a proxy agent
//! filing for them. The rules for sending and checking them live here; the server
//! keeps only a keyed hash of each code.

use serde::{Deserialize, Serialize};

/// Digits in a code.
pub const CODE_DIGITS: usize = 6;
/// A code is good for five minutes.
pub const CODE_TTL_MS: i64 = 5 * 60 * 1000;
/// A second code to the same number waits a minute (the "resend in 60 s" of every
/// sign-in form), so nobody can flood a phone.
pub const RESEND_AFTER_MS: i64 = 60 * 1000;
/// The window the send limits count in.
pub const SEND_WINDOW_MS: i64 = 60 * 60 * 1000;
/// Codes one number may be sent per hour.
pub const MAX_SENDS_PER_NUMBER: usize = 5;
/// Codes one client (network address) may ask for per hour, to any numbers: a
/// family or a village service point shares an address, a sender of spam is stopped.
pub const MAX_SENDS_PER_CLIENT: usize = 20;
/// Wrong entries a code survives; then it is void and a new one must be sent.
pub const MAX_WRONG_ENTRIES: u32 = 5;

/// What a code is for; a code sent for one purpose never passes for another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodePurpose {
    /// A citizen signs in.
    SignIn,
    /// A resident agrees that a proxy agent files for them.
    ProxyConsent,
}

impl CodePurpose {
    pub fn code(self) -> &'static str {
        match self {
            CodePurpose::SignIn => "sign_in",
            CodePurpose::ProxyConsent => "proxy_consent",
        }
    }
}

/// A code as typed: six digits, full-width digits and spaces forgiven.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl OneTimeCode {
    pub fn parse(input: &str) -> Option<OneTimeCode> {
        let folded = super::text::fold_to_ascii_compact(input);
        (folded.len() == CODE_DIGITS && folded.bytes().all(|b| b.is_ascii_digit())).then_some(OneTimeCode(folded))
    }

    /// A code from random bytes (the server's entropy), uniform over 000000–999999.
    pub fn from_random(bytes: [u8; 8]) -> OneTimeCode {
        // 2^64 is not a multiple of 10^6, but the bias is below 10^-13.
        OneTimeCode(format!("{:06}", u64::from_le_bytes(bytes) % 1_000_000))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why no code is sent now. Each has its own message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendRefusal {
    /// A code went to this number less than a minute ago: wait this many seconds.
    TooSoon { wait_s: i64 },
    /// This number has had its codes for the hour.
    NumberLimit,
    /// This client has asked for too many codes this hour.
    ClientLimit,
}

impl SendRefusal {
    pub fn code(self) -> &'static str {
        match self {
            SendRefusal::TooSoon { .. } => "too_soon",
            SendRefusal::NumberLimit => "number_limit",
            SendRefusal::ClientLimit => "client_limit",
        }
    }
}

/// A code sent earlier: when, and whether it has been used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EarlierSend {
    pub at: i64,
    pub used: bool,
}

/// Whether a code may be sent now, given the codes sent to the number (any order)
/// and how many this client asked for within the window. The minute's wait runs
/// from the newest code still unused: once a code has signed someone in, signing in
/// on a second device need not wait (the hourly limit still holds).
pub fn may_send(sent_to_number: &[EarlierSend], sent_from_client: usize, now: i64) -> Result<(), SendRefusal> {
    let recent: Vec<EarlierSend> = sent_to_number.iter().copied().filter(|s| now - s.at < SEND_WINDOW_MS).collect();
    if let Some(last) = recent.iter().filter(|s| !s.used).map(|s| s.at).max() {
        let wait_ms = RESEND_AFTER_MS - (now - last);
        if wait_ms > 0 {
            return Err(SendRefusal::TooSoon { wait_s: (wait_ms + 999) / 1000 });
        }
    }
    if recent.len() >= MAX_SENDS_PER_NUMBER {
        return Err(SendRefusal::NumberLimit);
    }
    if sent_from_client >= MAX_SENDS_PER_CLIENT {
        return Err(SendRefusal::ClientLimit);
    }
    Ok(())
}

/// The newest code sent to a number for a purpose, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedCode {
    pub expires_at: i64,
    pub used: bool,
    pub wrong_entries: u32,
    /// Whether the code entered matches this one (compared by the server, by hash).
    pub matches: bool,
}

/// Why a code entered is not accepted. Each has its own message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeRefusal {
    /// Not six digits.
    Malformed,
    /// No code was sent to this number (or it was sent for something else).
    NoneSent,
    Expired,
    /// Already used: a code signs in once.
    Used,
    /// Wrong; this many more tries before the code is void.
    Wrong { tries_left: u32 },
    /// Too many wrong entries: the code is void.
    Void,
}

impl CodeRefusal {
    pub fn code(self) -> &'static str {
        match self {
            CodeRefusal::Malformed => "code_malformed",
            CodeRefusal::NoneSent => "code_none_sent",
            CodeRefusal::Expired => "code_expired",
            CodeRefusal::Used => "code_used",
            CodeRefusal::Wrong { .. } => "code_wrong",
            CodeRefusal::Void => "code_void",
        }
    }
}

/// Judges an entered code against the newest one sent. A void or used code stays
/// refused even when the right digits arrive later; the order of checks means a
/// guesser learns nothing about the digits from an expired or void code.
pub fn judge(newest: Option<&IssuedCode>, now: i64) -> Result<(), CodeRefusal> {
    let code = newest.ok_or(CodeRefusal::NoneSent)?;
    if code.used {
        return Err(CodeRefusal::Used);
    }
    if code.wrong_entries >= MAX_WRONG_ENTRIES {
        return Err(CodeRefusal::Void);
    }
    if now >= code.expires_at {
        return Err(CodeRefusal::Expired);
    }
    if !code.matches {
        let tries_left = MAX_WRONG_ENTRIES - code.wrong_entries - 1;
        return Err(if tries_left == 0 { CodeRefusal::Void } else { CodeRefusal::Wrong { tries_left } });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_however_typed() {
        assert_eq!(OneTimeCode::parse(" 123 456 ").map(|c| c.0), Some("123456".into()));
        assert_eq!(OneTimeCode::parse("１２３４５６").map(|c| c.0), Some("123456".into()));
        assert_eq!(OneTimeCode::parse("12345"), None);
        assert_eq!(OneTimeCode::parse("12345a"), None);
        assert_eq!(OneTimeCode::parse("1234567"), None);
        assert_eq!(OneTimeCode::from_random([0; 8]).as_str(), "000000");
        assert_eq!(OneTimeCode::from_random([0xff; 8]).as_str().len(), 6);
    }

    fn unused(at: i64) -> EarlierSend {
        EarlierSend { at, used: false }
    }

    #[test]
    fn sending_waits_a_minute_and_stops_at_the_hourly_limits() {
        let now = 10 * SEND_WINDOW_MS;
        assert_eq!(may_send(&[], 0, now), Ok(()));
        assert_eq!(may_send(&[unused(now - 1_000)], 0, now), Err(SendRefusal::TooSoon { wait_s: 59 }));
        assert_eq!(may_send(&[unused(now - 59_001)], 0, now), Err(SendRefusal::TooSoon { wait_s: 1 }));
        assert_eq!(may_send(&[unused(now - 60_000)], 0, now), Ok(()));
        // A code that has been used does not hold the next one back.
        assert_eq!(may_send(&[EarlierSend { at: now - 1_000, used: true }], 0, now), Ok(()));
        let five: Vec<EarlierSend> = (1..=5).map(|i| EarlierSend { at: now - i * 1_000, used: true }).collect();
        assert_eq!(may_send(&five, 0, now), Err(SendRefusal::NumberLimit));
        // Sends older than the window no longer count.
        let old: Vec<EarlierSend> = (1..=5).map(|i| unused(now - SEND_WINDOW_MS - i)).collect();
        assert_eq!(may_send(&old, 0, now), Ok(()));
        assert_eq!(may_send(&[], MAX_SENDS_PER_CLIENT, now), Err(SendRefusal::ClientLimit));
        assert_eq!(may_send(&[], MAX_SENDS_PER_CLIENT - 1, now), Ok(()));
    }

    fn issued(matches: bool) -> IssuedCode {
        IssuedCode { expires_at: 1_000, used: false, wrong_entries: 0, matches }
    }

    #[test]
    fn a_code_passes_once_before_it_expires_and_dies_after_five_wrong_entries() {
        assert_eq!(judge(Some(&issued(true)), 999), Ok(()));
        assert_eq!(judge(Some(&issued(true)), 1_000), Err(CodeRefusal::Expired));
        assert_eq!(judge(None, 0), Err(CodeRefusal::NoneSent));
        assert_eq!(judge(Some(&IssuedCode { used: true, ..issued(true) }), 0), Err(CodeRefusal::Used));
        assert_eq!(judge(Some(&issued(false)), 0), Err(CodeRefusal::Wrong { tries_left: 4 }));
        assert_eq!(judge(Some(&IssuedCode { wrong_entries: 3, ..issued(false) }), 0), Err(CodeRefusal::Wrong { tries_left: 1 }));
        assert_eq!(judge(Some(&IssuedCode { wrong_entries: 4, ..issued(false) }), 0), Err(CodeRefusal::Void));
        // The right digits after five wrong ones are still refused.
        assert_eq!(judge(Some(&IssuedCode { wrong_entries: 5, ..issued(true) }), 0), Err(CodeRefusal::Void));
        // An expired code says so whether or not the digits match.
        assert_eq!(judge(Some(&issued(false)), 2_000), Err(CodeRefusal::Expired));
    }
}
