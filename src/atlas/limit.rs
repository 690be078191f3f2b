//! A concurrency limit shared by every request of a run. It halves when
//! Atlas throttles and grows back by one after a run of successes (additive
//! increase, multiplicative decrease), never above the `--concurrency` asked.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub struct AdaptiveLimit {
    semaphore: Arc<Semaphore>,
    state: Mutex<LimitState>,
}

struct LimitState {
    limit: usize,
    max: usize,
    successes: usize,
    /// Permits to take out of circulation as they come back.
    shrink_debt: usize,
    /// When the limit was last cut: the 429s of one burst arrive together
    /// and count as one signal, not one halving each.
    last_cut: Option<Instant>,
}

/// 429s this soon after a cut belong to the same burst.
const CUT_COOLDOWN: Duration = Duration::from_millis(500);

/// A slot to run one request; returned to the limit when dropped.
pub struct Slot<'a> {
    permit: Option<OwnedSemaphorePermit>,
    limit: &'a AdaptiveLimit,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let Some(permit) = self.permit.take() else {
            return;
        };
        if let Ok(mut state) = self.limit.state.lock()
            && state.shrink_debt > 0
        {
            state.shrink_debt -= 1;
            permit.forget();
        }
    }
}

impl AdaptiveLimit {
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        AdaptiveLimit {
            semaphore: Arc::new(Semaphore::new(max)),
            state: Mutex::new(LimitState {
                limit: max,
                max,
                successes: 0,
                shrink_debt: 0,
                last_cut: None,
            }),
        }
    }

    pub async fn acquire(&self) -> Slot<'_> {
        let permit = Arc::clone(&self.semaphore)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        Slot {
            permit: Some(permit),
            limit: self,
        }
    }

    /// The current limit, for logs and tests.
    pub fn current(&self) -> usize {
        self.state.lock().map_or(1, |s| s.limit)
    }

    pub fn on_throttled(&self) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let now = Instant::now();
        if state
            .last_cut
            .is_some_and(|at| now.duration_since(at) < CUT_COOLDOWN)
        {
            return;
        }
        state.last_cut = Some(now);
        let target = (state.limit / 2).max(1);
        let cut = state.limit - target;
        state.limit = target;
        state.successes = 0;
        let forgotten = self.semaphore.forget_permits(cut);
        state.shrink_debt += cut - forgotten;
    }

    pub fn on_success(&self) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state.limit >= state.max {
            return;
        }
        state.successes += 1;
        if state.successes >= state.limit {
            state.successes = 0;
            state.limit += 1;
            if state.shrink_debt > 0 {
                state.shrink_debt -= 1;
            } else {
                self.semaphore.add_permits(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lets the next 429 count as a new burst.
    fn forget_last_cut(limit: &AdaptiveLimit) {
        limit.state.lock().unwrap().last_cut = None;
    }

    #[tokio::test]
    async fn halves_on_throttle_and_recovers() {
        let limit = AdaptiveLimit::new(8);
        limit.on_throttled();
        assert_eq!(limit.current(), 4);
        assert_eq!(limit.semaphore.available_permits(), 4);
        limit.on_throttled();
        assert_eq!(limit.current(), 4, "one burst, one cut");
        for _ in 0..3 {
            forget_last_cut(&limit);
            limit.on_throttled();
        }
        assert_eq!(limit.current(), 1);
        for _ in 0..(1 + 2 + 3 + 4 + 5 + 6 + 7) {
            limit.on_success();
        }
        assert_eq!(limit.current(), 8);
        assert_eq!(limit.semaphore.available_permits(), 8);
    }

    #[tokio::test]
    async fn shrinking_while_slots_are_held_takes_effect_on_release() {
        let limit = AdaptiveLimit::new(4);
        let held: Vec<Slot> = vec![
            limit.acquire().await,
            limit.acquire().await,
            limit.acquire().await,
            limit.acquire().await,
        ];
        limit.on_throttled();
        assert_eq!(limit.current(), 2);
        drop(held);
        assert_eq!(limit.semaphore.available_permits(), 2);
    }
}
