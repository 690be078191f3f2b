//! `tether prometheus PROJECT`: Atlas's HTTP service discovery as a
//! Prometheus scrape configuration, on the Atlas in use, with no password.

use tether::sim::SimHandle;

use crate::common::{Run, Sim, tether_against};

const PASSWORD: &str = "seeded-prometheus-password";
const STAGING: &str = "65f1a2b3c4d5e6f7a8b9c0d2";

fn prometheus(sim: &SimHandle, args: &[&str]) -> Run {
    let work = tempfile::tempdir().expect("tempdir");
    let mut all = vec!["prometheus"];
    all.extend_from_slice(args);
    let run = tether_against(work.path(), sim, &all, &[]);
    assert!(!run.all_output().contains(PASSWORD), "{}", run.transcript());
    run
}

fn parsed(run: &Run) -> serde_json::Value {
    serde_saphyr::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}:\n{}", run.stdout))
}

#[test]
fn prints_the_discovery_config_on_v1_and_v2_alike() {
    let sim = Sim::builder().state_fixture("loop/state.yaml").start();
    let expected = format!(
        "{}/prometheus/v1.0/groups/{STAGING}/discovery",
        sim.base_url().trim_end_matches('/')
    );
    for api in ["v1", "v2"] {
        let run = prometheus(&sim, &["payments-staging", "--api", api]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        let job = &parsed(&run)["scrape_configs"][0];
        assert_eq!(job["job_name"], "payments-staging-mongo-metrics", "{api}");
        assert_eq!(job["scheme"], "https");
        assert_eq!(job["basic_auth"]["username"], "prom");
        let sd = &job["http_sd_configs"][0];
        assert_eq!(sd["url"], expected.as_str(), "{api}");
        assert_eq!(sd["basic_auth"]["username"], "prom");
        assert!(sd["basic_auth"]["password_file"].is_string());
        assert!(sd["basic_auth"].get("password").is_none());
    }
}

#[test]
fn the_host_is_the_base_url_s_and_a_base_url_with_credentials_is_refused() {
    let sim = Sim::builder().state_fixture("loop/state.yaml").start();
    let origin = sim.base_url().trim_end_matches('/').to_owned();
    let run = prometheus(
        &sim,
        &[STAGING, "--api", "v2", "--base-url", &format!("{origin}/")],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    crate::common::assert_contains(
        &run.stdout,
        &format!("\"{origin}/prometheus/v1.0/groups/{STAGING}/discovery\""),
    );
    let refused = prometheus(
        &sim,
        &[
            STAGING,
            "--api",
            "v2",
            "--base-url",
            "https://user:pw@cloud.mongodb.com",
        ],
    );
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    assert!(!refused.all_output().contains("user:pw"));
}

#[test]
fn a_project_without_prometheus_is_named_and_none_at_all_fails() {
    let sim = Sim::builder().state_fixture("loop/state.yaml").start();
    let run = prometheus(&sim, &["payments-prod", "payments-staging", "--api", "v1"]);
    crate::common::assert_exit_saying(&run, 0, &["payments-prod"]);
    assert_eq!(
        parsed(&run)["scrape_configs"].as_array().map(Vec::len),
        Some(1)
    );
    let none = prometheus(&sim, &["payments-prod", "--api", "v1"]);
    crate::common::assert_exit_saying(&none, 1, &["`PROMETHEUS`"]);
}

#[test]
fn import_prints_it_for_the_prometheus_integrations_it_imports() {
    let sim = Sim::builder().state_fixture("loop/state.yaml").start();
    let work = tempfile::tempdir().expect("tempdir");
    let tether = |args: &[&str]| tether_against(work.path(), &sim, args, &[]);
    let run = tether(&[
        "import",
        "--api",
        "v1",
        "--project",
        "payments-staging",
        "--project",
        "payments-prod",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(!run.all_output().contains(PASSWORD));
    let (_, config) = run
        .stderr
        .split_once("prints it again):\n")
        .unwrap_or_else(|| panic!("{}", run.stderr));
    let parsed: serde_json::Value = serde_saphyr::from_str(config).expect(config);
    assert_eq!(parsed["scrape_configs"].as_array().map(Vec::len), Some(1));
    let quiet = tether(&[
        "import",
        "-q",
        "--api",
        "v1",
        "--project",
        "payments-staging",
    ]);
    crate::common::assert_lacks(&quiet.stderr, "scrape_configs");
}
