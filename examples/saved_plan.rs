//! The saved-plan benchmark: what `plan --out` and `apply PLAN` cost over
//! `plan` and `apply`, for a fleet-wide key rotation. One run, side by side
//! (see BENCHMARKS.md, "Saved plans at fleet scale").
//!
//! ```sh
//! CARGO_INCREMENTAL=0 cargo build --release
//! CARGO_INCREMENTAL=0 cargo run --release --example saved_plan -- --projects 1000 --runs 5
//! ```
//!
//! N projects page through PagerDuty with an old key and send metrics to
//! Datadog; the file rotates the PagerDuty key through `defaults`: N
//! updates. The real binary runs against the simulator, each pair
//! alternated `--runs` times, best of each kept:
//!
//! 1. `tether plan --no-attribution` against the same with `--out plan.json`.
//! 2. `tether apply` against `tether apply plan.json`, both without
//!    `--auto-approve` and off a terminal, `--max-update-percent 100` (a
//!    rotation updates every project): every check runs (plan, the saved
//!    plan's check, the gates), then each stops before the first write. No
//!    write is sent; that is asserted.
//!
//! Flags: `--projects N` [1000], `--runs R` [5], `--latency-ms L` [0].

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{Res, Scale, project_id};

const OLD_KEY: &str = "saved-plan-bench-old-pd-key-00001";
const NEW_KEY: &str = "saved-plan-bench-new-pd-key-00002";
const DD_KEY: &str = "0123456789abcdef0123456789abcdef";

fn state(projects: usize) -> String {
    let mut out = String::from("projects:\n");
    for n in 0..projects {
        out.push_str(&format!(
            "  - id: {}\n    name: team-{n}\n    orgId: 6600000000000000000000aa\n    \
             integrations:\n      PAGER_DUTY: {{serviceKey: {OLD_KEY}}}\n      \
             DATADOG: {{apiKey: {DD_KEY}}}\n",
            project_id(n)
        ));
    }
    out
}

fn file(projects: usize) -> String {
    let mut out = String::from(
        "version: 1\ndefaults:\n  integrations:\n    PAGER_DUTY:\n      serviceKey: ${PD_KEY}\n    \
         DATADOG:\n      apiKey: ${DD_KEY}\nprojects:\n",
    );
    for n in 0..projects {
        out.push_str(&format!("  - id: {}\n    name: team-{n}\n", project_id(n)));
    }
    out
}

/// Runs the binary in `dir`; returns its wall time, exit code and stderr.
fn time(bin: &Path, dir: &Path, url: &str, args: &[&str]) -> Res<(Duration, i32, String)> {
    let started = Instant::now();
    let output = Command::new(bin)
        .current_dir(dir)
        .env_clear()
        .env("MONGODB_ATLAS_BASE_URL", url)
        .env("PD_KEY", NEW_KEY)
        .env("DD_KEY", DD_KEY)
        .args(["--color", "never"])
        .args(args)
        .stdin(Stdio::null())
        .output()?;
    let elapsed = started.elapsed();
    Ok((
        elapsed,
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

/// Runs `a` and `b` alternately `runs` times; the best wall time of each.
/// `expect` checks each run's exit code and stderr.
fn pair(
    runs: usize,
    mut a: impl FnMut() -> Res<(Duration, i32, String)>,
    mut b: impl FnMut() -> Res<(Duration, i32, String)>,
    expect: impl Fn(i32, &str) -> Res<()>,
) -> Res<(Duration, Duration)> {
    let (mut best_a, mut best_b) = (Duration::MAX, Duration::MAX);
    for _ in 0..runs {
        let (took, code, stderr) = a()?;
        expect(code, &stderr)?;
        best_a = best_a.min(took);
        let (took, code, stderr) = b()?;
        expect(code, &stderr)?;
        best_b = best_b.min(took);
    }
    Ok((best_a, best_b))
}

fn main() -> Res<()> {
    let mut args = Scale::from_args(Scale {
        projects: 1_000,
        runs: 5,
        latency: Duration::ZERO,
    })?;
    // At least one run, so that there is a best time to show.
    args.runs = args.runs.max(1);
    let n = args.projects;
    let bin = support::tether_binary("")?;
    let sim = support::simulator(&state(n), args.latency)?;
    let url = sim.base_url();
    let work = tempfile::tempdir()?;
    std::fs::write(work.path().join("tether.yaml"), file(n))?;
    let dir = work.path();
    println!(
        "{n} projects, {n} updates (a PagerDuty key rotated through `defaults`), latency {} ms, \
         best of {} alternated runs each",
        args.latency.as_millis(),
        args.runs
    );

    let changes = |code: i32, stderr: &str| -> Res<()> {
        if code == 0 {
            Ok(())
        } else {
            Err(format!("`tether plan` exited {code}: {stderr}").into())
        }
    };
    let (plan, plan_out) = pair(
        args.runs,
        || time(&bin, dir, &url, &["plan", "--no-attribution"]),
        || {
            time(
                &bin,
                dir,
                &url,
                &["plan", "--no-attribution", "--out", "plan.json"],
            )
        },
        changes,
    )?;
    let saved = std::fs::read_to_string(dir.join("plan.json"))?;
    if saved.contains(NEW_KEY) || saved.contains(OLD_KEY) {
        return Err("a key in the saved plan".into());
    }

    // Without `--auto-approve`, off a terminal, apply stops after every
    // check, at the question: exit 1 with this message.
    let checked = |code: i32, stderr: &str| -> Res<()> {
        if code == 1 && stderr.contains("apply needs `--auto-approve`") {
            Ok(())
        } else {
            Err(format!("apply did not reach the question (exit {code}): {stderr}").into())
        }
    };
    let (apply, apply_plan) = pair(
        args.runs,
        || time(&bin, dir, &url, &["apply", "--max-update-percent", "100"]),
        || {
            time(
                &bin,
                dir,
                &url,
                &["apply", "plan.json", "--max-update-percent", "100"],
            )
        },
        checked,
    )?;
    let writes = sim.counters().writes();
    if writes != 0 {
        return Err(format!("{writes} writes were sent").into());
    }

    let ratio = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64().max(1e-9);
    println!("\n| measurement | without a saved plan | with | ratio | target |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| `plan --no-attribution` vs `plan --no-attribution --out plan.json` | {:.3} s | {:.3} s | {:.2}x | ≤ 1.3x |",
        plan.as_secs_f64(),
        plan_out.as_secs_f64(),
        ratio(plan, plan_out)
    );
    println!(
        "| `apply` vs `apply plan.json`, every check up to the first write | {:.3} s | {:.3} s | {:.2}x | ≤ 1.3x |",
        apply.as_secs_f64(),
        apply_plan.as_secs_f64(),
        ratio(apply, apply_plan)
    );
    println!("\nsaved plan: {} bytes; writes sent: {writes}", saved.len());
    Ok(())
}
