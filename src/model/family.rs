//! The table of the two id-keyed families of integrations, log export
//! (`logIntegrations`) and metric export (`metricIntegrations`), written from
//! MongoDB's v2 OpenAPI document of 2026-08-21 (atlas-api.md, "Log and metric
//! integrations"): every field, its shape, whether it is required, its limits
//! and whether it is a secret. The file's schema, validation, the planner and
//! the client's wire format read it; `tests/it/families.rs` holds it to the
//! facts file. The simulator keeps its own table (`sim/family_fields.rs`),
//! so the two do not share mistakes.

use std::fmt;

use super::names::atlas_names;

/// A family of integrations that holds a list of entries per project, each
/// keyed by an id Atlas assigns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Log,
    Metric,
}

impl Family {
    pub const ALL: [Family; 2] = [Family::Log, Family::Metric];

    /// The project's key in the file.
    pub const fn section(self) -> &'static str {
        match self {
            Family::Log => "log_integrations",
            Family::Metric => "metric_integrations",
        }
    }

    /// The collection's path segment under `/groups/{groupId}/`.
    pub const fn path(self) -> &'static str {
        match self {
            Family::Log => "logIntegrations",
            Family::Metric => "metricIntegrations",
        }
    }

    /// How messages name one entry.
    pub const fn noun(self) -> &'static str {
        match self {
            Family::Log => "log integration",
            Family::Metric => "metric integration",
        }
    }

    /// The field Atlas answers the entry's id in.
    pub const fn id_field(self) -> &'static str {
        match self {
            Family::Log => "id",
            Family::Metric => "metricIntegrationId",
        }
    }

    /// The field that says which kind an entry is, and cannot change.
    pub const fn discriminator(self) -> &'static str {
        match self {
            Family::Log => "type",
            Family::Metric => "integrationType",
        }
    }

    /// `log` or `metric`: the one that belongs to this family.
    pub fn pick<T>(self, log: T, metric: T) -> T {
        match self {
            Family::Log => log,
            Family::Metric => metric,
        }
    }

    pub fn kinds(self) -> impl Iterator<Item = EntryKind> {
        EntryKind::ALL
            .into_iter()
            .filter(move |kind| kind.family() == self)
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.section())
    }
}

/// The kind of one entry: a log integration's `type`, or a metric
/// integration (whose `integrationType` has one value, `OTEL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    S3,
    Datadog,
    Gcs,
    Otel,
    Splunk,
    Azure,
    Metric,
}

impl EntryKind {
    /// In the document's enum order, log types first.
    pub const ALL: [EntryKind; 7] = [
        EntryKind::S3,
        EntryKind::Datadog,
        EntryKind::Gcs,
        EntryKind::Otel,
        EntryKind::Splunk,
        EntryKind::Azure,
        EntryKind::Metric,
    ];

    /// Atlas's name: the log integration's `type`, or the metric
    /// integration's `integrationType`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EntryKind::S3 => "S3_LOG_EXPORT",
            EntryKind::Datadog => "DATADOG_LOG_EXPORT",
            EntryKind::Gcs => "GCS_LOG_EXPORT",
            EntryKind::Otel => "OTEL_LOG_EXPORT",
            EntryKind::Splunk => "SPLUNK_LOG_EXPORT",
            EntryKind::Azure => "AZURE_LOG_EXPORT",
            EntryKind::Metric => "OTEL",
        }
    }

    pub const fn family(self) -> Family {
        match self {
            EntryKind::Metric => Family::Metric,
            _ => Family::Log,
        }
    }

    /// The prefix of the kind's event types in Atlas's activity feed
    /// (`S3_LOG_STREAMING_ENABLED`...; GCS's say `GCP`).
    pub const fn event_prefix(self) -> &'static str {
        match self {
            EntryKind::S3 => "S3_LOG_STREAMING_",
            EntryKind::Datadog => "DATADOG_LOG_STREAMING_",
            EntryKind::Gcs => "GCP_LOG_STREAMING_",
            EntryKind::Otel => "OTEL_LOG_STREAMING_",
            EntryKind::Splunk => "SPLUNK_LOG_STREAMING_",
            EntryKind::Azure => "AZURE_LOG_STREAMING_",
            EntryKind::Metric => "OTEL_METRIC_INTEGRATION_",
        }
    }

    /// Every field of the kind, the discriminator excepted, in the order the
    /// file, the plan and the write body list them.
    pub const fn fields(self) -> &'static [EntryField] {
        match self {
            EntryKind::S3 => S3,
            EntryKind::Datadog => DATADOG,
            EntryKind::Gcs => GCS,
            EntryKind::Otel => OTEL,
            EntryKind::Splunk => SPLUNK,
            EntryKind::Azure => AZURE,
            EntryKind::Metric => METRIC,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static EntryField> {
        self.fields().iter().find(|field| field.name == name)
    }

    /// The fields that say what the entry points at: two entries of one
    /// kind with the same values here are the same entry.
    pub fn identity(self) -> impl Iterator<Item = &'static EntryField> {
        self.fields().iter().filter(|field| field.identity)
    }

    /// What the kind sends elsewhere, for the reference.
    pub const fn doc(self) -> &'static str {
        match self {
            EntryKind::S3 => "Log export to an AWS S3 bucket, through an IAM role Atlas assumes.",
            EntryKind::Datadog => "Log export to Datadog.",
            EntryKind::Gcs => "Log export to a Google Cloud Storage bucket.",
            EntryKind::Otel => "Log export to an OpenTelemetry collector over https.",
            EntryKind::Splunk => "Log export to a Splunk HTTP Event Collector.",
            EntryKind::Azure => "Log export to an Azure Blob Storage container.",
            EntryKind::Metric => {
                "Metric export over OpenTelemetry (OTLP) to Dynatrace, New Relic or any endpoint."
            }
        }
    }
}

atlas_names!(EntryKind, UnknownEntryKind);

/// The shape of a field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Text,
    /// `true` or `false`; the document marks the only one `nullable`.
    Bool,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// 24 hexadecimal digits (`^[a-fA-F0-9]{24}$`).
    Hex24,
    /// A set of these strings: no value twice (`uniqueItems`), between
    /// `min` and `max` of them.
    Set {
        values: &'static [&'static str],
        min: usize,
        max: usize,
    },
    /// A list of `{name, value}` headers, each value write-only.
    Headers {
        min: usize,
        max: usize,
    },
}

/// How Atlas answers a field on reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answered {
    /// As it was written.
    Clear,
    /// `format: password`: masked. The document does not say how; the
    /// comparison follows the rules of `secret.rs` for Atlas's masks.
    Masked,
    /// Headers: the names, never the values (`writeOnly`), under this key.
    HeaderNames(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryField {
    /// The JSON name, used in the file and on the wire alike.
    pub name: &'static str,
    pub shape: Shape,
    /// Atlas rejects a write without it.
    pub required: bool,
    /// `maxLength`, in characters.
    pub max_length: Option<usize>,
    /// The value must be an `https://` URL: the document says so in the
    /// field's description only, not in its schema.
    pub https: bool,
    pub answered: Answered,
    /// Part of what the entry points at (its identity without an id).
    pub identity: bool,
    /// The field's only value, which the file may leave out
    /// (`authType: HEADER`).
    pub only_value: Option<&'static str>,
    /// `""` is a value (a prefix at the root of the bucket): the document
    /// sets no `minLength`, and Atlas may answer one.
    pub may_be_empty: bool,
    pub doc: &'static str,
}

impl EntryField {
    const fn new(name: &'static str, shape: Shape, doc: &'static str) -> Self {
        EntryField {
            name,
            shape,
            required: true,
            max_length: None,
            https: false,
            answered: Answered::Clear,
            identity: false,
            only_value: None,
            may_be_empty: false,
            doc,
        }
    }

    const fn prefix(mut self) -> Self {
        self.identity = true;
        self.may_be_empty = true;
        self
    }

    const fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    const fn identity(mut self) -> Self {
        self.identity = true;
        self
    }

    const fn masked(mut self) -> Self {
        self.answered = Answered::Masked;
        self
    }

    const fn endpoint(mut self, https: bool) -> Self {
        self.max_length = Some(MAX_ENDPOINT_LENGTH);
        self.https = https;
        self
    }

    const fn only(mut self, value: &'static str) -> Self {
        self.only_value = Some(value);
        self
    }

    /// Whether the value is a secret: never printed, logged or saved.
    pub const fn is_secret(&self) -> bool {
        matches!(self.answered, Answered::Masked)
    }

    /// Whether the value is a list of headers with write-only values.
    pub const fn is_headers(&self) -> bool {
        matches!(self.shape, Shape::Headers { .. })
    }
}

/// `maxLength` of a metric integration's `endpoint`; atlas-api.md gives
/// OpenTelemetry log export's `otelEndpoint` the same limit.
pub const MAX_ENDPOINT_LENGTH: usize = 2048;

/// Header names and values together, in bytes: "2 KB" in the descriptions
/// of `otelSuppliedHeaders` and `headers`, not in their schemas.
pub const MAX_HEADER_BYTES: usize = 2048;

pub const LOG_TYPES: &[&str] = &["MONGOD", "MONGOS", "MONGOD_AUDIT", "MONGOS_AUDIT"];

pub const DATADOG_LOG_REGIONS: &[&str] = &["US1", "US3", "US5", "EU", "AP1", "AP2", "US1_FED"];

pub const METRIC_SELECTION: &[&str] = &[
    "ATLAS_STREAM_PROCESSING",
    "MONGODB_METRICS",
    "HARDWARE_METRICS",
];

const LOG_TYPES_FIELD: EntryField = EntryField::new(
    "logTypes",
    Shape::Set {
        values: LOG_TYPES,
        min: 0,
        max: 10,
    },
    "The logs to export: `MONGOD`, `MONGOS`, `MONGOD_AUDIT`, `MONGOS_AUDIT`.",
);

const HEADERS: Shape = Shape::Headers { min: 1, max: 10 };

/// S3's and Cloud Storage's path under the bucket.
const BUCKET_PREFIX_PATH: EntryField = EntryField::new(
    "prefixPath",
    Shape::Text,
    "The path under the bucket the logs go to; `\"\"` for its root.",
)
.prefix();

const S3: &[EntryField] = &[
    EntryField::new("bucketName", Shape::Text, "The S3 bucket.").identity(),
    BUCKET_PREFIX_PATH,
    EntryField::new(
        "iamRoleId",
        Shape::Hex24,
        "The id of the project's cloud provider access role (AWS IAM) Atlas assumes.",
    ),
    LOG_TYPES_FIELD,
    EntryField::new(
        "kmsKey",
        Shape::Text,
        "The AWS KMS key that encrypts the objects.",
    )
    .optional(),
    EntryField::new(
        "useLegacyPathStructure",
        Shape::Bool,
        "Write under the path structure of the push-based log export.",
    )
    .optional(),
];

const DATADOG: &[EntryField] = &[
    EntryField::new(
        "region",
        Shape::Enum(DATADOG_LOG_REGIONS),
        "The Datadog site: `US1`, `US3`, `US5`, `EU`, `AP1`, `AP2`, `US1_FED` (not the `US` of the \
         `DATADOG` integration).",
    )
    .identity(),
    EntryField::new("apiKey", Shape::Text, "The Datadog API key.").masked(),
    LOG_TYPES_FIELD,
];

const GCS: &[EntryField] = &[
    EntryField::new("bucketName", Shape::Text, "The Cloud Storage bucket.").identity(),
    BUCKET_PREFIX_PATH,
    EntryField::new(
        "roleId",
        Shape::Hex24,
        "The id of the project's cloud provider access role (a GCP service account).",
    ),
    LOG_TYPES_FIELD,
];

const OTEL: &[EntryField] = &[
    EntryField::new(
        "otelEndpoint",
        Shape::Text,
        "The collector's https URL, at most 2048 characters.",
    )
    .identity()
    .endpoint(true),
    EntryField {
        answered: Answered::HeaderNames("otelSuppliedHeaders"),
        ..EntryField::new(
            "otelSuppliedHeaders",
            HEADERS,
            "1 to 10 headers `{name, value}` sent with every request, 2 KB in all; Atlas never \
             returns the values.",
        )
    },
    LOG_TYPES_FIELD,
];

const SPLUNK: &[EntryField] = &[
    EntryField::new(
        "hecUrl",
        Shape::Text,
        "The URL of the Splunk HTTP Event Collector.",
    )
    .identity(),
    EntryField::new("hecToken", Shape::Text, "The HTTP Event Collector token.").masked(),
    LOG_TYPES_FIELD,
];

const AZURE: &[EntryField] = &[
    EntryField::new(
        "storageAccountName",
        Shape::Text,
        "The Azure storage account.",
    )
    .identity(),
    EntryField::new("storageContainerName", Shape::Text, "The blob container.").identity(),
    EntryField::new(
        "prefixPath",
        Shape::Text,
        "The path under the container the logs go to; `\"\"` for its root.",
    )
    .prefix(),
    EntryField::new(
        "roleId",
        Shape::Hex24,
        "The id of the project's cloud provider access role (an Azure service principal).",
    ),
    LOG_TYPES_FIELD,
];

const METRIC: &[EntryField] = &[
    EntryField::new(
        "endpoint",
        Shape::Text,
        "The OTLP endpoint, at most 2048 characters.",
    )
    .identity()
    .endpoint(false),
    EntryField::new(
        "providerType",
        Shape::Enum(&["CUSTOM", "DYNATRACE", "NEW_RELIC"]),
        "Who receives the metrics: `CUSTOM`, `DYNATRACE` or `NEW_RELIC`.",
    ),
    EntryField::new(
        "aggregationTemporality",
        Shape::Enum(&["DELTA", "CUMULATIVE"]),
        "`DELTA` or `CUMULATIVE`.",
    ),
    EntryField::new(
        "metricSelection",
        Shape::Set {
            values: METRIC_SELECTION,
            min: 1,
            max: 30,
        },
        "The metrics to export: `ATLAS_STREAM_PROCESSING`, `MONGODB_METRICS`, `HARDWARE_METRICS`.",
    ),
    EntryField {
        answered: Answered::HeaderNames("headersRedacted"),
        ..EntryField::new(
            "headers",
            HEADERS,
            "1 to 10 headers `{name, value}` sent with every request, 2 KB in all; Atlas answers \
             the names only (`headersRedacted`).",
        )
        .optional()
    },
    EntryField::new(
        "authType",
        Shape::Enum(&["HEADER"]),
        "`HEADER`, its only value; may be left out.",
    )
    .only("HEADER"),
];

/// Whether a field's value is an https URL, as far as the description's
/// rule goes: the scheme, and something after it.
pub fn is_https_url(value: &str) -> bool {
    value
        .strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_an_identity_and_an_event_prefix() {
        for kind in EntryKind::ALL {
            assert!(kind.identity().next().is_some(), "{kind}");
            assert!(kind.event_prefix().ends_with('_'), "{kind}");
        }
        assert_eq!(Family::Log.kinds().count(), 6);
        assert_eq!(
            Family::Metric.kinds().collect::<Vec<_>>(),
            [EntryKind::Metric]
        );
    }

    #[test]
    fn https_urls() {
        assert!(is_https_url("https://collector.example.com/v1/logs"));
        assert!(!is_https_url("http://collector.example.com"));
        assert!(!is_https_url("https://"));
        assert!(!is_https_url("https:///path"));
    }
}
