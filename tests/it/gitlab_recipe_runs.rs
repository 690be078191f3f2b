//! The GitLab recipe (`examples/ci/gitlab/tether.gitlab-ci.yml`), run by
//! `gitlab-ci-local` (npm, pinned in `.ci/package.json`) with its shell
//! executor, offline: GitLab's own reading of the file (rules, variables,
//! anchors, `before_script`), the jobs' scripts in a shell, the built tether
//! on PATH, the simulator as Atlas, and a stub `curl` that stands for
//! GitLab's API: it records each call and answers from canned responses.
//!
//! `.ci/run` installs gitlab-ci-local (and rsync, which it needs); where it
//! is not installed these tests are skipped visibly, and fail under CI.

use std::path::PathBuf;
use std::process::Command;

use tether::sim::SimHandle;

use crate::common::{Stub, fixtures, make_executable, repo_root, skip};

use crate::recipe_runs::{
    DD_API_KEY, OWNER_ID, OWNER_SECRET, PD_SERVICE_KEY, READ_ID, READ_SECRET,
};
const API_TOKEN: &str = "glpat-stub-token-value-0042";

/// The stub `curl`: appends each call's URL and method to `$GL_STUB/calls`
/// (`METHOD URL`), keeps each `--data-urlencode NAME@FILE` file as
/// `$GL_STUB/body.N` (N the call's line) and each other `--data-urlencode`
/// as text there, and prints the text of the first line of
/// `$GL_STUB/responses` (`SUBSTRING<TAB>TEXT`) whose substring the URL
/// contains, else `[]`. It refuses a call without the API token.
const CURL_STUB: &str = r#"#!/bin/sh
set -eu
method=GET url="" token="" prev=""
n=$(( $(cat "$GL_STUB/calls" 2>/dev/null | wc -l) + 1 ))
for arg in "$@"; do
  case "$prev" in
    --request) method="$arg" ;;
    --header) case "$arg" in "PRIVATE-TOKEN: "*) token="${arg#PRIVATE-TOKEN: }" ;; esac ;;
    --data-urlencode)
      case "$arg" in
        *@*) cat "${arg#*@}" >> "$GL_STUB/body.$n" ;;
        *) printf '%s\n' "$arg" >> "$GL_STUB/body.$n" ;;
      esac ;;
    --output) output="$arg" ;;
  esac
  case "$arg" in http://* | https://*) url="$arg" ;; esac
  prev="$arg"
done
[ "$token" = "$GL_TOKEN" ] || { echo "stub curl: no or wrong PRIVATE-TOKEN" >&2; exit 22; }
printf '%s %s\n' "$method" "$url" >> "$GL_STUB/calls"
answer="[]"
if [ -f "$GL_STUB/responses" ]; then
  tab=$(printf '\t')
  while IFS="$tab" read -r pattern text; do
    case "$url" in *"$pattern"*) answer="$text"; break ;; esac
  done < "$GL_STUB/responses"
fi
if [ -n "${output:-}" ]; then printf '%s' "$answer" > "$output"; else printf '%s\n' "$answer"; fi
"#;

/// Where gitlab-ci-local is, when it can run here.
fn gitlab_ci_local() -> Option<PathBuf> {
    let installed = std::env::var_os("TETHER_GITLAB_CI_LOCAL")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".ci/node_modules/.bin/gitlab-ci-local"));
    let rsync = Command::new("rsync").arg("--version").output().is_ok();
    if installed.exists() && rsync {
        return Some(installed);
    }
    skip(&format!(
        "gitlab-ci-local ({}) or rsync is not installed; `.ci/run` installs both",
        installed.display()
    ));
    None
}

/// A GitLab project's checkout (a git repository with the recipe as its
/// `.gitlab-ci.yml`), the simulator, and the stub's folder.
struct World {
    runner: PathBuf,
    sim: SimHandle,
    repo: tempfile::TempDir,
    stub: tempfile::TempDir,
}

/// How one `gitlab-ci-local JOB` ended.
struct JobRun {
    success: bool,
    log: String,
}

impl World {
    fn new(runner: PathBuf) -> World {
        let sim = crate::common::Sim::builder()
            .state_fixture("recipes/state.yaml")
            .auth_required()
            .start();
        let repo = tempfile::tempdir().expect("tempdir");
        std::fs::copy(
            repo_root().join("examples/ci/gitlab/tether.gitlab-ci.yml"),
            repo.path().join(".gitlab-ci.yml"),
        )
        .expect("recipe");
        let git = |args: &[&str]| {
            let done = Command::new("git")
                .args(args)
                .current_dir(repo.path())
                .output()
                .expect("git runs");
            assert!(done.status.success(), "git {args:?}: {done:?}");
        };
        git(&["init", "-q", "-b", "main"]);
        git(&["config", "user.email", "ci@example.com"]);
        git(&["config", "user.name", "ci"]);
        git(&[
            "remote",
            "add",
            "origin",
            "https://gitlab.example.com/acme/infra.git",
        ]);
        // The default branch as GitLab has it, then a commit that changes
        // tether.yaml: what `rules: changes: [tether.yaml]` looks at.
        git(&["add", "."]);
        git(&["commit", "-q", "-m", "the recipe"]);
        git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
        git(&[
            "symbolic-ref",
            "refs/remotes/origin/HEAD",
            "refs/remotes/origin/main",
        ]);
        std::fs::copy(
            fixtures().join("recipes/tether.yaml"),
            repo.path().join("tether.yaml"),
        )
        .expect("tether.yaml");
        git(&["add", "tether.yaml"]);
        git(&["commit", "-q", "-m", "tether.yaml"]);
        let stub = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(stub.path().join("bin")).expect("bin");
        let curl = stub.path().join("bin/curl");
        std::fs::write(&curl, CURL_STUB).expect("stub curl");
        make_executable(&curl);
        World {
            runner,
            sim,
            repo,
            stub,
        }
    }

    /// Canned answers of the stub `curl`, replacing earlier ones.
    fn respond(&self, answers: &[(&str, &str)]) {
        Stub(self.stub.path()).respond(answers);
    }

    /// The calls the stub recorded since the last time, with the body each
    /// sent.
    fn calls(&self) -> Vec<(String, Option<String>)> {
        Stub(self.stub.path()).calls()
    }

    /// [`World::run_job`], checked to succeed, and the calls it made.
    fn run_passing_job(&self, job: &str, pipeline: &[(&str, &str)]) -> (JobRun, Calls) {
        let run = self.run_job(job, pipeline);
        assert!(run.success, "{}", run.log);
        (run, self.calls())
    }

    /// Runs one job as GitLab would for `pipeline` (predefined variables),
    /// with the project's CI/CD variables.
    fn run_job(&self, job: &str, pipeline: &[(&str, &str)]) -> JobRun {
        let path = crate::recipe_runs::job_path(
            self.stub.path(),
            &std::env::var("PATH").unwrap_or_default(),
        );
        let base = self.sim.base_url();
        // The file's secrets as the recipe advises: a File variable, which
        // GitLab hands to the job as the path of a file holding its value.
        let secrets = self.stub.path().join("tether-secrets.yaml");
        std::fs::write(
            &secrets,
            format!("PD_SERVICE_KEY: {PD_SERVICE_KEY}\nDD_API_KEY: {DD_API_KEY}\n"),
        )
        .expect("the secrets file");
        let secrets = secrets.display().to_string();
        let project_variables = [
            ("TETHER_READ_CLIENT_ID", READ_ID),
            ("TETHER_READ_CLIENT_SECRET", READ_SECRET),
            ("TETHER_OWNER_CLIENT_ID", OWNER_ID),
            ("TETHER_OWNER_CLIENT_SECRET", OWNER_SECRET),
            ("GITLAB_API_TOKEN", API_TOKEN),
            ("TETHER_SECRETS_FILE", secrets.as_str()),
            ("MONGODB_ATLAS_BASE_URL", base.as_str()),
            ("TETHER_TODAY", crate::common::TODAY),
        ];
        let mut command = Command::new(&self.runner);
        command
            .current_dir(self.repo.path())
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.stub.path())
            .env("GL_STUB", self.stub.path())
            .env("GL_TOKEN", API_TOKEN)
            .args(["--force-shell-executor", "--no-color"])
            .args(["--ignore-predefined-vars", &ignored(pipeline)]);
        for (name, value) in project_variables.iter().chain(pipeline) {
            command.args(["--variable", &format!("{name}={value}")]);
        }
        let output = command.arg(job).output().expect("gitlab-ci-local runs");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for secret in [READ_SECRET, OWNER_SECRET, PD_SERVICE_KEY, DD_API_KEY] {
            assert!(
                !job_output(&log).contains(secret),
                "a job printed a secret:\n{log}"
            );
        }
        JobRun {
            success: output.status.success(),
            log,
        }
    }
}

/// The predefined variables a pipeline sets, which gitlab-ci-local would
/// otherwise warn about overriding.
fn ignored(pipeline: &[(&str, &str)]) -> String {
    let names: Vec<&str> = pipeline.iter().map(|(name, _)| *name).collect();
    names.join(",")
}

/// What the jobs printed (gitlab-ci-local prefixes their lines with the
/// job's name and ` > `), without gitlab-ci-local's own lines, which list
/// the variables it was given.
fn job_output(log: &str) -> String {
    log.lines()
        .filter_map(|line| line.split_once(" > ").map(|(_, printed)| printed))
        .collect::<Vec<_>>()
        .join("\n")
}

const SCHEDULE: &[(&str, &str)] = &[("CI_PIPELINE_SOURCE", "schedule")];

/// A merge request pipeline of a branch of the project itself.
const MERGE_REQUEST: &[(&str, &str)] = &[
    ("CI_PIPELINE_SOURCE", "merge_request_event"),
    ("CI_MERGE_REQUEST_IID", "7"),
    ("CI_MERGE_REQUEST_PROJECT_ID", "1217"),
    ("CI_MERGE_REQUEST_SOURCE_PROJECT_ID", "1217"),
];

/// The calls the stubs recorded: each command line and the body it sent.
type Calls = Vec<(String, Option<String>)>;

/// The command line of each call the stubs recorded.
fn commands(calls: &[(String, Option<String>)]) -> Vec<&str> {
    calls.iter().map(|(command, _)| command.as_str()).collect()
}

/// Drift on a schedule: an issue opened while Atlas differs (and the job
/// fails), then, once in sync, a note and the issue closed.
#[test]
fn gitlab_drift_opens_then_closes_one_issue() {
    let Some(runner) = gitlab_ci_local() else {
        return;
    };
    let world = World::new(runner);
    let first = world.run_job("tether-drift", SCHEDULE);
    assert!(!first.success, "drift fails the job:\n{}", first.log);
    let calls = world.calls();
    let names = commands(&calls);
    assert_eq!(names.len(), 2, "{names:#?}\n{}", first.log);
    assert_eq!(
        names[0],
        "GET https://gitlab.example.com/api/v4/projects/1217/issues?labels=tether-drift&state=opened&per_page=1"
    );
    assert_eq!(
        names[1],
        "POST https://gitlab.example.com/api/v4/projects/1217/issues"
    );
    let body = calls[1].1.as_deref().expect("issue body");
    assert!(
        body.contains("tether drift") && body.contains("DATADOG"),
        "{body}"
    );
    crate::common::assert_contains(body, "labels=tether-drift");

    let sync = crate::recipe_runs::apply_as_owner(world.repo.path(), &world.sim);
    assert_eq!(sync.code, 0, "{}", sync.transcript());
    world.respond(&[(
        "issues?labels=tether-drift",
        r#"[{"id":501,"iid":12,"title":"x"}]"#,
    )]);
    let (in_sync, calls) = world.run_passing_job("tether-drift", SCHEDULE);
    let names = commands(&calls);
    assert_eq!(
        names[1..],
        [
            "POST https://gitlab.example.com/api/v4/projects/1217/issues/12/notes",
            "PUT https://gitlab.example.com/api/v4/projects/1217/issues/12",
        ],
        "{}",
        in_sync.log
    );
    assert_eq!(calls[2].1.as_deref(), Some("state_event=close\n"));
}

/// Plan in a merge request: the note is posted with the plan, then found by
/// marker and author and updated; a fork's merge request only validates.
#[test]
fn gitlab_plan_posts_then_updates_one_note() {
    let Some(runner) = gitlab_ci_local() else {
        return;
    };
    let world = World::new(runner);
    let merge_request = MERGE_REQUEST;
    world.respond(&[("/user", r#"{"id":3,"username":"project_1217_bot"}"#)]);
    let (first, calls) = world.run_passing_job("tether-plan", merge_request);
    let names = commands(&calls);
    let notes = "https://gitlab.example.com/api/v4/projects/1217/merge_requests/7/notes";
    assert_eq!(
        names,
        [
            "GET https://gitlab.example.com/api/v4/user".to_owned(),
            format!("GET {notes}?per_page=100&sort=asc&page=1"),
            format!("POST {notes}"),
        ],
        "{}",
        first.log
    );
    let body = calls[2].1.as_deref().expect("note body");
    crate::common::assert_starts_with(body, "<!-- tether-plan -->");
    crate::common::assert_contains(body, "DATADOG");

    world.respond(&[
        ("/user", r#"{"id":3,"username":"project_1217_bot"}"#),
        (
            "/notes",
            r#"[{"id":88,"type":null,"body":"<!-- tether-plan -->\nold","author":{"id":3,"username":"project_1217_bot"}}]"#,
        ),
    ]);
    let (_, calls) = world.run_passing_job("tether-plan", merge_request);
    assert_eq!(
        calls.last().map(|c| c.0.as_str()),
        Some(&*format!("PUT {notes}/88"))
    );
}

/// A busy merge request: tether's note is on the second page of notes; it is
/// found there and updated, not posted again.
#[test]
fn gitlab_plan_finds_its_note_past_the_first_page() {
    let Some(runner) = gitlab_ci_local() else {
        return;
    };
    let world = World::new(runner);
    let notes = "https://gitlab.example.com/api/v4/projects/1217/merge_requests/7/notes";
    let others: Vec<String> = (1..=100)
        .map(|i| {
            format!(
                r#"{{"id":{i},"type":null,"body":"lgtm","author":{{"id":9,"username":"dev"}}}}"#
            )
        })
        .collect();
    let first_page = format!("[{}]", others.join(","));
    world.respond(&[
        ("/user", r#"{"id":3,"username":"project_1217_bot"}"#),
        (
            "&page=2",
            r#"[{"id":188,"type":null,"body":"<!-- tether-plan -->\nold","author":{"id":3,"username":"project_1217_bot"}}]"#,
        ),
        ("&page=1", &first_page),
    ]);
    let (run, calls) = world.run_passing_job("tether-plan", MERGE_REQUEST);
    let names = commands(&calls);
    assert_eq!(
        names[1..],
        [
            format!("GET {notes}?per_page=100&sort=asc&page=1"),
            format!("GET {notes}?per_page=100&sort=asc&page=2"),
            format!("PUT {notes}/188"),
        ],
        "{}",
        run.log
    );
}

/// Merge to the default branch with merged results pipelines: the plan is
/// taken from the ref of the merge request's latest pipeline
/// (`refs/merge-requests/7/merge`), applied, and the branch then plans to no
/// change.
#[test]
fn gitlab_apply_takes_the_plan_of_a_merged_results_pipeline() {
    let Some(runner) = gitlab_ci_local() else {
        return;
    };
    let world = World::new(runner);
    let planned = crate::recipe_runs::tether_as(
        world.repo.path(),
        &world.sim,
        (READ_ID, READ_SECRET),
        &["plan", "--no-progress", "--out", "reviewed.json"],
    );
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    let saved = std::fs::read_to_string(world.repo.path().join("reviewed.json")).expect("plan");
    std::fs::remove_file(world.repo.path().join("reviewed.json")).expect("not in the checkout");
    let saved: serde_json::Value = serde_json::from_str(&saved).expect("JSON");
    let api = "https://gitlab.example.com/api/v4/projects/1217";
    world.respond(&[
        ("/merge_requests?state=merged", r#"[{"id":900,"iid":7,"project_id":1217}]"#),
        (
            "/merge_requests/7/pipelines",
            r#"[{"id":55,"iid":3,"project_id":1217,"sha":"abc","ref":"refs/merge-requests/7/merge","status":"success"},{"id":54,"iid":2,"project_id":1217,"sha":"abd","ref":"refs/merge-requests/7/head","status":"success"}]"#,
        ),
        ("/raw/plan.json", &saved.to_string()),
    ]);
    let push: &[(&str, &str)] = &[
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_COMMIT_BRANCH", "main"),
        ("CI_DEFAULT_BRANCH", "main"),
    ];
    let (run, calls) = world.run_passing_job("tether-apply", push);
    let names = commands(&calls);
    assert!(
        names.contains(&&*format!("GET {api}/merge_requests/7/pipelines"))
            && names.contains(&&*format!(
                "GET {api}/jobs/artifacts/refs%2Fmerge-requests%2F7%2Fmerge/raw/plan.json?job=tether-plan"
            )),
        "{names:#?}\n{}",
        run.log
    );
    assert!(
        world
            .sim
            .snapshot()
            .projects
            .iter()
            .any(|p| p.integrations.contains_key("DATADOG")),
        "the reviewed plan was applied"
    );
}
