//! Running independent futures together and getting their answers back in
//! the order they were given.

use std::future::Future;

/// Spawns every future on the current runtime and returns their outputs in
/// input order. A panic in one is resumed here.
pub async fn in_order<T, F>(futures: impl IntoIterator<Item = F>) -> Vec<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    let mut count = 0;
    for (index, future) in futures.into_iter().enumerate() {
        tasks.spawn(async move { (index, future.await) });
        count += 1;
    }
    let mut answers: Vec<Option<T>> = (0..count).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, answer)) => answers[index] = Some(answer),
            Err(err) => std::panic::resume_unwind(err.into_panic()),
        }
    }
    answers
        .into_iter()
        .map(|answer| answer.expect("every task answers"))
        .collect()
}

#[cfg(test)]
mod tests {
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
}
