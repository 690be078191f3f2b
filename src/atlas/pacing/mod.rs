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
//!   the requests sent and not answered yet (the server counted `Remaining`
//!   when it took that answer's token, before it saw the requests sent
//!   later), plus what refilled since.
//! - Below the reserve, a request waits until that estimate says a token
//!   is there, and asks again: requests go out one after another at the
//!   rate the bucket refills. A wait is never promised in advance, so a
//!   better estimate (from any answer) takes effect at once.
//! - The headers do not give that rate, and Atlas sends no reset time to
//!   spread the remaining tokens over, so the rate is measured: between two
//!   answers, `Remaining` plus the tokens our answers took in between grows
//!   by the refill. Requests of other clients on the same bucket show as a
//!   slower refill, which is the share left to us.
//! - Until that rate is measured (or while it is not positive), a bucket
//!   at its reserve is probed a few requests a second: a 429 costs a whole
//!   `Retry-After`, and answers spread out in time are what measures the
//!   refill.

mod pacer;

use std::time::{Duration, Instant};

pub use pacer::{Pacer, PacingStats, Turn};

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

/// The shortest wait: timers are no finer, and a token a rounding error
/// away must not be asked for again and again at the same instant.
const MIN_WAIT: Duration = Duration::from_millis(1);

/// No request waits longer, whatever the estimate: a wrong one then costs
/// a 429 and its `Retry-After`, as without pacing, not a stalled run.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// Tokens kept back for what the estimate may be off by (answers that
/// overtook each other, other clients of the bucket): what refills in
/// [`RESERVE_TIME`], from 1 to a twentieth of the capacity. Counted in
/// time rather than as a share of the capacity, the reserve left unspent at
/// the end of a run costs it at most that long, even when the refill is
/// slow.
fn reserve(limit: u32, per_second: f64) -> f64 {
    let most = (f64::from(limit) / 20.0).max(1.0);
    // A bucket of one token keeps none back: it could never be spent.
    (per_second * RESERVE_TIME.as_secs_f64())
        .clamp(1.0, most)
        .min(f64::from(limit) - 1.0)
}

const RESERVE_TIME: Duration = Duration::from_millis(500);

/// The pacing state of one bucket.
#[derive(Debug, Default)]
pub struct Pacing {
    /// Requests let through and not answered yet.
    in_flight: u32,
    /// `None` until an answer carries the headers.
    bucket: Option<Estimate>,
    refill: RefillEstimate,
}

/// Tokens believed free for requests not yet sent, as of `at`.
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
    /// Whether a request waiting since `since` may be sent at `now`. `Ok`
    /// counts it in flight until [`Pacing::answered`] or
    /// [`Pacing::abandoned`]; `Err` says when a token should be there.
    pub fn try_send(&mut self, now: Instant, since: Instant) -> Result<(), Duration> {
        let rate = self
            .refill
            .per_second
            .unwrap_or(UNMEASURED_REFILL_PER_SECOND);
        if let Some(bucket) = &mut self.bucket {
            let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
            bucket.available = (bucket.available + rate * elapsed).min(f64::from(bucket.limit));
            bucket.at = bucket.at.max(now);
            let wanted = reserve(bucket.limit, rate) + 1.0;
            let waited = now.saturating_duration_since(since);
            if bucket.available < wanted && waited < MAX_WAIT {
                let wait = Duration::try_from_secs_f64((wanted - bucket.available) / rate)
                    .unwrap_or(MAX_WAIT)
                    .max(MIN_WAIT);
                return Err(wait.min(MAX_WAIT - waited));
            }
            bucket.available -= 1.0;
        }
        self.in_flight += 1;
        Ok(())
    }

    /// A request let through by [`Pacing::try_send`] got an answer;
    /// `reading` from its headers, `throttled` for a 429.
    pub fn answered(&mut self, now: Instant, reading: Option<BucketReading>, throttled: bool) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let Some(reading) = reading else {
            return;
        };
        self.refill.observe(now, reading, !throttled);
        self.bucket = Some(Estimate {
            limit: reading.limit,
            available: f64::from(reading.remaining) - f64::from(self.in_flight),
            at: now,
        });
    }

    /// A request let through by [`Pacing::try_send`] that got no answer
    /// (not sent after all, or the connection failed).
    pub fn abandoned(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// The refill measured so far, in tokens per second.
    pub fn refill_per_second(&self) -> Option<f64> {
        self.refill.per_second
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    use super::*;

    fn reading(limit: u32, remaining: u32) -> Option<BucketReading> {
        Some(BucketReading { limit, remaining })
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn secs(d: f64) -> Duration {
        Duration::from_secs_f64(d)
    }

    /// A fake server bucket, refilled continuously, on a fake clock.
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

        fn advance_to(&mut self, to: Instant) {
            let by = to.saturating_duration_since(self.now).as_secs_f64();
            self.tokens = (self.tokens + self.per_second * by).min(self.capacity);
            self.now = self.now.max(to);
        }

        /// Takes a token if there is one: the answer's reading, and whether
        /// it is a 429.
        fn take(&mut self) -> (Option<BucketReading>, bool) {
            let throttled = self.tokens < 1.0;
            if !throttled {
                self.tokens -= 1.0;
            }
            let remaining = self.tokens.floor() as u32;
            (reading(self.capacity as u32, remaining), throttled)
        }
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    enum Event {
        /// A worker has a request to send, waiting since the instant given.
        Ready(Instant),
        /// An answer arrives for the request of that number.
        Answer(usize),
    }

    /// `workers` requests in flight at most, each answered `latency` after
    /// it is sent; a request told to wait asks again then (100 ms at most,
    /// as the client does); a 429 is retried a second later. With pacing
    /// or without: the 429s and the time the requests took, on the fake
    /// clock.
    fn run(
        mut pacing: Option<&mut Pacing>,
        bucket: &mut Bucket,
        requests: usize,
        workers: usize,
        latency: Duration,
    ) -> (usize, Duration) {
        let start = bucket.now;
        let mut events = BinaryHeap::new();
        let mut answers = Vec::new();
        for _ in 0..workers.min(requests) {
            events.push(Reverse((start, Event::Ready(start))));
        }
        let (mut started, mut done, mut throttled) = (workers.min(requests), 0, 0);
        while let Some(Reverse((now, event))) = events.pop() {
            bucket.advance_to(now);
            match event {
                Event::Ready(since) => {
                    if let Some(pacing) = pacing.as_deref_mut()
                        && let Err(wait) = pacing.try_send(now, since)
                    {
                        events.push(Reverse((now + wait.min(ms(100)), Event::Ready(since))));
                        continue;
                    }
                    answers.push(bucket.take());
                    let sent = answers.len() - 1;
                    events.push(Reverse((now + latency, Event::Answer(sent))));
                }
                Event::Answer(sent) => {
                    let (answer, refused) = answers[sent];
                    if let Some(pacing) = pacing.as_deref_mut() {
                        pacing.answered(now, answer, refused);
                    }
                    if refused {
                        throttled += 1;
                        let retry = now + Duration::from_secs(1);
                        events.push(Reverse((retry, Event::Ready(retry))));
                        continue;
                    }
                    done += 1;
                    if started < requests {
                        started += 1;
                        events.push(Reverse((now, Event::Ready(now))));
                    }
                }
            }
        }
        assert_eq!(done, requests);
        (throttled, bucket.now - start)
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
            assert_eq!(pacing.try_send(now, now), Ok(()));
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
            assert_eq!(pacing.try_send(bucket.now, bucket.now), Ok(()));
            let (answer, refused) = bucket.take();
            bucket.advance_to(bucket.now + ms(1));
            pacing.answered(bucket.now, answer, refused);
        }
    }

    #[test]
    fn the_refill_is_measured_from_remaining_and_the_tokens_taken() {
        let mut pacing = Pacing::default();
        let mut bucket = Bucket::new(500, 40.0);
        for _ in 0..200 {
            pacing
                .try_send(bucket.now, bucket.now)
                .expect("far from empty");
            let (answer, refused) = bucket.take();
            bucket.advance_to(bucket.now + ms(5));
            pacing.answered(bucket.now, answer, refused);
        }
        let measured = pacing.refill_per_second().expect("measured");
        assert!((measured - 40.0).abs() < 2.0, "{measured}");
    }

    #[test]
    fn a_full_bucket_starts_the_measurement_again() {
        let mut pacing = Pacing::default();
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        // Idle for a minute at full capacity: no refill can be read.
        pacing.answered(start, reading(10, 9), false);
        pacing.answered(at(60), reading(10, 9), false);
        assert_eq!(pacing.refill_per_second(), None);
        pacing.answered(at(61), reading(10, 8), false);
        // 8 + 3 taken against 9 + 2 a second earlier: nothing came back.
        assert_eq!(pacing.refill_per_second(), None);
        pacing.answered(at(62), reading(10, 8), false);
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
    fn requests_one_at_a_time_get_no_429() {
        let latency = ms(30);
        let (unpaced, _) = run(None, &mut Bucket::new(20, 5.0), 200, 1, latency);
        assert!(unpaced >= 20, "{unpaced} 429s without pacing");
        let mut pacing = Pacing::default();
        let (paced, _) = run(
            Some(&mut pacing),
            &mut Bucket::new(20, 5.0),
            200,
            1,
            latency,
        );
        assert_eq!(paced, 0, "429s with pacing");
        let rate = pacing.refill_per_second().expect("measured");
        assert!((rate - 5.0).abs() < 0.5, "{rate}");
    }

    #[test]
    fn many_requests_in_flight_get_fewer_429s_and_take_no_longer() {
        // (capacity, refill a second, requests, in flight): a refill fast
        // and slow next to the latency, a bucket large and small next to
        // the requests in flight.
        for (capacity, refill, requests, workers) in [
            (50, 20.0, 300, 16),
            (500, 100.0, 2000, 32),
            (500, 5.0, 600, 32),
            (10, 2.0, 40, 16),
        ] {
            let case =
                format!("bucket {capacity}, {refill}/s, {requests} requests, {workers} in flight");
            let latency = ms(30);
            let bound = secs((requests - capacity) as f64 / refill);
            let bucket = || Bucket::new(capacity as u32, refill);
            let (unpaced, unpaced_time) = run(None, &mut bucket(), requests, workers, latency);
            let mut pacing = Pacing::default();
            let (paced, paced_time) =
                run(Some(&mut pacing), &mut bucket(), requests, workers, latency);
            assert!(
                paced * 10 <= unpaced,
                "{case}: {paced} 429s paced, {unpaced} not"
            );
            assert!(
                paced_time <= unpaced_time.max(bound.mul_f64(1.1)),
                "{case}: paced {paced_time:?}, not {unpaced_time:?}, bound {bound:?}"
            );
            assert!(
                paced_time <= bound.mul_f64(1.25) + Duration::from_secs(1),
                "{case}: paced {paced_time:?}, bound {bound:?}"
            );
        }
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
    fn below_the_reserve_requests_go_one_per_refilled_token() {
        let mut pacing = measured(10.0);
        let now = Instant::now();
        pacing.answered(now, reading(100, 20), false);
        // 20 left, 5 in reserve: 15 go at once.
        for _ in 0..15 {
            assert_eq!(pacing.try_send(now, now), Ok(()));
        }
        // Then each waits for the next token, and asks again.
        assert_eq!(pacing.try_send(now, now), Err(ms(100)));
        assert_eq!(pacing.try_send(now + ms(40), now), Err(ms(60)));
        assert_eq!(pacing.try_send(now + ms(100), now), Ok(()));
        assert_eq!(pacing.try_send(now + ms(100), now), Err(ms(100)));
        // An answer counts the 15 others in flight against its `Remaining`:
        // 12 - 15, 9 tokens from the reserve and the request.
        pacing.answered(now + ms(100), reading(100, 12), false);
        let wait = pacing.try_send(now + ms(100), now).expect_err("waits");
        assert!((wait.as_secs_f64() - 0.9).abs() < 1e-6, "{wait:?}");
    }

    #[test]
    fn a_bucket_of_one_token_keeps_none_back() {
        let mut pacing = Pacing::default();
        let now = Instant::now();
        pacing.answered(now, reading(1, 1), false);
        assert_eq!(pacing.try_send(now, now), Ok(()));
        assert_eq!(pacing.try_send(now, now), Err(ms(250)));
        assert_eq!(pacing.try_send(now + ms(250), now), Ok(()));
    }

    #[test]
    fn an_unmeasured_refill_is_probed_a_few_times_a_second() {
        let mut pacing = Pacing::default();
        let now = Instant::now();
        pacing.answered(now, reading(10, 2), false);
        assert_eq!(pacing.refill_per_second(), None);
        assert_eq!(pacing.try_send(now, now), Ok(()));
        assert_eq!(pacing.try_send(now, now), Err(ms(250)));
        assert_eq!(pacing.try_send(now + ms(250), now), Ok(()));
        assert_eq!(pacing.try_send(now + ms(250), now), Err(ms(250)));
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
        let now = start + Duration::from_secs(2);
        assert_eq!(pacing.try_send(now, now), Err(Duration::from_secs(4)));
    }

    #[test]
    fn no_request_waits_longer_than_the_cap() {
        let mut pacing = measured(0.001);
        let since = Instant::now();
        pacing.answered(since, reading(1000, 0), false);
        assert_eq!(pacing.try_send(since, since), Err(MAX_WAIT));
        let later = since + Duration::from_secs(45);
        assert_eq!(pacing.try_send(later, since), Err(Duration::from_secs(15)));
        assert_eq!(pacing.try_send(since + MAX_WAIT, since), Ok(()));
    }
}
