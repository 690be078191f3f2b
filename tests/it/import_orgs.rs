//! `tether import` of many organizations: `--org` repeatable, `--all-orgs`,
//! each value checked before it reaches a URL, and `-o DIR` writing one file
//! per organization that together validate and plan to no change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use tether::sim::{SimHandle, StateFile};

use crate::common::{Run, assert_no_change, tether_with_vars as run};

/// `import ARGS` in a new folder against a simulator holding [`fleet`].
fn import_fleet(args: &[&str]) -> (SimHandle, tempfile::TempDir, Run) {
    let sim = crate::common::Sim::builder().state(fleet()).start();
    let work = tempfile::tempdir().expect("tempdir");
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let imported = run(work.path(), &sim, &all, &[]);
    (sim, work, imported)
}

const ORG_A: &str = "6600000000000000000000a1";
const ORG_B: &str = "6600000000000000000000b2";
const ORG_C: &str = "6600000000000000000000c3";

/// The secrets the simulator holds: type, field, value. Every value ends in
/// its own four characters, so a mask names one of them.
const SECRETS: &[(&str, &str, &str)] = &[
    (
        "PAGER_DUTY",
        "serviceKey",
        "org-a-shared-pagerduty-key-8237",
    ),
    ("PAGER_DUTY", "serviceKey", "org-a-own-pagerduty-key-00a9f1"),
    (
        "PAGER_DUTY",
        "serviceKey",
        "org-b-shared-pagerduty-key-51cd",
    ),
    (
        "PAGER_DUTY",
        "serviceKey",
        "org-c-shared-pagerduty-key-efdf",
    ),
    ("DATADOG", "apiKey", "0123456789abcdef0123456789ab0ea1"),
    ("DATADOG", "apiKey", "0123456789abcdef0123456789ab0ab2"),
    ("DATADOG", "apiKey", "0123456789abcdef0123456789ab0ea3"),
];

fn pd(n: usize) -> String {
    format!("      PAGER_DUTY: {{serviceKey: {}}}\n", SECRETS[n].2)
}

fn dd(n: usize, region: &str) -> String {
    format!(
        "      DATADOG: {{apiKey: {}, region: {region}}}\n",
        SECRETS[n].2
    )
}

/// Three organizations: in A two projects share a PagerDuty key and a
/// Datadog EU key, a third has a key of its own; in B two share another
/// PagerDuty key and Datadog US; in C every project is alike (a third key).
fn fleet() -> StateFile {
    // Ids `65f1a2b3c4d5e6f7a8b9` and the last four digits given here.
    let projects: [(&str, &str, &str, String); 9] = [
        ("a001", "a-api", ORG_A, pd(0) + &dd(4, "EU")),
        ("a002", "a-web", ORG_A, pd(0) + &dd(4, "EU")),
        ("a003", "a-jobs", ORG_A, pd(1)),
        ("b001", "b-api", ORG_B, pd(2) + &dd(5, "US")),
        ("b002", "b-web", ORG_B, pd(2) + &dd(5, "US")),
        ("b003", "b-batch", ORG_B, dd(6, "EU")),
        ("c001", "c-api", ORG_C, pd(3)),
        ("c002", "c-web", ORG_C, pd(3)),
        ("c003", "c-ml", ORG_C, pd(3)),
    ];
    let mut text = String::from("projects:\n");
    for (id, name, org, integrations) in projects {
        text.push_str(&format!(
            "  - id: 65f1a2b3c4d5e6f7a8b9{id}\n    name: {name}\n    orgId: {org}\n    integrations:\n{integrations}"
        ));
    }
    StateFile::parse(&text).expect("state")
}

/// The variables import listed on stderr, each set to the one secret of
/// its type and field whose mask is the one Atlas showed.
fn variables(stderr: &str) -> Vec<(String, String)> {
    stderr
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  "))
        .map(|line| {
            let name = line.split_whitespace().next().expect("a name").to_owned();
            let (place, hint) = line.rsplit_once(": Atlas shows ").expect("a mask");
            let field_ref = place.split_whitespace().last().expect("TYPE.field");
            let (kind, field) = field_ref.split_once('.').expect("TYPE.field");
            let matching: Vec<&str> = SECRETS
                .iter()
                .filter(|(k, f, value)| {
                    *k == kind && *f == field && tether::secret::mask(value) == hint
                })
                .map(|(_, _, value)| *value)
                .collect();
            assert_eq!(matching.len(), 1, "{line}");
            (name, matching[0].to_owned())
        })
        .collect()
}

/// Every `${NAME}` in `text` with the mask its comment says Atlas shows.
fn uses(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let (_, rest) = line.split_once("${")?;
            let (name, rest) = rest.split_once('}')?;
            let mask = rest.split_once("# Atlas shows ")?.1.trim();
            Some((name.to_owned(), mask.to_owned()))
        })
        .collect()
}

fn yaml_files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .expect("the directory")
        .map(|entry| {
            let path = entry.expect("an entry").path();
            let name = path
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&path).expect("a file"))
        })
        .collect()
}

/// The Done-when of issue 26: three organizations into a directory with
/// `--factor`; it validates, plans to no change with the variables set, no
/// variable names two different masks, and template names say what they
/// hold and are unique across the files.
#[test]
fn three_organizations_import_into_a_directory_that_plans_to_zero() {
    let (sim, work, imported) = import_fleet(&["--all-orgs", "--factor", "-o", "orgs/"]);
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    let files = yaml_files(&work.path().join("orgs"));
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            format!("{ORG_A}.yaml"),
            format!("{ORG_B}.yaml"),
            format!("{ORG_C}.yaml")
        ]
    );
    let all: String = files.values().cloned().collect();
    for (_, _, secret) in SECRETS {
        assert!(!all.contains(secret), "a secret was written:\n{all}");
        assert!(!imported.all_output().contains(secret));
    }

    let mut masks: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, mask) in uses(&all) {
        masks.entry(name).or_default().insert(mask);
    }
    assert!(masks.len() >= 6, "{all}");
    for (name, seen) in &masks {
        assert_eq!(seen.len(), 1, "`{name}` names different secrets:\n{all}");
    }

    let mut templates: Vec<String> = Vec::new();
    for text in files.values() {
        let Some(section) = text.split("\ntemplates:\n").nth(1) else {
            continue;
        };
        templates.extend(
            section
                .lines()
                .take_while(|l| l.starts_with("  ") || l.is_empty())
                .filter(|l| !l.starts_with("   ") && l.ends_with(':'))
                .map(|l| l.trim().trim_end_matches(':').to_owned()),
        );
    }
    let unique: BTreeSet<&String> = templates.iter().collect();
    assert_eq!(unique.len(), templates.len(), "{templates:?}\n{all}");
    assert!(
        templates.contains(&"datadog-eu".to_owned()),
        "{templates:?}"
    );
    assert!(
        templates.contains(&"datadog-us".to_owned()),
        "{templates:?}"
    );
    for name in [
        "pager-duty-us-8237",
        "pager-duty-us-51cd",
        "pager-duty-us-efdf",
    ] {
        assert!(templates.contains(&name.to_owned()), "{templates:?}\n{all}");
    }
    assert!(
        files[&format!("{ORG_C}.yaml")].contains(&format!(
            "  - select:\n      org: {ORG_C}\n    use: [pager-duty-us-efdf]\n"
        )),
        "{all}"
    );

    let env = variables(&imported.stderr);
    assert_eq!(env.len(), masks.len(), "{}", imported.stderr);
    let tether = |args: &[&str]| run(work.path(), &sim, args, &env);
    let validated = tether(&["validate", "-f", "orgs"]);
    assert_eq!(validated.code, 0, "{}\n{all}", validated.transcript());
    sim.reset_counters();
    let plan = tether(&["plan", "-f", "orgs", "--detailed-exitcode"]);
    assert_no_change(&plan, &sim, &all);
}

/// Several organizations into one file (`-o FILE`): the same guarantees.
#[test]
fn several_organizations_into_one_file_plan_to_zero() {
    let (sim, work, imported) = import_fleet(&[
        "--org",
        ORG_A,
        "--org",
        ORG_B,
        "--org",
        ORG_C,
        "--factor",
        "-o",
        "tether.yaml",
    ]);
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    let written = std::fs::read_to_string(work.path().join("tether.yaml")).expect("written");
    let mut masks: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, mask) in uses(&written) {
        masks.entry(name).or_default().insert(mask);
    }
    for (name, seen) in &masks {
        assert_eq!(
            seen.len(),
            1,
            "`{name}` names different secrets:\n{written}"
        );
    }
    assert_eq!(written.matches("version: 1").count(), 1, "{written}");
    let env = variables(&imported.stderr);
    sim.reset_counters();
    let plan = run(work.path(), &sim, &["plan", "--detailed-exitcode"], &env);
    assert_eq!(plan.code, 0, "{}\n{written}", plan.transcript());
    assert_eq!(sim.counters().writes(), 0);
}

/// `--org` is checked as an organization id before it goes into any URL:
/// a list, a path, an uppercase id or an empty value is refused with no
/// request made, and so is a bad `MONGODB_ATLAS_ORG_ID`.
#[test]
fn org_values_that_are_not_organization_ids_are_refused_before_any_request() {
    let sim = crate::common::Sim::builder().state(fleet()).start();
    let lists = format!("{ORG_A},{ORG_B}");
    let upper = ORG_A.to_uppercase();
    for (args, said) in [
        (vec!["--org", lists.as_str()], "repeat `--org`"),
        (vec!["--org", "../groups"], "`--org ../groups`"),
        (vec!["--org", ORG_A, "--org", upper.as_str()], ORG_A),
        (vec!["--org", ""], "`--org`"),
    ] {
        let mut all = vec!["import"];
        all.extend(args.iter().copied());
        let refused = run(Path::new("."), &sim, &all, &[]);
        assert_eq!(refused.code, 1, "{args:?}: {}", refused.transcript());
        assert!(
            refused.stderr.contains("is not an organization id"),
            "{args:?}: {}",
            refused.stderr
        );
        assert!(
            refused.stderr.contains(said),
            "{args:?}: {}",
            refused.stderr
        );
        assert!(refused.stdout.is_empty(), "{}", refused.stdout);
        assert_eq!(sim.counters().total(), 0, "{args:?}: a request was made");
    }
    let from_env = run(
        Path::new("."),
        &sim,
        &["import"],
        &[("MONGODB_ATLAS_ORG_ID".to_owned(), "a/../b".to_owned())],
    );
    crate::common::assert_exit_saying(&from_env, 1, &["`MONGODB_ATLAS_ORG_ID`"]);
    assert_eq!(sim.counters().total(), 0, "a request was made");
}

#[test]
fn org_is_repeatable() {
    let sim = crate::common::Sim::builder().state(fleet()).start();
    let imported = run(
        Path::new("."),
        &sim,
        &["import", "--org", ORG_A, "--org", ORG_C],
        &[],
    );
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    for name in ["a-api", "a-web", "a-jobs", "c-api", "c-web", "c-ml"] {
        assert!(
            imported.stdout.contains(&format!("name: {name}\n")),
            "{name}: {}",
            imported.stdout
        );
    }
    crate::common::assert_lacks(&imported.stdout, "b-api");
    assert_eq!(
        sim.counters()
            .get("GET", "/api/atlas/v2/orgs/{orgId}/groups"),
        2
    );
}

/// `--all-orgs` lists the organizations the credentials can see and
/// imports each; one file on stdout holds them all.
#[test]
fn all_orgs_imports_every_organization_the_credentials_can_see() {
    let sim = crate::common::Sim::builder().state(fleet()).start();
    let tether = |args: &[&str]| run(Path::new("."), &sim, args, &[]);
    let imported = tether(&["import", "--all-orgs"]);
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    assert_eq!(imported.stdout.matches("  - id: ").count(), 9);
    assert_eq!(sim.counters().get("GET", "/api/atlas/v2/orgs"), 1);
    assert_eq!(
        sim.counters()
            .get("GET", "/api/atlas/v2/orgs/{orgId}/groups"),
        3
    );
    let both = tether(&["import", "--all-orgs", "--org", ORG_A]);
    assert_eq!(both.code, 1, "{}", both.transcript());
    drop(sim);
    let empty = crate::common::Sim::builder()
        .state(StateFile::default())
        .start();
    let work = tempfile::tempdir().expect("tempdir");
    let none = run(
        work.path(),
        &empty,
        &["import", "--all-orgs", "-o", "orgs/"],
        &[],
    );
    crate::common::assert_exit_saying(&none, 1, &["lists no organization"]);
    assert!(!work.path().join("orgs").exists());
}

/// `-o DIR` refuses to replace a file it would write unless `--force`, and
/// then writes nothing at all.
#[test]
fn output_directory_files_are_not_replaced_without_force() {
    let sim = crate::common::Sim::builder().state(fleet()).start();
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path().join("orgs");
    std::fs::create_dir(&dir).expect("mkdir");
    let kept = dir.join(format!("{ORG_B}.yaml"));
    std::fs::write(&kept, "# mine\n").expect("write");
    let tether = |args: &[&str]| run(work.path(), &sim, args, &[]);
    let refused = tether(&["import", "--all-orgs", "-o", "orgs"]);
    crate::common::assert_exit_saying(&refused, 1, &["exists", "--force"]);
    assert_eq!(std::fs::read_to_string(&kept).expect("kept"), "# mine\n");
    assert_eq!(yaml_files(&dir).len(), 1, "nothing else was written");
    crate::common::assert_lacks(&refused.stderr, "also holds");
    let by_org = tether(&["import", "--org", ORG_B, "-o", "orgs"]);
    assert_eq!(by_org.code, 1, "{}", by_org.transcript());
    std::fs::write(dir.join("team.yaml"), "version: 1\n").expect("write");
    let forced = tether(&["import", "--all-orgs", "-o", "orgs", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.transcript());
    assert_eq!(yaml_files(&dir).len(), 4);
    // A file import did not write is read with the others: said once.
    crate::common::assert_contains(&forced.stderr, "also holds `team.yaml`");
    assert!(
        std::fs::read_to_string(&kept)
            .expect("replaced")
            .contains("b-api")
    );
}

/// The modeline import writes names the committed schema at a stable URL
/// of the repository Cargo.toml names.
#[test]
fn the_modeline_names_the_schema_at_the_repository() {
    let sim = crate::common::Sim::builder().state(fleet()).start();
    let imported = run(Path::new("."), &sim, &["import", "--org", ORG_C], &[]);
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    let url = format!(
        "https://raw.githubusercontent.com/{}/main/schemas/tether.schema.json",
        crate::common::repository()
    );
    assert_eq!(
        imported.stdout.lines().next(),
        Some(format!("# yaml-language-server: $schema={url}").as_str()),
        "{}",
        imported.stdout
    );
    assert!(
        crate::common::repo_root()
            .join("schemas/tether.schema.json")
            .is_file()
    );
}

/// An organization listing is Atlas's text: an id in it that is not an
/// organization id is refused, shown escaped, and never goes into a URL.
#[tokio::test]
async fn a_listed_organization_id_that_is_not_one_is_refused() {
    use crate::client_hostile::{Reply, Server, config};
    let server = Server::start(|_| {
        Reply::new(
            "200 OK",
            format!(
                r#"{{"results":[{{"id":"{ORG_A}","name":"ok"}},{{"id":"../../groups/\u001b[31m","name":"x"}}],"totalCount":2}}"#
            ),
        )
    });
    let client = tether::atlas::Client::new(config(&server.base, tether::atlas::Credentials::None))
        .expect("the client builds");
    let err = client.organizations().await.expect_err("refused");
    let message = crate::client::shown(&err);
    crate::common::assert_contains(&message, "is not valid: it has");
    crate::common::assert_lacks(&message, "\u{1b}");
    let seen: Vec<String> = server.seen().into_iter().map(|s| s.target).collect();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].starts_with("/api/atlas/v2/orgs?"), "{seen:?}");
}

/// `--secrets-out` into the directory `-o DIR` writes would be read as one
/// of the tether files: refused before any request.
#[test]
fn the_secrets_file_is_not_written_among_the_imported_files() {
    let sim = crate::common::Sim::builder().state(fleet()).start();
    let work = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(work.path().join("orgs")).expect("mkdir");
    let refused = run(
        work.path(),
        &sim,
        &[
            "import",
            "--all-orgs",
            "-o",
            "orgs",
            "--secrets-out",
            "orgs/secrets.yaml",
        ],
        &[],
    );
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    crate::common::assert_contains(
        &refused.stderr,
        "would be read as part of the configuration",
    );
    assert_eq!(sim.counters().total(), 0, "a request was made");
    assert!(yaml_files(&work.path().join("orgs")).is_empty());
}

/// `--project` into `-o DIR`: each project in the file of the organization
/// Atlas says it is of, and no `select` entry (the rest of the organization
/// was not read).
#[test]
fn projects_into_a_directory_go_to_their_organizations_files() {
    let (sim, work, imported) = import_fleet(&[
        "--project",
        "a-api",
        "--project",
        "c-api",
        "--project",
        "c-web",
        "--factor",
        "-o",
        "orgs/",
    ]);
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    let files = yaml_files(&work.path().join("orgs"));
    assert_eq!(files.len(), 2, "{files:?}");
    let c = &files[&format!("{ORG_C}.yaml")];
    assert!(
        c.contains("name: c-api") && c.contains("name: c-web"),
        "{c}"
    );
    crate::common::assert_lacks(c, "select:");
    assert!(files[&format!("{ORG_A}.yaml")].contains("name: a-api"));
    let env = variables(&imported.stderr);
    let plan = run(
        work.path(),
        &sim,
        &["plan", "-f", "orgs", "--detailed-exitcode"],
        &env,
    );
    assert_eq!(plan.code, 0, "{}", plan.transcript());
}

/// A line break in the name of `-o DIR` cannot forge a line of tether's:
/// every message that names the directory, or a file in it, shows it on
/// one line, when the import writes and when it refuses to replace.
#[test]
fn an_output_directory_named_with_a_line_break_forges_no_line() {
    const FORGED: &str = "Wrote 9 files in elsewhere";
    let sim = crate::common::Sim::builder().state(fleet()).start();
    let work = tempfile::tempdir().expect("tempdir");
    let dir = format!("orgs\n{FORGED}");
    std::fs::create_dir(work.path().join(&dir)).expect("mkdir");
    std::fs::write(work.path().join(&dir).join("team.yaml"), "version: 1\n").expect("write");
    let import = || {
        run(
            work.path(),
            &sim,
            &["import", "--all-orgs", "-o", &dir],
            &[],
        )
    };
    let written = import();
    assert_eq!(written.code, 0, "{}", written.transcript());
    let refused = import();
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    for run in [&written, &refused] {
        let output = format!("{}{}", run.stdout, run.stderr);
        assert!(
            !output.lines().any(|line| line.starts_with(FORGED)),
            "{}",
            run.transcript()
        );
        crate::common::assert_contains(&output, &format!("orgs\\u{{a}}{FORGED}"));
    }
    crate::common::assert_contains(&written.stderr, "also holds `team.yaml`");
}
