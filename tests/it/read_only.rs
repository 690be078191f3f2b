//! Apply with credentials that cannot write (issue 26): Atlas's first 403
//! to a write of a project says so for that project (Atlas grants roles per
//! project), so apply starts no other write there, says once that the
//! credentials cannot write, and does not suggest running again as if the
//! failure would pass.

use tether::sim::Role;

use crate::common::{Sim, tether_against};

const READ_ID: &str = "mdb_sa_id_read_only";
const READ_SECRET: &str = "mdb_sa_sk_read_only_secret_value";
const PD_KEY: &str = "read-only-test-pd-key-0000000042";

#[test]
fn read_only_credentials_fail_one_write_of_a_project_and_start_no_other_there() {
    let ids: Vec<String> = (1..=1)
        .map(|n| format!("65f1a2b3c4d5e6f7a8b9c0{n:02}"))
        .collect();
    let mut state = String::from("projects:\n");
    for (n, id) in ids.iter().enumerate() {
        state.push_str(&format!(
            "  - id: {id}\n    name: p{n}\n    orgId: 6600000000000000000000aa\n    integrations: {{}}\n"
        ));
    }
    let sim = Sim::builder()
        .state_yaml(&state)
        .auth_required()
        .service_account(READ_ID, READ_SECRET, Role::ReadOnly)
        .start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut file = String::from(
        "version: 1\ndefaults:\n  integrations:\n    PAGER_DUTY:\n      serviceKey: ${PD_KEY}\n    \
         DATADOG:\n      apiKey: ${DD_KEY}\n    WEBHOOK:\n      url: https://hooks.example.com/x\n\
         projects:\n",
    );
    for id in &ids {
        file.push_str(&format!("  - id: {id}\n"));
    }
    std::fs::write(dir.path().join("tether.yaml"), file).expect("write the file");

    let run = tether_against(
        dir.path(),
        &sim,
        &[
            "apply",
            "--auto-approve",
            "--concurrency",
            "1",
            "--no-progress",
        ],
        &[
            ("PD_KEY", PD_KEY),
            ("DD_KEY", "0123456789abcdef0123456789abcdef"),
            ("MONGODB_ATLAS_CLIENT_ID", READ_ID),
            ("MONGODB_ATLAS_CLIENT_SECRET", READ_SECRET),
        ],
    );
    assert_eq!(run.code, 3, "{}", run.transcript());
    for secret in [PD_KEY, READ_SECRET] {
        assert!(!run.all_output().contains(secret), "{}", run.transcript());
    }
    let counts = sim.counters();
    assert_eq!(
        counts.writes() - counts.get("POST", "/api/oauth/token"),
        1,
        "one write tried: {counts:?}"
    );
    assert_eq!(counts.status(403), 1, "{counts:?}");
    assert_eq!(
        run.stdout
            .matches("not started: the credentials cannot write to this project")
            .count(),
        2,
        "{}",
        run.stdout
    );
    crate::common::assert_contains(
        &run.stdout,
        "The credentials cannot write to some projects (Atlas answered 403",
    );
    crate::common::assert_lacks(&run.stdout, "Run `tether apply` again to finish");
}
