//! Running independent futures together and getting their answers back in
//! the order they were given.

use std::future::Future;

/// Tasks spawned at once at most: twice the largest `--concurrency`, so
/// that the window never holds back a request the client's limit would let
/// through. The others wait unspawned: a spawned task holds its whole
/// future (the request's state machine, a few KiB), and spawning every one
/// of 5,000 projects' reads at once cost megabytes to hold them queued on
/// the limit.
const WINDOW: usize = 512;

/// Runs every future on the current runtime, at most [`WINDOW`] spawned at
/// once, and returns their outputs in input order. A panic in one is
/// resumed here.
pub async fn in_order<T, F>(futures: impl IntoIterator<Item = F>) -> Vec<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    in_window(futures, WINDOW).await
}

async fn in_window<T, F>(futures: impl IntoIterator<Item = F>, window: usize) -> Vec<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    let mut waiting = futures.into_iter().enumerate();
    let mut answers: Vec<Option<T>> = Vec::new();
    let mut spawn_next = |tasks: &mut tokio::task::JoinSet<(usize, T)>,
                          answers: &mut Vec<Option<T>>| {
        if let Some((index, future)) = waiting.next() {
            tasks.spawn(async move { (index, future.await) });
            answers.push(None);
        }
    };
    for _ in 0..window.max(1) {
        spawn_next(&mut tasks, &mut answers);
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, answer)) => answers[index] = Some(answer),
            Err(err) => std::panic::resume_unwind(err.into_panic()),
        }
        spawn_next(&mut tasks, &mut answers);
    }
    answers
        .into_iter()
        .map(|answer| answer.expect("every task answers"))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn answers_come_back_in_input_order() {
        let delays = [30u64, 0, 10];
        let answers = super::in_order(delays.map(|ms| async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            ms
        }))
        .await;
        assert_eq!(answers, delays);
    }

    #[tokio::test(start_paused = true)]
    async fn at_most_a_window_runs_at_once_and_the_order_holds() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let answers = super::in_window(
            (0..10u64).map(|i| {
                let (running, most) = (Arc::clone(&running), Arc::clone(&most));
                async move {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    // Later ones finish first: answers arrive out of order.
                    tokio::time::sleep(Duration::from_millis(10 - i)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    i
                }
            }),
            3,
        )
        .await;
        assert_eq!(answers, (0..10u64).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }
}
