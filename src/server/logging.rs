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
    log_panics();
}

/// A panic anywhere in the server (a request's task, a resource's task, the
/// outbox) goes to the log as one error line with where it happened and the
/// chain of functions that led there, redacted like any other free text: the
/// default hook writes to standard error without a time or the calls, so a
/// panic in a task whose request is long gone could not be traced.
fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let calls = calls_of(&std::backtrace::Backtrace::force_capture().to_string());
        tracing::error!(message = %redact(&message), %location, %calls, "panicked at {location}");
    }));
}

/// The function names of a captured backtrace, innermost first, joined by " < ",
/// without the panic machinery's own frames and without file lines.
fn calls_of(backtrace: &str) -> String {
    backtrace
        .lines()
        .filter_map(|line| line.trim().split_once(": ").map(|(_, name)| name))
        .filter(|name| !name.starts_with("std::") && !name.starts_with("core::") && !name.contains("panic") && !name.starts_with("__rust"))
        .map(|name| name.rsplit_once("::h").filter(|(_, hash)| hash.len() == 16).map_or(name, |(head, _)| head))
        .collect::<Vec<_>>()
        .join(" < ")
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
    fn a_backtrace_is_logged_as_the_chain_of_calls_without_the_panic_machinery() {
        let backtrace = "   0: std::backtrace::Backtrace::force_capture::h0123456789abcdef\n   1: portal::server::logging::log_panics::{{closure}}::h0123456789abcdef\n             at ./src/server/logging.rs:30:20\n   2: reactive_graph::traits::Get::get::h0123456789abcdef\n   3: portal::ui::citizen::track_page::TrackPage::h0123456789abcdef\n";
        assert_eq!(calls_of(backtrace), "reactive_graph::traits::Get::get < portal::ui::citizen::track_page::TrackPage");
    }

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
