//! `tether whoami`: which credentials, from where, which Atlas, and whether
//! it accepts them; never a secret.

use std::path::Path;

use tether::sim::SimHandle;

use crate::common::{Run, Sim, tether_against};

const SECRET: &str = "mdb_sa_sk_read_only_secret_value";

/// `tether ARGS` in `dir` against `sim`, as the recipes' read-only service
/// account with `secret`.
fn as_read_only_account(dir: &Path, sim: &SimHandle, args: &[&str], secret: &str) -> Run {
    let env = [
        ("MONGODB_ATLAS_CLIENT_ID", "mdb_sa_id_read_only"),
        ("MONGODB_ATLAS_CLIENT_SECRET", secret),
    ];
    tether_against(dir, sim, args, &env)
}

#[test]
fn whoami_names_the_credentials_and_proves_them_with_one_read() {
    let sim = Sim::builder().state_fixture("recipes/state.yaml").start();
    let dir = tempfile::tempdir().expect("tempdir");
    let accepted = as_read_only_account(dir.path(), &sim, &["whoami", "--api", "v2"], SECRET);
    assert_eq!(accepted.code, 0, "{}", accepted.transcript());
    let out = &accepted.stdout;
    crate::common::assert_contains(
        out,
        "Credentials: a service account, from `MONGODB_ATLAS_CLIENT_ID` and \
             `MONGODB_ATLAS_CLIENT_SECRET`",
    );
    crate::common::assert_contains(out, "(from `MONGODB_ATLAS_BASE_URL`), API v2");
    crate::common::assert_contains(out, "Accepted:    yes; 1 project visible");
    assert!(!accepted.all_output().contains(SECRET));
    let reads = sim.counters().reads();
    assert!(reads <= 2, "a token and one read: {reads}");

    let wrong = "a-wrong-secret-value-0000";
    let refused = as_read_only_account(dir.path(), &sim, &["whoami"], wrong);
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    crate::common::assert_contains(&refused.stdout, "Credentials: a service account");
    crate::common::assert_lacks(&refused.stdout, "Accepted");
    assert!(!refused.all_output().contains(wrong));
}

#[test]
fn a_base_url_with_credentials_is_refused_not_shown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = crate::common::tether(
        dir.path(),
        &[
            "whoami",
            "--base-url",
            "https://admin:hunter2-base@cloud.example.com",
        ],
        &[],
    );
    crate::common::assert_exit_saying(&run, 1, &["must not hold credentials"]);
    crate::common::assert_lacks(&run.all_output(), "hunter2-base");
}

/// With a service account, a project Atlas does not show is one the
/// service account cannot see: no message speaks of an API key.
#[test]
fn a_project_not_found_names_the_service_account_not_an_api_key() {
    let sim = Sim::builder().state_fixture("recipes/state.yaml").start();
    let dir = crate::common::folder_with(
        "version: 1\nprojects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0ff\n  - name: no-such-project\n",
    );
    let run = as_read_only_account(dir.path(), &sim, &["plan"], SECRET);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let output = run.all_output();
    crate::common::assert_contains(&output, "or the service account cannot see it");
    assert!(!output.contains("API key"), "{}", run.transcript());
    assert!(!output.contains("the key"), "{}", run.transcript());
    assert!(!output.contains(SECRET));
}
