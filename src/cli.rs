//! The command line: global options and one subcommand per verb.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::atlas::{DEFAULT_CONCURRENCY, DEFAULT_RETRIES};
use crate::exit::{EXIT_CODES_HELP, ExitStatus};
use crate::model::MAX_PERCENT;
use crate::output::ColorChoice;

/// `0.1.0 (commit 1a2b3c4d5e6f)`.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("TETHER_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "tether",
    version = VERSION,
    about = "Keep the third-party integrations of MongoDB Atlas projects equal to one YAML file",
    after_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Prints what clap found (help, the version, or a usage error) and says how
/// the process ends: 0 for help and the version, 1 for a usage error. Never
/// 2, which scripts read as "changes pending" or "drift found".
pub fn usage_exit(error: &clap::Error) -> ExitStatus {
    let _ = error.print();
    if error.use_stderr() {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    }
}

/// Options every subcommand takes: how tether talks to people.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to use colour; `NO_COLOR` in the environment also turns it off.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print only errors (and the data asked for: a plan, a report, a file).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more detail: `-v` logs one line per request to Atlas.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// The tether file a command reads.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The tether file to read, or a directory: its `*.yaml` and `*.yml`
    /// files, in name order, are one configuration.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        default_value = "tether.yaml"
    )]
    pub file: PathBuf,

    /// A flat YAML or JSON mapping of `NAME: value` that `${NAME}` may take
    /// its value from, after the environment and `TETHER_SECRETS_JSON`;
    /// repeatable, the first file that has a name wins.
    #[arg(long = "secrets", value_name = "FILE", env = "TETHER_SECRETS_FILE")]
    pub secrets: Vec<PathBuf>,
}

/// Which of the file's projects and types a command looks at.
#[derive(Debug, Args)]
pub struct SelectArgs {
    /// Only projects whose name or id matches this glob (`*`, `?`); repeatable.
    #[arg(long = "project", value_name = "GLOB")]
    pub projects: Vec<String>,

    /// Only integration types matching this glob, such as `PAGER_DUTY` or
    /// `*OPS*`; repeatable.
    #[arg(long = "type", value_name = "GLOB")]
    pub types: Vec<String>,
}

/// What plan, drift and apply read: the file, the projects and types
/// selected, and Atlas.
#[derive(Debug, Args)]
pub struct PlanInputs {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub atlas: AtlasArgs,

    /// Plan only what the credentials can read. Every operation of log and
    /// metric integrations, reads included, needs the Project Owner role;
    /// without this flag a family Atlas refuses to list (401 or 403) fails
    /// the run, and with it that family is left out of the plan with a
    /// warning (nothing of it is compared, written or deleted).
    #[arg(long)]
    pub skip_unreadable: bool,
}

/// How to reach Atlas.
#[derive(Debug, Args)]
pub struct AtlasArgs {
    /// Atlas API generation: `v2` (versioned) or `v1` (the v1.0 endpoints).
    ///
    /// Default: the file's `api:`, else `v2`, the current API (MongoDB files
    /// the v1.0 specification as deprecated). v1.0 stays fully supported.
    #[arg(long, value_enum, value_name = "API")]
    pub api: Option<Api>,

    /// Atlas's address; default `MONGODB_ATLAS_BASE_URL`, else
    /// https://cloud.mongodb.com (Atlas for Government: https://cloud.mongodbgov.com).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// The Atlas CLI profile to take credentials, address and organization
    /// from (`config.toml` in the `atlascli` configuration folder, secrets
    /// from the OS keyring); default `MONGODB_ATLAS_PROFILE`, else the
    /// `default` profile when there is one. The order: credential variables
    /// (`MONGODB_ATLAS_CLIENT_ID`/`_SECRET`, `MONGODB_ATLAS_PUBLIC_API_KEY`/
    /// `PRIVATE_API_KEY`) over the profile's credentials; `--base-url`, then
    /// `MONGODB_ATLAS_BASE_URL`, over its `ops_manager_url` or `service`;
    /// `--org`, then `MONGODB_ATLAS_ORG_ID`, over its `org_id`.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Requests to Atlas in flight at most; lowered for a while when Atlas
    /// throttles.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// Retries of a request that Atlas throttled (429), that failed with a
    /// 5xx, or whose connection broke, with jittered exponential backoff.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RETRIES,
          value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,

    /// No progress bar, even on a terminal.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Api {
    V1,
    V2,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the file offline: syntax, fields, values, references, duplicates.
    ///
    /// Reports every problem at once, each with file:line:col.
    /// Exit 0 when valid (warnings allowed), 1 when not.
    Validate(ValidateArgs),
    /// Fetch the declared projects from Atlas and show what apply would change.
    ///
    /// Exit 0 (with `--detailed-exitcode`: 0 no changes, 2 changes, 4 apply
    /// would refuse the plan by a safety gate), 1 error.
    Plan(PlanArgs),
    /// Send the POST, PUT and DELETE calls the plan needs, and nothing else.
    ///
    /// With PLAN (from `tether plan --out`), send that plan's operations and
    /// nothing else. Each is checked against Atlas and the file now: one
    /// whose target already holds what it sends is already applied and not
    /// sent (so running a plan that failed part way again finishes it); one
    /// whose object changed in Atlas in any other way, or for which the file
    /// now asks for something else (another value, another secret, no longer
    /// that write), is refused, and nothing is written. A difference found
    /// now that the plan does not hold is left alone with a note (`left_alone`
    /// in the JSON report): make a new plan to apply it. Exit 0 done (or
    /// nothing left), 1 error before any write, 3 some operations failed, 4
    /// refused.
    Apply(ApplyArgs),
    /// The plan, for schedules: never writes; lists unmanaged integrations for
    /// information.
    ///
    /// Exit 0 in sync, 2 drift, 1 error.
    Drift(DriftArgs),
    /// Show a saved plan (from `tether plan --out`), offline: what `tether
    /// apply PLAN` would apply.
    Show(ShowArgs),
    /// Which credentials tether uses and where they came from (never a
    /// secret), which Atlas, and whether Atlas accepts them: one read.
    ///
    /// Exit 0 when Atlas accepts them, 1 when not.
    Whoami(WhoamiArgs),
    /// Write a tether file from what Atlas has: projects by id with their
    /// names, secrets as `${VARIABLES}` with Atlas's masks in comments.
    ///
    /// Name the projects with `--project ID|NAME` (repeatable; exact, not a
    /// glob here), all of an organization's with `--org ORG_ID`
    /// (repeatable), or all the credentials can see with `--all-orgs`.
    Import(ImportArgs),
    /// Print the Prometheus scrape configuration of projects' `PROMETHEUS`
    /// integrations: Atlas's HTTP service discovery, as the Atlas UI shows
    /// it, with the password as a `password_file` (never printed).
    ///
    /// Name the projects by id or exact name. One read per project.
    Prometheus(PrometheusArgs),
    /// Print a JSON Schema: of the file (the default), or of the plan, the
    /// apply report or the saved plan that tether writes as JSON.
    ///
    /// The same as the files in schemas/.
    Schema(SchemaArgs),
    /// Serve a local Atlas simulator on loopback (see examples/sim-state.yaml).
    ///
    /// Prints the address it bound, serves until Ctrl-C, then writes the
    /// state back with `--write-back`.
    #[cfg(feature = "sim")]
    Sim(SimArgs),
    /// See the whole loop work against the built-in Atlas simulator,
    /// offline, in a second: validate, plan, apply, drift that names who
    /// changed Atlas, and a mistake a safety gate refuses.
    #[cfg(feature = "sim")]
    Demo,
    /// Print a completion script for a shell, e.g.
    /// `tether completions bash > /etc/bash_completion.d/tether`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

impl Command {
    /// `--no-progress`, for the commands that draw a progress bar.
    pub fn no_progress(&self) -> bool {
        match self {
            Command::Plan(PlanArgs { inputs, .. })
            | Command::Drift(DriftArgs { inputs, .. })
            | Command::Apply(ApplyArgs { inputs, .. }) => inputs.atlas.no_progress,
            Command::Import(ImportArgs { atlas, .. })
            | Command::Prometheus(PrometheusArgs { atlas, .. })
            | Command::Whoami(WhoamiArgs { atlas }) => atlas.no_progress,
            Command::Validate(_)
            | Command::Schema(_)
            | Command::Show(_)
            | Command::Completions { .. } => false,
            #[cfg(feature = "sim")]
            Command::Sim(_) | Command::Demo => false,
        }
    }
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    #[command(flatten)]
    pub atlas: AtlasArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A saved plan from `tether plan --out`.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,

    /// How to print it.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which document's schema.
    #[arg(value_enum, default_value_t = SchemaKind::File)]
    pub which: SchemaKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The tether file (schemas/tether.schema.json).
    File,
    /// `plan --output json` (schemas/plan.schema.json).
    Plan,
    /// `apply --output json` (schemas/apply-report.schema.json).
    ApplyReport,
    /// The file `plan --out` writes (schemas/saved-plan.schema.json).
    SavedPlan,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub file: FileArgs,

    /// Accept `${VAR}` references to variables that are not set, or set
    /// empty (as CI sets the secrets a fork's pull request may not read), for
    /// jobs that do not have the secrets; variables with a value are still
    /// checked.
    #[arg(long)]
    pub ignore_unset: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub inputs: PlanInputs,

    /// Also save the plan here, for `tether apply PLAN` to apply exactly it.
    /// The file holds a keyed SHA-256 fingerprint of what Atlas lists and a
    /// salted Argon2id hash of each secret, never a secret.
    #[arg(long, value_name = "PLAN")]
    pub out: Option<PathBuf>,

    /// How to print the plan.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// Exit 2 when there are changes, 0 when there are none, and 4 when
    /// apply would refuse the plan by a safety gate (the plan is printed
    /// all the same, the refusal at its top): what a pull request's check
    /// needs to turn red before the merge would fail.
    #[arg(long)]
    pub detailed_exitcode: bool,

    /// Send every declared secret again, even when Atlas's mask matches.
    #[arg(long)]
    pub rotate_secrets: bool,

    /// Do not ask Atlas who changed the integrations of the projects that
    /// differ from the file (one events call per such project).
    #[arg(long)]
    pub no_attribution: bool,

    #[command(flatten)]
    pub gates: GateArgs,
}

/// Apply's safety gates; each wins over the file's `safety:` setting. `plan`
/// takes them too, to say whether apply would refuse.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// Refuse a plan that deletes more integrations than this (default 5).
    #[arg(long, value_name = "N")]
    pub max_deletes: Option<u32>,

    /// Refuse a plan that updates more than this percent of the managed
    /// integrations (default 30; from 10 managed integrations on).
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_PERCENT)))]
    pub max_update_percent: Option<u32>,

    /// Refuse a plan that deletes more than this percent of the managed
    /// integrations (default 30; from 10 managed integrations on).
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_PERCENT)))]
    pub max_delete_percent: Option<u32>,

    /// Delete integrations even when enabled alert configurations notify
    /// through them (they are left without that destination), or when the
    /// alert configurations cannot be listed.
    #[arg(long)]
    pub allow_orphaned_alerts: bool,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    #[command(flatten)]
    pub inputs: PlanInputs,

    /// How to print the drift report.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// Do not ask Atlas who changed the integrations of the projects that
    /// drifted (one events call per such project).
    #[arg(long)]
    pub no_attribution: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub inputs: PlanInputs,

    /// A saved plan from `tether plan --out`, to apply exactly.
    #[arg(value_name = "PLAN")]
    pub plan: Option<PathBuf>,

    /// Apply without asking; required when not run in a terminal.
    #[arg(long)]
    pub auto_approve: bool,

    #[command(flatten)]
    pub gates: GateArgs,

    /// Apply even when a safety gate would refuse.
    #[arg(long)]
    pub force: bool,

    /// Send every declared secret again, even when Atlas's mask matches.
    #[arg(long, conflicts_with = "plan")]
    pub rotate_secrets: bool,

    /// `text` (the plan, then a line per operation) or `json` (the report
    /// only).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub output: ReportFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct PrometheusArgs {
    /// A project, by id or exact name (not a glob); several may follow.
    #[arg(value_name = "PROJECT", required = true)]
    pub projects: Vec<String>,

    #[command(flatten)]
    pub atlas: AtlasArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub atlas: AtlasArgs,

    /// A project to import, by id or exact name (not a glob); repeatable.
    #[arg(long = "project", value_name = "ID|NAME")]
    pub projects: Vec<String>,

    /// Import every project of this organization (its 24-character id);
    /// repeatable.
    #[arg(long = "org", value_name = "ORG_ID")]
    pub orgs: Vec<String>,

    /// Import every project of every organization the credentials can see.
    #[arg(long, conflicts_with_all = ["orgs", "projects"])]
    pub all_orgs: bool,

    /// Write the file here instead of to stdout. A directory (one that
    /// exists, or a path ending in `/`) gets one file per organization,
    /// `ORG_ID.yaml`, that `-f DIR` reads as one configuration.
    #[arg(short = 'o', long = "output-file", value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,

    /// Move integrations that several projects share (same settings, same
    /// secret masks) to `defaults` or to templates.
    #[arg(long)]
    pub factor: bool,

    /// Also write a secrets file (for `--secrets`) with every variable the
    /// file uses, an empty value each and Atlas's mask beside it, for a
    /// person to fill in. Written readable by its owner only.
    #[arg(long, value_name = "FILE")]
    pub secrets_out: Option<PathBuf>,

    /// Replace the files `-o` and `--secrets-out` name (or, with `-o DIR`,
    /// the files import writes there) when they exist.
    #[arg(long)]
    pub force: bool,

    /// Import only what the credentials can read. Every operation of log and
    /// metric integrations, reads included, needs the Project Owner role;
    /// without this flag a family Atlas refuses to list (401 or 403) fails
    /// the import, and with it that family is left out of the file with a
    /// warning (unmentioned, it is not managed there).
    #[arg(long)]
    pub skip_unreadable: bool,
}

/// `tether sim`: what the simulator serves, and the faults it injects.
#[cfg(feature = "sim")]
#[derive(Debug, Args)]
pub struct SimArgs {
    /// State to serve: projects, integrations (with real secrets), API keys
    /// and service accounts. Without it the simulator starts empty.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Address to listen on; port 0 picks a free port (the address bound is
    /// printed on stdout).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,

    /// Write the state back to `--state` on exit.
    #[arg(long, requires = "state")]
    pub write_back: bool,

    /// Accept every request without credentials (by default credentials are
    /// required when the state file lists API keys or service accounts).
    #[arg(long)]
    pub no_auth: bool,

    /// Latency added to every answer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,

    /// Random extra latency, uniform in 0..=MS.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub jitter_ms: u64,

    /// Token-bucket capacity; answers 429 with `Retry-After` once empty.
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u32>,

    /// Tokens added back per `--rate-limit-period` (default: the capacity).
    #[arg(long, value_name = "N", requires = "rate_limit")]
    pub rate_limit_refill: Option<u32>,

    /// Refill period of the bucket, in seconds.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 60,
        requires = "rate_limit"
    )]
    pub rate_limit_period: u64,

    /// Throttle without sending the `RateLimit-Limit` and
    /// `RateLimit-Remaining` headers (Atlas does not always send them).
    #[arg(long, requires = "rate_limit")]
    pub rate_limit_no_headers: bool,

    /// Share of requests (0 to 1) answered 500 UNEXPECTED_ERROR.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub error_500_rate: f64,

    /// Share of requests answered 503.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub error_503_rate: f64,

    /// Share of requests whose connection is closed without an answer.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub drop_rate: f64,

    /// A written integration stays invisible to reads for this long.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub read_after_write_delay_ms: u64,

    /// Writes to this project (by id) always answer 500, as if it were broken
    /// on Atlas's side; repeatable.
    #[arg(long = "fail-writes-to", value_name = "PROJECT_ID")]
    pub fail_writes_to: Vec<String>,

    /// Answer this endpoint 403 Forbidden, as Atlas does for a key that lacks
    /// the role, by its path after the version, such as
    /// `groups/{groupId}/events`; repeatable.
    #[arg(long = "forbid", value_name = "ENDPOINT")]
    pub forbid: Vec<String>,

    /// Let a v2 PUT create an absent type (by default it answers 404
    /// INTEGRATION_NOT_CONFIGURED; Atlas's behaviour is unverified).
    #[arg(long)]
    pub v2_put_creates: bool,

    /// Seed of the random faults, ids, nonces and tokens.
    #[arg(long, value_name = "N", default_value_t = 0x5eed)]
    pub seed: u64,

    /// Lifetime of service-account tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    pub token_lifetime: u64,

    /// Lifetime of Digest nonces, in seconds.
    #[arg(long, value_name = "SECS")]
    pub nonce_lifetime: Option<u64>,

    /// Worker threads of the simulator.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub threads: usize,
}

#[cfg(feature = "sim")]
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("`{text}` is not a rate between 0 and 1")),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;
    use crate::model::{DEFAULT_MAX_DELETES, DEFAULT_MAX_PERCENT, SHARE_FROM};

    /// The gates' help states their defaults in words: the ones the gates use.
    #[test]
    fn the_gates_help_states_the_defaults_the_gates_use() {
        let command = Cli::command();
        for name in ["plan", "apply"] {
            let sub = command.find_subcommand(name).expect("the subcommand");
            let help = |id: &str| {
                sub.get_arguments()
                    .find(|arg| arg.get_id() == id)
                    .and_then(|arg| arg.get_help())
                    .map(ToString::to_string)
                    .unwrap_or_default()
            };
            let deletes = format!("(default {DEFAULT_MAX_DELETES})");
            assert!(help("max_deletes").contains(&deletes), "{name}");
            let share = format!("(default {DEFAULT_MAX_PERCENT}; from {SHARE_FROM} managed");
            for id in ["max_update_percent", "max_delete_percent"] {
                assert!(help(id).contains(&share), "{name} {id}: {}", help(id));
            }
        }
    }
}
