//! One plan with every kind of item of the log and metric families and of
//! the push-based log export, built by hand as the family planner would
//! write it: for the renderers' snapshots, the document's check and the
//! secret scan.

use super::types::{
    Change, Declared, DeleteReason, FieldChange, Item, ItemError, Note, Plan, ProjectPlan,
    ReportOnly, Shown, Subject, Unmanaged, Unread,
};
use crate::model::{Entry, EntryKind, EntryValue, GroupId, Header, IntegrationType, Mode};
use crate::secret::{Secret, mask};

/// The fixture's two projects, `payments-prod` and `analytics-dev`.
pub(crate) const PAYMENTS: &str = "5f1e3b2c9d8e7f6a5b4c3d2e";
pub(crate) const ANALYTICS: &str = "6a7b8c9d0e1f2a3b4c5d6e7f";

/// The Datadog key the file declares, and the one Atlas has.
pub(crate) const DD_DESIRED: &str = "dd-logs-api-key-desired-00000000c0de";
pub(crate) const DD_LIVE: &str = "dd-logs-api-key-live-0000000000000b0b";
/// The Dynatrace token of the metric integration's header.
pub(crate) const DT_TOKEN: &str = "Api-Token dt0c01.DYNATRACE-TOKEN-000000000001";
const OTEL_TOKEN: &str = "Bearer otel-collector-token-000000000002";

/// Every secret value the fixture declares. None may appear in any
/// rendering.
pub(crate) const FAMILY_SECRETS: &[&str] = &[DD_DESIRED, DD_LIVE, DT_TOKEN, OTEL_TOKEN];

pub(crate) const S3_OLD: &str = "65f1a2b3c4d5e6f7a8b9c0a1";
pub(crate) const DATADOG_ID: &str = "65f1a2b3c4d5e6f7a8b9c0a2";
pub(crate) const SPLUNK_ID: &str = "65f1a2b3c4d5e6f7a8b9c0a3";
pub(crate) const METRIC_ID: &str = "66aa00000000000000000001";

pub(crate) fn group(hex: &str) -> GroupId {
    hex.parse().expect("a group id")
}

/// A declared entry from `(field, value)` pairs, in the table's order.
pub(crate) fn entry(kind: EntryKind, id: Option<&str>, fields: Vec<(&str, EntryValue)>) -> Entry {
    let fields = kind
        .fields()
        .iter()
        .filter_map(|field| {
            let (_, value) = fields.iter().find(|(name, _)| *name == field.name)?;
            Some((field, value.clone()))
        })
        .collect();
    Entry {
        kind,
        id: id.map(str::to_owned),
        fields,
    }
}

pub(crate) fn text(value: &str) -> EntryValue {
    EntryValue::Text(value.to_owned())
}

pub(crate) fn set(values: &[&str]) -> EntryValue {
    EntryValue::Set(values.iter().map(|v| (*v).to_owned()).collect())
}

pub(crate) fn headers(pairs: &[(&str, &str)]) -> EntryValue {
    EntryValue::Headers(
        pairs
            .iter()
            .map(|(name, value)| Header {
                name: (*name).to_owned(),
                value: Secret::new(*value),
            })
            .collect(),
    )
}

pub(crate) fn s3(id: Option<&str>, bucket: &str, prefix: &str) -> Entry {
    entry(
        EntryKind::S3,
        id,
        vec![
            ("bucketName", text(bucket)),
            ("prefixPath", text(prefix)),
            ("iamRoleId", text("65f1a2b3c4d5e6f7a8b9c0aa")),
            ("logTypes", set(&["MONGOD", "MONGOD_AUDIT"])),
        ],
    )
}

pub(crate) fn datadog(key: &str) -> Entry {
    entry(
        EntryKind::Datadog,
        None,
        vec![
            ("region", text("US1")),
            ("apiKey", EntryValue::Secret(Secret::new(key))),
            ("logTypes", set(&["MONGOD", "MONGOS"])),
        ],
    )
}

pub(crate) fn metric(token: &str) -> Entry {
    entry(
        EntryKind::Metric,
        None,
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
            ("headers", headers(&[("Authorization", token)])),
        ],
    )
}

pub(crate) fn subject(entry: &Entry, id: Option<&str>) -> Subject {
    Subject::Entry {
        key: entry.key(),
        id: id.map(str::to_owned),
    }
}

pub(crate) fn field(name: &'static str, before: Shown, after: Shown) -> FieldChange {
    FieldChange {
        field: name,
        sensitive: false,
        before,
        after,
        rotated: false,
    }
}

pub(crate) fn shown(value: &str) -> Shown {
    Shown::Text(value.to_owned())
}

pub(crate) fn list(values: &[&str]) -> Shown {
    Shown::List(values.iter().map(|v| (*v).to_owned()).collect())
}

pub(crate) fn item(subject: Subject, change: Change) -> Item {
    Item {
        subject,
        change,
        report_only: None,
        notes: Vec::new(),
        errors: Vec::new(),
    }
}

/// What a create of `entry` shows: each declared field, header values
/// never.
pub(crate) fn created_fields(entry: &Entry) -> Vec<FieldChange> {
    entry
        .fields
        .iter()
        .map(|(spec, value)| {
            let after = match value {
                EntryValue::Text(text) => shown(text),
                EntryValue::Secret(secret) => Shown::Masked(secret.mask()),
                EntryValue::Bool(b) => Shown::Bool(*b),
                EntryValue::Set(values) => Shown::List(values.clone()),
                EntryValue::Headers(headers) => {
                    Shown::List(headers.iter().map(|h| h.name.clone()).collect())
                }
            };
            FieldChange {
                sensitive: spec.is_secret(),
                ..field(spec.name, Shown::None, after)
            }
        })
        .collect()
}

pub(crate) fn create(entry: &Entry) -> Change {
    Change::Create {
        desired: Declared::Entry(entry.clone()),
        fields: created_fields(entry),
    }
}

/// An authoritative project that moves off the push-based export: an S3
/// log integration pinned to a live one but pointed elsewhere (a
/// replacement), a Datadog key and log types changed, an unchanged Splunk
/// export, a metric integration whose headers are sent again, and the old
/// export removed.
fn payments() -> ProjectPlan {
    let new_s3 = s3(Some(S3_OLD), "acme-atlas-logs", "payments-prod/");
    let old_s3 = s3(None, "acme-atlas-logs", "payments/");
    let dd = datadog(DD_DESIRED);
    let splunk = entry(
        EntryKind::Splunk,
        None,
        vec![("hecUrl", text("https://splunk.example.com:8088"))],
    );
    let dynatrace = metric(DT_TOKEN);
    let items = vec![
        item(
            Subject::Integration(IntegrationType::PagerDuty),
            Change::Unchanged,
        ),
        item(subject(&new_s3, None), create(&new_s3)),
        item(
            subject(&old_s3, Some(S3_OLD)),
            Change::Delete {
                reason: DeleteReason::Replaced,
                fields: vec![
                    field("bucketName", shown("acme-atlas-logs"), Shown::None),
                    field("prefixPath", shown("payments/"), Shown::None),
                    field("logTypes", list(&["MONGOD"]), Shown::None),
                ],
            },
        ),
        item(
            subject(&dd, Some(DATADOG_ID)),
            Change::Update {
                desired: Declared::Entry(dd.clone()),
                fields: vec![
                    FieldChange {
                        sensitive: true,
                        ..field(
                            "apiKey",
                            Shown::Masked(mask(DD_LIVE)),
                            Shown::Masked(mask(DD_DESIRED)),
                        )
                    },
                    field("logTypes", list(&["MONGOD"]), list(&["MONGOD", "MONGOS"])),
                ],
                rotation: false,
            },
        ),
        item(subject(&splunk, Some(SPLUNK_ID)), Change::Unchanged),
        Item {
            notes: vec![Note::NotVerifiable { field: "headers" }],
            ..item(
                subject(&dynatrace, Some(METRIC_ID)),
                Change::Update {
                    desired: Declared::Entry(dynatrace.clone()),
                    fields: vec![
                        field(
                            "metricSelection",
                            list(&["MONGODB_METRICS"]),
                            list(&["MONGODB_METRICS", "HARDWARE_METRICS"]),
                        ),
                        FieldChange {
                            rotated: true,
                            ..field(
                                "headers",
                                list(&["Authorization"]),
                                list(&["Authorization"]),
                            )
                        },
                    ],
                    rotation: false,
                },
            )
        },
        Item {
            notes: vec![Note::LogsTwice {
                prefix: Some("payments/".into()),
            }],
            ..item(
                Subject::PushBased,
                Change::Delete {
                    reason: DeleteReason::DeclaredAbsent,
                    fields: vec![
                        field("bucketName", shown("acme-legacy-logs"), Shown::None),
                        field("prefixPath", shown("payments/"), Shown::None),
                        field("iamRoleId", shown("65f1a2b3c4d5e6f7a8b9c0aa"), Shown::None),
                    ],
                },
            )
        },
    ];
    ProjectPlan::planned(
        group(PAYMENTS),
        Some("payments-prod"),
        Mode::Authoritative,
        items,
        Vec::new(),
    )
}

/// An additive project: a declaration two live entries match, an `id:`
/// that names none, an OpenTelemetry log export created with its headers,
/// entries the file leaves alone, and a push-based export additive keeps.
fn analytics() -> ProjectPlan {
    let gcs = entry(
        EntryKind::Gcs,
        None,
        vec![
            ("bucketName", text("acme-gcs-logs")),
            ("prefixPath", text("analytics/")),
            ("roleId", text("65f1a2b3c4d5e6f7a8b9c0bb")),
            ("logTypes", set(&["MONGOD"])),
        ],
    );
    let pinned = Entry {
        id: Some("66aa000000000000000000ff".into()),
        ..metric(OTEL_TOKEN)
    };
    let otel = entry(
        EntryKind::Otel,
        None,
        vec![
            ("otelEndpoint", text("https://otel.example.com/v1/logs")),
            (
                "otelSuppliedHeaders",
                headers(&[("Authorization", OTEL_TOKEN)]),
            ),
            ("logTypes", set(&["MONGOD_AUDIT"])),
        ],
    );
    let items = vec![
        Item {
            errors: vec![ItemError::Ambiguous {
                ids: vec![
                    "65f1a2b3c4d5e6f7a8b9c0c1".into(),
                    "65f1a2b3c4d5e6f7a8b9c0c2".into(),
                ],
            }],
            ..item(subject(&gcs, None), Change::Unchanged)
        },
        item(subject(&otel, None), create(&otel)),
        Item {
            errors: vec![ItemError::PinnedIdNotFound {
                id: "66aa000000000000000000ff".into(),
            }],
            ..item(subject(&pinned, None), create(&pinned))
        },
        Item {
            report_only: Some(ReportOnly::AdditiveNeverDeletes),
            notes: vec![Note::LogsTwice { prefix: None }],
            ..item(
                Subject::PushBased,
                Change::Delete {
                    reason: DeleteReason::DeclaredAbsent,
                    fields: vec![field("bucketName", shown("acme-legacy-logs"), Shown::None)],
                },
            )
        },
    ];
    let left_alone = s3(None, "acme-atlas-logs", "analytics-archive/");
    ProjectPlan::planned(
        group(ANALYTICS),
        Some("analytics-dev"),
        Mode::Additive,
        items,
        vec![
            Unmanaged::Entry {
                key: left_alone.key(),
                id: "65f1a2b3c4d5e6f7a8b9c0d9".into(),
            },
            Unmanaged::Unknown("NEWER_LOG_EXPORT".into()),
        ],
    )
}

/// Planned with credentials that could not read the families.
fn search() -> ProjectPlan {
    let mut project = ProjectPlan::planned(
        group("7c8d9e0f1a2b3c4d5e6f7a8b"),
        Some("search-prod"),
        Mode::Authoritative,
        vec![item(
            Subject::Integration(IntegrationType::PagerDuty),
            Change::Unchanged,
        )],
        Vec::new(),
    );
    let reason = "Atlas answered 403 Forbidden to `GET /api/atlas/v2/groups/7c8d9e0f1a2b3c4d5e6f7a8b/logIntegrations`";
    project.unread = ["log_integrations", "metric_integrations"]
        .into_iter()
        .map(|section| Unread {
            section,
            reason: reason.into(),
        })
        .collect();
    project
}

/// `push_based_log_export: absent` with no S3 log integration to take
/// over.
fn legacy() -> ProjectPlan {
    ProjectPlan::planned(
        group("8d9e0f1a2b3c4d5e6f7a8b9c"),
        Some("legacy-reports"),
        Mode::Authoritative,
        vec![Item {
            errors: vec![ItemError::MigrationWithoutS3],
            ..item(
                Subject::PushBased,
                Change::Delete {
                    reason: DeleteReason::DeclaredAbsent,
                    fields: vec![field("bucketName", shown("acme-legacy-logs"), Shown::None)],
                },
            )
        }],
        Vec::new(),
    )
}

/// An observe project whose metric integration would be created.
fn observed() -> ProjectPlan {
    let dynatrace = metric(DT_TOKEN);
    ProjectPlan::planned(
        group("9e0f1a2b3c4d5e6f7a8b9c0d"),
        Some("metrics-observed"),
        Mode::Observe,
        vec![Item {
            report_only: Some(ReportOnly::ObserveMode),
            ..item(subject(&dynatrace, None), create(&dynatrace))
        }],
        Vec::new(),
    )
}

/// Everything matches, and the old export is still there.
fn quiet() -> ProjectPlan {
    let live_s3 = s3(None, "acme-atlas-logs", "docs/");
    ProjectPlan::planned(
        group("0f1a2b3c4d5e6f7a8b9c0d1e"),
        Some("docs-dev"),
        Mode::Authoritative,
        vec![
            item(
                Subject::Integration(IntegrationType::PagerDuty),
                Change::Unchanged,
            ),
            item(
                subject(&live_s3, Some("65f1a2b3c4d5e6f7a8b9c0e1")),
                Change::Unchanged,
            ),
            Item {
                notes: vec![Note::Deprecated],
                ..item(Subject::PushBased, Change::Unchanged)
            },
        ],
        Vec::new(),
    )
}

pub(crate) fn family_plan() -> Plan {
    Plan::from(vec![
        payments(),
        analytics(),
        search(),
        legacy(),
        observed(),
        quiet(),
    ])
}
