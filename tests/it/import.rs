//! `tether import`: a file that, once its variables are set, plans to no
//! change and no write.

use std::path::Path;

use tether::sim::{SimHandle, StateFile};

use crate::common::{Run, Sim, assert_no_change, fixtures, tether_with_vars as run};

fn loop_state() -> StateFile {
    StateFile::load(&fixtures().join("loop/state.yaml")).expect("state loads")
}

/// `import -o tether.yaml ARGS` in a new folder, checked to succeed: the
/// folder, what import printed, and the file it wrote.
fn import_into_file(sim: &SimHandle, args: &[&str]) -> (tempfile::TempDir, Run, String) {
    let work = tempfile::tempdir().expect("tempdir");
    let mut all = vec!["import", "-o", "tether.yaml"];
    all.extend_from_slice(args);
    let imported = run(work.path(), sim, &all, &[]);
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    let written = std::fs::read_to_string(work.path().join("tether.yaml")).expect("written");
    (work, imported, written)
}

/// The variables import asked for, each set to the real secret the
/// simulator holds (which only a test can read).
fn variables(stderr: &str, state: &StateFile) -> Vec<(String, String)> {
    // The list ends at the first blank line (the Prometheus scrape
    // configuration may follow).
    stderr
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  "))
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let name = words[0].to_owned();
            let at = words
                .iter()
                .position(|w| w.ends_with(':') && w.contains('.'))
                .expect("TYPE.field:");
            let owner = words[1..at].join(" ");
            let field_ref = words[at].trim_end_matches(':');
            let (kind, field) = field_ref.split_once('.').expect("TYPE.field");
            let project = state
                .projects
                .iter()
                .find(|p| p.name == owner)
                .or_else(|| {
                    // A shared integration: any project that has it will do.
                    state
                        .projects
                        .iter()
                        .find(|p| p.integrations.contains_key(kind))
                })
                .expect("a project with it");
            let value = project.integrations[kind][field]
                .as_text()
                .expect("a text secret")
                .to_owned();
            (name, value)
        })
        .collect()
}

fn import_then_plan(state: StateFile, import_args: &[&str]) -> (String, String) {
    let sim = Sim::builder().state(state).start();
    let (work, imported, written) = import_into_file(&sim, import_args);
    let snapshot = sim.snapshot();
    let env = variables(&imported.stderr, &snapshot);
    for (_, secret) in &env {
        assert!(
            !written.contains(secret.as_str()),
            "a secret was written:\n{written}"
        );
        assert!(!imported.all_output().contains(secret.as_str()));
    }
    let validated = run(work.path(), &sim, &["validate"], &env);
    assert_eq!(validated.code, 0, "{}\n{written}", validated.transcript());
    sim.reset_counters();
    let plan = run(work.path(), &sim, &["plan", "--detailed-exitcode"], &env);
    assert_no_change(&plan, &sim, &written);
    (written, imported.stderr)
}

#[test]
fn imported_file_plans_to_no_change() {
    let (written, stderr) = import_then_plan(
        loop_state(),
        &[
            "--project",
            "payments-prod",
            "--project",
            "65f1a2b3c4d5e6f7a8b9c0d2",
            "--project",
            "search-prod",
            "--project",
            "sandbox",
        ],
    );
    // The Prometheus discovery URL names the simulator, on a port of its own.
    insta::with_settings!({filters => vec![(r"http://127\.0\.0\.1:\d+", "[ATLAS]")]}, {
        insta::assert_snapshot!(format!("{written}--- stderr\n{stderr}"));
    });
}

#[test]
fn factored_file_plans_the_same() {
    let mut text = String::from("projects:\n");
    for n in 0..4 {
        let datadog = if n < 2 {
            "      DATADOG:\n        apiKey: 0123456789abcdef0123456789abcdef\n        region: EU\n"
        } else {
            ""
        };
        text.push_str(&format!(
            "  - id: 6{n:023x}\n    name: team-{n}\n    orgId: 6600000000000000000000aa\n    integrations:\n      PAGER_DUTY:\n        serviceKey: shared-pd-key-0000000000000099\n{datadog}"
        ));
    }
    let state = StateFile::parse(&text).expect("state");
    let (written, _) = import_then_plan(state, &["--org", "6600000000000000000000aa", "--factor"]);
    crate::common::assert_contains(&written, "defaults:\n  integrations:\n    PAGER_DUTY:");
    // The template says what it holds: Datadog, in the EU region.
    crate::common::assert_contains(&written, "templates:\n  datadog-eu:");
    assert_eq!(written.matches("use: [datadog-eu]").count(), 2, "{written}");
}

#[test]
fn an_organization_over_several_pages() {
    let mut text = String::from("projects:\n");
    for n in 0..1100 {
        text.push_str(&format!(
            "  - id: 7{n:023x}\n    name: project-{n}\n    orgId: 6600000000000000000000dd\n"
        ));
    }
    let sim = Sim::builder().state_yaml(&text).start();
    let imported = run(
        Path::new("."),
        &sim,
        &["import", "--org", "6600000000000000000000dd"],
        &[],
    );
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    assert_eq!(imported.stdout.matches("  - id: ").count(), 1100);
    assert_eq!(
        imported
            .stdout
            .matches("# no integrations in Atlas")
            .count(),
        1100
    );
    assert_eq!(
        sim.counters()
            .get("GET", "/api/atlas/v2/orgs/{orgId}/groups"),
        3
    );
}

#[test]
fn import_needs_projects_or_an_organization() {
    let sim = Sim::builder().state(loop_state()).start();
    let tether = |args: &[&str]| run(Path::new("."), &sim, args, &[]);
    let none = tether(&["import"]);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("`--project ID|NAME`"));
    let missing = tether(&["import", "--project", "no-such-project"]);
    assert_eq!(missing.code, 1);
    crate::common::assert_contains(&missing.stderr, "no project named `no-such-project`");
}

/// The Quickstart of docs/adopting.md, followed as written against the
/// simulator: its `tether` lines run in order, with the variables its
/// `export` lines name set to the values Atlas holds; the plan then shows no
/// change.
#[test]
fn the_atlas_quickstart_works_as_written() {
    let page = std::fs::read_to_string(crate::common::repo_root().join("docs/adopting.md"))
        .expect("docs/adopting.md");
    let section = page
        .find("<!-- readme-walkthrough: quickstart ")
        .expect("a Quickstart in docs/adopting.md");
    let block = page[section..]
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a sh block in the Quickstart");
    let lines: Vec<&str> = block
        .lines()
        .map(|line| line.split(" # ").next().unwrap_or(line).trim())
        .collect();
    let exported: Vec<&str> = lines
        .iter()
        .filter_map(|line| line.strip_prefix("export "))
        .flat_map(|vars| vars.split_whitespace())
        .filter_map(|var| var.split_once('=').map(|(name, _)| name))
        .filter(|name| !name.starts_with("MONGODB_ATLAS_"))
        .collect();
    let org = "5f1e3b2c9d8e7f6a5b4c3d2e";
    let key = "quickstart-pd-key-00000000000abc";
    let state = StateFile::parse(&format!(
        "projects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    name: payments-prod\n    orgId: {org}\n    integrations:\n      PAGER_DUTY: {{serviceKey: {key}}}\n"
    ))
    .expect("state");
    let sim = Sim::builder().state(state).start();
    let work = tempfile::tempdir().expect("tempdir");
    let env: Vec<(String, String)> = exported
        .iter()
        .map(|name| ((*name).to_owned(), key.to_owned()))
        .collect();
    let commands: Vec<Vec<&str>> = lines
        .iter()
        .filter_map(|line| line.strip_prefix("tether "))
        .map(|args| args.split_whitespace().collect())
        .collect();
    assert_eq!(commands.len(), 2, "import, then plan: {commands:?}");
    let imported = run(work.path(), &sim, &commands[0], &[]);
    assert_eq!(imported.code, 0, "{}", imported.transcript());
    for name in &exported {
        assert!(
            imported.stderr.contains(name),
            "the Quickstart exports `{name}`, import asked for: {}",
            imported.stderr
        );
    }
    let planned = run(work.path(), &sim, &commands[1], &env);
    assert_eq!(planned.code, 0, "no change: {}", planned.transcript());
    assert_eq!(sim.counters().writes(), 0);
}

/// `import --secrets-out` writes every variable the file uses with an
/// empty value and Atlas's mask, readable by its owner only; filled in, it
/// is a `--secrets` file the plan reads to no change.
#[test]
fn secrets_out_is_a_secrets_file_to_fill_in() {
    let sim = Sim::builder().state(loop_state()).start();
    let (work, imported, _) = import_into_file(
        &sim,
        &[
            "--org",
            "6600000000000000000000aa",
            "--secrets-out",
            "secrets.yaml",
        ],
    );
    let path = work.path().join("secrets.yaml");
    let template = std::fs::read_to_string(&path).expect("secrets file");
    let snapshot = sim.snapshot();
    let env = variables(&imported.stderr, &snapshot);
    assert!(!env.is_empty());
    for (name, secret) in &env {
        assert!(
            template.contains(&format!("{name}: \"\"")),
            "{name}:\n{template}"
        );
        assert!(
            !template.contains(secret.as_str()),
            "a secret was written:\n{template}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let mut filled = template.clone();
    for (name, secret) in &env {
        filled = filled.replace(&format!("{name}: \"\""), &format!("{name}: \"{secret}\""));
    }
    std::fs::write(&path, filled).expect("fill in");
    sim.reset_counters();
    let tether = |args: &[&str]| run(work.path(), &sim, args, &[]);
    let plan = tether(&["plan", "--detailed-exitcode", "--secrets", "secrets.yaml"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert_eq!(sim.counters().writes(), 0);
    let again = tether(&[
        "import",
        "--org",
        "6600000000000000000000aa",
        "--secrets-out",
        "secrets.yaml",
    ]);
    assert_eq!(
        again.code,
        1,
        "refused without --force: {}",
        again.transcript()
    );
}

/// `import --org --factor` over an organization whose projects are all
/// alike writes one `select` entry: it plans to no change, and manages a
/// project created there later.
#[test]
fn an_organization_of_alike_projects_imports_as_one_selector() {
    let key = "alike-pd-key-000000000000000abcd";
    let state = |count: u32| {
        let mut text = String::from("projects:\n");
        for n in 0..count {
            text.push_str(&format!(
                "  - id: 65f1a2b3c4d5e6f7a8b9{n:04x}\n    name: team-{n}\n    orgId: 6600000000000000000000aa\n    integrations:\n      PAGER_DUTY: {{serviceKey: {key}}}\n"
            ));
        }
        StateFile::parse(&text).expect("state")
    };
    let sim = Sim::builder().state(state(3)).start();
    let (work, _, written) = import_into_file(
        &sim,
        &[
            "--api",
            "v2",
            "--org",
            "6600000000000000000000aa",
            "--factor",
        ],
    );
    crate::common::assert_contains(
        &written,
        "  - select:\n      org: 6600000000000000000000aa\n",
    );
    crate::common::assert_lacks(&written, "- id:");
    let env = vec![("PAGER_DUTY_SERVICE_KEY".to_owned(), key.to_owned())];
    let args = ["plan", "--api", "v2", "--detailed-exitcode"];
    let plan = run(work.path(), &sim, &args, &env);
    assert_eq!(plan.code, 0, "{}\n{written}", plan.transcript());
    drop(sim);
    let later = Sim::builder().state(state(4)).start();
    let drift = run(work.path(), &later, &["drift", "--api", "v2"], &env);
    assert_eq!(
        drift.code,
        0,
        "the new project already has it: {}",
        drift.transcript()
    );
    crate::common::assert_contains(
        &drift.stdout,
        "team-3 (65f1a2b3c4d5e6f7a8b90003) · authoritative · selected by",
    );
}

/// Atlas text holding `${...}` (a webhook's body template, a project's
/// name) is written with `$${`, so the next run reads it as the text it is:
/// the plan shows no change, and a later write sends the text as Atlas had
/// it, never the value of the variable it names.
#[test]
fn atlas_text_with_variable_references_is_imported_as_literal_text() {
    let body = r#"{"text":"alert ${CI_DEPLOY_TOKEN} $${KEEP} $$ ${"}"#;
    let name = "team ${CI_DEPLOY_TOKEN}";
    let state = StateFile::parse(&format!(
        "projects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    name: {}\n    orgId: 6600000000000000000000aa\n    \
         integrations:\n      WEBHOOK:\n        url: https://alerts.example.com/hooks/path-0001\n        \
         secret: imported-webhook-secret-0001\n        bodyTemplate: {}\n",
        serde_json::to_string(name).expect("json"),
        serde_json::to_string(body).expect("json"),
    ))
    .expect("state");
    let leaked = "value-of-the-ci-deploy-token-0042";
    let sim = Sim::builder().state(state).start();
    let (work, imported, written) = import_into_file(&sim, &["--org", "6600000000000000000000aa"]);
    assert!(
        !written.contains("\"team ${CI_DEPLOY_TOKEN}\""),
        "a reference was copied as is:\n{written}"
    );
    let mut env = variables(&imported.stderr, &sim.snapshot());
    env.push(("CI_DEPLOY_TOKEN".to_owned(), leaked.to_owned()));
    let plan = run(work.path(), &sim, &["plan", "--detailed-exitcode"], &env);
    assert_eq!(plan.code, 0, "{}\n{written}", plan.transcript());
    assert!(!plan.all_output().contains(leaked), "{}", plan.transcript());

    // A new URL makes apply send the whole webhook, its template included.
    for (variable, value) in &mut env {
        if variable.ends_with("_URL") {
            *value = "https://alerts.example.com/hooks/path-0002".to_owned();
        }
    }
    let applied = run(work.path(), &sim, &["apply", "--auto-approve"], &env);
    assert_eq!(applied.code, 0, "{}\n{written}", applied.transcript());
    assert_eq!(sim.counters().writes(), 1, "{}", applied.transcript());
    let after = sim.snapshot();
    let project = &after.projects[0];
    assert_eq!(project.name, name);
    let webhook = &project.integrations["WEBHOOK"];
    assert_eq!(webhook["bodyTemplate"].as_text(), Some(body));
    assert_eq!(
        webhook["url"].as_text(),
        Some("https://alerts.example.com/hooks/path-0002")
    );
}

/// The keys of a YAML mapping, after reading `text` as tether's files are
/// read.
fn keys(value: &serde_json::Value) -> Vec<String> {
    value
        .as_object()
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default()
}

fn yaml(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).unwrap_or_else(|err| panic!("{err}:\n{text}"))
}

/// A project name and masks from Atlas holding line breaks, a tab and
/// invisible characters stay in their comment or value: both written files
/// read back with only the keys import meant, the name reads back as Atlas
/// has it, and the list of variables on stderr is one line per variable.
#[test]
fn hostile_names_and_masks_cannot_add_keys_to_the_written_files() {
    let name = "evil\nINJECTED_NAME: \"1\"\r\nALSO: x\u{2028}LS: y\u{85}\u{202e}\tz";
    let state = StateFile::parse(&format!(
        "projects:\n  - id: 65f1a2b3c4d5e6f7a8b9c0d1\n    name: {}\n    orgId: 6600000000000000000000aa\n    \
         integrations:\n      PAGER_DUTY:\n        serviceKey: {}\n      WEBHOOK:\n        url: {}\n        \
         secret: {}\n",
        serde_json::to_string(name).expect("json"),
        serde_json::to_string("hostile-service-key-0\nzz:").expect("json"),
        serde_json::to_string("https://alerts.example.com/hooks/a\ryy:").expect("json"),
        serde_json::to_string("hostile-webhook-secret\u{2029}ww:").expect("json"),
    ))
    .expect("state");
    let sim = Sim::builder().state(state).start();
    let (work, imported, written) = import_into_file(
        &sim,
        &[
            "--project",
            "65f1a2b3c4d5e6f7a8b9c0d1",
            "--secrets-out",
            "secrets.yaml",
        ],
    );
    let template = std::fs::read_to_string(work.path().join("secrets.yaml")).expect("secrets");
    for text in [&written, &template, &imported.stderr] {
        assert!(
            !text.contains(|c: char| (c.is_control() && c != '\n')
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}')),
            "a raw control or invisible character:\n{text}"
        );
    }

    let file = yaml(&written);
    assert_eq!(keys(&file), ["projects", "version"], "{written}");
    let project = &file["projects"][0];
    assert_eq!(keys(project), ["id", "integrations", "name"], "{written}");
    assert_eq!(project["name"].as_str(), Some(name), "{written}");
    assert_eq!(
        keys(&project["integrations"]),
        ["PAGER_DUTY", "WEBHOOK"],
        "{written}"
    );
    assert_eq!(
        keys(&project["integrations"]["PAGER_DUTY"]),
        ["serviceKey"],
        "{written}"
    );
    assert_eq!(
        keys(&project["integrations"]["WEBHOOK"]),
        ["secret", "url"],
        "{written}"
    );

    let listed: Vec<&str> = imported
        .stderr
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  "))
        .collect();
    let names: Vec<String> = listed
        .iter()
        .map(|l| l.split_whitespace().next().expect("a name").to_owned())
        .collect();
    assert_eq!(names.len(), 3, "{}", imported.stderr);
    let mut expected = names.clone();
    expected.sort();
    assert_eq!(keys(&yaml(&template)), expected, "{template}");
    for line in imported.stderr.lines() {
        for injected in ["INJECTED_NAME", "ALSO", "LS", "zz:", "yy:", "ww:"] {
            assert!(
                !line.starts_with(injected),
                "a line of its own: {}",
                imported.stderr
            );
        }
    }
}
