//! Part 3, baselines: the same reads done the way other tools do them, with
//! a plain HTTP client against the same simulator.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::Bench;
use crate::endpoints::{BASELINE_INTEGRATION, BASELINE_INTEGRATIONS};
use crate::in_process::plan_through;
use crate::report::{Table, ratio, secs};
use crate::support::Res;
use crate::workload::{DECLARED, group_id};

/// Part 3: tether and the baselines on the first S projects, scaled to N
/// and set against tether's measured `plan_wall` there.
pub fn measure(bench: &Bench, plan_wall: Duration, table: &mut Table) -> Res<()> {
    let Bench {
        args,
        runtime,
        sim,
        url,
        desired,
        tether,
        ..
    } = bench;
    let n = args.projects;
    // 3. The same reads the way other tools do them, on a sample of S
    // projects, scaled to N (both patterns are linear in N at a fixed
    // latency); tether is measured on the same sample too.
    let s = args.baseline_projects;
    println!("\n[3] other tools' read patterns, on the first {s} of the {n} projects");
    let sample = &desired[..s];
    sim.reset_counters();
    let started = Instant::now();
    plan_through(runtime, tether, sample)?;
    let tether_sample = started.elapsed();
    let tether_sample_requests = sim.counters().total();
    let http = reqwest::Client::builder().build()?;
    let groups: Vec<String> = (0..s).map(group_id).collect();
    let targets: Vec<(String, &'static str)> = groups
        .iter()
        .flat_map(|g| DECLARED.iter().map(move |kind| (g.clone(), *kind)))
        .collect();
    sim.reset_counters();
    let started = Instant::now();
    let failed = runtime.block_on(terraform_refresh(http.clone(), url.clone(), targets, 10));
    let terraform = started.elapsed();
    let terraform_requests = sim.counters().get("GET", BASELINE_INTEGRATION);
    assert_eq!(failed, 0, "every GET-one answered");
    sim.reset_counters();
    let started = Instant::now();
    let failed = runtime.block_on(cli_loop(http, url.clone(), groups));
    let cli = started.elapsed();
    let cli_requests = sim.counters().get("GET", BASELINE_INTEGRATIONS);
    assert_eq!(failed, 0, "every GET-all answered");
    let scaled = s < n;
    let scale = n as f64 / s as f64;
    let terraform_n = terraform.mul_f64(scale);
    let cli_n = cli.mul_f64(scale);
    for (name, time, requests) in [
        (
            "tether (GET-all per project, C in flight)",
            tether_sample,
            tether_sample_requests,
        ),
        (
            "Terraform refresh (GET-one per integration, 10 in flight)",
            terraform,
            terraform_requests,
        ),
        (
            "Atlas CLI loop (GET-all per project, 1 at a time)",
            cli,
            cli_requests,
        ),
    ] {
        println!(
            "    {name:<58} {:>9} for {s} projects ({requests} requests, {:.1} per project)",
            secs(time),
            requests as f64 / s as f64,
        );
    }
    let vs_terraform = ratio(terraform, tether_sample);
    let vs_cli = ratio(cli, tether_sample);
    println!(
        "    speed-up of tether: {vs_terraform:.1}x over Terraform's pattern and {vs_cli:.1}x over \
         the CLI loop on the same {s} projects"
    );
    let at_n = |baseline_n: Duration| {
        if scaled {
            format!(
                "; at N={n}: ~{} (scaled x{scale:.1}) vs tether's {} = {:.1}x",
                secs(baseline_n),
                secs(plan_wall),
                ratio(baseline_n, plan_wall)
            )
        } else {
            String::new()
        }
    };
    if scaled {
        println!(
            "    at N={n}, baselines scaled x{scale:.1}: Terraform ~{}, CLI loop ~{}, tether {} \
             measured",
            secs(terraform_n),
            secs(cli_n),
            secs(plan_wall)
        );
    }
    table.row(
        "3a",
        &format!(
            "Terraform refresh pattern, {s} projects ({terraform_requests} GET-one, 10 in flight)"
        ),
        format!(
            "{} vs tether {} on the same projects: **{vs_terraform:.1}x**{}",
            secs(terraform),
            secs(tether_sample),
            at_n(terraform_n)
        ),
        "",
    );
    table.row(
        "3b",
        &format!("Atlas CLI loop, {s} projects ({cli_requests} GET-all, 1 at a time)"),
        format!(
            "{} vs tether {} on the same projects: **{vs_cli:.1}x**{}",
            secs(cli),
            secs(tether_sample),
            at_n(cli_n)
        ),
        "",
    );
    Ok(())
}

/// Terraform's refresh: one GET of each declared integration
/// (`mongodbatlas_third_party_integration` reads one type), `in_flight`
/// at a time (Terraform's default `-parallelism=10`).
pub async fn terraform_refresh(
    http: reqwest::Client,
    base: String,
    targets: Vec<(String, &'static str)>,
    in_flight: usize,
) -> usize {
    let targets = Arc::new(targets);
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..in_flight {
        let (http, base) = (http.clone(), base.clone());
        let (targets, next, failed) = (targets.clone(), next.clone(), failed.clone());
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((group, kind)) = targets.get(i) else {
                    break;
                };
                let url = format!("{base}/api/atlas/v1.0/groups/{group}/integrations/{kind}");
                if !get_ok(&http, &url).await {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    while workers.join_next().await.is_some() {}
    failed.load(Ordering::Relaxed)
}

/// A shell loop around `atlas integrations list --projectId ID`: one GET-all
/// per project, one project at a time. (Generous to the CLI: no process
/// start and no TLS handshake per project here.)
pub async fn cli_loop(http: reqwest::Client, base: String, groups: Vec<String>) -> usize {
    let mut failed = 0;
    for group in groups {
        let url = format!("{base}/api/atlas/v1.0/groups/{group}/integrations");
        if !get_ok(&http, &url).await {
            failed += 1;
        }
    }
    failed
}

/// An answer was read in full: a success, or a 404 (a declared integration
/// that Atlas does not have, which a refresh also learns from).
async fn get_ok(http: &reqwest::Client, url: &str) -> bool {
    match http.get(url).send().await {
        Ok(answer) => {
            let status = answer.status();
            (status.is_success() || status == reqwest::StatusCode::NOT_FOUND)
                && answer.bytes().await.is_ok()
        }
        Err(_) => false,
    }
}
