//! Slows down password guessing: after a few failures for one username, each further attempt
//! must wait, and the wait doubles with every failure (capped). Kept in memory: it protects the
//! login screen of this running app; Argon2's cost protects the stored hashes.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Failures allowed before any waiting starts.
const FREE_FAILURES: u32 = 3;
/// The longest wait between attempts.
const MAX_WAIT_SECS: i64 = 300;
/// Failures older than this are forgotten.
const FORGET_AFTER_MINUTES: i64 = 30;
/// Bound on remembered usernames, so guessing many names cannot grow memory without limit.
const MAX_TRACKED: usize = 1024;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
}

/// Failed attempts per lowercased username.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

fn wait_after(count: u32) -> Duration {
    if count < FREE_FAILURES {
        return Duration::zero();
    }
    let exponent = (count - FREE_FAILURES).min(16);
    Duration::seconds((1_i64 << exponent).min(MAX_WAIT_SECS))
}

impl LoginThrottle {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Seconds to wait before `username` may try again, or `None` when it may try now.
    pub(crate) fn wait_secs(&self, username: &str, now: DateTime<Utc>) -> Option<u32> {
        let failures = *self.map().get(username)?;
        let ready_at = failures.last + wait_after(failures.count);
        (ready_at > now).then(|| {
            let millis = (ready_at - now).num_milliseconds();
            u32::try_from((millis + 999) / 1000).unwrap_or(u32::MAX)
        })
    }

    pub(crate) fn record_failure(&self, username: &str, now: DateTime<Utc>) {
        let mut map = self.map();
        if map.len() >= MAX_TRACKED {
            map.retain(|_, f| now - f.last < Duration::minutes(FORGET_AFTER_MINUTES));
        }
        let entry = map.entry(username.to_owned()).or_insert(Failures { count: 0, last: now });
        if now - entry.last >= Duration::minutes(FORGET_AFTER_MINUTES) {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
    }

    pub(crate) fn clear(&self, username: &str) {
        self.map().remove(username);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_grows_after_the_free_failures_and_is_capped() {
        let throttle = LoginThrottle::default();
        let start = Utc::now();
        for _ in 0..FREE_FAILURES - 1 {
            throttle.record_failure("ada", start);
        }
        assert_eq!(throttle.wait_secs("ada", start), None, "the first failures cost nothing");
        throttle.record_failure("ada", start);
        assert_eq!(throttle.wait_secs("ada", start), Some(1));
        throttle.record_failure("ada", start);
        assert_eq!(throttle.wait_secs("ada", start), Some(2));
        assert_eq!(throttle.wait_secs("ada", start + Duration::seconds(2)), None, "the wait ends");
        assert_eq!(throttle.wait_secs("bob", start), None, "other usernames are not slowed");
        for _ in 0..40 {
            throttle.record_failure("ada", start);
        }
        assert_eq!(throttle.wait_secs("ada", start), Some(300), "capped at five minutes");
        throttle.clear("ada");
        assert_eq!(throttle.wait_secs("ada", start), None);
    }
}
