//! The one place the server reads the time.

use crate::domain::calendar::Date;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Today's date in China.
pub fn today() -> Date {
    Date::from_unix_ms_china(now_ms())
}

/// A random token of 16 bytes as 32 lowercase hex characters, from the OS generator.
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).expect("the operating system's random generator is unavailable");
    hex(&bytes)
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
