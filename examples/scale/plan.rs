//! Parts 1 and 2: tether's plan of the N projects through its client, its
//! wall time against the bound and its requests per project.

use std::time::{Duration, Instant};

use tether::plan::render;

use crate::Bench;
use crate::endpoints::{BY_NAME, INTEGRATIONS};
use crate::in_process::{Planned, plan_through};
use crate::report::{Table, met, ms, ratio, secs};
use crate::support::Res;

/// Parts 1 and 2; returns the plan (part 4 applies it) and its wall time
/// (part 3 compares the baselines with it).
pub fn measure(bench: &Bench, table: &mut Table) -> Res<(Planned, Duration)> {
    let (args, sim, the_bound) = (&bench.args, &bench.sim, bench.the_bound);
    let (n, c, l, k) = (args.projects, args.concurrency, args.latency, args.changes);
    // 1 + 2. tether's plan: wall time against the bound, requests per project.
    println!("\n[1] plan (fetch + diff + render) of {n} projects through tether's client");
    sim.reset_counters();
    let started = Instant::now();
    let planned = plan_through(&bench.runtime, &bench.tether, &bench.desired)?;
    let render_started = Instant::now();
    let rendered = render::text(&planned.plan, false);
    let render_time = render_started.elapsed();
    let plan_wall = started.elapsed();
    let counts = sim.counters();
    let plan_ratio = ratio(plan_wall, the_bound);
    println!(
        "    wall {} (fetch {}, diff {}, render {} for {} KiB); bound ceil({n}/{c}) x {} = {}; \
         ratio {plan_ratio:.3}",
        secs(plan_wall),
        secs(planned.fetch),
        ms(planned.diff),
        ms(render_time),
        rendered.len() / 1024,
        ms(l),
        secs(the_bound)
    );
    let gets = counts.get("GET", INTEGRATIONS);
    println!(
        "    requests: {} in all, {gets} GET-all, {} name look-ups, {} per project",
        counts.total(),
        counts.get("GET", BY_NAME),
        counts.total() as f64 / n as f64
    );
    assert_eq!(gets, n as u64, "one GET-all per project");
    assert_eq!(counts.total(), n as u64, "no request but the GET-alls");
    let summary = planned.plan.summary();
    assert_eq!(
        summary.to_apply(),
        k,
        "the plan finds exactly the K changes"
    );
    table.row(
        "1",
        &format!("`plan` wall time, N={n}, L={}, C={c} (in-process)", ms(l)),
        format!(
            "{} (bound {}; **{plan_ratio:.3}x**)",
            secs(plan_wall),
            secs(the_bound)
        ),
        &format!("<= 1.25x: {}", met(plan_ratio <= 1.25)),
    );
    table.row(
        "2",
        "requests per project, ids, no auth",
        format!(
            "{:.3} ({} GET-all for {n} projects, {} other)",
            counts.total() as f64 / n as f64,
            gets,
            counts.total() - gets
        ),
        "1: met",
    );

    Ok((planned, plan_wall))
}
