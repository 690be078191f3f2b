//! The GitHub recipes of `examples/ci/github/`, run: each job's `run:` steps
//! go through bash as GitHub runs them (`bash --noprofile --norc -eo
//! pipefail`), with the workflow's, job's and step's `env:` and `if:`, against
//! the in-process simulator (with a read-only and an owner service account),
//! and with a stub `gh` on PATH that records its calls and answers from canned
//! responses. The `uses:` steps are played by the harness: checkout and the
//! setup action are the work folder and the built binary on PATH; the
//! artifact actions copy files through a store the stub's `gh run download`
//! reads too.
//!
//! What this proves: the scripts run, call tether and `gh` as intended, and
//! handle each exit code. What it does not: GitHub's expression language
//! beyond the few forms the recipes use, and `gh`'s `--jq` filters (the stub
//! answers with what the filter would print).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tether::sim::SimHandle;

use crate::common::{Stub, fixtures, make_executable, repo_root};

const REPO: &str = "acme/infra";
const PR: &str = "7";
const HEAD_SHA: &str = "1111111111111111111111111111111111111111";
const MERGE_SHA: &str = "2222222222222222222222222222222222222222";
pub(crate) const PD_SERVICE_KEY: &str = "recipe-pd-key-0123456789abcdef0042";
pub(crate) const DD_API_KEY: &str = "0123456789abcdef0123456789abcd42";
pub(crate) const READ_ID: &str = "mdb_sa_id_read_only";
pub(crate) const READ_SECRET: &str = "mdb_sa_sk_read_only_secret_value";
pub(crate) const OWNER_ID: &str = "mdb_sa_id_owner";
pub(crate) const OWNER_SECRET: &str = "mdb_sa_sk_owner_secret_value";

/// The stub `gh`: appends each call (arguments joined by spaces) to
/// `$GH_STUB/calls`, keeps the file a call sends as a body
/// (`-F body=@FILE`, `--body-file FILE`) as `$GH_STUB/body.N` (N the call's
/// line), copies `$GH_STUB/artifacts/NAME/` for `gh run download ... --name
/// NAME --dir DIR`, and prints the response of the first line of
/// `$GH_STUB/responses` (`SUBSTRING<TAB>TEXT`) whose substring the call
/// contains.
const GH_STUB: &str = r#"#!/usr/bin/env bash
set -euo pipefail
call="$*"
printf '%s\n' "$call" >> "$GH_STUB/calls"
n=$(wc -l < "$GH_STUB/calls")
prev="" name="" dir="."
for arg in "$@"; do
  case "$prev" in
    -F | --field) case "$arg" in body=@*) cp "${arg#body=@}" "$GH_STUB/body.$n" ;; esac ;;
    --body-file) cp "$arg" "$GH_STUB/body.$n" ;;
    --name) name="$arg" ;;
    --dir) dir="$arg" ;;
  esac
  prev="$arg"
done
if [ "$1 $2" = "run download" ]; then
  [ -d "$GH_STUB/artifacts/$name" ] || { echo "no artifact $name" >&2; exit 1; }
  cp -R "$GH_STUB/artifacts/$name/." "$dir/"
fi
if [ -f "$GH_STUB/responses" ]; then
  while IFS=$'\t' read -r pattern text; do
    case "$call" in *"$pattern"*) printf '%s\n' "$text"; exit 0 ;; esac
  done < "$GH_STUB/responses"
fi
"#;

/// One CI "world": the simulator, the stub's folder, the artifact store.
struct World {
    sim: SimHandle,
    stub: tempfile::TempDir,
}

/// How one job ended.
struct JobRun {
    success: bool,
    /// Step name (or `uses`) and whether it ran, in order.
    steps: Vec<(String, Option<bool>)>,
    log: String,
    /// The values steps registered with `::add-mask::`, which GitHub keeps
    /// out of the log (so the harness does too).
    masked: Vec<String>,
    /// What the job appended to its summary page.
    summary: String,
    work: tempfile::TempDir,
}

/// What the checkout holds: the recipes' file as `tether.yaml`, or the same
/// configuration as a directory of team files, `teams/`, with the
/// workflow's `TETHER_FILE` set to it (the one line a team edits).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Checkout {
    File,
    Directory,
    /// The file with `defaults` dropped: the plan deletes the project's
    /// only paging integration, which apply refuses.
    WithoutPager,
}

impl JobRun {
    fn ran(&self, step: &str) -> bool {
        self.steps
            .iter()
            .any(|(name, ran)| name == step && ran.is_some())
    }
}

impl World {
    fn new() -> World {
        let sim = crate::common::Sim::builder()
            .state_fixture("recipes/state.yaml")
            .auth_required()
            .start();
        let stub = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(stub.path().join("bin")).expect("bin");
        std::fs::create_dir(stub.path().join("artifacts")).expect("artifacts");
        let gh = stub.path().join("bin/gh");
        std::fs::write(&gh, GH_STUB).expect("stub gh");
        make_executable(&gh);
        World { sim, stub }
    }

    /// Canned answers of the stub `gh`, replacing earlier ones.
    fn respond(&self, answers: &[(&str, &str)]) {
        Stub(self.stub.path()).respond(answers);
    }

    /// The calls the stub recorded so far, with the body each sent.
    fn calls(&self) -> Vec<(String, Option<String>)> {
        Stub(self.stub.path()).calls()
    }

    fn artifact(&self, name: &str) -> PathBuf {
        self.stub.path().join("artifacts").join(name)
    }

    /// Runs one job of `examples/ci/github/WORKFLOW` in a fresh checkout of
    /// the fixture, with `context` answering the expressions it reads.
    fn run_job(&self, workflow: &str, job: &str, context: &BTreeMap<&str, String>) -> JobRun {
        self.run_job_on(Checkout::File, workflow, job, context)
    }

    /// The plan job on a pull request from the repository itself.
    fn plan_pull_request(&self, checkout: Checkout) -> JobRun {
        self.run_job_on(checkout, "tether-plan.yml", "plan", &pull_request(false))
    }

    fn run_job_on(
        &self,
        checkout: Checkout,
        workflow: &str,
        job: &str,
        context: &BTreeMap<&str, String>,
    ) -> JobRun {
        let path = repo_root().join("examples/ci/github").join(workflow);
        let text = std::fs::read_to_string(&path).expect("recipe");
        let mut doc: Value = serde_saphyr::from_str(&text).expect("recipe is YAML");
        assert_eq!(
            doc["env"]["TETHER_FILE"], "tether.yaml",
            "{workflow} names its file once, in `env.TETHER_FILE`"
        );
        let work = tempfile::tempdir().expect("work dir");
        match checkout {
            Checkout::WithoutPager => {
                let file = std::fs::read_to_string(fixtures().join("recipes/tether.yaml"))
                    .expect("the fixture");
                let without = file.replace(
                    "defaults:\n  integrations:\n    PAGER_DUTY:\n      serviceKey: ${PD_SERVICE_KEY}\n",
                    "",
                );
                assert_ne!(file, without, "the fixture's defaults declare PagerDuty");
                std::fs::write(work.path().join("tether.yaml"), without).expect("checkout");
            }
            Checkout::File => {
                std::fs::copy(
                    fixtures().join("recipes/tether.yaml"),
                    work.path().join("tether.yaml"),
                )
                .expect("checkout");
            }
            Checkout::Directory => {
                let teams = work.path().join("teams");
                std::fs::create_dir(&teams).expect("teams/");
                for file in ["shared.yaml", "payments.yaml"] {
                    std::fs::copy(
                        fixtures().join("recipes/teams").join(file),
                        teams.join(file),
                    )
                    .expect("checkout");
                }
                doc["env"]["TETHER_FILE"] = Value::from("teams");
            }
        }
        let spec = &doc["jobs"][job];
        assert!(spec.is_object(), "{workflow} has no job {job}");
        let files = tempfile::tempdir().expect("runner files");

        let mut ctx = context.clone();
        let mut env: BTreeMap<String, String> = BTreeMap::new();
        for scope in [&doc["env"], &spec["env"]] {
            for (k, v) in scope.as_object().into_iter().flatten() {
                let value = substitute(v.as_str().expect("env value is text"), &ctx);
                ctx.insert(leak(format!("env.{k}")), value.clone());
                env.insert(k.clone(), value);
            }
        }
        let path_var = job_path(self.stub.path(), "/usr/local/bin:/usr/bin:/bin");

        let mut success = true;
        let mut steps = Vec::new();
        let mut log = String::new();
        let mut masked = Vec::new();
        for (i, step) in spec["steps"].as_array().expect("steps").iter().enumerate() {
            let id = step["id"].as_str().map(str::to_owned);
            let name = step["name"]
                .as_str()
                .or(step["uses"].as_str())
                .or(id.as_deref())
                .unwrap_or("run")
                .to_owned();
            let condition = step["if"].as_str().unwrap_or("success()");
            let wanted = evaluate(condition, &ctx, success);
            if !wanted {
                steps.push((name, None));
                continue;
            }
            let mut step_env = env.clone();
            for (k, v) in step["env"].as_object().into_iter().flatten() {
                step_env.insert(
                    k.clone(),
                    substitute(v.as_str().expect("env value is text"), &ctx),
                );
            }
            let ok = if let Some(uses) = step["uses"].as_str() {
                self.play_action(uses, &step["with"], work.path(), &ctx)
            } else {
                let script = step["run"].as_str().expect("a step runs or uses");
                assert!(
                    !script.contains("${{"),
                    "{workflow} {job} step {i}: an expression inside `run:` (pass it through `env:`)"
                );
                let output = files.path().join(format!("output.{i}"));
                std::fs::write(&output, "").expect("GITHUB_OUTPUT");
                let script_file = files.path().join(format!("step.{i}.sh"));
                std::fs::write(&script_file, script).expect("script");
                let result = Command::new("bash")
                    .args(["--noprofile", "--norc", "-eo", "pipefail"])
                    .arg(&script_file)
                    .current_dir(work.path())
                    .env_clear()
                    .envs(&step_env)
                    .env("PATH", &path_var)
                    .env("HOME", work.path())
                    .env("GH_STUB", self.stub.path())
                    .env("GITHUB_REPOSITORY", REPO)
                    .env("GITHUB_SHA", &ctx["github.sha"])
                    .env("GITHUB_EVENT_NAME", &ctx["github.event_name"])
                    .env("GITHUB_OUTPUT", &output)
                    .env("GITHUB_STEP_SUMMARY", files.path().join("summary.md"))
                    .env("MONGODB_ATLAS_BASE_URL", self.sim.base_url())
                    .output()
                    .expect("bash runs");
                let stdout = String::from_utf8_lossy(&result.stdout);
                let mut shown = String::new();
                for line in stdout.split_inclusive('\n') {
                    match line.strip_prefix("::add-mask::") {
                        Some(value) => masked.push(value.trim_end_matches('\n').to_owned()),
                        None => shown.push_str(line),
                    }
                }
                log.push_str(&format!(
                    "--- {name} (exit {:?})\n{shown}{}",
                    result.status.code(),
                    String::from_utf8_lossy(&result.stderr)
                ));
                if let Some(id) = &id {
                    for line in std::fs::read_to_string(&output).expect("output").lines() {
                        if let Some((k, v)) = line.split_once('=') {
                            ctx.insert(leak(format!("steps.{id}.outputs.{k}")), v.to_owned());
                        }
                    }
                }
                result.status.success()
            };
            success &= ok;
            steps.push((name, Some(ok)));
        }
        for secret in [PD_SERVICE_KEY, DD_API_KEY, READ_SECRET, OWNER_SECRET] {
            assert!(!log.contains(secret), "a secret was printed:\n{log}");
        }
        JobRun {
            success,
            steps,
            log,
            masked,
            summary: std::fs::read_to_string(files.path().join("summary.md")).unwrap_or_default(),
            work,
        }
    }

    fn play_action(
        &self,
        uses: &str,
        with: &Value,
        work: &Path,
        ctx: &BTreeMap<&str, String>,
    ) -> bool {
        let input = |key: &str| match &with[key] {
            Value::String(v) => Some(substitute(v, ctx)),
            Value::Null => None,
            other => Some(other.to_string()),
        };
        match uses.split('@').next().expect("action") {
            // The checkout is the work folder; the binary is on PATH.
            "actions/checkout" => true,
            action if action == crate::common::repository() => {
                assert_eq!(
                    input("version").as_deref(),
                    Some("0.1.0"),
                    "a pinned version"
                );
                true
            }
            "actions/upload-artifact" => {
                let name = input("name").expect("artifact name");
                let store = self.artifact(&name);
                if store.exists() {
                    assert_eq!(
                        input("overwrite").as_deref(),
                        Some("true"),
                        "{name} uploaded twice"
                    );
                    std::fs::remove_dir_all(&store).expect("overwrite");
                }
                std::fs::create_dir_all(&store).expect("store");
                let file = input("path").expect("artifact path");
                std::fs::copy(work.join(&file), store.join(&file)).is_ok()
            }
            "actions/download-artifact" => {
                let store = self.artifact(&input("name").expect("artifact name"));
                for entry in std::fs::read_dir(store).expect("the artifact exists") {
                    let path = entry.expect("entry").path();
                    std::fs::copy(&path, work.join(path.file_name().expect("name")))
                        .expect("download");
                }
                true
            }
            other => panic!("the harness does not know the action {other}"),
        }
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Replaces every `${{ expr }}` with the context's value of `expr`.
fn substitute(text: &str, ctx: &BTreeMap<&str, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closed expression") + start;
        let expr = rest[start + 3..end].trim();
        out.push_str(&value_of(expr, ctx));
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

fn value_of(expr: &str, ctx: &BTreeMap<&str, String>) -> String {
    if let Some(literal) = expr.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')) {
        return literal.to_owned();
    }
    if expr.starts_with("steps.") {
        // An output a step did not set reads as empty.
        return ctx.get(expr).cloned().unwrap_or_default();
    }
    ctx.get(expr)
        .unwrap_or_else(|| panic!("the harness has no value for `{expr}`"))
        .clone()
}

/// The recipes' `if:` forms: `||` of `&&` of `always()`, `success()`,
/// `A == B`, `A != B` (a context path or a quoted literal each side).
fn evaluate(condition: &str, ctx: &BTreeMap<&str, String>, job_ok: bool) -> bool {
    let condition = condition
        .trim()
        .trim_start_matches("${{")
        .trim_end_matches("}}");
    let has_status = condition.contains("always()") || condition.contains("success()");
    let value = condition.split("||").any(|any| {
        any.split("&&").all(|atom| {
            let atom = atom.trim();
            match atom {
                "always()" => true,
                "success()" => job_ok,
                _ => {
                    let (op, eq) = if atom.contains("!=") {
                        ("!=", false)
                    } else {
                        ("==", true)
                    };
                    let (a, b) = atom
                        .split_once(op)
                        .unwrap_or_else(|| panic!("the harness cannot evaluate `{atom}`"));
                    (value_of(a.trim(), ctx) == value_of(b.trim(), ctx)) == eq
                }
            }
        })
    });
    // Without a status function, a step runs only while the job succeeds.
    value && (has_status || job_ok)
}

/// What a pull request's plan run, then the merge's apply run, read.
/// Whether the recipes take the run for one from a fork (the condition
/// they write).
fn from_a_fork(ctx: &BTreeMap<&str, String>) -> bool {
    evaluate(
        "github.event.pull_request.head.repo.full_name != github.repository",
        ctx,
        true,
    )
}

fn pull_request(from_fork: bool) -> BTreeMap<&'static str, String> {
    let head_repo = if from_fork { "someone/infra" } else { REPO };
    let mut ctx = BTreeMap::from([
        ("github.event_name", "pull_request".to_owned()),
        ("github.repository", REPO.to_owned()),
        (
            "github.sha",
            "3333333333333333333333333333333333333333".to_owned(),
        ),
        ("github.token", "ghs_stub_token".to_owned()),
        ("github.event.pull_request.number", PR.to_owned()),
        ("github.event.pull_request.head.sha", HEAD_SHA.to_owned()),
        (
            "github.event.pull_request.head.repo.full_name",
            head_repo.to_owned(),
        ),
    ]);
    if !from_fork {
        ctx.extend(secrets());
    }
    ctx
}

fn secrets() -> Vec<(&'static str, String)> {
    vec![
        ("secrets.TETHER_READ_CLIENT_ID", READ_ID.to_owned()),
        ("secrets.TETHER_READ_CLIENT_SECRET", READ_SECRET.to_owned()),
        ("secrets.TETHER_OWNER_CLIENT_ID", OWNER_ID.to_owned()),
        (
            "secrets.TETHER_OWNER_CLIENT_SECRET",
            OWNER_SECRET.to_owned(),
        ),
        (
            "secrets.TETHER_SECRETS_JSON",
            secrets_json(&[
                ("PD_SERVICE_KEY", PD_SERVICE_KEY),
                ("DD_API_KEY", DD_API_KEY),
            ]),
        ),
    ]
}

/// The one `TETHER_SECRETS_JSON` secret the recipes read.
fn secrets_json(values: &[(&str, &str)]) -> String {
    let object: serde_json::Map<String, Value> = values
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
        .collect();
    Value::Object(object).to_string()
}

/// A run on main, started by `event` (`push`, `schedule`,
/// `workflow_dispatch`).
fn on_main(event: &str) -> BTreeMap<&'static str, String> {
    let mut ctx = BTreeMap::from([
        ("github.event_name", event.to_owned()),
        ("github.repository", REPO.to_owned()),
        ("github.sha", MERGE_SHA.to_owned()),
        ("github.token", "ghs_stub_token".to_owned()),
        ("github.server_url", "https://github.example".to_owned()),
        ("github.run_id", "99".to_owned()),
    ]);
    ctx.extend(secrets());
    ctx
}

/// Writes to integrations (the token endpoint's POST is not one).
fn integration_writes(world: &World) -> u64 {
    let counts = world.sim.counters();
    counts.writes() - counts.get("POST", "/api/oauth/token")
}

fn has_datadog(world: &World) -> bool {
    world
        .sim
        .snapshot()
        .projects
        .iter()
        .any(|p| p.integrations.contains_key("DATADOG"))
}

/// Plan in the pull request: the sticky comment is posted with the plan,
/// then, on the next push, found by marker and author and updated; the plan
/// is kept as an artifact for the merge job, and a re-run replaces it.
#[test]
fn plan_posts_then_updates_one_comment_and_keeps_the_plan() {
    let world = World::new();
    let ctx = pull_request(false);
    assert!(!from_a_fork(&ctx));
    let run = world.run_job("tether-plan.yml", "plan", &ctx);
    assert!(run.success, "{}", run.log);
    assert_eq!(
        run.masked,
        [DD_API_KEY, PD_SERVICE_KEY],
        "each value of TETHER_SECRETS_JSON is masked on its own"
    );
    let calls = world.calls();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert!(
        calls[0].0.starts_with(&format!(
            "api --paginate repos/{REPO}/issues/{PR}/comments --jq"
        )) && calls[0].0.contains("github-actions[bot]")
            && calls[0].0.contains("<!-- tether-plan -->"),
        "looks for its comment by author and marker: {}",
        calls[0].0
    );
    assert_eq!(
        calls[1].0,
        format!("api --method POST repos/{REPO}/issues/{PR}/comments -F body=@comment.md")
    );
    let body = calls[1].1.as_deref().expect("a body was sent");
    crate::common::assert_starts_with(body, "<!-- tether-plan -->\n");
    assert!(
        body.contains("DATADOG"),
        "the plan is in the comment: {body}"
    );
    assert!(body.contains(HEAD_SHA) && body.contains("exit 2"), "{body}");
    assert!(world.artifact("tether-plan").join("plan.json").is_file());
    assert_eq!(integration_writes(&world), 0, "plan never writes");

    // The next push: the comment exists, and is edited in place; the
    // artifact is replaced.
    world.respond(&[(&format!("issues/{PR}/comments --jq"), "5551\n5552")]);
    let rerun = world.run_job("tether-plan.yml", "plan", &ctx);
    assert!(rerun.success, "{}", rerun.log);
    let calls = world.calls();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(
        calls[1].0,
        format!("api --method PATCH repos/{REPO}/issues/comments/5551 -F body=@comment.md")
    );
    assert!(calls[1].1.as_deref().is_some_and(|b| b.contains("DATADOG")));
}

/// A plan that fails (here: a secret the job lacks) still updates the
/// comment, with the error, and fails the job; no plan is kept.
#[test]
fn a_failed_plan_is_commented_with_its_error_and_fails_the_job() {
    let world = World::new();
    let mut ctx = pull_request(false);
    ctx.insert(
        "secrets.TETHER_SECRETS_JSON",
        secrets_json(&[("PD_SERVICE_KEY", PD_SERVICE_KEY)]),
    );
    let run = world.run_job("tether-plan.yml", "plan", &ctx);
    assert!(!run.success, "{}", run.log);
    assert!(run.ran("Comment the plan") && run.ran("Fail on a plan error"));
    let calls = world.calls();
    let posted = calls
        .iter()
        .find(|(call, _)| call.contains("--method POST"))
        .unwrap_or_else(|| panic!("no comment posted: {calls:#?}"));
    let body = posted.1.as_deref().expect("body");
    crate::common::assert_contains(body, "tether plan failed (exit 1)");
    assert!(
        body.contains("DD_API_KEY"),
        "the error names the variable: {body}"
    );
    assert!(!world.artifact("tether-plan").exists(), "no plan kept");
}

/// A fork's pull request: only the validate job runs, with no secret at
/// all, and it passes.
#[test]
fn a_fork_pull_request_only_validates() {
    let world = World::new();
    let ctx = pull_request(true);
    assert!(from_a_fork(&ctx));
    assert!(!evaluate(
        "github.event.pull_request.head.repo.full_name == github.repository",
        &ctx,
        true
    ));
    let run = world.run_job("tether-plan.yml", "validate-fork", &ctx);
    assert!(run.success, "{}", run.log);
    assert_eq!(world.sim.counters().total(), 0, "no call to Atlas");
    assert!(world.calls().is_empty());
}

/// Merge: the pull request is found through the commit's pull requests, its
/// reviewed plan downloaded and applied with the owner credentials, and main
/// then plans to no change.
#[test]
fn apply_applies_the_reviewed_plan_of_the_merged_pull_request() {
    let world = World::new();
    let plan = world.plan_pull_request(Checkout::File);
    assert!(plan.success, "{}", plan.log);
    world.calls();
    assert!(!has_datadog(&world));

    world.respond(&[
        (&format!("repos/{REPO}/commits/{MERGE_SHA}/pulls"), HEAD_SHA),
        (
            &format!("actions/workflows/tether-plan.yml/runs?head_sha={HEAD_SHA}&status=success"),
            "4242",
        ),
    ]);
    let ctx = on_main("push");
    let found = world.run_job("tether-apply.yml", "reviewed-plan", &ctx);
    assert!(found.success, "{}", found.log);
    assert!(!found.ran("Plan main for review"));
    let calls: Vec<String> = world.calls().into_iter().map(|(c, _)| c).collect();
    assert_eq!(calls.len(), 3, "{calls:#?}");
    assert!(calls[0].starts_with(&format!("api repos/{REPO}/commits/{MERGE_SHA}/pulls")));
    assert!(
        !calls.iter().any(|c| c.contains("search")),
        "never the search index"
    );
    assert_eq!(calls[2], "run download 4242 --name tether-plan --dir .");
    assert!(
        world
            .artifact("tether-reviewed-plan")
            .join("plan.json")
            .is_file()
    );

    let apply = world.run_job("tether-apply.yml", "apply", &ctx);
    assert!(apply.success, "{}", apply.log);
    assert!(apply.ran("Check that main is applied"));
    assert!(has_datadog(&world), "the reviewed create was applied");
    assert!(apply.work.path().join("main-plan.txt").is_file());
}

/// When Atlas changed since the reviewed plan (another merge applied in
/// between), apply refuses, says what to do, and writes nothing.
#[test]
fn apply_refuses_a_plan_that_no_longer_matches_and_says_to_replan() {
    let world = World::new();
    let plan = world.plan_pull_request(Checkout::File);
    assert!(plan.success, "{}", plan.log);
    std::fs::create_dir_all(world.artifact("tether-reviewed-plan")).expect("store");
    std::fs::copy(
        world.artifact("tether-plan").join("plan.json"),
        world.artifact("tether-reviewed-plan").join("plan.json"),
    )
    .expect("copy");
    // Someone else's change reaches Atlas first.
    let other = crate::common::tether(
        plan.work.path(),
        &["apply", "--auto-approve", "--no-progress"],
        &[
            ("MONGODB_ATLAS_BASE_URL", &world.sim.base_url()),
            ("MONGODB_ATLAS_CLIENT_ID", OWNER_ID),
            ("MONGODB_ATLAS_CLIENT_SECRET", OWNER_SECRET),
            ("PD_SERVICE_KEY", PD_SERVICE_KEY),
            ("DD_API_KEY", "fedcba9876543210fedcba98765432aa"),
        ],
    );
    assert_eq!(other.code, 0, "{}", other.transcript());
    let writes = integration_writes(&world);

    let apply = world.run_job("tether-apply.yml", "apply", &on_main("push"));
    assert!(!apply.success, "{}", apply.log);
    assert!(apply.log.contains("(exit Some(4))"), "{}", apply.log);
    crate::common::assert_contains(&apply.log, "Run this workflow by hand to plan main again");
    assert!(!apply.ran("Check that main is applied"));
    assert_eq!(integration_writes(&world), writes, "nothing written");
}

/// The plan job's credentials cannot write: they are the read-only ones.
#[test]
fn the_plan_job_holds_only_read_only_credentials() {
    let text = std::fs::read_to_string(repo_root().join("examples/ci/github/tether-plan.yml"))
        .expect("recipe");
    assert!(
        !text.contains("OWNER"),
        "the plan workflow names an owner secret"
    );
    let world = World::new();
    let work = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        fixtures().join("recipes/tether.yaml"),
        work.path().join("tether.yaml"),
    )
    .expect("copy");
    let apply = ["apply", "--auto-approve", "--no-progress"];
    let run = tether_as(work.path(), &world.sim, (READ_ID, READ_SECRET), &apply);
    assert_ne!(run.code, 0, "{}", run.transcript());
    assert!(!has_datadog(&world));
}

/// Drift: an issue is opened (its label created), updated while drift
/// lasts, and closed once Atlas is in sync.
#[test]
fn drift_opens_updates_then_closes_one_issue() {
    let world = World::new();
    let ctx = on_main("schedule");

    let first = world.run_job("tether-drift.yml", "drift", &ctx);
    assert!(!first.success, "drift fails the job: {}", first.log);
    let calls = world.calls();
    let names: Vec<&str> = calls.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:#?}");
    assert!(names[0].starts_with("issue list --label tether-drift --state open"));
    assert!(names[1].starts_with("label create tether-drift") && names[1].ends_with("--force"));
    assert_eq!(
        names[2],
        "issue create --title Atlas drifted from tether.yaml --label tether-drift --body-file issue.md"
    );
    let body = calls[2].1.as_deref().expect("issue body");
    crate::common::assert_contains(body, "DATADOG");
    crate::common::assert_contains(body, "https://github.example/acme/infra/actions/runs/99");

    world.respond(&[("issue list --label tether-drift", "12")]);
    let again = world.run_job("tether-drift.yml", "drift", &ctx);
    assert!(!again.success);
    let calls = world.calls();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[1].0, "issue edit 12 --body-file issue.md");

    // Someone applies; the next night is in sync and closes the issue.
    let sync = apply_as_owner(first.work.path(), &world.sim);
    assert_eq!(sync.code, 0, "{}", sync.transcript());
    let in_sync = world.run_job("tether-drift.yml", "drift", &ctx);
    assert!(in_sync.success, "{}", in_sync.log);
    let calls = world.calls();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert!(
        calls[1]
            .0
            .starts_with("issue close 12 --comment Atlas is in sync"),
        "{}",
        calls[1].0
    );
}

/// `PATH` for a job: the stubs under `stubs`, the folder of the tether
/// binary under test, then `rest`.
pub(crate) fn job_path(stubs: &Path, rest: &str) -> String {
    let tether_dir = assert_cmd::cargo::cargo_bin("tether")
        .parent()
        .expect("bin dir")
        .to_owned();
    format!(
        "{}:{}:{rest}",
        stubs.join("bin").display(),
        tether_dir.display()
    )
}

/// Someone with the Owner credentials applies the recipes' file in `dir`.
pub(crate) fn apply_as_owner(dir: &Path, sim: &SimHandle) -> crate::common::Run {
    let apply = ["apply", "--auto-approve", "--no-progress"];
    tether_as(dir, sim, (OWNER_ID, OWNER_SECRET), &apply)
}

/// `tether ARGS` in `dir` against `sim`, as the service account
/// `(client id, secret)`, with the secrets of the recipes' file.
pub(crate) fn tether_as(
    dir: &Path,
    sim: &SimHandle,
    (id, secret): (&str, &str),
    args: &[&str],
) -> crate::common::Run {
    crate::common::tether(
        dir,
        args,
        &[
            ("MONGODB_ATLAS_BASE_URL", &sim.base_url()),
            ("MONGODB_ATLAS_CLIENT_ID", id),
            ("MONGODB_ATLAS_CLIENT_SECRET", secret),
            ("PD_SERVICE_KEY", PD_SERVICE_KEY),
            ("DD_API_KEY", DD_API_KEY),
        ],
    )
}

/// The same loop on a directory of team files, the one `TETHER_FILE` line
/// changed: plan comments and keeps the plan, the merge applies it, drift is
/// then in sync.
#[test]
fn the_loop_runs_on_a_directory_of_team_files() {
    let world = World::new();
    let plan = world.plan_pull_request(Checkout::Directory);
    assert!(plan.success, "{}", plan.log);
    let calls = world.calls();
    let body = calls[1].1.as_deref().expect("a comment");
    assert!(
        body.contains("DATADOG") && body.contains("exit 2"),
        "{body}"
    );

    world.respond(&[
        (&format!("repos/{REPO}/commits/{MERGE_SHA}/pulls"), HEAD_SHA),
        (
            &format!("actions/workflows/tether-plan.yml/runs?head_sha={HEAD_SHA}&status=success"),
            "4242",
        ),
    ]);
    let ctx = on_main("push");
    let found = world.run_job_on(
        Checkout::Directory,
        "tether-apply.yml",
        "reviewed-plan",
        &ctx,
    );
    assert!(found.success, "{}", found.log);
    let apply = world.run_job_on(Checkout::Directory, "tether-apply.yml", "apply", &ctx);
    assert!(apply.success, "{}", apply.log);
    assert!(has_datadog(&world), "the reviewed create was applied");

    let nightly = on_main("schedule");
    let drift = world.run_job_on(Checkout::Directory, "tether-drift.yml", "drift", &nightly);
    assert!(drift.success, "in sync after the apply: {}", drift.log);
}

/// Run by hand, the apply workflow plans main for the environment's
/// reviewers: the plan is in the job summary once (tether writes it there),
/// and kept for the apply job.
#[test]
fn a_manual_apply_run_shows_its_plan_in_the_summary_once() {
    let world = World::new();
    let ctx = on_main("workflow_dispatch");
    let run = world.run_job("tether-apply.yml", "reviewed-plan", &ctx);
    assert!(run.success, "{}", run.log);
    assert!(run.ran("Plan main for review"));
    assert_eq!(
        run.summary.matches("<details").count(),
        1,
        "the plan once: {}",
        run.summary
    );
    assert_eq!(run.masked, [DD_API_KEY, PD_SERVICE_KEY]);
    assert!(
        world
            .artifact("tether-reviewed-plan")
            .join("plan.json")
            .is_file()
    );
}

/// A pull request whose merge apply would refuse (it drops the project's
/// only pager): the comment shows the plan with the refusal at its top, and
/// the check fails, so nobody merges what would be refused.
#[test]
fn a_plan_apply_would_refuse_turns_the_check_red_with_the_plan_in_the_comment() {
    let world = World::new();
    let run = world.plan_pull_request(Checkout::WithoutPager);
    assert!(!run.success, "{}", run.log);
    assert!(run.ran("Comment the plan") && run.ran("Fail on a plan apply would refuse"));
    assert!(!run.ran("Fail on a plan error"));
    let calls = world.calls();
    let body = calls[1].1.as_deref().expect("a comment");
    let top = body.split("<details>").next().expect("the top");
    assert!(
        top.contains("[!CAUTION]") && top.contains("last paging integration"),
        "the refusal at the top: {body}"
    );
    assert!(
        body.contains("PAGER_DUTY will be deleted") && body.contains("exit 4"),
        "{body}"
    );
    assert_eq!(integration_writes(&world), 0);
}
