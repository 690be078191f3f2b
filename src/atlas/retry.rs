//! When to try a request again, and how long to wait first: jittered
//! exponential backoff, never shorter than Atlas's `Retry-After`, bounded in
//! attempts and in total waiting.

use std::time::Duration;

#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first backoff; each retry doubles it, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// No retry starts once this much time has been spent waiting.
    pub max_total_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            max_total_wait: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1`, or `None` when the budget is
    /// spent. `retry_after` is Atlas's own hint, honoured as a floor.
    pub fn delay(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        waited: Duration,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let exponential = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_delay);
        // Jitter on the upper half spreads out clients that were throttled
        // together. Atlas's `Retry-After` is a floor the backoff adds to:
        // waiting it exactly would send every throttled request back at once.
        let jittered = exponential / 2 + exponential.mul_f64(fastrand::f64() / 2.0);
        let delay = retry_after.map_or(jittered, |floor| floor + jittered);
        (waited + delay <= self.max_total_wait).then_some(delay)
    }
}

/// `Retry-After` in seconds (Atlas does not send HTTP dates).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(3600.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_respects_retry_after_and_budgets() {
        let policy = RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            max_total_wait: Duration::from_secs(10),
        };
        let d1 = policy.delay(1, None, Duration::ZERO).unwrap();
        assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
        let d3 = policy.delay(3, None, Duration::ZERO).unwrap();
        assert!(d3 >= Duration::from_millis(150) && d3 <= Duration::from_millis(300));
        let after = policy
            .delay(1, Some(Duration::from_secs(2)), Duration::ZERO)
            .unwrap();
        assert!(after >= Duration::from_millis(2050) && after <= Duration::from_millis(2100));
        assert_eq!(policy.delay(4, None, Duration::ZERO), None);
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(11)), Duration::ZERO),
            None
        );
    }

    #[test]
    fn parses_retry_after_seconds() {
        assert_eq!(parse_retry_after("55"), Some(Duration::from_secs(55)));
        assert_eq!(
            parse_retry_after(" 1.5 "),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}
