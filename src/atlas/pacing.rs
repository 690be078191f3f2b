//! Pacing: slowing down before Atlas's token bucket is empty, from the
//! `RateLimit-Limit` and `RateLimit-Remaining` headers of its answers,
//! rather than only after a 429.
//!
//! [`Pacing`] is the pure part: no clock of its own and no I/O, every call
//! takes `now`. [`Pacer`] shares it between the requests of one client: one
//! bucket per client, as the server's headers describe it.
//!
//! How it decides:
//! - Until an answer carries both headers, or while the bucket holds more
//!   than a small reserve, no request waits.
//! - The tokens free for the next request are the last `Remaining` minus
//!   the requests sent (or waiting their turn) and not answered yet: the
//!   server counted `Remaining` when it took that answer's token, before it
//!   saw the requests sent later.
//! - Below the reserve, requests go out one after another at the rate the
//!   bucket refills. The headers do not give that rate and Atlas sends no
//!   reset time to spread the remaining tokens over, so it is measured:
//!   between two answers, `Remaining` plus the tokens our answers took in
//!   between grows by the refill. Requests of other clients on the same
//!   bucket show as a slower refill, which is the share left to us.
//! - Until that rate is measured (or while it is not positive), a bucket
//!   at its reserve is probed a few requests a second: a 429 costs a whole
//!   `Retry-After`, and answers spread out in time are what measures the
//!   refill.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What one answer's headers say about the bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketReading {
    pub limit: u32,
    pub remaining: u32,
}

impl BucketReading {
    /// The two header values, or `None` when either is missing or is not a
    /// count that fits the other: such headers are ignored.
    pub fn parse(limit: Option<&str>, remaining: Option<&str>) -> Option<BucketReading> {
        let count = |text: &str| text.trim().parse::<u32>().ok();
        let limit = count(limit?)?;
        let remaining = count(remaining?)?;
        (limit > 0 && remaining <= limit).then_some(BucketReading { limit, remaining })
    }
}

/// The refill is read across answers at least this far apart: over a
/// shorter span, `Remaining` being a whole number outweighs the refill.
const MIN_REFILL_SPAN: Duration = Duration::from_millis(250);

/// The pace of requests below the reserve while the refill is unknown:
/// one request per [`MIN_REFILL_SPAN`], so that the next answers measure it.
const UNMEASURED_REFILL_PER_SECOND: f64 = 4.0;

/// No single wait is longer, whatever the estimate: a wrong one then costs
/// a 429 and its `Retry-After`, as without pacing, not a stalled run.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// Tokens left in the bucket for noise (answers out of order, other
/// clients): a twentieth of the capacity, from 1 to 100. The noise does not
/// grow with the capacity, and a server that claims a huge one must not
/// hold every request back.
fn reserve(limit: u32) -> f64 {
    (f64::from(limit) / 20.0).clamp(1.0, 100.0)
}

/// The pacing state of one bucket.
#[derive(Debug, Default)]
pub struct Pacing {
    /// Requests let through or waiting their turn, not answered yet.
    outstanding: u32,
    /// `None` until an answer carries the headers.
    bucket: Option<Estimate>,
    refill: RefillEstimate,
}

/// Tokens believed free for requests not yet sent, as of `at`; negative
/// when requests wait for tokens still to come.
#[derive(Debug)]
struct Estimate {
    limit: u32,
    available: f64,
    at: Instant,
}

#[derive(Debug, Default)]
struct RefillEstimate {
    /// Tokens taken by the answers seen so far: those with the headers,
    /// 429s excepted (a refused request takes no token).
    taken: u64,
    /// The first answer of the span the refill is measured over.
    anchor: Option<Sample>,
    per_second: Option<f64>,
}

#[derive(Clone, Copy, Debug)]
struct Sample {
    at: Instant,
    limit: u32,
    /// `Remaining` plus the tokens taken so far: grows only by the refill.
    level: f64,
}

impl RefillEstimate {
    fn observe(&mut self, now: Instant, reading: BucketReading, took_token: bool) {
        if took_token {
            self.taken += 1;
        }
        let sample = Sample {
            at: now,
            limit: reading.limit,
            level: f64::from(reading.remaining) + self.taken as f64,
        };
        let anchor = match self.anchor {
            // A full bucket drops what refills, and another limit is another
            // bucket: the span starts again here.
            Some(anchor)
                if anchor.limit == reading.limit && reading.remaining + 1 < reading.limit =>
            {
                anchor
            }
            _ => {
                self.anchor = Some(sample);
                return;
            }
        };
        let span = now.saturating_duration_since(anchor.at);
        if span >= MIN_REFILL_SPAN {
            let rate = (sample.level - anchor.level) / span.as_secs_f64();
            self.per_second = (rate > 0.0).then_some(rate);
        }
    }
}

impl Pacing {
    /// A request about to be sent: how long it waits first. It counts as
    /// outstanding until [`Pacing::answered`] or [`Pacing::abandoned`].
    pub fn before_send(&mut self, now: Instant) -> Duration {
        self.outstanding += 1;
        let rate = self
            .refill
            .per_second
            .unwrap_or(UNMEASURED_REFILL_PER_SECOND);
        let Some(bucket) = &mut self.bucket else {
            return Duration::ZERO;
        };
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.available = (bucket.available + rate * elapsed).min(f64::from(bucket.limit));
        bucket.at = bucket.at.max(now);
        bucket.available -= 1.0;
        let reserve = reserve(bucket.limit);
        if bucket.available >= reserve {
            return Duration::ZERO;
        }
        let wait = (reserve - bucket.available) / rate;
        Duration::try_from_secs_f64(wait).map_or(MAX_WAIT, |w| w.min(MAX_WAIT))
    }

    /// A request sent after [`Pacing::before_send`] got an answer;
    /// `reading` from its headers, `throttled` for a 429.
    pub fn answered(&mut self, now: Instant, reading: Option<BucketReading>, throttled: bool) {
        self.outstanding = self.outstanding.saturating_sub(1);
        let Some(reading) = reading else {
            return;
        };
        self.refill.observe(now, reading, !throttled);
        self.bucket = Some(Estimate {
            limit: reading.limit,
            available: f64::from(reading.remaining) - f64::from(self.outstanding),
            at: now,
        });
    }

    /// A request counted by [`Pacing::before_send`] that got no answer
    /// (not sent after all, or the connection failed).
    pub fn abandoned(&mut self) {
        self.outstanding = self.outstanding.saturating_sub(1);
    }

    /// The refill measured so far, in tokens per second.
    pub fn refill_per_second(&self) -> Option<f64> {
        self.refill.per_second
    }
}

/// How much pacing slowed a client down.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PacingStats {
    /// Requests that waited before being sent.
    pub paced_requests: u64,
    /// Their waits added up.
    pub waited: Duration,
    /// The bucket's refill as measured, in tokens per second.
    pub refill_per_second: Option<f64>,
}

/// [`Pacing`] shared by the requests of one client, or nothing at all when
/// pacing is off.
#[derive(Debug)]
pub struct Pacer {
    state: Option<Mutex<Pacing>>,
    stats: Mutex<PacingStats>,
}

impl Pacer {
    pub fn new(enabled: bool) -> Pacer {
        Pacer {
            state: enabled.then(|| Mutex::new(Pacing::default())),
            stats: Mutex::new(PacingStats::default()),
        }
    }

    /// The turn of a request about to be sent; [`Turn::wait`] first.
    pub fn turn(&self, now: Instant) -> Turn<'_> {
        let wait = self.with(|pacing| pacing.before_send(now));
        if !wait.is_zero() {
            let mut stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
            stats.paced_requests += 1;
            stats.waited += wait;
        }
        Turn {
            pacer: self,
            wait,
            open: true,
        }
    }

    pub fn stats(&self) -> PacingStats {
        PacingStats {
            refill_per_second: self.with(|pacing| pacing.refill_per_second()),
            ..*self.stats.lock().unwrap_or_else(|e| e.into_inner())
        }
    }

    fn with<R: Default>(&self, f: impl FnOnce(&mut Pacing) -> R) -> R {
        self.state.as_ref().map_or_else(R::default, |state| {
            f(&mut state.lock().unwrap_or_else(|e| e.into_inner()))
        })
    }
}

/// One request's place in the pacing: answered, or abandoned when dropped.
pub struct Turn<'a> {
    pacer: &'a Pacer,
    wait: Duration,
    open: bool,
}

impl Turn<'_> {
    /// How long to wait before sending.
    pub fn wait(&self) -> Duration {
        self.wait
    }

    pub fn answered(mut self, now: Instant, reading: Option<BucketReading>, throttled: bool) {
        self.open = false;
        self.pacer
            .with(|pacing| pacing.answered(now, reading, throttled));
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if self.open {
            self.pacer.with(Pacing::abandoned);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(limit: u32, remaining: u32) -> Option<BucketReading> {
        Some(BucketReading { limit, remaining })
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A fake server bucket, refilled continuously, and a fake clock.
    struct Bucket {
        capacity: f64,
        tokens: f64,
        per_second: f64,
        now: Instant,
    }

    impl Bucket {
        fn new(capacity: u32, per_second: f64) -> Bucket {
            Bucket {
                capacity: f64::from(capacity),
                tokens: f64::from(capacity),
                per_second,
                now: Instant::now(),
            }
        }

        fn advance(&mut self, by: Duration) {
            self.now += by;
            self.tokens = (self.tokens + self.per_second * by.as_secs_f64()).min(self.capacity);
        }

        /// Takes a token if there is one: the answer's reading, and whether
        /// it was a 429.
        fn take(&mut self) -> (Option<BucketReading>, bool) {
            let throttled = self.tokens < 1.0;
            if !throttled {
                self.tokens -= 1.0;
            }
            (
                reading(self.capacity as u32, self.tokens.floor() as u32),
                throttled,
            )
        }
    }

    /// Requests one at a time, each answered `latency` after it is sent,
    /// waiting as pacing says when there is pacing; a 429 is retried a
    /// second later. The 429s.
    fn run(
        mut pacing: Option<&mut Pacing>,
        bucket: &mut Bucket,
        requests: usize,
        latency: Duration,
    ) -> usize {
        let mut throttled = 0;
        let mut done = 0;
        while done < requests {
            if let Some(pacing) = pacing.as_deref_mut() {
                let wait = pacing.before_send(bucket.now);
                bucket.advance(wait);
            }
            let (answer, refused) = bucket.take();
            bucket.advance(latency);
            if let Some(pacing) = pacing.as_deref_mut() {
                pacing.answered(bucket.now, answer, refused);
            }
            if refused {
                throttled += 1;
                bucket.advance(Duration::from_secs(1));
            } else {
                done += 1;
            }
        }
        throttled
    }

    #[test]
    fn malformed_headers_are_ignored() {
        let parse = BucketReading::parse;
        assert_eq!(parse(Some("100"), Some(" 7 ")), reading(100, 7));
        assert_eq!(parse(None, Some("7")), None);
        assert_eq!(parse(Some("100"), None), None);
        assert_eq!(parse(Some("100"), Some("-1")), None);
        assert_eq!(parse(Some("100"), Some("7.5")), None);
        assert_eq!(parse(Some("ten"), Some("7")), None);
        assert_eq!(parse(Some("100, 100;w=60"), Some("7")), None);
        assert_eq!(parse(Some("0"), Some("0")), None, "no bucket holds nothing");
        assert_eq!(
            parse(Some("10"), Some("11")),
            None,
            "more left than the limit"
        );
        assert_eq!(parse(Some("99999999999"), Some("1")), None);
    }

    #[test]
    fn without_headers_nothing_waits() {
        let mut pacing = Pacing::default();
        let now = Instant::now();
        for n in 0..1000 {
            assert_eq!(pacing.before_send(now), Duration::ZERO);
            if n % 2 == 0 {
                pacing.answered(now + ms(n), None, n % 10 == 0);
            } else {
                pacing.abandoned();
            }
        }
        assert_eq!(pacing.refill_per_second(), None);
    }

    #[test]
    fn a_bucket_far_from_empty_costs_no_wait() {
        let mut pacing = Pacing::default();
        let mut bucket = Bucket::new(1000, 10.0);
        for _ in 0..900 {
            assert_eq!(pacing.before_send(bucket.now), Duration::ZERO);
            let (answer, refused) = bucket.take();
            bucket.advance(ms(1));
            pacing.answered(bucket.now, answer, refused);
        }
    }

    #[test]
    fn the_refill_is_measured_from_remaining_and_the_tokens_taken() {
        let mut pacing = Pacing::default();
        let mut bucket = Bucket::new(500, 40.0);
        for _ in 0..200 {
            pacing.before_send(bucket.now);
            let (answer, refused) = bucket.take();
            bucket.advance(ms(5));
            pacing.answered(bucket.now, answer, refused);
        }
        let measured = pacing.refill_per_second().expect("measured");
        assert!((measured - 40.0).abs() < 2.0, "{measured}");
    }

    #[test]
    fn a_full_bucket_starts_the_measurement_again() {
        let mut pacing = Pacing::default();
        let start = Instant::now();
        // Idle for a minute at full capacity: no refill can be read.
        pacing.before_send(start);
        pacing.answered(start, reading(10, 9), false);
        pacing.before_send(start);
        pacing.answered(start + Duration::from_secs(60), reading(10, 9), false);
        assert_eq!(pacing.refill_per_second(), None);
        pacing.before_send(start);
        pacing.answered(start + Duration::from_secs(61), reading(10, 8), false);
        // 8 + 3 taken against 9 + 2 a second earlier: nothing came back.
        assert_eq!(pacing.refill_per_second(), None);
        pacing.before_send(start);
        pacing.answered(start + Duration::from_secs(62), reading(10, 8), false);
        let rate = pacing.refill_per_second().expect("measured");
        assert!((rate - 0.5).abs() < 1e-9, "{rate}");
    }

    #[test]
    fn another_limit_is_another_bucket() {
        let mut pacing = Pacing::default();
        let start = Instant::now();
        pacing.answered(start, reading(100, 50), false);
        pacing.answered(start + Duration::from_secs(1), reading(200, 10), false);
        assert_eq!(pacing.refill_per_second(), None);
    }

    #[test]
    fn sequential_requests_against_a_small_bucket_get_no_429() {
        let latency = ms(30);
        let unpaced = run(None, &mut Bucket::new(20, 5.0), 200, latency);
        assert!(unpaced >= 20, "{unpaced} 429s without pacing");
        let mut pacing = Pacing::default();
        let paced = run(Some(&mut pacing), &mut Bucket::new(20, 5.0), 200, latency);
        assert_eq!(paced, 0, "429s with pacing");
        let rate = pacing.refill_per_second().expect("measured");
        assert!((rate - 5.0).abs() < 0.5, "{rate}");
    }

    /// Pacing that has measured `per_second` already.
    fn measured(per_second: f64) -> Pacing {
        Pacing {
            refill: RefillEstimate {
                per_second: Some(per_second),
                ..RefillEstimate::default()
            },
            ..Pacing::default()
        }
    }

    #[test]
    fn requests_in_flight_line_up_at_the_refill_rate() {
        let mut pacing = measured(10.0);
        let now = Instant::now();
        pacing.answered(now, reading(100, 20), false);
        // 20 left, 5 in reserve: 15 go at once, then one every 100 ms.
        let waits: Vec<Duration> = (0..20).map(|_| pacing.before_send(now)).collect();
        assert!(waits[..15].iter().all(Duration::is_zero), "{waits:?}");
        for (n, wait) in waits[15..].iter().enumerate() {
            let expected = 0.1 * (n + 1) as f64;
            assert!((wait.as_secs_f64() - expected).abs() < 1e-6, "{waits:?}");
        }
        // One answer: its `Remaining` does not count the 19 others still
        // out, 15 - 19 = -4; the next request is 10 tokens from the reserve.
        pacing.answered(now + ms(30), reading(100, 15), false);
        let next = pacing.before_send(now + ms(30));
        assert!((next.as_secs_f64() - 1.0).abs() < 1e-6, "{next:?}");
        // What refills meanwhile shortens the wait.
        let later = pacing.before_send(now + ms(530));
        assert!((later.as_secs_f64() - 0.6).abs() < 1e-6, "{later:?}");
    }

    #[test]
    fn an_unmeasured_refill_is_probed_a_few_times_a_second() {
        let mut pacing = Pacing::default();
        let now = Instant::now();
        pacing.answered(now, reading(10, 2), false);
        assert_eq!(pacing.refill_per_second(), None);
        let waits: Vec<Duration> = (0..4).map(|_| pacing.before_send(now)).collect();
        assert_eq!(waits, [ms(0), ms(250), ms(500), ms(750)]);
    }

    #[test]
    fn a_429_takes_no_token_in_the_measurement() {
        let mut pacing = Pacing::default();
        let start = Instant::now();
        for remaining in (0..=5).rev() {
            pacing.answered(start, reading(10, remaining), false);
        }
        pacing.answered(start + Duration::from_secs(1), reading(10, 0), true);
        assert_eq!(pacing.refill_per_second(), None, "nothing came back");
        pacing.answered(start + Duration::from_secs(2), reading(10, 0), false);
        let rate = pacing.refill_per_second().expect("measured");
        assert!((rate - 0.5).abs() < 1e-9, "{rate}");
        // Nothing left, 1 in reserve: two tokens away at 0.5 a second.
        let wait = pacing.before_send(start + Duration::from_secs(2));
        assert!((wait.as_secs_f64() - 4.0).abs() < 1e-6, "{wait:?}");
    }

    #[test]
    fn a_wait_is_never_longer_than_the_cap() {
        let mut pacing = measured(0.001);
        let now = Instant::now();
        pacing.answered(now, reading(1000, 10), false);
        assert_eq!(pacing.before_send(now), MAX_WAIT);
    }

    #[test]
    fn a_dropped_turn_is_no_longer_outstanding() {
        let pacer = Pacer::new(true);
        let now = Instant::now();
        drop(pacer.turn(now));
        pacer.turn(now).answered(now, reading(100, 99), false);
        let state = pacer.state.as_ref().unwrap().lock().unwrap();
        assert_eq!(state.outstanding, 0);
        assert_eq!(state.bucket.as_ref().unwrap().available, 99.0);
    }

    #[test]
    fn a_pacer_that_is_off_never_waits() {
        let pacer = Pacer::new(false);
        let now = Instant::now();
        for _ in 0..100 {
            let turn = pacer.turn(now);
            assert_eq!(turn.wait(), Duration::ZERO);
            turn.answered(now, reading(100, 0), true);
        }
        assert_eq!(pacer.stats(), PacingStats::default());
    }
}
