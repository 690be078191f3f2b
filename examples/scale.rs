//! The scale benchmark: one run, one simulator, every number side
//! by side. See BENCHMARKS.md for what each part measures and the results.
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
//! `--lookups-only` (parts 1 and 7 only), `--memory-only` (part 6 only;
//! `TETHER_SCALE_BIN` runs another binary), `--skip-binary`.
//!
//! No timed assertions: the machine is shared, so the report gives ratios
//! measured in the same run. Request and write counts are asserted exactly.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use tether::atlas::{Client, ClientConfig, Credentials, base_url};
use tether::clock;
use tether::config::{Unset, load_str};
use tether::engine::{self, Target, read_all, resolve};
use tether::model::{
    ApiVersion, DesiredProject, GroupId, IntegrationType, LiveIntegration, LiveIntegrations,
    LiveValue, ProjectRef, ReadBack, spec,
};
use tether::plan::{Attribution, Plan, PlanOptions, ProjectPlan, plan_project, render};
use tether::secret::{Secret, mask, url_mask};
use tether::sim::{
    AlertConfig, ApiKey, AuthMode, Event, Faults, ProjectFile, Role, Scalar, SimConfig, SimHandle,
    StateFile, spawn,
};

mod support;

use support::Res;

// tether speaks v2, its default; the other tools' patterns are replayed on
// the v1.0 paths (plain JSON, no versioned media type to send).
const INTEGRATIONS: &str = "/api/atlas/v2/groups/{groupId}/integrations";
const INTEGRATION: &str = "/api/atlas/v2/groups/{groupId}/integrations/{integrationType}";
const BY_NAME: &str = "/api/atlas/v2/groups/byName/{groupName}";
const BASELINE_INTEGRATIONS: &str = "/api/atlas/v1.0/groups/{groupId}/integrations";
const BASELINE_INTEGRATION: &str =
    "/api/atlas/v1.0/groups/{groupId}/integrations/{integrationType}";
const EVENTS: &str = "/api/atlas/v2/groups/{groupId}/events";
const ALERTS: &str = "/api/atlas/v2/groups/{groupId}/alertConfigs";

// Fake secrets, the same in the file's environment and in the simulator.
const PD_KEY: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f10022";
/// Same length as `PD_KEY`, other last four: a certain change through the mask.
const PD_KEY_OLD: &str = "9f3c2a7e5b1d4c8fa0e6b2d4c8f1beef";
const DD_KEY: &str = "3b8d9e2f1a4c5b6d7e8f9a0b1c2da1b2";
const OG_KEY: &str = "1c9e4b7a-2f3d-4e5a-8b6c-7d8e9f0a1b2c";
const API_PUBLIC: &str = "scalebench";
const API_PRIVATE: &str = "11111111-2222-4333-8444-555555555555";
/// Integrations each project declares (PAGER_DUTY from defaults, DATADOG
/// from a template, its own WEBHOOK): what Terraform refreshes one by one.
const DECLARED: [&str; 3] = ["PAGER_DUTY", "DATADOG", "WEBHOOK"];

struct Args {
    projects: usize,
    latency: Duration,
    jitter: Duration,
    concurrency: usize,
    changes: usize,
    baseline_projects: usize,
    auth_projects: usize,
    named: usize,
    planning_projects: usize,
    reps: usize,
    skip_binary: bool,
    literal_projects: usize,
    lookup_reps: usize,
    lookups_only: bool,
    memory_only: bool,
}

impl Args {
    fn parse() -> Res<Args> {
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
        Ok(args)
    }
}

const USAGE: &str = "usage: scale [--projects N] [--latency-ms L] [--jitter-ms J] [--concurrency C] \
[--changes K] [--baseline-projects S] [--auth-projects A] [--named M] [--planning-projects P] \
[--reps R] [--literal-projects W] [--lookup-reps R] [--lookups-only] [--memory-only] [--skip-binary]";

// ---------------------------------------------------------------------------
// The workload: N projects, each declaring PAGER_DUTY (defaults), DATADOG (a
// template) and a WEBHOOK of its own; Atlas matches the file except in K
// projects, which differ by exactly one write each.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Drift {
    None,
    /// PAGER_DUTY's key differs: one PUT.
    Update,
    /// The WEBHOOK is missing: one POST.
    Create,
    /// An undeclared OPS_GENIE is live in an authoritative project: one DELETE.
    Delete,
}

/// The K changed projects spread evenly over N, kinds in rotation.
fn drifts(n: usize, k: usize) -> Vec<Drift> {
    let mut out = vec![Drift::None; n];
    for j in 0..k {
        out[j * n / k] = match j % 3 {
            0 => Drift::Update,
            1 => Drift::Create,
            _ => Drift::Delete,
        };
    }
    out
}

fn group_id(i: usize) -> String {
    format!("65f1{i:020x}")
}

fn project_name(i: usize) -> String {
    format!("project-{i:06}")
}

/// The webhooks share a base URL, kept in the environment (`${HOOK_BASE}`);
/// each project has its own path.
const HOOK_BASE: &str = "https://hooks.example.com/atlas";

fn hook_path(i: usize) -> String {
    format!("/p{i:07}")
}

fn hook_url(i: usize) -> String {
    format!("{HOOK_BASE}{}", hook_path(i))
}

/// What Atlas holds for project `i`, in clear: type → (field, value).
fn live_fields(i: usize, drift: Drift) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let pd = if drift == Drift::Update {
        PD_KEY_OLD
    } else {
        PD_KEY
    };
    let mut out = vec![
        (
            "PAGER_DUTY",
            vec![("serviceKey", pd.to_owned()), ("region", "US".to_owned())],
        ),
        (
            "DATADOG",
            vec![("apiKey", DD_KEY.to_owned()), ("region", "EU".to_owned())],
        ),
    ];
    if drift != Drift::Create {
        out.push(("WEBHOOK", vec![("url", hook_url(i))]));
    }
    if drift == Drift::Delete {
        out.push((
            "OPS_GENIE",
            vec![("apiKey", OG_KEY.to_owned()), ("region", "US".to_owned())],
        ));
    }
    out
}

fn sim_state(n: usize, drifts: &[Drift]) -> StateFile {
    let projects = (0..n)
        .map(|i| ProjectFile {
            id: group_id(i),
            name: project_name(i),
            org_id: format!("{:024x}", 0xff00 + i % 10),
            cluster_count: 1,
            integrations: live_fields(i, drifts[i])
                .into_iter()
                .map(|(kind, fields)| {
                    let fields = fields
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), Scalar::Text(v)))
                        .collect();
                    (kind.to_owned(), fields)
                })
                .collect(),
            events: if drifts[i] == Drift::None {
                Vec::new()
            } else {
                vec![ui_change()]
            },
            alert_configs: if drifts[i] == Drift::Delete {
                vec![alert_on(IntegrationType::OpsGenie)]
            } else {
                Vec::new()
            },
            ..ProjectFile::default()
        })
        .collect();
    StateFile {
        projects,
        ..StateFile::default()
    }
}

/// A change someone made in the Atlas UI yesterday: what attribution
/// finds in each drifted project.
fn ui_change() -> Event {
    Event {
        id: String::new(),
        created: clock::format_utc(SystemTime::now() - Duration::from_secs(86_400)),
        event_type_name: "INTEGRATION_CONFIGURED".to_owned(),
        username: Some("oncall@example.com".to_owned()),
        public_key: None,
        remote_address: Some("203.0.113.7".to_owned()),
    }
}

/// An enabled alert that notifies through the project's integration of
/// `kind` (no key of its own): what a delete of it silences.
fn alert_on(kind: IntegrationType) -> AlertConfig {
    AlertConfig {
        id: String::new(),
        event_type_name: "HOST_DOWN".to_owned(),
        enabled: true,
        notifications: vec![BTreeMap::from([(
            "typeName".to_owned(),
            Scalar::Text(kind.as_str().to_owned()),
        )])],
    }
}

/// The same live state as the simulator would answer it (secrets masked),
/// built in memory for the planning-CPU part.
fn live_in_memory(i: usize, drift: Drift) -> LiveIntegrations {
    let mut known = BTreeMap::new();
    for (n, (type_name, values)) in live_fields(i, drift).into_iter().enumerate() {
        let kind: IntegrationType = type_name.parse().expect("a known type");
        let fields = spec(kind)
            .fields
            .iter()
            .filter_map(|field| {
                let (_, value) = values.iter().find(|(name, _)| *name == field.name)?;
                let shown = match field.read_back {
                    ReadBack::Clear => value.clone(),
                    ReadBack::Masked => mask(value),
                    ReadBack::UrlMasked => url_mask(value),
                    ReadBack::Never => return None,
                };
                Some((field, LiveValue::Text(shown)))
            })
            .collect();
        let id = Some(format!("66{i:018x}{n:04x}"));
        known.insert(
            kind,
            LiveIntegration {
                kind,
                id,
                fields,
                unmodelled: Vec::new(),
            },
        );
    }
    LiveIntegrations {
        known,
        unknown_types: Vec::new(),
    }
}

/// The file: projects `0..n`; the first `named` are written by name alone
/// (resolved through Atlas), the others by id and name (the name is a label).
/// Every secret comes from the environment (`url: ${HOOK_BASE}/p0000001`),
/// as docs/file.md asks, unless `literal`: then each project's webhook URL is
/// written out, and each is a "literal secret" warning.
fn desired_yaml(n: usize, named: usize, literal: bool) -> String {
    let mut out = String::with_capacity(n * 160 + 512);
    out.push_str(
        "version: 1\n\
         defaults:\n  mode: authoritative\n  integrations:\n    PAGER_DUTY:\n      \
         serviceKey: ${PD_SERVICE_KEY}\n      region: US\n\
         templates:\n  datadog-eu:\n    DATADOG:\n      apiKey: ${DD_API_KEY}\n      region: EU\n\
         projects:\n",
    );
    for i in 0..n {
        if i < named {
            out.push_str(&format!("  - name: {}\n", project_name(i)));
        } else {
            out.push_str(&format!(
                "  - id: {}\n    name: {}\n",
                group_id(i),
                project_name(i)
            ));
        }
        out.push_str(&format!(
            "    use: [datadog-eu]\n    integrations:\n      WEBHOOK:\n        url: {}\n",
            if literal {
                hook_url(i)
            } else {
                format!("${{HOOK_BASE}}{}", hook_path(i))
            }
        ));
    }
    out
}

fn file_env() -> HashMap<String, String> {
    HashMap::from([
        ("PD_SERVICE_KEY".to_owned(), PD_KEY.to_owned()),
        ("DD_API_KEY".to_owned(), DD_KEY.to_owned()),
        ("HOOK_BASE".to_owned(), HOOK_BASE.to_owned()),
    ])
}

fn load(text: &str) -> Res<Vec<DesiredProject>> {
    let env = file_env();
    match load_str("scale.yaml", text, (&env, Unset::Error)) {
        Ok(loaded) => Ok(loaded.desired.projects),
        Err(report) => Err(format!("the generated file is invalid: {}", report.summary()).into()),
    }
}

// ---------------------------------------------------------------------------
// Helpers.

fn start_sim(state: StateFile, args: &Args, auth: bool) -> Res<SimHandle> {
    let mut config = SimConfig {
        state,
        faults: Faults {
            latency: args.latency,
            jitter: args.jitter,
            ..Faults::default()
        },
        ..SimConfig::default()
    };
    if auth {
        config.auth = AuthMode::Required;
        config.api_keys = vec![ApiKey {
            public_key: API_PUBLIC.to_owned(),
            private_key: API_PRIVATE.to_owned(),
            role: Role::Owner,
        }];
    }
    Ok(spawn(config)?)
}

fn client(url: &str, credentials: Credentials, concurrency: usize) -> Res<Arc<Client>> {
    let mut config = ClientConfig::new(base_url(Some(url), |_| None)?, credentials);
    config.settings.concurrency = concurrency;
    Ok(Arc::new(Client::new(config)?))
}

/// tether's plan in-process: fetch (one GET-all per project, all in flight
/// under the client's limit), then diff every project.
struct Planned {
    plan: Plan,
    /// The live state of each project, for the alert references.
    lives: BTreeMap<GroupId, LiveIntegrations>,
    fetch: Duration,
    diff: Duration,
}

fn plan_through(
    runtime: &tokio::runtime::Runtime,
    client: &Arc<Client>,
    desired: &[DesiredProject],
) -> Res<Planned> {
    let references: Vec<ProjectRef> = desired.iter().map(|p| p.project.clone()).collect();
    let started = Instant::now();
    let targets = runtime.block_on(resolve(client, &references));
    let mut found = Vec::with_capacity(targets.len());
    for target in targets {
        match target {
            Target::Found { group, name, .. } => found.push((group, name)),
            Target::NotFound { name, error } => {
                return Err(format!("`{name}` could not be found: {error}").into());
            }
        }
    }
    let groups: Vec<GroupId> = found.iter().map(|(group, _)| group.clone()).collect();
    let reads = runtime.block_on(read_all(Arc::clone(client), &groups, Arc::new(|| {})));
    let fetch = started.elapsed();
    let started = Instant::now();
    let options = PlanOptions {
        rotate_secrets: false,
        api: ApiVersion::V2,
    };
    let mut plans = Vec::with_capacity(desired.len());
    let mut lives = BTreeMap::new();
    for ((project, (group, name)), read) in desired.iter().zip(found).zip(reads) {
        match read {
            Ok(live) => {
                plans.push(plan_project(
                    &group,
                    name.as_deref(),
                    project,
                    &live,
                    &options,
                ));
                lives.insert(group, live);
            }
            Err(error) => {
                return Err(format!("`{}` could not be fetched: {error}", project.project).into());
            }
        }
    }
    let plan = Plan::from(plans);
    Ok(Planned {
        plan,
        lives,
        fetch,
        diff: started.elapsed(),
    })
}

/// tether's plan with the lookups `plan` makes around it (events of each
/// drifted project, alert configurations of each project with a delete):
/// [`plan_through`], then `engine::look_around`. Returns the plan and the
/// wall time of the whole.
fn plan_with_lookups(
    runtime: &tokio::runtime::Runtime,
    client: &Arc<Client>,
    desired: &[DesiredProject],
    lookups: engine::Lookups,
) -> Res<(engine::Planned, Duration)> {
    let started = Instant::now();
    let planned = plan_through(runtime, client, desired)?;
    let mut planned = engine::Planned {
        plan: planned.plan,
        lives: planned.lives,
        families: Default::default(),
        declared: Default::default(),
        declared_families: Default::default(),
        options: PlanOptions {
            rotate_secrets: false,
            api: ApiVersion::V2,
        },
    };
    runtime.block_on(engine::look_around(
        Arc::clone(client),
        &mut planned,
        lookups,
        SystemTime::now(),
    ));
    Ok((planned, started.elapsed()))
}

fn bound(requests: usize, concurrency: usize, latency: Duration) -> Duration {
    latency * requests.div_ceil(concurrency) as u32
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// Rows of the final table: part, measurement, value, target.
#[derive(Default)]
struct Table(Vec<[String; 4]>);

impl Table {
    fn row(&mut self, part: &str, what: &str, value: String, target: &str) {
        self.0
            .push([part.to_owned(), what.to_owned(), value, target.to_owned()]);
    }

    fn print(&self) {
        println!("| Part | Measurement | Value | Target |");
        println!("|---|---|---|---|");
        for [a, b, c, d] in &self.0 {
            println!("| {a} | {b} | {c} | {d} |");
        }
    }
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

// ---------------------------------------------------------------------------
// Baselines: the same reads done the way other tools do them, with a plain
// HTTP client against the same simulator.

/// Terraform's refresh: one GET of each declared integration
/// (`mongodbatlas_third_party_integration` reads one type), `in_flight`
/// at a time (Terraform's default `-parallelism=10`).
async fn terraform_refresh(
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
async fn cli_loop(http: reqwest::Client, base: String, groups: Vec<String>) -> usize {
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

// ---------------------------------------------------------------------------
// Peak memory of the real binary.

struct BinaryRun {
    wall: Duration,
    max_rss_kb: u64,
    method: &'static str,
    status: Option<i32>,
    stderr_lines: usize,
}

/// The file with the webhook URLs of its first `w` projects written out.
fn literal_file(text: &str, w: usize) -> String {
    let mut projects = 0;
    let mut out = String::with_capacity(text.len() + w * 32);
    for line in text.lines() {
        if line.starts_with("  - ") {
            projects += 1;
        }
        if projects <= w && line.trim_start().starts_with("url: ") {
            out.push_str(&line.replace("${HOOK_BASE}", HOOK_BASE));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Runs `tether plan` on `text` (written to a temporary file) against the
/// simulator at `url`, and reads its peak RSS.
fn run_binary(
    bin: &Path,
    url: &str,
    text: &str,
    concurrency: usize,
    extra: &[&str],
) -> Res<BinaryRun> {
    let dir = std::env::temp_dir();
    let stem = format!("tether-scale-{}", std::process::id());
    let file = dir.join(format!("{stem}.yaml"));
    let stderr_path = dir.join(format!("{stem}.stderr"));
    std::fs::write(&file, text)?;
    let run = run_binary_on(bin, url, &file, &stderr_path, concurrency, extra);
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(&stderr_path);
    run
}

fn run_binary_on(
    bin: &Path,
    url: &str,
    file: &Path,
    stderr_path: &Path,
    concurrency: usize,
    extra: &[&str],
) -> Res<BinaryRun> {
    let mut tether_args = vec![
        "--color".to_owned(),
        "never".to_owned(),
        "plan".to_owned(),
        "--base-url".to_owned(),
        url.to_owned(),
        "--no-progress".to_owned(),
        "--concurrency".to_owned(),
        concurrency.to_string(),
        "-f".to_owned(),
        file.display().to_string(),
    ];
    tether_args.extend(extra.iter().map(|a| (*a).to_owned()));
    let stderr = std::fs::File::create(stderr_path)?;
    let configure = |command: &mut Command| {
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("MONGODB_ATLAS_") {
                command.env_remove(&name);
            }
        }
        command
            .envs(file_env())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr);
    };
    let gnu_time = Path::new("/usr/bin/time");
    let started = Instant::now();
    if gnu_time.is_file() {
        // GNU time reports the child's ru_maxrss from wait4(2): exact.
        let mut command = Command::new(gnu_time);
        command.arg("-f").arg("tether-max-rss-kb=%M").arg(bin);
        command.args(&tether_args);
        configure(&mut command);
        let status = command.status()?;
        let wall = started.elapsed();
        let stderr = std::fs::read_to_string(stderr_path)?;
        let max_rss_kb = stderr
            .lines()
            .find_map(|l| l.strip_prefix("tether-max-rss-kb="))
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| format!("no max RSS in the output of /usr/bin/time:\n{stderr}"))?;
        return Ok(BinaryRun {
            wall,
            max_rss_kb,
            method: "/usr/bin/time -f %M (ru_maxrss from wait4)",
            // GNU time exits with the command's status.
            status: status.code(),
            stderr_lines: stderr.lines().count().saturating_sub(1),
        });
    }
    // Without GNU time: poll the high-water mark until the process exits
    // (a lower bound: the last reading before exit).
    let mut command = Command::new(bin);
    command.args(&tether_args);
    configure(&mut command);
    let mut child = command.spawn()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut max_rss_kb = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_path)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        {
            max_rss_kb = max_rss_kb.max(kb);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Ok(BinaryRun {
        wall: started.elapsed(),
        max_rss_kb,
        method: "VmHWM from /proc/PID/status, polled every 2 ms (lower bound)",
        status: status.code(),
        stderr_lines: std::fs::read_to_string(stderr_path)?.lines().count(),
    })
}

// ---------------------------------------------------------------------------
// Part 6: peak memory of the real binary.

fn binary_memory(
    args: &Args,
    sim: &SimHandle,
    url: &str,
    text: &str,
    the_bound: Duration,
    deleting: usize,
    table: &mut Table,
) -> Res<()> {
    let (n, c, k) = (args.projects, args.concurrency, args.changes);
    if args.skip_binary {
        println!("\n[6] skipped (`--skip-binary`)");
    } else {
        println!("\n[6] peak memory of `tether plan` (the release binary) for {n} projects");
        // `TETHER_SCALE_BIN` runs another binary (a wrapper, another build).
        let bin = match std::env::var_os("TETHER_SCALE_BIN") {
            Some(bin) => std::path::PathBuf::from(bin),
            None => support::tether_binary(", or pass `--skip-binary`")?,
        };
        sim.reset_counters();
        let run = run_binary(&bin, url, text, c, &[])?;
        let counts = sim.counters();
        let mb = run.max_rss_kb as f64 / 1024.0;
        println!(
            "    {}: max RSS {mb:.1} MiB ({} kB), wall {} ({:.3}x the bound, process start and \
             load included), exit {:?}, {} requests, {} lines on stderr; measured with {}",
            bin.display(),
            run.max_rss_kb,
            secs(run.wall),
            ratio(run.wall, the_bound),
            run.status,
            counts.total(),
            run.stderr_lines,
            run.method
        );
        assert_eq!(run.status, Some(0), "`tether plan` exits 0");
        assert_eq!(
            counts.total(),
            (n + k + deleting) as u64,
            "the binary sends one GET per project, one events call per drifted project and one \
             alert listing per project with a delete"
        );
        table.row(
            "6",
            &format!("peak RSS of `tether plan`, N={n}"),
            format!(
                "{mb:.1} MiB (binary wall {}, {:.3}x the bound)",
                secs(run.wall),
                ratio(run.wall, the_bound)
            ),
            &format!("< 150 MB: {}", met(run.max_rss_kb * 1024 < 150_000_000)),
        );
        // The same plan without attribution (the alert listings stay).
        sim.reset_counters();
        let quiet = run_binary(&bin, url, text, c, &["--no-attribution"])?;
        let counts = sim.counters();
        assert_eq!(quiet.status, Some(0), "`tether plan` exits 0");
        assert_eq!(counts.total(), (n + deleting) as u64);
        println!(
            "    the same with `--no-attribution` ({} requests): wall {} ({:.3}x the bound), max \
             RSS {:.1} MiB",
            counts.total(),
            secs(quiet.wall),
            ratio(quiet.wall, the_bound),
            quiet.max_rss_kb as f64 / 1024.0
        );
        table.row(
            "6",
            &format!("`tether plan --no-attribution`, N={n} (no events calls)"),
            format!(
                "wall {} ({:.3}x the bound), {:.1} MiB",
                secs(quiet.wall),
                ratio(quiet.wall, the_bound),
                quiet.max_rss_kb as f64 / 1024.0
            ),
            "",
        );
        // The same plan when W projects write their webhook URL out: W
        // "literal secret" warnings, each rendered with its source lines.
        let w = args.literal_projects;
        if w > 0 {
            let literal = literal_file(text, w);
            sim.reset_counters();
            let run = run_binary(&bin, url, &literal, c, &[])?;
            let counts = sim.counters();
            assert_eq!(run.status, Some(0), "`tether plan` exits 0");
            assert_eq!(counts.total(), (n + k + deleting) as u64);
            println!(
                "    the same with {w} webhook URLs written out ({} lines of warnings on stderr): \
                 wall {} ({:.3}x the bound), max RSS {:.1} MiB",
                run.stderr_lines,
                secs(run.wall),
                ratio(run.wall, the_bound),
                run.max_rss_kb as f64 / 1024.0
            );
            table.row(
                "6",
                &format!(
                    "`tether plan`, N={n}, {w} of them with a literal webhook URL (a warning each)"
                ),
                format!(
                    "wall {} (**{:.3}x the bound**), {:.1} MiB",
                    secs(run.wall),
                    ratio(run.wall, the_bound),
                    run.max_rss_kb as f64 / 1024.0
                ),
                "see BENCHMARKS.md",
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Planning CPU.

#[derive(Clone, Copy)]
struct Phases {
    load: Duration,
    diff: Duration,
    render: Duration,
}

impl Phases {
    fn total(&self) -> Duration {
        self.load + self.diff + self.render
    }

    fn best(a: Phases, b: Phases) -> Phases {
        Phases {
            load: a.load.min(b.load),
            diff: a.diff.min(b.diff),
            render: a.render.min(b.render),
        }
    }
}

fn plan_offline(
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

// ---------------------------------------------------------------------------

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
    if args.memory_only {
        let deleting = drift_of.iter().filter(|d| **d == Drift::Delete).count();
        binary_memory(
            &args,
            &sim,
            &url,
            &text,
            bound(n, c, l),
            deleting,
            &mut table,
        )?;
        println!("\nSummary (markdown):\n");
        table.print();
        return Ok(());
    }

    // 1 + 2. tether's plan: wall time against the bound, requests per project.
    println!("\n[1] plan (fetch + diff + render) of {n} projects through tether's client");
    let tether = client(&url, Credentials::None, c)?;
    sim.reset_counters();
    let started = Instant::now();
    let planned = plan_through(&runtime, &tether, &desired)?;
    let render_started = Instant::now();
    let rendered = render::text(&planned.plan, false);
    let render_time = render_started.elapsed();
    let plan_wall = started.elapsed();
    let counts = sim.counters();
    let the_bound = bound(n, c, l);
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

    // 7. Attribution and alert references: the same plan with the lookups
    // `tether plan` makes around it and without them (`--no-attribution`
    // and no alert listing), alternated on the same simulator.
    let deleting = drift_of.iter().filter(|d| **d == Drift::Delete).count();
    let reps = args.lookup_reps;
    println!(
        "\n[7] plan with attribution and alert references ({k} drifted projects, {deleting} with \
         a delete) and without, alternated {reps} times"
    );
    let off = engine::Lookups::default();
    let on = engine::Lookups {
        attribution: true,
        alerts: true,
    };
    let (mut walls_off, mut walls_on) = (Vec::new(), Vec::new());
    let (mut counts_off, mut counts_on) = (None, None);
    let mut found = (0, 0);
    for _ in 0..reps {
        sim.reset_counters();
        let (without, wall) = plan_with_lookups(&runtime, &tether, &desired, off)?;
        assert_eq!(without.plan.summary().to_apply(), k);
        walls_off.push(wall);
        counts_off = Some(sim.counters());
        sim.reset_counters();
        let (with, wall) = plan_with_lookups(&runtime, &tether, &desired, on)?;
        walls_on.push(wall);
        counts_on = Some(sim.counters());
        let attributed = with
            .plan
            .projects
            .iter()
            .filter(|p| {
                matches!(&p.attribution, Some(Attribution::Events { events, .. }) if !events.is_empty())
            })
            .count();
        let referenced = with
            .plan
            .projects
            .iter()
            .filter(|p| !p.orphaned_alerts_by(&p.operations()).is_empty())
            .count();
        found = (attributed, referenced);
    }
    let (counts_off, counts_on) = (
        counts_off.expect("reps >= 1"),
        counts_on.expect("reps >= 1"),
    );
    let events = counts_on.get("GET", EVENTS) - counts_off.get("GET", EVENTS);
    let listings = counts_on.get("GET", ALERTS) - counts_off.get("GET", ALERTS);
    println!(
        "    requests: {} without, {} with: {events} events calls and {listings} alert listings \
         more; {} projects attributed, {} deletes found used by an enabled alert",
        counts_off.total(),
        counts_on.total(),
        found.0,
        found.1
    );
    assert_eq!(
        counts_off.total(),
        n as u64,
        "without: one GET-all per project"
    );
    assert_eq!(events, k as u64, "one events call per drifted project");
    assert_eq!(
        listings, deleting as u64,
        "one listing per project with a delete"
    );
    assert_eq!(
        counts_on.total() - counts_off.total(),
        (k + deleting) as u64,
        "nothing else"
    );
    assert_eq!(found, (k, deleting), "every lookup found what was seeded");
    let median = |walls: &mut Vec<Duration>| {
        walls.sort();
        walls[walls.len() / 2]
    };
    let (wall_off, wall_on) = (median(&mut walls_off), median(&mut walls_on));
    let with_requests = n + k + deleting;
    let vs_bound = ratio(wall_on, the_bound);
    let vs_own_bound = ratio(wall_on, bound(with_requests, c, l));
    let vs_off = ratio(wall_on, wall_off);
    println!(
        "    wall (median of {reps}): without {}, with {} = {vs_off:.3}x; with vs the plan's bound \
         {}: {vs_bound:.3}x; vs the bound of its {with_requests} requests {}: {vs_own_bound:.3}x",
        secs(wall_off),
        secs(wall_on),
        secs(the_bound),
        secs(bound(with_requests, c, l))
    );
    table.row(
        "7",
        &format!("requests of `plan` with attribution + alert references, {k} drifted, {deleting} deletes"),
        format!(
            "{} vs {} without: +{events} events calls, +{listings} alert listings",
            counts_on.total(),
            counts_off.total()
        ),
        &format!(
            "+{k} and +{deleting} exactly: {}",
            met(events == k as u64 && listings == deleting as u64)
        ),
    );
    table.row(
        "7",
        &format!("wall of that plan (fetch + diff + lookups), median of {reps}"),
        format!(
            "{} with, {} without ({vs_off:.3}x); **{vs_bound:.3}x the bound** {} ({vs_own_bound:.3}x \
             the bound of its {with_requests} requests)",
            secs(wall_on),
            secs(wall_off),
            secs(the_bound)
        ),
        &format!("<= 1.15x: {}", met(vs_bound <= 1.15)),
    );
    if args.lookups_only {
        println!("\nSummary (markdown):\n");
        table.print();
        return Ok(());
    }

    // 2 (cont.). With Digest auth and name-only projects, on its own simulator.
    let a = args.auth_projects;
    let m = args.named;
    println!("\n[2] requests with Digest auth: {a} projects, {m} of them by name only");
    {
        let auth_drifts = drifts_none(a);
        let auth_sim = start_sim(sim_state(a, &auth_drifts), &args, true)?;
        let credentials = Credentials::ApiKey {
            public: API_PUBLIC.to_owned(),
            private: Secret::new(API_PRIVATE),
        };
        let authed = client(&auth_sim.base_url(), credentials, c)?;
        let auth_desired = load(&desired_yaml(a, m, false))?;
        let started = Instant::now();
        let auth_plan = plan_through(&runtime, &authed, &auth_desired)?;
        let wall = started.elapsed();
        let counts = auth_sim.counters();
        let (gets, names, challenges) = (
            counts.get("GET", INTEGRATIONS),
            counts.get("GET", BY_NAME),
            counts.status(401),
        );
        println!(
            "    {} requests: {gets} GET-all, {names} name look-ups, {challenges} answered 401 \
             (Digest challenge); {} per project; wall {} ({} for the bound of {} requests)",
            counts.total(),
            counts.total() as f64 / a as f64,
            secs(wall),
            secs(bound(a + m, c, l)),
            a + m
        );
        assert_eq!(auth_plan.plan.summary().to_apply(), 0);
        assert!(challenges <= 1, "at most one Digest challenge per run");
        assert_eq!(
            counts.total(),
            (a + m) as u64 + challenges,
            "one GET per project, one per name, at most one challenge"
        );
        table.row(
            "2",
            &format!("requests, Digest auth, {a} projects of which {m} by name"),
            format!(
                "{} = {gets} GET-all + {names} by name + {challenges} challenge(s) ({:.3} per project)",
                counts.total(),
                counts.total() as f64 / a as f64
            ),
            "A + M + <=1: met",
        );
    }

    // 3. The same reads the way other tools do them, on a sample of S
    // projects, scaled to N (both patterns are linear in N at a fixed
    // latency); tether is measured on the same sample too.
    let s = args.baseline_projects;
    println!("\n[3] other tools' read patterns, on the first {s} of the {n} projects");
    let sample = &desired[..s];
    sim.reset_counters();
    let started = Instant::now();
    plan_through(&runtime, &tether, sample)?;
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

    // 6. Peak RSS of the real binary (before apply, so its plan has K changes).
    binary_memory(&args, &sim, &url, &text, the_bound, deleting, &mut table)?;

    // 4. Apply the K changes: exactly K writes, then nothing left to do.
    println!("\n[4] apply of {k} changes over {n} projects");
    let operations = planned.plan.operations();
    assert_eq!(operations.len(), k, "one operation per change");
    sim.reset_counters();
    let started = Instant::now();
    let report = runtime.block_on(engine::apply(
        Arc::clone(&tether),
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
        .zip(&drift_of)
        .filter(|(_, d)| **d != Drift::None)
        .map(|(p, _)| p.clone())
        .collect();
    let again = plan_through(&runtime, &tether, &changed)?;
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
    drop(sim);

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

    println!("\nSummary (markdown):\n");
    table.print();
    Ok(())
}

fn drifts_none(n: usize) -> Vec<Drift> {
    vec![Drift::None; n]
}
