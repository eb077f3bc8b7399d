//! The log: structured (one JSON object per line) unless a person is watching a
//! terminal, and never holding an ID number, a phone number or a sign-in code in
//! clear. Fields are chosen to hold none (tracking numbers, counts, staff user
//! names); free text that may echo what someone typed (a refused request's
//! problem, a store error) goes through [`redact`] first.

use std::io::IsTerminal;

/// Starts the log. `PORTAL_LOG_FORMAT=json` or `text` chooses; by default JSON,
/// text when standard output is a terminal.
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    let json = match std::env::var("PORTAL_LOG_FORMAT").as_deref() {
        Ok("json") => true,
        Ok("text") => false,
        _ => !std::io::stdout().is_terminal(),
    };
    let log = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        log.json().flatten_event(true).init();
    } else {
        log.init();
    }
}

/// `text` with every run of seven or more digits (a phone number, an ID number,
/// with its check character X, a bank account) replaced by how many there were.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let mut digits = i - start;
            if digits >= 7 {
                // An ID number's check character goes with it.
                if i < chars.len() && matches!(chars[i], 'X' | 'x') && digits == 17 {
                    i += 1;
                    digits += 1;
                }
                out.push_str(&format!("[{digits} digits]"));
            } else {
                out.extend(&chars[start..i]);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_and_id_numbers_never_reach_the_log() {
        assert_eq!(redact("answers[applicant_phone]=13800138000"), "answers[applicant_phone]=[11 digits]");
        assert_eq!(redact("id 11010519491231002X, again 11010519491231002x."), "id [18 digits], again [18 digits].");
        assert_eq!(redact("account 6222020200112233445"), "account [19 digits]");
        // Short numbers (counts, field positions, a year) stay readable.
        assert_eq!(redact("missing field `draft` at line 1 column 42 in 2026"), "missing field `draft` at line 1 column 42 in 2026");
        assert_eq!(redact("电话：13800138000。"), "电话：[11 digits]。");
    }
}
