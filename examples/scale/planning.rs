//! Part 5: planning CPU, no network.

use std::time::{Duration, Instant};

use rayon::prelude::*;
use tether::model::{ApiVersion, DesiredProject, GroupId, LiveIntegrations};
use tether::plan::{Plan, PlanOptions, ProjectPlan, plan_project, render};

use crate::args::Args;
use crate::report::{Table, met, ms, ratio};
use crate::support::Res;
use crate::workload::{desired_yaml, drifts, live_in_memory, load};

#[derive(Clone, Copy)]
pub struct Phases {
    load: Duration,
    diff: Duration,
    render: Duration,
}

impl Phases {
    pub fn total(&self) -> Duration {
        self.load + self.diff + self.render
    }

    pub fn best(a: Phases, b: Phases) -> Phases {
        Phases {
            load: a.load.min(b.load),
            diff: a.diff.min(b.diff),
            render: a.render.min(b.render),
        }
    }
}

pub fn plan_offline(
    text: &str,
    lives: &[LiveIntegrations],
    parallel: bool,
) -> Res<(Phases, String, usize)> {
    let started = Instant::now();
    let desired = load(text)?;
    let load = started.elapsed();
    let started = Instant::now();
    let options = PlanOptions {
        rotate_secrets: false,
        api: ApiVersion::V2,
    };
    let one = |(project, live): (&DesiredProject, &LiveIntegrations)| -> ProjectPlan {
        let group: &GroupId = project.project.id().expect("ids in the planning file");
        plan_project(group, project.project.name(), project, live, &options)
    };
    let plans: Vec<ProjectPlan> = if parallel {
        desired.par_iter().zip(lives.par_iter()).map(one).collect()
    } else {
        desired.iter().zip(lives.iter()).map(one).collect()
    };
    let plan = Plan::from(plans);
    let diff = started.elapsed();
    let started = Instant::now();
    let text = render::text(&plan, false);
    let render = started.elapsed();
    let to_apply = plan.summary().to_apply();
    Ok((Phases { load, diff, render }, text, to_apply))
}

pub fn measure(args: &Args, table: &mut Table) -> Res<()> {
    // 5. Planning CPU, no network: load (parse, validate, interpolate,
    // resolve), diff, render, for P projects with live states in memory.
    let p = args.planning_projects;
    let kp = p / 100;
    println!(
        "\n[5] planning CPU for {p} projects ({kp} with a change), best of {}",
        args.reps
    );
    let planning_text = desired_yaml(p, 0, false);
    let planning_drifts = drifts(p, kp);
    let lives: Vec<LiveIntegrations> = (0..p)
        .map(|i| live_in_memory(i, planning_drifts[i]))
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let mut single: Option<Phases> = None;
    let mut par: Option<Phases> = None;
    let mut outputs = (String::new(), String::new());
    for _ in 0..args.reps {
        let (phases, out, to_apply) = plan_offline(&planning_text, &lives, false)?;
        assert_eq!(to_apply, kp);
        single = Some(single.map_or(phases, |b| Phases::best(b, phases)));
        outputs.0 = out;
        let (phases, out, to_apply) =
            pool.install(|| plan_offline(&planning_text, &lives, true).map_err(|e| e.to_string()))?;
        assert_eq!(to_apply, kp);
        par = Some(par.map_or(phases, |b| Phases::best(b, phases)));
        outputs.1 = out;
    }
    assert!(outputs.0 == outputs.1, "rayon renders the same plan");
    let (single, par) = (single.expect("reps >= 1"), par.expect("reps >= 1"));
    for (name, phases) in [
        ("one thread".to_owned(), single),
        (format!("rayon diff, {threads} threads"), par),
    ] {
        println!(
            "    {name:<22} total {} = load {} + diff {} + render {} ({} KiB of YAML, {} KiB of plan)",
            ms(phases.total()),
            ms(phases.load),
            ms(phases.diff),
            ms(phases.render),
            planning_text.len() / 1024,
            outputs.0.len() / 1024
        );
    }
    let gain = ratio(single.total(), par.total());
    let diff_gain = ratio(single.diff, par.diff);
    println!(
        "    rayon: diff {diff_gain:.2}x faster, whole planning {gain:.2}x ({} saved of {})",
        ms(single.total().saturating_sub(par.total())),
        ms(single.total())
    );
    table.row(
        "5",
        &format!("planning CPU, {p} projects, one thread"),
        format!(
            "{} (load {}, diff {}, render {})",
            ms(single.total()),
            ms(single.load),
            ms(single.diff),
            ms(single.render)
        ),
        &format!("< 1 s: {}", met(single.total() < Duration::from_secs(1))),
    );
    table.row(
        "5",
        &format!("planning CPU, {p} projects, rayon over the diff ({threads} threads)"),
        format!(
            "{} (load {}, diff {}, render {}); whole {gain:.2}x, diff {diff_gain:.2}x",
            ms(par.total()),
            ms(par.load),
            ms(par.diff),
            ms(par.render)
        ),
        "keep only if it pays",
    );
    Ok(())
}
