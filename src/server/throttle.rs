//! Slows clients that keep failing (progress lookups, logins), so guessing tracking
//! numbers or passwords takes longer than it is worth. In memory per process: with
//! several app servers each slows its share, which still caps a guesser's rate.

use crate::domain::lookup::failure_delay_ms;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures are forgotten this long after a client's first failure of the window.
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Bound on remembered clients, so a flood of addresses cannot grow memory without end.
const MAX_CLIENTS: usize = 100_000;

#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<(&'static str, IpAddr), (u32, Instant)>>,
}

impl Throttle {
    /// How long to hold this client's next `purpose` attempt.
    pub fn delay(&self, purpose: &'static str, client: IpAddr) -> Duration {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(&(purpose, client)) {
            Some(&(n, since)) if since.elapsed() < WINDOW => Duration::from_millis(failure_delay_ms(n)),
            _ => Duration::ZERO,
        }
    }

    pub fn record_failure(&self, purpose: &'static str, client: IpAddr) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_CLIENTS {
            map.retain(|_, (_, since)| since.elapsed() < WINDOW);
        }
        let entry = map.entry((purpose, client)).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= WINDOW {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn record_success(&self, purpose: &'static str, client: IpAddr) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(&(purpose, client));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_failing_client_is_slowed() {
        let t = Throttle::default();
        let bad: IpAddr = "10.0.0.1".parse().unwrap();
        let good: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..crate::domain::lookup::FREE_FAILURES {
            assert_eq!(t.delay("lookup", bad), Duration::ZERO);
            t.record_failure("lookup", bad);
        }
        assert!(t.delay("lookup", bad) > Duration::ZERO);
        assert_eq!(t.delay("login", bad), Duration::ZERO, "purposes are counted apart");
        assert_eq!(t.delay("lookup", good), Duration::ZERO);
        t.record_success("lookup", bad);
        assert_eq!(t.delay("lookup", bad), Duration::ZERO);
    }
}
