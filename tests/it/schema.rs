use crate::common::{fixtures, repo_root, tether};

#[test]
fn committed_schema_is_the_generated_one() {
    let committed = std::fs::read_to_string(repo_root().join("schemas/tether.schema.json"))
        .expect("schemas/tether.schema.json is committed");
    let generated = tether::config::json_schema();
    assert!(
        committed == generated,
        "schemas/tether.schema.json is stale: run `cargo run -- schema > schemas/tether.schema.json`"
    );
}

#[test]
fn schema_command_prints_the_schema() {
    let run = tether(&repo_root(), &["schema"], &[]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, tether::config::json_schema());
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(
        schema["required"],
        serde_json::json!(["version", "projects"])
    );
}

#[test]
fn examples_carry_the_schema_modeline() {
    for entry in std::fs::read_dir(repo_root().join("examples")).expect("examples/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") && !path.ends_with("sim-state.yaml") {
            let text = std::fs::read_to_string(&path).expect("readable");
            assert!(
                text.starts_with("# yaml-language-server: $schema=../schemas/tether.schema.json"),
                "{} lacks the yaml-language-server modeline",
                path.display()
            );
        }
    }
}

const FIELDS_START: &str = "<!-- fields:start (generated from the model table; `TETHER_BLESS=1 cargo test field_reference` rewrites it) -->\n";
const FIELDS_END: &str = "<!-- fields:end -->";

#[test]
fn field_reference_is_generated_from_the_model() {
    let path = repo_root().join("docs/file.md");
    let page = std::fs::read_to_string(&path).expect("docs/file.md");
    let start = page
        .find(FIELDS_START)
        .expect("docs/file.md has the fields:start marker")
        + FIELDS_START.len();
    let end = page
        .find(FIELDS_END)
        .expect("docs/file.md has the fields:end marker");
    let generated = tether::config::fields_markdown();
    if page[start..end] != generated {
        if std::env::var_os("TETHER_BLESS").is_some() {
            let updated = format!("{}{generated}{}", &page[..start], &page[end..]);
            std::fs::write(&path, updated).expect("rewrite docs/file.md");
        } else {
            panic!(
                "the field reference in docs/file.md is stale: run `TETHER_BLESS=1 cargo test field_reference`"
            );
        }
    }
}

/// Editors check the file against the committed schema (the examples'
/// modeline): it must accept every example, and refuse the shapes that
/// `validate` refuses for their shape alone.
#[test]
fn the_schema_accepts_the_examples_and_refuses_bad_shapes() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("schemas/tether.schema.json"))
            .expect("schemas/tether.schema.json is committed"),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let document = |path: &std::path::Path| -> serde_json::Value {
        let text = std::fs::read_to_string(path).expect("readable");
        serde_saphyr::from_str(&text).expect("YAML")
    };
    for example in [
        "examples/minimal.yaml",
        "examples/realistic.yaml",
        "examples/demo/tether.yaml",
        "tests/it/fixtures/validate/families.yaml",
    ] {
        let instance = document(&repo_root().join(example));
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at `{}`", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{example} fails the schema: {errors:#?}");
    }
    for bad in [
        "unknown-top-level-key.yaml",
        "unknown-type.yaml",
        "datadog-logs.yaml",
        "unknown-field.yaml",
        "wrong-enum.yaml",
        "missing-required.yaml",
        "bad-group-id.yaml",
        "family-kinds.yaml",
        "family-fields.yaml",
        "family-sets.yaml",
        "family-secrets.yaml",
        "family-headers.yaml",
        "family-sections.yaml",
    ] {
        let instance = document(&fixtures().join("validate/invalid").join(bad));
        assert!(!validator.is_valid(&instance), "{bad} passes the schema");
    }
}

/// The JSON that tether writes for machines has committed schemas too,
/// generated from the same types that write it.
#[test]
fn committed_output_schemas_are_the_generated_ones() {
    for (which, generated) in [
        ("plan", tether::schemas::plan_schema()),
        ("apply-report", tether::schemas::apply_report_schema()),
        ("saved-plan", tether::schemas::saved_plan_schema()),
    ] {
        let path = format!("schemas/{which}.schema.json");
        let committed = std::fs::read_to_string(repo_root().join(&path))
            .unwrap_or_else(|_| panic!("{path} is committed"));
        assert!(
            committed == generated,
            "{path} is stale: run `cargo run -- schema {which} > {path}`"
        );
        let run = tether(&repo_root(), &["schema", which], &[]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert_eq!(run.stdout, generated);
    }
}
