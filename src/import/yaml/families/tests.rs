use serde_json::Value;

use super::{id_scalar, shown};
use crate::import::{ImportOptions, Imported, Layout, Organization, Source, Variable, import};
use crate::model::{
    EntryKind, LiveEntries, LiveEntry, LiveEntryValue, LiveFamilies, LiveIntegrations, Project,
    PushBasedExport, Unreadable,
};

const MASK: &str = "****************************a1b2";

fn text(value: &str) -> LiveEntryValue {
    LiveEntryValue::Text(value.to_owned())
}

fn set(values: &[&str]) -> LiveEntryValue {
    LiveEntryValue::Set(values.iter().map(|v| (*v).to_owned()).collect())
}

fn headers(names: &[&str]) -> LiveEntryValue {
    LiveEntryValue::HeaderNames(names.iter().map(|v| (*v).to_owned()).collect())
}

/// An entry as the client reads it: its fields in the table's order.
fn live(kind: EntryKind, id: &str, fields: Vec<(&str, LiveEntryValue)>) -> LiveEntry {
    let mut fields: Vec<_> = fields
        .into_iter()
        .map(|(name, value)| (kind.field(name).expect(name), value))
        .collect();
    fields.sort_by_key(|(field, _)| kind.fields().iter().position(|f| f.name == field.name));
    LiveEntry {
        kind,
        id: id.to_owned(),
        fields,
        unmodelled: Vec::new(),
    }
}

fn entries(entries: Vec<LiveEntry>) -> Option<Result<LiveEntries, Unreadable>> {
    Some(Ok(LiveEntries {
        entries,
        unknown_types: Vec::new(),
    }))
}

fn unconfigured() -> Option<Result<PushBasedExport, Unreadable>> {
    Some(Ok(PushBasedExport {
        state: PushBasedExport::UNCONFIGURED.to_owned(),
        ..PushBasedExport::default()
    }))
}

fn source(name: &str, n: u8, families: LiveFamilies) -> Source {
    Source {
        project: Project {
            id: format!("65f1a2b3c4d5e6f7a8b9c0{n:02x}")
                .parse()
                .expect("id"),
            name: name.to_owned(),
            org_id: None,
            tags: Vec::new(),
        },
        live: LiveIntegrations::default(),
        families,
    }
}

fn import_sources(sources: Vec<Source>) -> Imported {
    let org = Organization {
        id: None,
        whole: false,
        sources,
    };
    import(&[org], &ImportOptions::default(), Layout::OneFile)
}

fn import_one(families: LiveFamilies) -> (String, Vec<Variable>) {
    let imported = import_sources(vec![source("payments-prod", 1, families)]);
    let yaml = imported.files.iter().map(|f| f.yaml.as_str()).collect();
    (yaml, imported.variables)
}

/// The file as any YAML reader reads it.
fn read(yaml: &str) -> Value {
    serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("the file reads: {e}\n{yaml}"))
}

/// A value as tether takes it after interpolation: `$${` is a literal `${`.
fn interpolated(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string: {value}"))
        .replace("$${", "${")
}

fn every_kind() -> LiveFamilies {
    LiveFamilies {
        log: entries(vec![
            live(
                EntryKind::S3,
                "6620a1b2c3d4e5f6a7b8c9d0",
                vec![
                    ("bucketName", text("acme-atlas-logs")),
                    ("prefixPath", text("payments-prod/")),
                    ("iamRoleId", text("65f1a2b3c4d5e6f7a8b9c0aa")),
                    ("logTypes", set(&["MONGOD", "MONGOD_AUDIT"])),
                    (
                        "kmsKey",
                        text("arn:aws:kms:us-east-1:111122223333:key/1234abcd"),
                    ),
                    ("useLegacyPathStructure", LiveEntryValue::Bool(false)),
                ],
            ),
            live(
                EntryKind::Gcs,
                "6620a1b2c3d4e5f6a7b8c9d1",
                vec![
                    ("bucketName", text("acme-atlas-logs-gcs")),
                    ("prefixPath", text("payments-prod/")),
                    ("roleId", text("65f1a2b3c4d5e6f7a8b9c0ab")),
                    ("logTypes", set(&["MONGOD"])),
                ],
            ),
            live(
                EntryKind::Azure,
                "6620a1b2c3d4e5f6a7b8c9d2",
                vec![
                    ("storageAccountName", text("acmeatlaslogs")),
                    ("storageContainerName", text("payments")),
                    ("prefixPath", text("prod/")),
                    ("roleId", text("65f1a2b3c4d5e6f7a8b9c0ac")),
                    ("logTypes", set(&["MONGOD_AUDIT"])),
                ],
            ),
            live(
                EntryKind::Datadog,
                "6620a1b2c3d4e5f6a7b8c9d3",
                vec![
                    ("region", text("US1")),
                    ("apiKey", text(MASK)),
                    ("logTypes", set(&["MONGOD"])),
                ],
            ),
            live(
                EntryKind::Splunk,
                "6620a1b2c3d4e5f6a7b8c9d4",
                vec![
                    ("hecUrl", text("https://splunk.example.com:8088")),
                    ("hecToken", text("************************9f3e")),
                    ("logTypes", set(&["MONGOD", "MONGOD_AUDIT"])),
                ],
            ),
            live(
                EntryKind::Otel,
                "6620a1b2c3d4e5f6a7b8c9d5",
                vec![
                    ("otelEndpoint", text("https://otel.example.com/v1/logs")),
                    (
                        "otelSuppliedHeaders",
                        headers(&["Authorization", "X-Tenant"]),
                    ),
                    ("logTypes", set(&["MONGOD"])),
                ],
            ),
        ]),
        metric: entries(vec![live(
            EntryKind::Metric,
            "6630a1b2c3d4e5f6a7b8c9d0",
            vec![
                (
                    "endpoint",
                    text("https://abc123.live.dynatrace.com/api/v2/otlp"),
                ),
                ("providerType", text("DYNATRACE")),
                ("aggregationTemporality", text("DELTA")),
                (
                    "metricSelection",
                    set(&["MONGODB_METRICS", "HARDWARE_METRICS"]),
                ),
                ("headers", headers(&["Authorization"])),
                ("authType", text("HEADER")),
            ],
        )]),
        push_based: unconfigured(),
    }
}

#[test]
fn every_log_type_and_a_metric_integration() {
    let (yaml, variables) = import_one(every_kind());
    let listed: String = variables
        .iter()
        .map(|v| format!("{}  {}: {}\n", v.name, v.used_by, v.hint))
        .collect();
    insta::assert_snapshot!(format!("{yaml}--- variables\n{listed}"));
    let project = &read(&yaml)["projects"][0];
    let keys: Vec<&String> = project.as_object().expect("a project").keys().collect();
    assert_eq!(
        keys,
        ["id", "log_integrations", "metric_integrations", "name"],
        "{yaml}"
    );
    // One identity each: no pin; the only values are left out.
    assert!(!yaml.contains("id: 66"), "{yaml}");
    assert!(!yaml.contains("authType"), "{yaml}");
    assert!(!yaml.contains("integrationType"), "{yaml}");
    assert_eq!(
        project["log_integrations"][0]["useLegacyPathStructure"],
        false
    );
}

#[test]
fn header_values_and_secrets_are_variables_listed_for_the_secrets_file() {
    let imported = import_sources(vec![source("payments-prod", 1, every_kind())]);
    let names: Vec<&str> = imported.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "PAYMENTS_PROD_DATADOG_LOG_EXPORT_API_KEY",
            "PAYMENTS_PROD_SPLUNK_LOG_EXPORT_HEC_TOKEN",
            "PAYMENTS_PROD_OTEL_LOG_EXPORT_AUTHORIZATION",
            "PAYMENTS_PROD_OTEL_LOG_EXPORT_X_TENANT",
            "PAYMENTS_PROD_DYNATRACE_METRICS_AUTHORIZATION",
        ]
    );
    let secrets = imported.secrets_template();
    for name in names {
        assert!(secrets.contains(&format!("{name}: \"\"")), "{secrets}");
    }
    assert!(
        secrets.contains(
            "PAYMENTS_PROD_DYNATRACE_METRICS_AUTHORIZATION: \"\"    # payments-prod \
             metric_integrations.headers[Authorization] \
             (https://abc123.live.dynatrace.com/api/v2/otlp): Atlas never returns header \
             values; set it to the real one"
        ),
        "{secrets}"
    );
}

/// Two projects' entries, and two entries of one kind in a project, never
/// share a variable.
#[test]
fn variables_are_unique_across_projects_and_entries() {
    let datadog = |id: &str, region: &str| {
        live(
            EntryKind::Datadog,
            id,
            vec![("region", text(region)), ("apiKey", text(MASK))],
        )
    };
    let families = || LiveFamilies {
        log: entries(vec![
            datadog("6620a1b2c3d4e5f6a7b8c9d0", "US1"),
            datadog("6620a1b2c3d4e5f6a7b8c9d1", "EU"),
        ]),
        ..LiveFamilies::default()
    };
    // `payments prod` and `payments-prod` make the same variable part.
    let imported = import_sources(vec![
        source("payments-prod", 1, families()),
        source("payments prod", 2, families()),
    ]);
    let names: Vec<&str> = imported.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "PAYMENTS_PROD_DATADOG_LOG_EXPORT_API_KEY",
            "PAYMENTS_PROD_DATADOG_LOG_EXPORT_API_KEY_2",
            "PAYMENTS_PROD_DATADOG_LOG_EXPORT_API_KEY_3",
            "PAYMENTS_PROD_DATADOG_LOG_EXPORT_API_KEY_4",
        ]
    );
}

#[test]
fn only_entries_that_share_an_identity_are_pinned() {
    let datadog = |id: &str, region: &str| {
        live(
            EntryKind::Datadog,
            id,
            vec![
                ("region", text(region)),
                ("apiKey", text(MASK)),
                ("logTypes", set(&["MONGOD"])),
            ],
        )
    };
    let (yaml, _) = import_one(LiveFamilies {
        log: entries(vec![
            datadog("6620a1b2c3d4e5f6a7b8c9d0", "US1"),
            datadog("6620a1b2c3d4e5f6a7b8c9d1", "EU"),
            datadog("6620a1b2c3d4e5f6a7b8c9d2", "US1"),
        ]),
        ..LiveFamilies::default()
    });
    let read = read(&yaml);
    let logs = read["projects"][0]["log_integrations"]
        .as_array()
        .expect("a list");
    let ids: Vec<&Value> = logs.iter().map(|entry| &entry["id"]).collect();
    assert_eq!(
        ids,
        [
            &Value::from("6620a1b2c3d4e5f6a7b8c9d0"),
            &Value::Null,
            &Value::from("6620a1b2c3d4e5f6a7b8c9d2"),
        ],
        "{yaml}"
    );
    assert_eq!(
        yaml.matches(
            "    # pinned: another DATADOG_LOG_EXPORT of this project has the same `region`, so \
             the id tells them apart"
        )
        .count(),
        2,
        "{yaml}"
    );
}

/// Text Atlas sends that YAML could misread: a line break that starts a
/// key, a `#` that starts a comment, `: `, `${` that would be a variable,
/// quotes, markdown, what YAML takes for another type, and a huge value.
fn hostile() -> Vec<String> {
    let mut values: Vec<String> = [
        "logs\nprojects: []",
        "#not-a-comment",
        "a: b",
        "a #b",
        "${HOME}",
        "$${HOME} and $$${X} $",
        "\"double\" 'single'",
        "**bold** [link](https://evil.example) `code` <b>",
        "- item",
        " leading and trailing ",
        "",
        "\u{202e}reversed\u{2028}line\ttab\r\n",
        "null",
        "true",
        "~",
        "123",
        "0x1F",
        "1e5",
        "[a, b]",
        "{a: b}",
        "*alias",
        "&anchor",
        "!tag",
        "|",
        "? key",
        "%YAML",
        "@at",
        "`tick",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    values.push(format!("huge {}", "x: y # ${Z}\n".repeat(10_000)));
    values
}

#[test]
fn values_from_atlas_read_back_as_sent_and_never_become_variables() {
    let values = hostile();
    let s3: Vec<LiveEntry> = values
        .iter()
        .enumerate()
        .map(|(n, value)| {
            live(
                EntryKind::S3,
                &format!("6620a1b2c3d4e5f6a7b8c{n:03x}"),
                vec![
                    ("bucketName", text(value)),
                    ("prefixPath", text(&format!("{n}/"))),
                    ("iamRoleId", text(value)),
                    ("logTypes", set(&[value, "MONGOD"])),
                    ("kmsKey", text(value)),
                ],
            )
        })
        .collect();
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let metric = live(
        EntryKind::Metric,
        "6630a1b2c3d4e5f6a7b8c9d0",
        vec![
            ("endpoint", text(&values[0])),
            ("providerType", text(&values[4])),
            ("aggregationTemporality", text(&values[1])),
            ("metricSelection", set(&refs)),
            ("headers", headers(&refs)),
            ("authType", text(&values[2])),
        ],
    );
    let (yaml, variables) = import_one(LiveFamilies {
        log: entries(s3),
        metric: entries(vec![metric]),
        push_based: unconfigured(),
    });
    let read = read(&yaml);
    let project = &read["projects"][0];
    let keys: Vec<&String> = project.as_object().expect("a project").keys().collect();
    assert_eq!(
        keys,
        ["id", "log_integrations", "metric_integrations", "name"]
    );
    // Each line of the file is short but where a value is long.
    assert!(
        yaml.lines()
            .all(|line| line.len() < 300 || line.contains("huge"))
    );
    let logs = project["log_integrations"].as_array().expect("a list");
    assert_eq!(logs.len(), values.len());
    for (entry, value) in logs.iter().zip(&values) {
        for field in ["bucketName", "iamRoleId", "kmsKey"] {
            assert_eq!(&interpolated(&entry[field]), value, "{field}");
        }
        assert_eq!(&interpolated(&entry["logTypes"][0]), value);
        assert_eq!(entry["type"], "S3_LOG_EXPORT");
    }
    let metric = &project["metric_integrations"][0];
    assert_eq!(interpolated(&metric["endpoint"]), values[0]);
    assert_eq!(interpolated(&metric["providerType"]), values[4]);
    assert_eq!(interpolated(&metric["authType"]), values[2]);
    let selection: Vec<String> = metric["metricSelection"]
        .as_array()
        .expect("a list")
        .iter()
        .map(interpolated)
        .collect();
    assert_eq!(selection, values);
    let headers = metric["headers"].as_array().expect("a list");
    assert_eq!(headers.len(), values.len());
    for ((header, value), variable) in headers.iter().zip(&values).zip(&variables) {
        assert_eq!(&interpolated(&header["name"]), value);
        // The only `${` left to interpolate is the header's own variable.
        assert_eq!(header["value"], format!("${{{}}}", variable.name));
        assert!(
            variable
                .name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "{}",
            variable.name
        );
        assert!(variable.name.len() <= 80, "{}", variable.name);
        for said in [&variable.used_by, &variable.hint] {
            assert!(!said.contains(['\n', '\r', '\u{2028}']), "{said}");
            assert!(said.chars().count() < 300, "{said}");
        }
    }
    // Every `${` in the projects is a variable's, or written `$${`.
    let projects = &yaml[yaml.find("\nprojects:").expect("projects")..];
    let variables_used = projects.matches("${").count() - projects.matches("$${").count();
    assert_eq!(variables_used, variables.len());
}

#[test]
fn ids_are_plain_only_where_no_reader_takes_them_for_another_type() {
    assert_eq!(
        id_scalar("65f1a2b3c4d5e6f7a8b9c0aa"),
        "65f1a2b3c4d5e6f7a8b9c0aa"
    );
    assert_eq!(
        id_scalar("650000000000000000000000"),
        "\"650000000000000000000000\""
    );
    assert_eq!(
        id_scalar("650000000000e00000000000"),
        "\"650000000000e00000000000\""
    );
    assert_eq!(
        id_scalar("65000000000ee00000000000"),
        "65000000000ee00000000000"
    );
    assert_eq!(id_scalar("not an id: ${X}"), "\"not an id: $${X}\"");
    assert_eq!(id_scalar("6620\n# x"), "\"6620\\n# x\"");
    for value in hostile() {
        let yaml = format!("id: {}\n", id_scalar(&value));
        assert_eq!(interpolated(&read(&yaml)["id"]), value, "{yaml}");
    }
}

#[test]
fn a_configured_push_based_export_is_a_comment_on_how_to_move_off_it() {
    let (yaml, variables) = import_one(LiveFamilies {
        log: entries(Vec::new()),
        metric: entries(Vec::new()),
        push_based: Some(Ok(PushBasedExport {
            state: "ACTIVE".to_owned(),
            bucket_name: Some("legacy\nprojects: []\npush_based_log_export: absent".to_owned()),
            prefix_path: Some(format!("old/{}", "p".repeat(5000))),
            iam_role_id: Some("65f1a2b3c4d5e6f7a8b9c0bb".to_owned()),
        })),
    });
    assert!(variables.is_empty());
    let project = &read(&yaml)["projects"][0];
    let keys: Vec<&String> = project.as_object().expect("a project").keys().collect();
    assert_eq!(keys, ["id", "name"], "{yaml}");
    let comment: String = yaml
        .lines()
        .skip_while(|line| !line.contains("push_based_log_export:"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        comment.lines().all(|line| line.starts_with("    # ")),
        "{comment}"
    );
    assert!(comment.len() < 1000, "{comment}");
    insta::assert_snapshot!(comment);
    // An empty project otherwise: it says nothing of integrations.
    assert!(!yaml.contains("# no integrations in Atlas"), "{yaml}");
}

#[test]
fn an_unconfigured_export_and_empty_or_unreadable_families_are_not_written() {
    let refused = Unreadable {
        reason: "Atlas answered 403 Forbidden".to_owned(),
    };
    for families in [
        LiveFamilies {
            log: entries(Vec::new()),
            metric: entries(Vec::new()),
            push_based: unconfigured(),
        },
        LiveFamilies {
            log: Some(Err(refused.clone())),
            metric: Some(Err(refused.clone())),
            push_based: Some(Err(refused)),
        },
        LiveFamilies::default(),
    ] {
        let unread = matches!(families.log, Some(Err(_)));
        let (yaml, _) = import_one(families);
        let project = &read(&yaml)["projects"][0];
        let keys: Vec<&String> = project.as_object().expect("a project").keys().collect();
        assert_eq!(keys, ["id", "name"], "{yaml}");
        if unread {
            // Left out by `--skip-unreadable`: the file says so.
            for section in [
                "log_integrations",
                "metric_integrations",
                "push_based_log_export",
            ] {
                let said = format!(
                    "    # {section}: not imported, the credentials could not read it (it needs \
                     the Project Owner role); not managed here\n"
                );
                assert!(yaml.contains(&said), "{yaml}");
            }
        } else {
            assert!(!yaml.contains("log_integrations"), "{yaml}");
            assert!(!yaml.contains("push_based"), "{yaml}");
        }
        assert!(yaml.contains("    # no integrations in Atlas\n"), "{yaml}");
    }
}

#[test]
fn kinds_and_fields_tether_does_not_model_stay_in_their_comments() {
    let mut otel = live(
        EntryKind::Otel,
        "6620a1b2c3d4e5f6a7b8c9d5",
        vec![
            ("otelEndpoint", text("https://otel.example.com/v1/logs")),
            ("logTypes", set(&["MONGOD"])),
        ],
    );
    otel.unmodelled = vec!["retry\nINJECTED_FIELD: 1".to_owned()];
    let mut metric = live(EntryKind::Metric, "6630a1b2c3d4e5f6a7b8c9d0", Vec::new());
    metric.unmodelled = vec!["newField".to_owned()];
    let mut unknown: Vec<String> = vec![
        "NEW_LOG_EXPORT".to_owned(),
        "NEW_LOG_EXPORT".to_owned(),
        "X\r\nINJECTED_TYPE: 1".to_owned(),
    ];
    unknown.extend((0..20).map(|n| format!("KIND_{n:02}")));
    let (yaml, _) = import_one(LiveFamilies {
        log: Some(Ok(LiveEntries {
            entries: vec![otel],
            unknown_types: unknown,
        })),
        metric: Some(Ok(LiveEntries {
            entries: vec![metric],
            unknown_types: vec!["PROMETHEUS_PULL".to_owned()],
        })),
        push_based: unconfigured(),
    });
    let read = read(&yaml);
    let project = &read["projects"][0];
    let otel = project["log_integrations"][0]
        .as_object()
        .expect("an entry");
    let keys: Vec<&String> = otel.keys().collect();
    assert_eq!(keys, ["logTypes", "otelEndpoint", "type"], "{yaml}");
    assert!(
        yaml.contains(
            "      - type: OTEL_LOG_EXPORT\n        # retry\\u{a}INJECTED_FIELD: 1: set in Atlas, \
             but this tether does not know the field"
        ),
        "{yaml}"
    );
    // An entry with nothing to write is an empty mapping, its comment after it.
    assert!(
        yaml.contains("    metric_integrations:\n      - {}\n        # newField: set in Atlas"),
        "{yaml}"
    );
    assert_eq!(project["metric_integrations"][0], serde_json::json!({}));
    assert!(
        yaml.contains(
            "    # log_integrations also in Atlas, not managed by tether: KIND_00, KIND_01, \
             KIND_02, KIND_03, KIND_04, KIND_05, KIND_06, KIND_07, KIND_08, KIND_09, and 12 more\n"
        ),
        "{yaml}"
    );
    assert!(
        yaml.contains(
            "    # metric_integrations also in Atlas, not managed by tether: PROMETHEUS_PULL\n"
        ),
        "{yaml}"
    );
    assert!(!yaml.contains("\nINJECTED"), "{yaml}");
}

#[test]
fn unknown_kinds_are_counted() {
    let names: Vec<String> = ["B", "A", "B", "X\nY"].map(str::to_owned).to_vec();
    assert_eq!(super::unknown_kinds(&names), "A, B (2), X\\u{a}Y");
    assert_eq!(shown(&"é".repeat(100)), format!("{}…", "é".repeat(80)));
}

/// A project with entries cannot stand under a `select` entry: families
/// are not factored, so they stay in their project.
#[test]
fn projects_with_families_are_not_replaced_by_a_select_entry() {
    let org: crate::model::GroupId = "6600000000000000000000aa".parse().expect("id");
    let sources = |with_entries: bool| {
        let families = if with_entries {
            every_kind()
        } else {
            LiveFamilies::default()
        };
        vec![
            source("a", 1, families),
            source("b", 2, LiveFamilies::default()),
        ]
    };
    let options = ImportOptions {
        factor: true,
        ..ImportOptions::default()
    };
    let written = |with_entries| {
        let org = Organization {
            id: Some(org.clone()),
            whole: true,
            sources: sources(with_entries),
        };
        let imported = import(&[org], &options, Layout::OneFile);
        imported.files[0].yaml.clone()
    };
    assert!(written(false).contains("  - select:\n      org: 6600000000000000000000aa"));
    let yaml = written(true);
    assert!(!yaml.contains("select:"), "{yaml}");
    assert!(yaml.contains("    log_integrations:\n"), "{yaml}");
}
