//! Staff sign-in (argon2 password hashes, signed session cookies) and the
//! anonymous applicant cookie that ties drafts and receipts to one browser.
//! Sessions are signed, not stored: any app server with the key can check one.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::Argon2;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::path::Path;

pub const STAFF_COOKIE: &str = "portal_staff";
pub const APPLICANT_COOKIE: &str = "portal_applicant";
pub const CITIZEN_COOKIE: &str = "portal_citizen";
/// A citizen stays signed in for a week on their own phone.
pub const CITIZEN_SESSION_MS: i64 = 7 * 24 * 3600 * 1000;
/// A staff session lasts one working day.
pub const STAFF_SESSION_MS: i64 = 10 * 3600 * 1000;
/// An applicant's browser keeps its drafts for 30 days.
pub const APPLICANT_COOKIE_DAYS: i64 = 30;

/// A staff user name: 3–32 lowercase letters, digits or `_`.
pub fn valid_username(name: &str) -> bool {
    (3..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether a new staff password is strong enough: at least 12 characters, and not
/// only one kind (letters, digits, others).
pub fn acceptable_password(password: &str) -> Result<(), &'static str> {
    if password.chars().count() < 12 {
        return Err("the password must have at least 12 characters");
    }
    let kinds = [password.chars().any(|c| c.is_alphabetic()), password.chars().any(|c| c.is_ascii_digit()), password.chars().any(|c| !c.is_alphanumeric())];
    if kinds.iter().filter(|k| **k).count() < 2 {
        return Err("the password must mix letters, digits or other characters");
    }
    Ok(())
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 with default parameters cannot fail").to_string()
}

/// Checks `password` against a stored PHC string; a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the user does not exist, so a wrong user name
/// takes as long as a wrong password and does not reveal which accounts exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy-password-never-matches"))
}

/// The key that signs session cookies.
#[derive(Clone)]
pub struct SessionKey(std::sync::Arc<[u8; 32]>);

impl SessionKey {
    /// Reads the key file, creating it with 32 random bytes (mode 0600) if missing.
    pub fn load_or_create(path: &Path) -> std::io::Result<SessionKey> {
        match std::fs::read(path) {
            Ok(bytes) if bytes.len() >= 32 => {
                let key: [u8; 32] = Sha256::digest(&bytes).into();
                Ok(SessionKey(std::sync::Arc::new(key)))
            }
            Ok(_) => Err(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: a session key needs 32 or more bytes", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                getrandom::getrandom(&mut key).map_err(std::io::Error::other)?;
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                write_private(path, &key)?;
                Self::load_or_create(path)
            }
            Err(e) => Err(e),
        }
    }

    #[cfg(test)]
    pub fn for_tests(byte: u8) -> SessionKey {
        SessionKey(std::sync::Arc::new([byte; 32]))
    }

    fn mac(&self, payload: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0[..]).expect("HMAC takes any key length");
        mac.update(payload.as_bytes());
        mac
    }

    /// `user_id.expires_ms.signature`.
    pub fn sign_session(&self, user_id: i64, expires_ms: i64) -> String {
        let payload = format!("{user_id}.{expires_ms}");
        let sig = crate::server::clock::hex(&self.mac(&payload).finalize().into_bytes());
        format!("{payload}.{sig}")
    }

    /// `c.citizen_id.expires_ms.signature`: the prefix is inside the signed text, so a
    /// citizen's session never passes for a staff one or the reverse.
    pub fn sign_citizen_session(&self, citizen_id: i64, expires_ms: i64) -> String {
        let payload = format!("c.{citizen_id}.{expires_ms}");
        let sig = crate::server::clock::hex(&self.mac(&payload).finalize().into_bytes());
        format!("{payload}.{sig}")
    }

    /// The citizen id of a genuine, unexpired citizen session cookie.
    pub fn verify_citizen_session(&self, cookie: &str, now_ms: i64) -> Option<i64> {
        let (payload, sig) = cookie.rsplit_once('.')?;
        let (citizen, expires) = payload.strip_prefix("c.")?.split_once('.')?;
        self.mac(payload).verify_slice(&decode_hex(sig)?).ok()?;
        (expires.parse::<i64>().ok()? > now_ms).then_some(())?;
        citizen.parse().ok()
    }

    /// The stored form of a one-time code: keyed, so the table alone does not give
    /// the six digits away to a brute force of a million hashes.
    pub fn code_hash(&self, purpose: &str, phone: &str, code: &str) -> String {
        crate::server::clock::hex(&self.mac(&format!("otp|{purpose}|{phone}|{code}")).finalize().into_bytes())
    }

    /// The user id of a genuine, unexpired session cookie.
    pub fn verify_session(&self, cookie: &str, now_ms: i64) -> Option<i64> {
        self.verify_session_expiry(cookie, now_ms).map(|(user, _)| user)
    }

    /// The user id and expiry (ms) of a genuine, unexpired session cookie: a staff
    /// session was signed in `STAFF_SESSION_MS` before it expires.
    pub fn verify_session_expiry(&self, cookie: &str, now_ms: i64) -> Option<(i64, i64)> {
        let (payload, sig) = cookie.rsplit_once('.')?;
        let (user, expires) = payload.split_once('.')?;
        let sig = decode_hex(sig)?;
        self.mac(payload).verify_slice(&sig).ok()?;
        let expires: i64 = expires.parse().ok()?;
        (expires > now_ms).then_some(())?;
        Some((user.parse().ok()?, expires))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// The applicant cookie is a random token; only its hash is stored with drafts and
/// cases, so a database leak does not hand out anyone's drafts.
pub fn owner_hash(token: &str) -> String {
    crate::server::clock::hex(&Sha256::digest(token.as_bytes()))
}

/// A session cookie as the revocation list knows it: its hash, never the cookie.
pub fn session_hash(cookie: &str) -> String {
    owner_hash(cookie)
}

/// When a signed session cookie (staff `id.expires.sig` or citizen
/// `c.id.expires.sig`) expires; only meaningful for a cookie already verified.
pub fn session_expiry(cookie: &str) -> Option<i64> {
    cookie.rsplit_once('.')?.0.rsplit_once('.')?.1.parse().ok()
}

/// The value of cookie `name` in a `Cookie:` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').map(str::trim).find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// A `Set-Cookie` value: HttpOnly always, Secure when the portal is behind TLS.
pub fn set_cookie(name: &str, value: &str, max_age_s: Option<i64>, same_site: &str, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if let Some(age) = max_age_s {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horse ", &h));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn sessions_cannot_be_forged_or_used_after_expiry() {
        let key = SessionKey::for_tests(7);
        let cookie = key.sign_session(42, 1_000);
        assert_eq!(key.verify_session(&cookie, 999), Some(42));
        assert_eq!(key.verify_session(&cookie, 1_000), None, "expired");
        assert_eq!(key.verify_session(&cookie.replacen("42.", "1.", 1), 999), None, "another user id");
        assert_eq!(key.verify_session(&cookie.replacen(".1000.", ".9999999.", 1), 999), None, "extended expiry");
        assert_eq!(SessionKey::for_tests(8).verify_session(&cookie, 999), None, "another server's key");
        assert_eq!(key.verify_session("garbage", 0), None);
    }

    #[test]
    fn citizen_and_staff_sessions_never_pass_for_each_other() {
        let key = SessionKey::for_tests(7);
        let citizen = key.sign_citizen_session(42, 1_000);
        assert_eq!(key.verify_citizen_session(&citizen, 999), Some(42));
        assert_eq!(key.verify_citizen_session(&citizen, 1_000), None, "expired");
        assert_eq!(key.verify_session(&citizen, 999), None, "a citizen session is not a staff one");
        assert_eq!(key.verify_citizen_session(&key.sign_session(42, 1_000), 999), None, "nor the reverse");
        assert_eq!(key.verify_citizen_session(&citizen.replacen("c.42.", "c.43.", 1), 999), None, "another citizen");
        assert_ne!(key.code_hash("sign_in", "13800138000", "123456"), key.code_hash("proxy_consent", "13800138000", "123456"));
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let header = "portal_staff_old=1; portal_staff=abc.def; lang=en";
        assert_eq!(cookie_value(header, "portal_staff"), Some("abc.def"));
        assert_eq!(cookie_value(header, "missing"), None);
        let c = set_cookie("portal_staff", "v", Some(60), "Strict", true);
        assert_eq!(c, "portal_staff=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
    }

    #[test]
    fn the_first_administrator_needs_a_real_name_and_password() {
        assert!(valid_username("admin_1") && !valid_username("Admin") && !valid_username("ab") && !valid_username("a b c"));
        assert!(acceptable_password("Gulou-2026-admin").is_ok());
        assert!(acceptable_password("short1!").is_err());
        assert!(acceptable_password("onlylettershere").is_err());
        assert!(acceptable_password("123456789012").is_err());
    }
}
