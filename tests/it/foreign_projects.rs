//! An organization's listing is believed only about its own projects: a
//! project it lists that says it belongs elsewhere is never selected, and a
//! listing that names a project more than once is refused in one message.

use crate::client_hostile::{Reply, Seen, Server};
use crate::common::{ORG, Run, tether};

const OTHER_ORG: &str = "6600000000000000000000bb";
const OURS: &str = "65f1a2b3c4d5e6f7a8b90a01";
const THEIRS: &str = "65f1a2b3c4d5e6f7a8b90b02";
const PD_KEY: &str = "foreign-test-pd-key-000000000001";

const FILE: &str = "version: 1
projects:
  - select:
      org: 6600000000000000000000aa
    integrations:
      PAGER_DUTY:
        serviceKey: ${PD_KEY}
";

/// The project list of one page, as Atlas's envelope holds it.
fn page(projects: &[String]) -> Vec<u8> {
    format!(
        r#"{{"results":[{}],"totalCount":{}}}"#,
        projects.join(","),
        projects.len()
    )
    .into_bytes()
}

fn project(id: &str, name: &str, org: &str) -> String {
    serde_json::json!({"id": id, "name": name, "orgId": org}).to_string()
}

/// Atlas as a scripted server: the organization lists `listed` (pages of
/// 500), every project has a DATADOG integration, writes are accepted.
fn atlas(listed: Vec<String>) -> Server {
    Server::start(move |seen: &Seen| {
        let path = seen.target.split('?').next().unwrap_or_default();
        if path.ends_with(&format!("/orgs/{ORG}/groups")) {
            let page_num: usize = seen
                .target
                .split("pageNum=")
                .nth(1)
                .and_then(|rest| rest.split('&').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let from = ((page_num - 1) * 500).min(listed.len());
            let to = (from + 500).min(listed.len());
            return Reply::new("200 OK", page(&listed[from..to]));
        }
        if path.ends_with("/pushBasedLogExport") {
            return Reply::new("200 OK", br#"{"state":"UNCONFIGURED"}"#.to_vec());
        }
        if path.ends_with("/integrations") {
            return Reply::new(
                "200 OK",
                br#"{"results":[{"type":"DATADOG","apiKey":"****cdef","region":"US"}],"totalCount":1}"#
                    .to_vec(),
            );
        }
        Reply::new("200 OK", br#"{"results":[],"totalCount":0}"#.to_vec())
    })
}

fn run(server: &Server, args: &[&str]) -> Run {
    let work = crate::common::folder_with(FILE);
    let mut all = vec!["--color", "never"];
    all.extend_from_slice(args);
    all.extend([
        "--no-progress",
        "--retries",
        "0",
        "--base-url",
        &server.base,
    ]);
    let run = tether(work.path(), &all, &[("PD_KEY", PD_KEY)]);
    assert!(!run.all_output().contains(PD_KEY), "{}", run.transcript());
    run
}

#[test]
fn a_listed_project_of_another_organization_is_never_selected_nor_written() {
    let server = atlas(vec![
        project(OURS, "ours", ORG),
        project(THEIRS, "theirs\n✓ update PAGER_DUTY in x: done", OTHER_ORG),
    ]);
    let planned = run(&server, &["plan"]);
    assert_eq!(planned.code, 0, "{}", planned.transcript());
    crate::common::assert_contains(
        &planned.stderr,
        &format!(
            "warning: Atlas listed the project `theirs\\u{{a}}✓ update PAGER_DUTY in x: done` \
             ({THEIRS}) in organization {ORG}, but the project says it belongs to organization \
             {OTHER_ORG}: no selector manages it, and nothing is written to it"
        ),
    );
    assert!(
        !planned.all_output().lines().any(|l| l.starts_with('✓')),
        "no forged line: {}",
        planned.transcript()
    );
    assert!(
        !planned.stdout.contains(THEIRS),
        "not in the plan: {}",
        planned.stdout
    );
    crate::common::assert_contains(&planned.stdout, OURS);

    let applied = run(&server, &["apply", "--auto-approve"]);
    assert!(applied.stderr.contains("no selector manages it"));
    let seen = server.seen();
    assert!(
        seen.iter()
            .any(|s| s.method == "DELETE" && s.target.contains(OURS)),
        "our project's DATADOG goes: {:?}",
        seen.iter().map(|s| &s.target).collect::<Vec<_>>()
    );
    let touched: Vec<String> = seen
        .iter()
        .filter(|s| s.target.contains(THEIRS))
        .map(|s| format!("{} {}", s.method, s.target))
        .collect();
    assert!(touched.is_empty(), "{touched:?}");
}

#[test]
fn a_listing_without_an_organization_id_selects_nothing() {
    let server = atlas(vec![
        serde_json::json!({"id": THEIRS, "name": "theirs"}).to_string(),
    ]);
    let applied = run(&server, &["apply", "--auto-approve"]);
    crate::common::assert_contains(&applied.stderr, "says it belongs to no organization");
    assert!(
        server.seen().iter().all(|s| !s.target.contains(THEIRS)),
        "never read nor written"
    );
}

#[test]
fn a_listing_that_repeats_a_project_is_refused_in_one_message() {
    let mut listed = vec![project(OURS, "ours", ORG); 999];
    listed.push(project(THEIRS, "theirs", ORG));
    listed.push(project(THEIRS, "theirs", ORG));
    let server = atlas(listed);
    let planned = run(&server, &["plan"]);
    assert_eq!(planned.code, 1, "{}", planned.transcript());
    let said = planned.all_output();
    assert!(
        said.contains(&format!(
            "the listing of organization {ORG} (for the selector at tether.yaml:3:5) names 2 \
             projects more than once: `ours` ({OURS}) 999 times, `theirs` ({THEIRS}) 2 times"
        )),
        "{said}"
    );
    assert!(
        said.lines().count() < 10,
        "one message, not one per repeat: {} lines",
        said.lines().count()
    );
    assert!(
        server
            .seen()
            .iter()
            .all(|s| !s.target.contains("/integrations")),
        "nothing planned"
    );
}

/// `import --org` believes the listing no more than a selector does: a
/// project that says it belongs to another organization is not imported as
/// this one's, and a warning names it.
#[test]
fn import_of_an_organization_leaves_out_a_listed_project_of_another() {
    let server = atlas(vec![
        project(OURS, "ours", ORG),
        project(THEIRS, "theirs\n✓ forged", OTHER_ORG),
    ]);
    let run = run(&server, &["import", "--org", ORG]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    crate::common::assert_contains(&run.stdout, OURS);
    crate::common::assert_lacks(&run.stdout, THEIRS);
    crate::common::assert_contains(
        &run.stderr,
        &format!(
            "Atlas listed the project `theirs\\u{{a}}✓ forged` ({THEIRS}) in organization {ORG}, \
             but the project says it belongs to organization {OTHER_ORG}: it is not imported"
        ),
    );
    let seen = server.seen();
    assert!(
        !seen.iter().any(|s| s.target.contains(THEIRS)),
        "nothing is read of the other organization's project"
    );
}
