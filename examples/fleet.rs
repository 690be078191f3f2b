//! The fleet benchmark: selectors and directories at 5,000 projects. One
//! run, every number side by side (see BENCHMARKS.md, "Fleet scale").
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example fleet -- --projects 5000 --latency-ms 20 --runs 3
//! ```
//!
//! 1. `tether plan` of a file with 3 selectors over 2 organizations against
//!    the simulator with a fixed latency: the requests (selected projects +
//!    organization pages, no challenge without credentials) and the wall
//!    time against its bound (the organizations' pages one after another,
//!    then the projects' reads `--concurrency` at a time).
//! 2. The same plan with API-key credentials set against that server, which
//!    never asks for a Digest challenge: requests must still go out side by
//!    side.
//! 3. `tether validate` of the same 5,000 projects written explicitly, as
//!    one file and as a directory of 50 files, runs interleaved: the ratio.

use std::process::Command;
use std::time::{Duration, Instant};

mod support;

use support::{Res, Scale, project_id};

const ORGS: [&str; 2] = ["6600000000000000000000aa", "6600000000000000000000bb"];
const PAGE: usize = 500;
const CONCURRENCY: usize = 16;
const KEY: &str = "fleet-bench-pd-key-0000000000000";

/// Half of the projects in each organization; a third of them `-prod`.
fn state(projects: usize) -> String {
    let mut out = String::from("projects:\n");
    for n in 0..projects {
        let suffix = if n % 3 == 0 { "prod" } else { "dev" };
        out.push_str(&format!(
            "  - id: {}\n    name: team-{n}-{suffix}\n    orgId: {}\n    integrations:\n      PAGER_DUTY: {{serviceKey: {KEY}}}\n",
            project_id(n),
            ORGS[n % 2]
        ));
    }
    out
}

const SELECTORS: &str = "version: 1
projects:
  - select:
      org: 6600000000000000000000aa
      name: \"*-prod\"
    mode: observe
    integrations:
      PAGER_DUTY:
        serviceKey: ${PD_KEY}
  - select:
      org: 6600000000000000000000aa
    integrations:
      PAGER_DUTY:
        serviceKey: ${PD_KEY}
  - select:
      org: 6600000000000000000000bb
    integrations:
      PAGER_DUTY:
        serviceKey: ${PD_KEY}
";

fn explicit(range: std::ops::Range<usize>) -> String {
    let mut out = String::from("version: 1\nprojects:\n");
    for n in range {
        out.push_str(&format!(
            "  - id: {}\n    integrations:\n      PAGER_DUTY:\n        serviceKey: ${{PD_KEY}}\n",
            project_id(n)
        ));
    }
    out
}

fn main() -> Res<()> {
    let args = Scale::from_args(Scale {
        projects: 5_000,
        latency: Duration::from_millis(20),
        runs: 3,
    })?;
    let bin = support::tether_binary("")?;
    let work = tempfile::tempdir()?;

    println!(
        "[1] plan through 3 selectors: {} projects in 2 organizations, {} ms per answer",
        args.projects,
        args.latency.as_millis()
    );
    let sim = support::simulator(&state(args.projects), args.latency)?;
    std::fs::write(work.path().join("selectors.yaml"), SELECTORS)?;
    let pages: usize = ORGS
        .iter()
        .map(|_| {
            (args.projects / 2).div_ceil(PAGE).max(1) + usize::from((args.projects / 2) % PAGE == 0)
        })
        .sum();
    let bound = args.latency * (pages + args.projects.div_ceil(CONCURRENCY)) as u32;
    // The best wall time of `args.runs` plans, with `credentials` in the
    // environment besides the file's variable.
    let best_plan = |credentials: &[(&str, &str)]| -> Res<Duration> {
        let mut best = Duration::MAX;
        for _ in 0..args.runs {
            sim.reset_counters();
            let started = Instant::now();
            let out = Command::new(&bin)
                .current_dir(work.path())
                .env_clear()
                .env("PD_KEY", KEY)
                .env("MONGODB_ATLAS_BASE_URL", sim.base_url())
                .envs(credentials.iter().copied())
                .args([
                    "-q",
                    "plan",
                    "--api",
                    "v2",
                    "-f",
                    "selectors.yaml",
                    "--no-progress",
                ])
                .output()?;
            let wall = started.elapsed();
            if !out.status.success() {
                let stderr = String::from_utf8_lossy(&out.stderr);
                return Err(format!("plan failed: {stderr}").into());
            }
            best = best.min(wall);
        }
        Ok(best)
    };
    let best = best_plan(&[])?;
    let counts = sim.counters();
    println!(
        "    requests: {} organization pages + {} project reads = {} in all; expected {}",
        counts.get("GET", "/api/atlas/v2/orgs/{orgId}/groups"),
        counts.get("GET", "/api/atlas/v2/groups/{groupId}/integrations"),
        counts.total(),
        args.projects + pages
    );
    println!(
        "    wall, best of {}: {:.3} s; bound {:.3} s; ratio {:.3}",
        args.runs,
        best.as_secs_f64(),
        bound.as_secs_f64(),
        best.as_secs_f64() / bound.as_secs_f64()
    );

    println!(
        "\n[2] the same plan with API-key credentials set, against a server that never \
         asks for a Digest challenge"
    );
    let keyed = best_plan(&[
        ("MONGODB_ATLAS_PUBLIC_API_KEY", "fleet-public"),
        ("MONGODB_ATLAS_PRIVATE_API_KEY", "fleet-private-key"),
    ])?;
    println!(
        "    wall, best of {}: {:.3} s; bound {:.3} s; ratio {:.3} (before the fix: one request \
         at a time)",
        args.runs,
        keyed.as_secs_f64(),
        bound.as_secs_f64(),
        keyed.as_secs_f64() / bound.as_secs_f64()
    );
    drop(sim);

    println!(
        "\n[3] validate {} explicit projects: one file against a directory of 50 files",
        args.projects
    );
    std::fs::write(work.path().join("one.yaml"), explicit(0..args.projects))?;
    let dir = work.path().join("many");
    std::fs::create_dir(&dir)?;
    let per_file = args.projects.div_ceil(50);
    for file in 0..50 {
        let range =
            (file * per_file).min(args.projects)..((file + 1) * per_file).min(args.projects);
        std::fs::write(dir.join(format!("{file:02}.yaml")), explicit(range))?;
    }
    let time = |target: &str| -> Res<Duration> {
        let started = Instant::now();
        let out = Command::new(&bin)
            .current_dir(work.path())
            .env_clear()
            .env("PD_KEY", KEY)
            .args(["-q", "validate", "-f", target])
            .output()?;
        if !out.status.success() {
            return Err(
                format!("validate failed: {}", String::from_utf8_lossy(&out.stderr)).into(),
            );
        }
        Ok(started.elapsed())
    };
    let (mut one, mut many) = (Vec::new(), Vec::new());
    for _ in 0..args.runs.max(5) {
        one.push(time("one.yaml")?);
        many.push(time("many")?);
    }
    one.sort();
    many.sort();
    let median = |v: &[Duration]| v[v.len() / 2];
    println!(
        "    one file: median {:.1} ms; directory: median {:.1} ms; ratio {:.3}",
        median(&one).as_secs_f64() * 1e3,
        median(&many).as_secs_f64() * 1e3,
        median(&many).as_secs_f64() / median(&one).as_secs_f64()
    );
    Ok(())
}
