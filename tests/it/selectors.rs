//! `select` entries: projects managed without being listed. The simulator's
//! counters judge the cost: one organization listing, then one GET-all per
//! selected project.

use crate::common::{ORG, Run, Sim, tether, tether_against};

const OTHER_ORG: &str = "6600000000000000000000bb";
const KEY: &str = "selector-pd-key-0000000000000001";
const LIST_ORG: &str = "/api/atlas/v2/orgs/{orgId}/groups";
const GET_ALL: &str = "/api/atlas/v2/groups/{groupId}/integrations";

fn project(id: u32, name: &str, org: &str, tags: &str) -> String {
    format!("  - id: 65f1a2b3c4d5e6f7a8b9{id:04x}\n    name: {name}\n    orgId: {org}\n{tags}")
}

fn state(projects: &[String]) -> tether::sim::StateFile {
    tether::sim::StateFile::parse(&format!("projects:\n{}", projects.concat())).expect("state")
}

fn sim_of(projects: &[String]) -> tether::sim::SimHandle {
    Sim::builder().state(state(projects)).start()
}

/// `payments-prod` and `search-prod`, both of `ORG`.
fn two_prod_projects() -> tether::sim::SimHandle {
    sim_of(&[
        project(1, "payments-prod", ORG, ""),
        project(2, "search-prod", ORG, ""),
    ])
}

const FILE: &str = "version: 1
projects:
  - select:
      org: 6600000000000000000000aa
      name: \"*-prod\"
      exclude: [\"legacy-*\"]
    integrations:
      PAGER_DUTY:
        serviceKey: ${PD_KEY}
  - id: 65f1a2b3c4d5e6f7a8b90001
    mode: observe
";

fn run(sim: &tether::sim::SimHandle, dir: &std::path::Path, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend(["--api", "v2"]);
    tether_against(dir, sim, &all, &[("PD_KEY", KEY)])
}

fn work(file: &str) -> tempfile::TempDir {
    crate::common::folder_with(file)
}

/// A project created tomorrow that matches is managed by the next plan,
/// with no edit to the file; an explicit entry wins for its project; what
/// no entry manages is listed for information and never touched.
#[test]
fn selectors_pick_up_new_projects_and_explicit_entries_win() {
    let today = vec![
        project(1, "payments-prod", ORG, ""),
        project(2, "search-prod", ORG, ""),
        project(3, "search-dev", ORG, ""),
        project(4, "legacy-prod", ORG, ""),
        project(5, "elsewhere-prod", OTHER_ORG, ""),
    ];
    let sim = sim_of(&today);
    let work = work(FILE);
    let planned = run(&sim, work.path(), &["plan"]);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    let out = &planned.stdout;
    crate::common::assert_contains(
        out,
        "search-prod (65f1a2b3c4d5e6f7a8b90002) · authoritative · selected by tether.yaml:3:5",
    );
    assert!(
        out.contains("Plan: 1 to create"),
        "the explicit entry observes: {out}"
    );
    assert!(
        out.contains("65f1a2b3c4d5e6f7a8b90001 · observe"),
        "the explicit entry wins: {out}"
    );
    crate::common::assert_contains(
        out,
        "Not managed by any entry (for information): search-dev (65f1a2b3c4d5e6f7a8b90003), legacy-prod (65f1a2b3c4d5e6f7a8b90004)",
    );
    assert!(
        !out.contains("elsewhere-prod"),
        "another organization: {out}"
    );
    let counts = sim.counters();
    assert_eq!(counts.get("GET", LIST_ORG), 1, "{counts:?}");
    assert_eq!(
        counts.get("GET", GET_ALL),
        2,
        "the selected and the named: {counts:?}"
    );
    assert_eq!(
        counts.get("GET", "/api/atlas/v2/groups/{groupId}/events"),
        1,
        "who changed the one project that differs: {counts:?}"
    );
    assert_eq!(counts.total(), 4, "{counts:?}");

    let applied = run(&sim, work.path(), &["apply", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    assert_eq!(
        sim.snapshot()
            .stored("65f1a2b3c4d5e6f7a8b90002", "PAGER_DUTY", "serviceKey"),
        Some(KEY),
        "the selected project got the integration"
    );

    // Tomorrow: a new project matches; the same file manages it.
    let mut tomorrow = sim.snapshot();
    drop(sim);
    tomorrow
        .projects
        .extend(state(&[project(6, "checkout-prod", ORG, "")]).projects);
    let sim = Sim::builder().state(tomorrow).start();
    let drift = run(&sim, work.path(), &["drift"]);
    assert_eq!(drift.code, 2, "{}", drift.transcript());
    crate::common::assert_contains(
        &drift.stdout,
        "checkout-prod (65f1a2b3c4d5e6f7a8b90006) · authoritative · selected by tether.yaml:3:5",
    );
    assert!(!drift.all_output().contains(KEY));
}

#[test]
fn tags_select_on_v2_and_are_refused_on_v1_before_any_request() {
    let tagged = "    tags:\n      - key: env\n        value: prod\n";
    let sim = sim_of(&[project(1, "a", ORG, tagged), project(2, "b", ORG, "")]);
    let file = "version: 1
projects:
  - select:
      org: 6600000000000000000000aa
      tags: {env: prod}
    integrations:
      PAGER_DUTY:
        serviceKey: ${PD_KEY}
";
    let work = work(file);
    let planned = run(&sim, work.path(), &["plan", "--output", "json"]);
    let plan = crate::common::json_output(&planned, 0);
    assert_eq!(plan["projects"].as_array().map(Vec::len), Some(1));
    assert_eq!(plan["projects"][0]["name"], "a");
    assert_eq!(plan["projects"][0]["selected_by"], "tether.yaml:3:5");
    assert_eq!(
        plan["unmanaged_projects"][0],
        "b (65f1a2b3c4d5e6f7a8b90002)"
    );

    sim.reset_counters();
    let v1 = tether_against(
        work.path(),
        &sim,
        &["plan", "--api", "v1"],
        &[("PD_KEY", KEY)],
    );
    crate::common::assert_exit_saying(&v1, 1, &["which the v1.0 API does not list"]);
    assert_eq!(sim.counters().total(), 0);
}

#[test]
fn an_organization_that_cannot_be_listed_fails_and_an_empty_selector_warns() {
    let sim = sim_of(&[project(1, "a-dev", ORG, "")]);
    let unknown = work("version: 1\nprojects:\n  - select:\n      org: 6600000000000000000000cc\n");
    let failed = run(&sim, unknown.path(), &["plan"]);
    crate::common::assert_exit_saying(
        &failed,
        1,
        &[
            "the organization 6600000000000000000000cc of the selector at tether.yaml:3:5 cannot be listed",
        ],
    );
    let empty = work(
        "version: 1\nprojects:\n  - select:\n      org: 6600000000000000000000aa\n      name: \"*-prod\"\n",
    );
    let warned = run(&sim, empty.path(), &["plan"]);
    crate::common::assert_exit_saying(
        &warned,
        0,
        &["the selector at tether.yaml:3:5 matches no project"],
    );
    crate::common::assert_lacks(&warned.stderr, "did you mean");
}

/// A selector whose name glob is a typo of a listed project's name says
/// which one it likely meant, from the listing already fetched.
#[test]
fn a_selector_that_matches_nothing_suggests_the_name_it_likely_meant() {
    let sim = two_prod_projects();
    for glob in ["paymnets-*", "paymnets-prod"] {
        let typo = work(&format!(
            "version: 1\nprojects:\n  - select:\n      org: {ORG}\n      name: \"{glob}\"\n"
        ));
        let warned = run(&sim, typo.path(), &["plan"]);
        assert_eq!(warned.code, 0, "{}", warned.transcript());
        assert!(
            warned.stderr.contains(
                "matches no project of organization 6600000000000000000000aa that another entry \
                 does not manage; did you mean `payments-prod`?"
            ),
            "{glob}: {}",
            warned.stderr
        );
    }
}

/// A misspelled project name gets "did you mean" from the listing of an
/// organization a selector already fetched.
#[test]
fn a_misspelled_project_name_suggests_one_a_selector_listed() {
    let sim = two_prod_projects();
    let typo = work(&format!(
        "version: 1\nprojects:\n  - name: paymnets-prod\n  - select:\n      org: {ORG}\n      \
         name: \"search-*\"\n"
    ));
    let planned = run(&sim, typo.path(), &["plan"]);
    assert_eq!(planned.code, 1, "{}", planned.transcript());
    crate::common::assert_contains(
        &planned.stdout,
        "did you mean `payments-prod`? (a project of an organization a selector lists)",
    );
}

#[test]
fn validate_checks_selectors_offline() {
    let work = work(
        "version: 1
projects:
  - select:
      name: \"a[bc]\"
      tags: {env: [prod]}
      exclude: sandbox
  - select:
      org: not-an-org
  - id: 65f1a2b3c4d5e6f7a8b90001
    select:
      org: 6600000000000000000000aa
",
    );
    let run = tether(work.path(), &["validate", "--color", "never"], &[]);
    crate::common::assert_exit_saying(
        &run,
        1,
        &[
            "`select` has no `org`",
            "`select.name` has `[`, which tether's globs do not use",
            "the tag `env` must be a string, not a list",
            "`select.exclude` must be a list of globs",
            "`select.org` is not an organization id",
            "an entry names a project or selects projects, not both",
        ],
    );
    let fine = tether(
        crate::common::repo_root().as_path(),
        &["validate", "-f", "/dev/null"],
        &[],
    );
    assert_eq!(fine.code, 1, "an empty file is still not valid");
}

/// One name in two organizations: an entry with an id claims that project
/// only, so a selector of the other organization still manages the
/// project of the same name there.
#[test]
fn an_entry_with_an_id_does_not_claim_a_project_of_the_same_name_in_another_organization() {
    let sim = sim_of(&[
        project(1, "api-prod", ORG, ""),
        project(7, "api-prod", OTHER_ORG, ""),
    ]);
    let file = "version: 1
projects:
  - id: 65f1a2b3c4d5e6f7a8b90001
    name: api-prod
    mode: observe
  - select:
      org: 6600000000000000000000bb
      name: \"api-*\"
    integrations:
      PAGER_DUTY:
        serviceKey: ${PD_KEY}
";
    let work = work(file);
    let planned = run(&sim, work.path(), &["plan"]);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    crate::common::assert_contains(
        &planned.stdout,
        "api-prod (65f1a2b3c4d5e6f7a8b90007) · authoritative · selected by tether.yaml:6:5",
    );
    crate::common::assert_contains(&planned.stdout, "Plan: 1 to create");
}
