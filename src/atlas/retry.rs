//! When to try a request again, and how long to wait first: jittered
//! exponential backoff, never shorter than Atlas's `Retry-After`, bounded in
//! attempts and in total waiting.

use std::time::{Duration, SystemTime};

/// Retries of a throttled, failing or dropped request (`--retries`).
pub const DEFAULT_RETRIES: u32 = 5;

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
        RetryPolicy::with_retries(DEFAULT_RETRIES)
    }
}

impl RetryPolicy {
    /// The default backoff, with `retries` attempts after the first.
    pub fn with_retries(retries: u32) -> Self {
        RetryPolicy {
            max_attempts: retries.saturating_add(1),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            max_total_wait: Duration::from_secs(300),
        }
    }

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
        let delay = retry_after.map_or(jittered, |floor| floor.saturating_add(jittered));
        (waited.saturating_add(delay) <= self.max_total_wait).then_some(delay)
    }
}

/// `Retry-After` as seconds or as an HTTP date (IMF-fixdate, or the two
/// obsolete forms HTTP still accepts). A date is read against the answer's
/// own `Date` header when it has one, so that the two clocks need not
/// agree, else against `now`; a date already past is no wait. A wait too
/// long for a `Duration` is `Duration::MAX`. `None` for anything else.
pub fn parse_retry_after(value: &str, date: Option<&str>, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let base = date
        .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
        .unwrap_or(now);
    Some(at.duration_since(base).unwrap_or(Duration::ZERO))
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
    fn retries_are_attempts_after_the_first() {
        assert_eq!(RetryPolicy::with_retries(0).max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts, DEFAULT_RETRIES + 1);
        assert_eq!(RetryPolicy::with_retries(u32::MAX).max_attempts, u32::MAX);
    }

    fn parse(value: &str) -> Option<Duration> {
        parse_retry_after(value, None, SystemTime::now())
    }

    #[test]
    fn parses_retry_after_seconds() {
        assert_eq!(parse("55"), Some(Duration::from_secs(55)));
        assert_eq!(parse(" 1.5 "), Some(Duration::from_millis(1500)));
        assert_eq!(parse("-1"), None);
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("NaN"), None);
    }

    #[test]
    fn a_huge_wait_is_kept_not_clamped() {
        assert_eq!(parse("999999"), Some(Duration::from_secs(999_999)));
        assert_eq!(parse("1e300"), Some(Duration::MAX));
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, Some(Duration::MAX), Duration::ZERO), None);
    }

    #[test]
    fn parses_retry_after_dates_against_the_answer_date_or_now() {
        let date = Some("Wed, 21 Oct 2015 07:28:00 GMT");
        let now = SystemTime::now();
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", date, now),
            Some(Duration::from_secs(30))
        );
        // The obsolete RFC 850 and asctime forms.
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", date, now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Wed Oct 21 07:28:05 2015", date, now),
            Some(Duration::from_secs(5))
        );
        // Past: no wait. Without `Date`, against now.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", date, now),
            Some(Duration::ZERO)
        );
        let in_a_minute = httpdate::fmt_http_date(now + Duration::from_secs(60));
        let waited = parse_retry_after(&in_a_minute, None, now).unwrap();
        assert!(waited > Duration::from_secs(58) && waited <= Duration::from_secs(60));
        // A `Date` that is not a date: against now.
        let unread = parse_retry_after(&in_a_minute, Some("yesterday"), now).unwrap();
        assert!(unread > Duration::from_secs(58));
    }
}
