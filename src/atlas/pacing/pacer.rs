//! [`Pacing`] shared by the requests of one client: a request waits for
//! its turn, and its answer (or its abandon) updates the estimate for the
//! requests still waiting.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::{BucketReading, Pacing};

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
    /// Wakes the requests held back when the estimate changes: an answer
    /// came, or a request let through was abandoned.
    changed: Notify,
}

impl Pacer {
    pub fn new(enabled: bool) -> Pacer {
        Pacer {
            state: enabled.then(|| Mutex::new(Pacing::default())),
            stats: Mutex::new(PacingStats::default()),
            changed: Notify::new(),
        }
    }

    /// Waits until pacing lets a request go: its turn, and how long it
    /// waited. A request held back asks again when its wait is over or the
    /// estimate changed, whichever comes first. `None` when `stop` is
    /// given and cancelled first.
    pub async fn wait_turn(
        &self,
        stop: Option<&CancellationToken>,
    ) -> Option<(Turn<'_>, Duration)> {
        let since = Instant::now();
        let mut waited = false;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Registered before the estimate is read, so that a change in
            // between is not missed.
            changed.as_mut().enable();
            let wait = match self.try_turn(Instant::now(), since) {
                Ok(turn) => {
                    let paced = if waited {
                        let paced = since.elapsed();
                        self.waited(paced);
                        paced
                    } else {
                        Duration::ZERO
                    };
                    return Some((turn, paced));
                }
                Err(wait) => wait,
            };
            if stop.is_some_and(CancellationToken::is_cancelled) {
                return None;
            }
            if !waited {
                self.held_back();
                waited = true;
            }
            let stopped = async {
                match stop {
                    Some(stop) => stop.cancelled().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                biased;
                () = stopped => return None,
                () = &mut changed => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// The turn of a request waiting since `since`, or how long until it
    /// should ask again (see [`Pacing::try_send`]).
    pub fn try_turn(&self, now: Instant, since: Instant) -> Result<Turn<'_>, Duration> {
        self.with(|pacing| pacing.try_send(now, since))
            .unwrap_or(Ok(()))?;
        Ok(Turn {
            pacer: self,
            open: true,
        })
    }

    /// A request is held back: it starts waiting.
    pub fn held_back(&self) {
        self.stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .paced_requests += 1;
    }

    /// A request held back got its turn after `waited`.
    pub fn waited(&self, waited: Duration) {
        self.stats.lock().unwrap_or_else(|e| e.into_inner()).waited += waited;
    }

    pub fn stats(&self) -> PacingStats {
        PacingStats {
            refill_per_second: self.with(|pacing| pacing.refill_per_second()).flatten(),
            ..*self.stats.lock().unwrap_or_else(|e| e.into_inner())
        }
    }

    /// `None` when pacing is off.
    fn with<R>(&self, f: impl FnOnce(&mut Pacing) -> R) -> Option<R> {
        let state = self.state.as_ref()?;
        Some(f(&mut state.lock().unwrap_or_else(|e| e.into_inner())))
    }
}

/// One request let through: answered, or abandoned when dropped.
pub struct Turn<'a> {
    pacer: &'a Pacer,
    open: bool,
}

impl Turn<'_> {
    pub fn answered(mut self, now: Instant, reading: Option<BucketReading>, throttled: bool) {
        self.open = false;
        self.pacer
            .with(|pacing| pacing.answered(now, reading, throttled));
        self.pacer.changed.notify_waiters();
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if self.open {
            self.pacer.with(Pacing::abandoned);
            self.pacer.changed.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(limit: u32, remaining: u32) -> Option<BucketReading> {
        Some(BucketReading { limit, remaining })
    }

    #[test]
    fn a_dropped_turn_is_no_longer_in_flight() {
        let pacer = Pacer::new(true);
        let now = Instant::now();
        drop(pacer.try_turn(now, now));
        pacer
            .try_turn(now, now)
            .expect("no bucket seen")
            .answered(now, reading(100, 99), false);
        let state = pacer.state.as_ref().unwrap().lock().unwrap();
        assert_eq!(state.in_flight, 0);
        assert_eq!(state.bucket.as_ref().unwrap().available, 99.0);
    }

    #[test]
    fn a_pacer_that_is_off_never_waits() {
        let pacer = Pacer::new(false);
        let now = Instant::now();
        for _ in 0..100 {
            pacer
                .try_turn(now, now)
                .expect("no wait")
                .answered(now, reading(100, 0), true);
        }
        assert_eq!(pacer.stats(), PacingStats::default());
    }

    /// A pacer whose next request waits about a second: one answer says
    /// the bucket is empty while another request is still in flight,
    /// whose turn is returned.
    fn held_back(pacer: &Pacer) -> Turn<'_> {
        let now = Instant::now();
        let answered = pacer.try_turn(now, now).expect("no bucket seen");
        let in_flight = pacer.try_turn(now, now).expect("no bucket seen");
        answered.answered(now, reading(100, 0), false);
        let wait = pacer
            .try_turn(Instant::now(), now)
            .err()
            .expect("held back");
        assert!(wait >= Duration::from_millis(900), "{wait:?}");
        in_flight
    }

    #[tokio::test]
    async fn a_waiting_request_goes_as_soon_as_an_answer_frees_the_bucket() {
        let pacer = Pacer::new(true);
        let in_flight = held_back(&pacer);
        let started = Instant::now();
        let answer = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            in_flight.answered(Instant::now(), reading(100, 100), false);
        };
        let (turn, ()) = tokio::join!(pacer.wait_turn(None), answer);
        assert!(turn.is_some());
        assert!(
            started.elapsed() < Duration::from_millis(600),
            "woken by the answer, not at the end of its wait: {:?}",
            started.elapsed()
        );
        assert_eq!(pacer.stats().paced_requests, 1);
    }

    #[tokio::test]
    async fn a_stop_ends_a_pacing_wait_at_once() {
        let pacer = Pacer::new(true);
        let _in_flight = held_back(&pacer);
        let stop = CancellationToken::new();
        let started = Instant::now();
        let cancel = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            stop.cancel();
        };
        let (turn, ()) = tokio::join!(pacer.wait_turn(Some(&stop)), cancel);
        assert!(turn.is_none(), "no turn after a stop");
        assert!(
            started.elapsed() < Duration::from_millis(600),
            "{:?}",
            started.elapsed()
        );
    }
}
