//! The command line: every flag, its default, and the limits between them.

use std::time::Duration;

use crate::support::Res;

pub struct Args {
    pub projects: usize,
    pub latency: Duration,
    pub jitter: Duration,
    pub concurrency: usize,
    pub changes: usize,
    pub baseline_projects: usize,
    pub auth_projects: usize,
    pub named: usize,
    pub planning_projects: usize,
    pub reps: usize,
    pub skip_binary: bool,
    pub literal_projects: usize,
    pub lookup_reps: usize,
    pub lookups_only: bool,
    pub memory_only: bool,
    /// Projects that also manage log and metric integrations (part 9).
    pub family_projects: usize,
    pub families_only: bool,
}

impl Args {
    pub fn parse() -> Res<Args> {
        let mut args = Args {
            projects: 5000,
            latency: Duration::from_millis(30),
            jitter: Duration::ZERO,
            concurrency: 32,
            changes: 60,
            baseline_projects: 1000,
            auth_projects: 1000,
            named: 100,
            planning_projects: 20_000,
            reps: 3,
            skip_binary: false,
            literal_projects: 2000,
            lookup_reps: 3,
            lookups_only: false,
            memory_only: false,
            family_projects: 1000,
            families_only: false,
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            if flag == "--skip-binary" {
                args.skip_binary = true;
                continue;
            }
            if flag == "--lookups-only" {
                args.lookups_only = true;
                continue;
            }
            if flag == "--memory-only" {
                args.memory_only = true;
                continue;
            }
            if flag == "--families-only" {
                args.families_only = true;
                continue;
            }
            if flag == "--help" || flag == "-h" {
                println!("{USAGE}");
                std::process::exit(0);
            }
            let value: u64 = it
                .next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("`{flag}` needs a whole number\n{USAGE}"))?;
            let n = value as usize;
            match flag.as_str() {
                "--projects" => args.projects = n,
                "--latency-ms" => args.latency = Duration::from_millis(value),
                "--jitter-ms" => args.jitter = Duration::from_millis(value),
                "--concurrency" => args.concurrency = n,
                "--changes" => args.changes = n,
                "--baseline-projects" => args.baseline_projects = n,
                "--auth-projects" => args.auth_projects = n,
                "--named" => args.named = n,
                "--planning-projects" => args.planning_projects = n,
                "--reps" => args.reps = n,
                "--literal-projects" => args.literal_projects = n,
                "--lookup-reps" => args.lookup_reps = n.max(1),
                "--family-projects" => args.family_projects = n,
                _ => return Err(format!("unknown flag `{flag}`\n{USAGE}").into()),
            }
        }
        if args.projects == 0 || args.concurrency == 0 || args.reps == 0 {
            return Err("`--projects`, `--concurrency` and `--reps` must be at least 1".into());
        }
        args.changes = args.changes.min(args.projects);
        args.baseline_projects = args.baseline_projects.clamp(1, args.projects);
        args.auth_projects = args.auth_projects.clamp(1, args.projects);
        args.named = args.named.min(args.auth_projects);
        args.literal_projects = args.literal_projects.min(args.projects);
        args.family_projects = args.family_projects.min(args.projects);
        Ok(args)
    }
}

const USAGE: &str = "usage: scale [--projects N] [--latency-ms L] [--jitter-ms J] [--concurrency C] \
[--changes K] [--baseline-projects S] [--auth-projects A] [--named M] [--planning-projects P] \
[--reps R] [--literal-projects W] [--lookup-reps R] [--family-projects F] [--lookups-only] \
[--memory-only] [--families-only] [--skip-binary]";
