//! Pacing against the simulator's token bucket: fewer 429s than the bucket
//! causes without it, the same plan, and no wait when the answers do not
//! say how full the bucket is or it is far from empty. Counts only, never
//! timings: the machine is shared.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tether::atlas::{ApiError, Client, ClientConfig, Credentials, RetryPolicy, base_url};
use tether::engine::{self, Planned};
use tether::model::GroupId;
use tether::plan::Summary;
use tether::sim::{Faults, RateLimit, SimHandle};
use tether::{CancellationToken, Filter, Unset};

use crate::client::pager_duty;
use crate::common::Sim;

const KEY: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f10022";
/// Same length as `KEY`, other last four: a change through the mask.
const OLD_KEY: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f1beef";
const INTEGRATIONS: &str = "/api/atlas/v2/groups/{groupId}/integrations";
const INTEGRATION: &str = "/api/atlas/v2/groups/{groupId}/integrations/{integrationType}";

fn id(n: usize) -> String {
    format!("65f1a2b3c4d5{n:012x}")
}

/// Every tenth project holds an old key: the plan has `projects / 10`
/// updates.
fn world(projects: usize, faults: Faults) -> SimHandle {
    let mut state = String::from("projects:\n");
    for n in 0..projects {
        let key = if n % 10 == 0 { OLD_KEY } else { KEY };
        state.push_str(&format!(
            "  - id: {}\n    name: p-{n}\n    orgId: 6600000000000000000000aa\n    integrations:\n      PAGER_DUTY: {{serviceKey: {key}}}\n",
            id(n)
        ));
    }
    Sim::builder()
        .state_yaml(&state)
        .faults(faults)
        .worker_threads(2)
        .start()
}

/// A token bucket of `capacity` that gains `refill_per_second` tokens a
/// second, and no other fault.
fn bucket(capacity: u32, refill_per_second: u32) -> Faults {
    Faults {
        rate_limit: Some(RateLimit {
            capacity,
            refill: refill_per_second,
            period: Duration::from_secs(1),
        }),
        ..Faults::default()
    }
}

fn client(sim: &SimHandle, pacing: bool) -> Arc<Client> {
    let mut config = ClientConfig::new(
        base_url(Some(&sim.base_url()), |_| None).expect("a valid base URL"),
        Credentials::None,
    );
    config.settings.pacing = pacing;
    // Enough attempts that no read gives up on 429s, pacing or not.
    config.settings.retry = RetryPolicy {
        max_attempts: 40,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(100),
        max_total_wait: Duration::from_secs(120),
    };
    Arc::new(Client::new(config).expect("the client builds"))
}

fn plan(client: &Arc<Client>, projects: usize) -> Planned {
    let mut file = String::from(
        "version: 1\ndefaults:\n  integrations:\n    PAGER_DUTY:\n      serviceKey: ${PD_KEY}\nprojects:\n",
    );
    for n in 0..projects {
        file.push_str(&format!("  - id: {}\n", id(n)));
    }
    let env = HashMap::from([("PD_KEY".to_owned(), KEY.to_owned())]);
    let loaded = engine::load_str("tether.yaml", &file, (&env, Unset::Error)).expect("loads");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime
        .block_on(engine::plan(
            Arc::clone(client),
            &loaded.desired.projects,
            &Filter::default(),
            false,
            Arc::new(|| {}),
        ))
        .expect("plans")
}

fn expected(projects: usize) -> Summary {
    Summary {
        update: projects / 10,
        unchanged: projects - projects / 10,
        ..Summary::default()
    }
}

#[test]
fn a_small_bucket_throttles_a_paced_plan_less_and_the_plan_is_the_same() {
    const PROJECTS: usize = 120;
    let throttled = |pacing: bool| {
        // 30 tokens, 30 more a second: the 16 requests in flight drain the
        // bucket in a few round trips.
        let sim = world(
            PROJECTS,
            Faults {
                latency: Duration::from_millis(20),
                ..bucket(30, 30)
            },
        );
        let client = client(&sim, pacing);
        let planned = plan(&client, PROJECTS);
        let counts = sim.counters();
        assert_eq!(planned.plan.summary(), expected(PROJECTS));
        assert_eq!(
            counts.status(200),
            PROJECTS as u64,
            "one answered read per project: {counts:?}"
        );
        assert_eq!(
            counts.get("GET", INTEGRATIONS),
            PROJECTS as u64 + counts.status(429)
        );
        (counts.status(429), client.pacing_stats())
    };
    let (unpaced, unpaced_stats) = throttled(false);
    let (paced, paced_stats) = throttled(true);
    assert_eq!(unpaced_stats.paced_requests, 0);
    assert!(
        unpaced >= 20,
        "the bucket is small enough to throttle: {unpaced} 429s"
    );
    assert!(
        paced * 4 <= unpaced,
        "pacing: {paced} 429s, without: {unpaced} ({paced_stats:?})"
    );
    assert!(paced_stats.paced_requests > 0, "{paced_stats:?}");
    let refill = paced_stats.refill_per_second.expect("measured");
    assert!(refill > 10.0 && refill < 90.0, "30 a second: {refill}");
}

#[test]
fn without_the_headers_nothing_is_paced() {
    const PROJECTS: usize = 60;
    let sim = world(
        PROJECTS,
        Faults {
            omit_rate_limit_headers: true,
            ..bucket(20, 40)
        },
    );
    let client = client(&sim, true);
    let planned = plan(&client, PROJECTS);
    assert_eq!(planned.plan.summary(), expected(PROJECTS));
    let counts = sim.counters();
    assert!(counts.status(429) > 0, "throttled all the same: {counts:?}");
    assert_eq!(client.pacing_stats().paced_requests, 0);
    assert_eq!(client.pacing_stats().refill_per_second, None);
}

#[test]
fn a_bucket_far_from_empty_paces_nothing() {
    const PROJECTS: usize = 200;
    let sim = world(PROJECTS, bucket(1000, 10));
    let client = client(&sim, true);
    let planned = plan(&client, PROJECTS);
    assert_eq!(planned.plan.summary(), expected(PROJECTS));
    assert_eq!(sim.counters().status(429), 0);
    assert_eq!(client.pacing_stats().paced_requests, 0);
}

#[test]
fn a_stop_ends_a_paced_write_before_it_is_sent() {
    // 4 tokens, one more a second, 300 ms per answer: a few reads one after
    // another empty the bucket; the write then waits about a second for a
    // token.
    let sim = world(
        1,
        Faults {
            latency: Duration::from_millis(300),
            ..bucket(4, 1)
        },
    );
    let stop = CancellationToken::new();
    let mut config = ClientConfig::new(
        base_url(Some(&sim.base_url()), |_| None).expect("a valid base URL"),
        Credentials::None,
    );
    config.settings.stop = stop.clone();
    let client = Client::new(config).expect("the client builds");
    let group: GroupId = id(0).parse().expect("an id");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let outcome = runtime.block_on(async {
        // Reads one after another until one is held back: the bucket is at
        // its reserve, and the next request waits for a token.
        for _ in 0..30 {
            client.list_integrations(&group).await.expect("read");
            if client.pacing_stats().paced_requests > 0 {
                break;
            }
        }
        let stats = client.pacing_stats();
        assert!(stats.paced_requests > 0, "the reads were paced: {stats:?}");
        let integration = pager_duty(KEY);
        let write = client.put_integration(&group, &integration);
        tokio::pin!(write);
        // The stop comes once the write waits for its turn.
        loop {
            tokio::select! {
                outcome = &mut write => break outcome,
                () = tokio::time::sleep(Duration::from_millis(5)) => {
                    if client.pacing_stats().paced_requests > stats.paced_requests {
                        stop.cancel();
                    }
                }
            }
        }
    });
    assert!(
        matches!(outcome, Err(ApiError::NotStarted { .. })),
        "{outcome:?}"
    );
    assert_eq!(sim.counters().get("PUT", INTEGRATION), 0, "never sent");
}
