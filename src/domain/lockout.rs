//! Staff sign-in lockout: after five wrong passwords for one account name within
//! fifteen minutes, that name cannot sign in for fifteen minutes, whichever
//! address or portal process the attempts come from (the per-address slowing in
//! `server::throttle` is the other half). Names that are no account are counted
//! the same way, so the notice does not tell which accounts exist.

/// Wrong passwords in a window before the account is locked.
pub const LOCK_AFTER: u32 = 5;
/// The window the wrong passwords are counted in.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// How long a lock lasts.
pub const LOCK_MS: i64 = 15 * 60 * 1000;

/// The wrong passwords counted against one account name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoginFailures {
    pub count: u32,
    /// When the first wrong password of the window came (ms).
    pub first_at: i64,
    pub locked_until: Option<i64>,
}

impl LoginFailures {
    /// Whole minutes until the lock ends (at least 1), None when not locked.
    pub fn minutes_locked(&self, now: i64) -> Option<i64> {
        self.locked_until.filter(|&until| until > now).map(|until| ((until - now) + 59_999) / 60_000)
    }

    /// The count after one more wrong password at `now`: a new window once the last
    /// one (and any lock) is over; locked at the fifth.
    pub fn after_failure(self, now: i64) -> LoginFailures {
        let expired = now - self.first_at >= WINDOW_MS && self.minutes_locked(now).is_none();
        let mut next = if expired || self.count == 0 { LoginFailures { count: 0, first_at: now, locked_until: None } } else { self };
        next.count += 1;
        if next.count >= LOCK_AFTER && next.minutes_locked(now).is_none() {
            next.locked_until = Some(now + LOCK_MS);
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_wrong_passwords_lock_the_name_for_fifteen_minutes_then_it_starts_over() {
        let mut f = LoginFailures::default();
        for i in 0..4 {
            f = f.after_failure(1_000 + i);
            assert_eq!(f.minutes_locked(1_000 + i), None);
        }
        f = f.after_failure(2_000);
        assert_eq!((f.count, f.minutes_locked(2_000)), (5, Some(15)));
        assert_eq!(f.minutes_locked(2_000 + LOCK_MS - 60_000), Some(1));
        assert_eq!(f.minutes_locked(2_000 + LOCK_MS), None);
        // After the lock and the window, counting starts again.
        let later = f.after_failure(2_000 + LOCK_MS + WINDOW_MS);
        assert_eq!((later.count, later.locked_until), (1, None));
        // Failures spread over more than the window never lock.
        let mut slow = LoginFailures::default();
        for i in 0..10 {
            slow = slow.after_failure(i * WINDOW_MS);
        }
        assert_eq!(slow.locked_until, None);
    }
}
