//! The scale benchmark: one run, one simulator, every number side
//! by side. See BENCHMARKS.md for what each part measures and the results.
//! Each part is a module of its own; this file sets up what they share and
//! runs them in order.
//!
//! ```sh
//! cargo build --release            # part 6 runs the real `tether` binary
//! cargo run --release --example scale -- --projects 5000 --latency-ms 30 --concurrency 32
//! ```
//!
//! Flags (defaults in brackets): `--projects N` [5000], `--latency-ms L` [30],
//! `--jitter-ms J` [0], `--concurrency C` [32], `--changes K` [60],
//! `--baseline-projects S` [1000] (the old-tool baselines run on the first S
//! projects and are scaled linearly to N; pass N to measure them in full),
//! `--auth-projects A` [1000] and `--named M` [100] (the Digest run with
//! name-only projects), `--planning-projects P` [20000], `--reps R` [3]
//! (planning CPU: best of R), `--literal-projects W` [2000] (the binary on
//! a file whose first W projects write their webhook URL out, one warning
//! each; 0 skips it), `--lookup-reps R` [3] (part 7: the plan with and
//! without attribution and alert references, alternated R times),
//! `--family-projects F` [1000] (part 9: the plan when F of the N projects
//! also manage log and metric integrations), `--lookups-only` (parts 1 and 7
//! only), `--memory-only` (part 6 only; `TETHER_SCALE_BIN` runs another
//! binary), `--families-only` (parts 1 and 9 only), `--skip-binary`.
//!
//! No timed assertions: the machine is shared, so the report gives ratios
//! measured in the same run. Request and write counts are asserted exactly.

use std::sync::Arc;
use std::time::Duration;

use tether::atlas::{Client, Credentials};
use tether::model::DesiredProject;
use tether::sim::SimHandle;

mod apply;
mod args;
mod baselines;
mod digest;
mod endpoints;
mod families;
mod in_process;
mod lookups;
mod memory;
mod plan;
mod planning;
mod report;
#[path = "../support/mod.rs"]
mod support;
mod workload;

use args::Args;
use in_process::{client, start_sim};
use report::{Table, bound, ms, summary};
use support::Res;
use workload::{Drift, desired_yaml, drifts, load, sim_state};

/// What the parts measure against: the command line, a runtime like the
/// binary's, and the N projects (their simulator, their file, which of
/// them drift, and tether's client for them).
pub struct Bench {
    args: Args,
    runtime: tokio::runtime::Runtime,
    sim: SimHandle,
    url: String,
    text: String,
    desired: Vec<DesiredProject>,
    drifts: Vec<Drift>,
    /// How many of the projects the plan deletes an integration in.
    deleting: usize,
    /// N requests at latency L, C at a time.
    the_bound: Duration,
    tether: Arc<Client>,
}

fn main() -> Res<()> {
    let args = Args::parse()?;
    let (n, c, l, k) = (args.projects, args.concurrency, args.latency, args.changes);
    let mut table = Table::default();
    println!(
        "tether scale benchmark: N={n} projects, latency {} (+ jitter up to {}), concurrency {c}, \
         {k} changes; {} CPUs",
        ms(l),
        ms(args.jitter),
        std::thread::available_parallelism().map_or(1, |p| p.get())
    );

    // The client side runs on a runtime like the binary's (2 workers).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let drift_of = drifts(n, k);
    let sim = start_sim(sim_state(n, &drift_of), &args, false)?;
    let url = sim.base_url();
    let text = desired_yaml(n, 0, false);
    let desired = load(&text)?;
    let tether = client(&url, Credentials::None, c)?;
    let bench = Bench {
        deleting: drift_of.iter().filter(|d| **d == Drift::Delete).count(),
        the_bound: bound(n, c, l),
        args,
        runtime,
        sim,
        url,
        text,
        desired,
        drifts: drift_of,
        tether,
    };
    if bench.args.memory_only {
        memory::binary_memory(&bench, &mut table)?;
        summary(&table);
        return Ok(());
    }

    let (planned, plan_wall) = plan::measure(&bench, &mut table)?;
    if bench.args.families_only {
        families::measure(&bench, plan_wall, &mut table)?;
        summary(&table);
        return Ok(());
    }
    lookups::measure(&bench, &mut table)?;
    if bench.args.lookups_only {
        summary(&table);
        return Ok(());
    }
    digest::measure(&bench.args, &bench.runtime, &mut table)?;
    baselines::measure(&bench, plan_wall, &mut table)?;
    // 6. Peak RSS of the real binary (before apply, so its plan has K changes).
    memory::binary_memory(&bench, &mut table)?;
    apply::measure(&bench, &planned, &mut table)?;
    families::measure(&bench, plan_wall, &mut table)?;
    drop(bench.sim);
    planning::measure(&bench.args, &mut table)?;
    summary(&table);
    Ok(())
}
