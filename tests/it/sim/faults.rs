//! Injected faults: latency, 429 token bucket, 5xx, dropped connections,
//! read-after-write delay; deterministic by seed.

use std::time::{Duration, Instant};

use serde_json::json;
use tether::sim::{Faults, RateLimit};

use super::helpers::*;

fn with_faults(faults: Faults) -> tether::sim::SimHandle {
    example().faults(faults).start()
}

/// A token bucket of `capacity` that gains `refill` tokens each `period`,
/// and no other fault.
fn bucket(capacity: u32, refill: u32, period: Duration) -> Faults {
    Faults {
        rate_limit: Some(RateLimit {
            capacity,
            refill,
            period,
        }),
        ..Faults::default()
    }
}

fn integrations() -> String {
    v1(&format!("/groups/{PROD}/integrations"))
}

#[test]
fn token_bucket_answers_429_with_retry_after_and_atlas_body() {
    let sim = with_faults(bucket(2, 5, Duration::from_secs(60)));
    let mut client = Client::new(&sim);
    let first = client.get(&integrations());
    assert_eq!(first.status, 200);
    assert_eq!(first.header("ratelimit-limit"), Some("2"));
    assert_eq!(first.header("ratelimit-remaining"), Some("1"));
    assert_eq!(client.get(&integrations()).status, 200);
    let limited = client.get(&integrations());
    assert_error(
        &limited,
        429,
        "RATE_LIMITED_TOKEN_BUCKET",
        "Rate limit exceeded for api/atlas/v1.0/groups/{groupId}/integrations. Please retry \
         after 12 seconds. Request capacity: 2. Refill rate: 5 per 60 seconds.",
    );
    assert_eq!(limited.header("retry-after"), Some("12"));
    let counts = sim.counters();
    assert_eq!(counts.status(429), 1);
    assert_eq!(
        counts.get("GET", "/api/atlas/v1.0/groups/{groupId}/integrations"),
        3
    );
}

#[test]
fn a_429_says_the_bucket_is_empty() {
    let sim = with_faults(bucket(1, 1, Duration::from_secs(3600)));
    let mut client = Client::new(&sim);
    assert_eq!(
        client.get(&integrations()).header("ratelimit-remaining"),
        Some("0")
    );
    let limited = client.get(&integrations());
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("ratelimit-limit"), Some("1"));
    assert_eq!(limited.header("ratelimit-remaining"), Some("0"));
}

#[test]
fn remaining_is_counted_when_the_request_takes_its_token() {
    // Three requests side by side, answered 300 ms later: each answer gives
    // the count its own token left, not the count when it is answered.
    let sim = with_faults(Faults {
        latency: Duration::from_millis(300),
        ..bucket(3, 1, Duration::from_secs(3600))
    });
    let mut remaining: Vec<String> = std::thread::scope(|scope| {
        let requests: Vec<_> = (0..3)
            .map(|_| {
                scope.spawn(|| {
                    let reply = Client::new(&sim).get(&integrations());
                    assert_eq!(reply.status, 200);
                    reply.header("ratelimit-remaining").map(str::to_owned)
                })
            })
            .collect();
        requests
            .into_iter()
            .map(|request| request.join().expect("joins").expect("the header"))
            .collect()
    });
    remaining.sort();
    assert_eq!(remaining, ["0", "1", "2"]);
}

#[test]
fn the_bucket_can_limit_without_headers() {
    let sim = with_faults(Faults {
        omit_rate_limit_headers: true,
        ..bucket(1, 1, Duration::from_secs(3600))
    });
    let mut client = Client::new(&sim);
    let served = client.get(&integrations());
    assert_eq!(served.status, 200);
    let limited = client.get(&integrations());
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("retry-after"), Some("3600"));
    for reply in [served, limited] {
        assert_eq!(reply.header("ratelimit-limit"), None);
        assert_eq!(reply.header("ratelimit-remaining"), None);
    }
}

#[test]
fn the_bucket_refills() {
    let sim = with_faults(bucket(1, 10, Duration::from_secs(1)));
    let mut client = Client::new(&sim);
    assert_eq!(client.get(&integrations()).status, 200);
    let limited = client.get(&integrations());
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("retry-after"), Some("1"));
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(client.get(&integrations()).status, 200);
}

#[test]
fn error_rates_answer_500_and_503() {
    let sim = with_faults(Faults {
        error_500_rate: 1.0,
        ..Faults::default()
    });
    assert_error(
        &Client::new(&sim).get(&integrations()),
        500,
        "UNEXPECTED_ERROR",
        "Unexpected error.",
    );
    let sim = with_faults(Faults {
        error_503_rate: 1.0,
        ..Faults::default()
    });
    let reply = Client::new(&sim).get(&integrations());
    assert_eq!(reply.status, 503);
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert_eq!(reply.json()["error"], 503);
}

#[test]
fn dropped_connections_get_no_answer_and_are_counted() {
    let sim = with_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    let client = Client::new(&sim);
    assert!(client.raw("GET", &integrations(), None, &[]).is_err());
    let counts = sim.counters();
    assert_eq!(counts.dropped, 1);
    assert_eq!(counts.total(), 1);
}

#[test]
fn latency_and_jitter_delay_answers() {
    let sim = with_faults(Faults {
        latency: Duration::from_millis(120),
        jitter: Duration::from_millis(30),
        ..Faults::default()
    });
    let mut client = Client::new(&sim);
    let start = Instant::now();
    assert_eq!(client.get(&integrations()).status, 200);
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(120), "{elapsed:?}");
}

#[test]
fn faults_are_deterministic_for_a_seed() {
    let run = |seed: u64| -> Vec<u16> {
        let sim = example()
            .seed(seed)
            .faults(Faults {
                error_500_rate: 0.3,
                error_503_rate: 0.2,
                ..Faults::default()
            })
            .start();
        let mut client = Client::new(&sim);
        (0..30)
            .map(|_| client.get(&integrations()).status)
            .collect()
    };
    let a = run(7);
    assert_eq!(a, run(7));
    assert!(a.contains(&200) && a.iter().any(|s| *s >= 500), "{a:?}");
    assert_ne!(a, run(8));
}

#[test]
fn a_fresh_write_is_invisible_to_reads_for_the_delay() {
    let sim = with_faults(Faults {
        read_after_write_delay: Duration::from_millis(300),
        ..Faults::default()
    });
    let mut client = Client::new(&sim);
    let path = v1(&format!("/groups/{SANDBOX}/integrations/PAGER_DUTY"));
    let reply = client.put(
        &path,
        &json!({"type": "PAGER_DUTY", "serviceKey": "0123456789abcdef"}),
    );
    // The PUT answer already shows it...
    assert_eq!(types(&reply.json()), ["PAGER_DUTY"]);
    // ...reads do not, yet.
    let list = v1(&format!("/groups/{SANDBOX}/integrations"));
    assert_eq!(client.get(&list).json()["results"], json!([]));
    assert_eq!(client.get(&path).status, 404);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(types(&client.get(&list).json()), ["PAGER_DUTY"]);
    // A delete stays visible for the delay too.
    assert_eq!(client.delete(&path).status, 204);
    assert_eq!(client.get(&path).status, 200);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(client.get(&path).status, 404);
}
