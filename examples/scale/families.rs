//! Part 9: the plan when F of the N projects also manage log and metric
//! integrations (issue 27). A project that mentions neither family costs
//! what it cost before, one GET-all; one that mentions both costs one
//! listing of each family and one read of its push-based export more. The
//! requests are asserted exactly; the wall time is held to the bound of
//! those requests.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tether::config::{Unset, load_str};
use tether::engine;
use tether::sim::EntryFile;

use crate::Bench;
use crate::endpoints::INTEGRATIONS;
use crate::in_process::start_sim;
use crate::report::{Table, bound, met, ratio, secs};
use crate::support::Res;
use crate::workload::{desired_yaml, drifts_none, file_env, group_id, sim_state};

const LOGS: &str = "/api/atlas/v2/groups/{groupId}/logIntegrations";
const METRICS: &str = "/api/atlas/v2/groups/{groupId}/metricIntegrations";
const PUSH: &str = "/api/atlas/v2/groups/{groupId}/pushBasedLogExport";
const DYNATRACE_TOKEN: &str = "Api-Token dt0c01.SCALEBENCH0123456789";

/// Which projects manage the families: F of them spread evenly over N.
fn with_families(n: usize, f: usize) -> impl Fn(usize) -> bool {
    move |i| f > 0 && (i * f) % n < f
}

fn s3_entry(i: usize) -> serde_json::Value {
    json!({
        "type": "S3_LOG_EXPORT",
        "bucketName": "acme-atlas-logs",
        "prefixPath": format!("p{i:07}/"),
        "iamRoleId": "65f1a2b3c4d5e6f7a8b9c0aa",
        "logTypes": ["MONGOD", "MONGOD_AUDIT"],
    })
}

fn metric_entry() -> serde_json::Value {
    json!({
        "integrationType": "OTEL",
        "providerType": "DYNATRACE",
        "authType": "HEADER",
        "aggregationTemporality": "DELTA",
        "endpoint": "https://abc123.live.dynatrace.com/api/v2/otlp",
        "metricSelection": ["MONGODB_METRICS", "HARDWARE_METRICS"],
        "headers": [{"name": "Authorization", "value": DYNATRACE_TOKEN}],
    })
}

fn entry_file(value: serde_json::Value) -> EntryFile {
    match value {
        serde_json::Value::Object(map) => EntryFile(map),
        _ => unreachable!("an entry is an object"),
    }
}

/// The workload's file, with each family project's two lists after its
/// integrations.
fn file_with_families(n: usize, f: usize) -> String {
    let has = with_families(n, f);
    let text = desired_yaml(n, 0, false);
    let (head, projects) = text
        .split_once("projects:\n")
        .expect("the workload's projects");
    let mut out = format!("{head}projects:\n");
    for (i, project) in project_entries(projects).into_iter().enumerate() {
        out.push_str(project);
        if has(i) {
            out.push_str(&format!(
                "    log_integrations:\n      - type: S3_LOG_EXPORT\n        bucketName: \
                 acme-atlas-logs\n        prefixPath: p{i:07}/\n        iamRoleId: \
                 65f1a2b3c4d5e6f7a8b9c0aa\n        logTypes: [MONGOD, MONGOD_AUDIT]\n    \
                 metric_integrations:\n      - providerType: DYNATRACE\n        endpoint: \
                 https://abc123.live.dynatrace.com/api/v2/otlp\n        aggregationTemporality: \
                 DELTA\n        metricSelection: [MONGODB_METRICS, HARDWARE_METRICS]\n        \
                 headers:\n          - name: Authorization\n            value: \
                 ${{DYNATRACE_TOKEN}}\n"
            ));
        }
    }
    out
}

/// The projects of the workload's file (written by id), one `  - id:`
/// entry each.
fn project_entries(projects: &str) -> Vec<&str> {
    let mut starts: Vec<usize> = projects
        .match_indices("  - id: ")
        .map(|(at, _)| at)
        .collect();
    starts.push(projects.len());
    starts.windows(2).map(|w| &projects[w[0]..w[1]]).collect()
}

pub fn measure(bench: &Bench, plan_wall: Duration, table: &mut Table) -> Res<()> {
    let args = &bench.args;
    let (n, c, l, f) = (
        args.projects,
        args.concurrency,
        args.latency,
        args.family_projects,
    );
    println!(
        "\n[9] plan of {n} projects, {f} of them with a log and a metric integration (issue 27)"
    );
    let has = with_families(n, f);
    let mut state = sim_state(n, &drifts_none(n));
    for (i, project) in state.projects.iter_mut().enumerate() {
        assert_eq!(project.id, group_id(i));
        if has(i) {
            project.log_integrations = vec![entry_file(s3_entry(i))];
            project.metric_integrations = vec![entry_file(metric_entry())];
        }
    }
    let sim = start_sim(state, args, false)?;
    let client = crate::in_process::client(&sim.base_url(), tether::atlas::Credentials::None, c)?;
    let mut env: HashMap<String, String> = file_env();
    env.insert("DYNATRACE_TOKEN".to_owned(), DYNATRACE_TOKEN.to_owned());
    let text = file_with_families(n, f);
    let projects = match load_str("families.yaml", &text, (&env, Unset::Error)) {
        Ok(loaded) => loaded.desired.projects,
        Err(report) => return Err(format!("the file is invalid: {}", report.summary()).into()),
    };
    let managing = projects
        .iter()
        .filter(|project| !project.families.is_empty())
        .count();
    assert_eq!(managing, f, "F projects mention the families");

    sim.reset_counters();
    let started = Instant::now();
    let planned = bench.runtime.block_on(engine::plan(
        Arc::clone(&client),
        &projects,
        &tether::Filter::default(),
        false,
        Arc::new(|| {}),
    ))?;
    let wall = started.elapsed();
    let counts = sim.counters();
    let requests = n + 3 * f;
    let the_bound = bound(requests, c, l);
    let wall_ratio = ratio(wall, the_bound);
    println!(
        "    wall {} against the bound of its {requests} requests, ceil({requests}/{c}) x {} = {}: \
         ratio {wall_ratio:.3}; the plan without families took {}",
        secs(wall),
        crate::report::ms(l),
        secs(the_bound),
        secs(plan_wall),
    );
    println!(
        "    requests: {} GET-all, {} log listings, {} metric listings, {} push-based reads, {} in all",
        counts.get("GET", INTEGRATIONS),
        counts.get("GET", LOGS),
        counts.get("GET", METRICS),
        counts.get("GET", PUSH),
        counts.total()
    );
    assert_eq!(
        counts.get("GET", INTEGRATIONS),
        n as u64,
        "one GET-all per project"
    );
    for path in [LOGS, METRICS, PUSH] {
        assert_eq!(
            counts.get("GET", path),
            f as u64,
            "{path}: one per family project"
        );
    }
    assert_eq!(counts.total(), requests as u64, "nothing else");
    let summary = planned.plan.summary();
    assert_eq!(summary.to_apply(), 0, "the families are in sync");
    assert!(!planned.plan.has_errors(), "no item error");
    table.row(
        "9",
        &format!("`plan` with log and metric integrations on F={f} of N={n} (in-process)"),
        format!(
            "{} requests (N + 3F, exact); {} (bound {}; **{wall_ratio:.3}x**)",
            counts.total(),
            secs(wall),
            secs(the_bound)
        ),
        &format!("<= 1.15x: {}", met(wall_ratio <= 1.15)),
    );
    Ok(())
}
