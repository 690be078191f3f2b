//! The pacing benchmark: a plan of more projects than Atlas's token bucket
//! holds, with pacing off (only 429s and `Retry-After` slow the client
//! down) and on (it reads `RateLimit-Remaining` and slows down first),
//! side by side in one run. See BENCHMARKS.md, "Pacing".
//!
//! ```sh
//! cargo run --release --example pacing -- --projects 2000 --capacity 500 --refill 100 \
//!     --latency-ms 30 --concurrency 32 --runs 1
//! ```
//!
//! Every plan goes through tether's own code path in-process
//! (`engine::plan`), each against a fresh simulator whose bucket starts
//! full and refills `--refill` tokens a second. The parts:
//! 1. the bucket-bound plan, pacing off and on, `--runs` times each
//!    (alternating which goes first);
//! 2. the same bucket without the `RateLimit-*` headers, pacing on: it
//!    must behave as pacing off;
//! 3. a bucket larger than the plan, pacing off and on: nothing to pace.
//!
//! Counts are checked exactly (every project answered once, the plan's
//! changes); times are reported, never asserted: the machine is shared.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tether::atlas::{Client, ClientConfig, Credentials, PacingStats, base_url};
use tether::engine;
use tether::plan::Summary;
use tether::sim::{Faults, RateLimit, SimConfig, SimHandle, StateFile, spawn};
use tether::{Filter, Unset};

mod support;

use support::{Res, project_id};

const KEY: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f10022";
/// Same length as `KEY`, other last four: a change through the mask.
const OLD_KEY: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f1beef";
const INTEGRATIONS: &str = "/api/atlas/v2/groups/{groupId}/integrations";
/// Atlas states its refill rates per minute.
const PERIOD: Duration = Duration::from_secs(60);

struct Args {
    projects: usize,
    capacity: u32,
    /// Tokens per second.
    refill: u32,
    latency: Duration,
    concurrency: usize,
    runs: usize,
}

const USAGE: &str = "usage: pacing [--projects N] [--capacity B] [--refill R] [--latency-ms L] \
[--concurrency C] [--runs K]";

fn args() -> Res<Args> {
    let mut args = Args {
        projects: 2000,
        capacity: 500,
        refill: 100,
        latency: Duration::from_millis(30),
        concurrency: 32,
        runs: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value: u64 = it
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("`{flag}` needs a whole number\n{USAGE}"))?;
        match flag.as_str() {
            "--projects" => args.projects = value as usize,
            "--capacity" => args.capacity = u32::try_from(value)?,
            "--refill" => args.refill = u32::try_from(value)?,
            "--latency-ms" => args.latency = Duration::from_millis(value),
            "--concurrency" => args.concurrency = value as usize,
            "--runs" => args.runs = value as usize,
            _ => return Err(format!("unknown flag `{flag}`\n{USAGE}").into()),
        }
    }
    if args.projects == 0 || args.capacity == 0 || args.refill == 0 || args.runs == 0 {
        return Err("every flag must be at least 1".into());
    }
    Ok(args)
}

/// Every tenth project holds an old PagerDuty key: `projects / 10` updates.
fn state(projects: usize) -> Res<StateFile> {
    let mut text = String::from("projects:\n");
    for n in 0..projects {
        let key = if n % 10 == 0 { OLD_KEY } else { KEY };
        text.push_str(&format!(
            "  - id: {}\n    name: p-{n}\n    orgId: 6600000000000000000000aa\n    integrations:\n      PAGER_DUTY: {{serviceKey: {key}}}\n",
            project_id(n)
        ));
    }
    Ok(StateFile::parse(&text)?)
}

fn desired(projects: usize) -> Res<Vec<tether::model::DesiredProject>> {
    let mut file = String::from(
        "version: 1\ndefaults:\n  integrations:\n    PAGER_DUTY:\n      serviceKey: ${PD_KEY}\nprojects:\n",
    );
    for n in 0..projects {
        file.push_str(&format!("  - id: {}\n", project_id(n)));
    }
    let env = HashMap::from([("PD_KEY".to_owned(), KEY.to_owned())]);
    let loaded = engine::load_str("pacing.yaml", &file, (&env, Unset::Error))
        .map_err(|_| "the generated file is invalid")?;
    Ok(loaded.desired.projects)
}

/// One plan against a fresh simulator.
struct Run {
    wall: Duration,
    throttled: u64,
    requests: u64,
    failed_projects: usize,
    pacing: PacingStats,
}

#[derive(Clone, Copy)]
struct Bucket {
    capacity: u32,
    headers: bool,
}

fn run(
    args: &Args,
    state: &StateFile,
    projects: &[tether::model::DesiredProject],
    bucket: Bucket,
    pacing: bool,
) -> Res<Run> {
    let sim: SimHandle = spawn(SimConfig {
        state: state.clone(),
        faults: Faults {
            latency: args.latency,
            rate_limit: Some(RateLimit {
                capacity: bucket.capacity,
                refill: args.refill * PERIOD.as_secs() as u32,
                period: PERIOD,
            }),
            omit_rate_limit_headers: !bucket.headers,
            ..Faults::default()
        },
        worker_threads: 2,
        ..SimConfig::default()
    })?;
    let mut config = ClientConfig::new(
        base_url(Some(&sim.base_url()), |_| None)?,
        Credentials::None,
    );
    config.settings.concurrency = args.concurrency;
    config.settings.pacing = pacing;
    let client = Arc::new(Client::new(config)?);
    // The client runs on a runtime like the binary's (2 workers).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let started = Instant::now();
    let planned = runtime.block_on(engine::plan(
        Arc::clone(&client),
        projects,
        &Filter::default(),
        false,
        Arc::new(|| {}),
    ))?;
    let wall = started.elapsed();
    let counts = sim.counters();
    let summary = planned.plan.summary();
    let n = projects.len();
    let answered = n - summary.failed_projects;
    let expected = Summary {
        update: n.div_ceil(10),
        unchanged: n - n.div_ceil(10),
        ..Summary::default()
    };
    if summary.failed_projects == 0 {
        assert_eq!(summary, expected, "the plan finds exactly the changes");
        assert_eq!(
            counts.status(200),
            n as u64,
            "one answered read per project"
        );
    }
    assert_eq!(
        counts.get("GET", INTEGRATIONS),
        counts.total(),
        "nothing but the reads"
    );
    assert!(counts.status(200) >= answered as u64);
    Ok(Run {
        wall,
        throttled: counts.status(429),
        requests: counts.total(),
        failed_projects: summary.failed_projects,
        pacing: client.pacing_stats(),
    })
}

fn describe(label: &str, run: &Run) {
    let refill = run
        .pacing
        .refill_per_second
        .map_or_else(|| "-".to_owned(), |r| format!("{r:.1}/s"));
    println!(
        "    {label:<28} wall {:>7.2} s  429s {:>5}  requests {:>5}  failed projects {}  \
         paced requests {:>5}  refill measured {refill}",
        run.wall.as_secs_f64(),
        run.throttled,
        run.requests,
        run.failed_projects,
        run.pacing.paced_requests,
    );
}

fn best(runs: &[Run]) -> &Run {
    runs.iter()
        .min_by_key(|r| r.wall)
        .expect("at least one run")
}

fn main() -> Res<()> {
    let args = args()?;
    let state = state(args.projects)?;
    let projects = desired(args.projects)?;
    let n = args.projects;
    let latency_bound = args.latency * n.div_ceil(args.concurrency) as u32;
    let bucket_bound = Duration::from_secs_f64(
        n.saturating_sub(args.capacity as usize) as f64 / f64::from(args.refill),
    );
    println!(
        "pacing benchmark: plan of {n} projects, latency {} ms, concurrency {}; bucket {} tokens, \
         {} a second ({} per {} s)",
        args.latency.as_millis(),
        args.concurrency,
        args.capacity,
        args.refill,
        args.refill * PERIOD.as_secs() as u32,
        PERIOD.as_secs()
    );
    println!(
        "    bounds: the bucket {:.2} s ((N - capacity) / refill), the latency {:.2} s",
        bucket_bound.as_secs_f64(),
        latency_bound.as_secs_f64()
    );

    println!(
        "\n[1] bucket of {} < {n} projects: pacing off and on",
        args.capacity
    );
    let small = Bucket {
        capacity: args.capacity,
        headers: true,
    };
    let (mut off, mut on) = (Vec::new(), Vec::new());
    for round in 0..args.runs {
        let order = if round % 2 == 0 {
            [false, true]
        } else {
            [true, false]
        };
        for pacing in order {
            let result = run(&args, &state, &projects, small, pacing)?;
            describe(if pacing { "pacing on" } else { "pacing off" }, &result);
            if pacing {
                on.push(result)
            } else {
                off.push(result)
            }
        }
    }
    let (off, on) = (best(&off), best(&on));
    let bound = bucket_bound.max(latency_bound);
    println!(
        "    best of {}: off {:.2} s ({:.3}x the bound), {} 429s; on {:.2} s ({:.3}x), {} 429s; \
         on/off time {:.3}",
        args.runs,
        off.wall.as_secs_f64(),
        off.wall.as_secs_f64() / bound.as_secs_f64(),
        off.throttled,
        on.wall.as_secs_f64(),
        on.wall.as_secs_f64() / bound.as_secs_f64(),
        on.throttled,
        on.wall.as_secs_f64() / off.wall.as_secs_f64()
    );

    println!("\n[2] the same bucket without the RateLimit headers: pacing on");
    let silent = run(
        &args,
        &state,
        &projects,
        Bucket {
            headers: false,
            ..small
        },
        true,
    )?;
    describe("pacing on, no headers", &silent);
    assert_eq!(
        silent.pacing.paced_requests, 0,
        "nothing to pace without headers"
    );

    println!("\n[3] a bucket larger than the plan ({} tokens)", 2 * n);
    let large = Bucket {
        capacity: u32::try_from(2 * n)?,
        headers: true,
    };
    for pacing in [false, true] {
        let result = run(&args, &state, &projects, large, pacing)?;
        describe(if pacing { "pacing on" } else { "pacing off" }, &result);
        assert_eq!(result.throttled, 0);
        assert_eq!(result.pacing.paced_requests, 0, "far from empty: no wait");
    }
    Ok(())
}
