//! Part 4: the apply of the K changes, exactly K writes, then a plan that
//! finds nothing left to do.

use std::sync::Arc;
use std::time::Instant;

use tether::engine;
use tether::model::{ApiVersion, DesiredProject};
use tether::plan::PlanOptions;

use crate::Bench;
use crate::endpoints::INTEGRATION;
use crate::in_process::{Planned, plan_through};
use crate::report::{Table, met, ms};
use crate::support::Res;
use crate::workload::Drift;

pub fn measure(bench: &Bench, planned: &Planned, table: &mut Table) -> Res<()> {
    let Bench {
        args,
        runtime,
        sim,
        desired,
        drifts: drift_of,
        tether,
        ..
    } = bench;
    let (n, k) = (args.projects, args.changes);
    // 4. Apply the K changes: exactly K writes, then nothing left to do.
    println!("\n[4] apply of {k} changes over {n} projects");
    let operations = planned.plan.operations();
    assert_eq!(operations.len(), k, "one operation per change");
    sim.reset_counters();
    let started = Instant::now();
    let report = runtime.block_on(engine::apply(
        Arc::clone(tether),
        operations,
        PlanOptions {
            rotate_secrets: false,
            api: ApiVersion::V2,
        },
        &engine::CancellationToken::new(),
        Arc::new(|| {}),
    ));
    let apply_wall = started.elapsed();
    let counts = sim.counters();
    let writes = counts.writes();
    println!(
        "    {writes} writes sent for {k} changes ({} POST, {} PUT, {} DELETE), {} reads; {} \
         succeeded, {} failed; wall {}",
        counts.get("POST", INTEGRATION),
        counts.get("PUT", INTEGRATION),
        counts.get("DELETE", INTEGRATION),
        counts.reads(),
        report.succeeded(),
        report.failed(),
        ms(apply_wall)
    );
    assert_eq!(writes, k as u64, "writes sent equal the changes");
    assert_eq!(report.succeeded(), k, "every write succeeded");
    let changed: Vec<DesiredProject> = desired
        .iter()
        .zip(drift_of)
        .filter(|(_, d)| **d != Drift::None)
        .map(|(p, _)| p.clone())
        .collect();
    let again = plan_through(runtime, tether, &changed)?;
    let left = again.plan.summary().to_apply();
    println!(
        "    a second plan of the {} changed projects finds {left} change(s)",
        changed.len()
    );
    assert_eq!(left, 0, "nothing left to apply");
    table.row(
        "4",
        &format!("apply of K={k} changes over N={n}"),
        format!(
            "{writes} writes ({} POST + {} PUT + {} DELETE), {} reads, {}; re-plan: {left} left",
            counts.get("POST", INTEGRATION),
            counts.get("PUT", INTEGRATION),
            counts.get("DELETE", INTEGRATION),
            counts.reads(),
            ms(apply_wall)
        ),
        &format!("writes = K: {}", met(writes == k as u64)),
    );
    Ok(())
}
