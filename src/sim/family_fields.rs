//! The fields of the two id-keyed families (log and metric integrations) and
//! of the legacy push-based log export, as MongoDB's v2 OpenAPI document of
//! 2026-08-21 gives them (atlas-api.md, "Log and metric integrations"):
//! names, kinds, enums, required flags, patterns, lengths, item counts,
//! write-only values. What the document only says in descriptions (the https
//! rule, the 2 KB of headers) is marked where it is used; what nothing says
//! is in `assumptions::log_metric`.

use super::assumptions::log_metric::{HEADERS_TOTAL_BYTES, METRIC_ENDPOINT_HTTPS};

/// The shape a value must have.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    Text,
    Bool,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// 24 hexadecimal digits; `lower_only` when the pattern is `[a-f0-9]`.
    Hex24 {
        lower_only: bool,
    },
    /// An array of distinct values of the enum (`uniqueItems`).
    Set {
        values: &'static [&'static str],
        min: usize,
        max: usize,
    },
    /// An array of `{name, value}` (both strings, both required).
    Headers {
        min: usize,
        max: usize,
        /// Names and values together, in bytes (from descriptions).
        total_bytes: usize,
    },
}

/// How a stored value is answered on reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadBack {
    Clear,
    /// `format: password`: masked like Atlas's other secrets.
    Masked,
    /// Headers whose values are write-only: the names only, same key.
    HeaderNames,
    /// Headers answered under another key with every value redacted
    /// (metric integrations: `headers` → `headersRedacted`).
    RedactedUnder(&'static str),
}

#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub name: &'static str,
    pub shape: Shape,
    pub required: bool,
    /// `nullable: true`: `null` is a value, stored and answered.
    pub nullable: bool,
    /// `maxLength`, in characters.
    pub max_length: Option<usize>,
    /// The value must be an https URL (from the document's descriptions).
    pub https: bool,
    pub read_back: ReadBack,
}

const fn rule(name: &'static str, shape: Shape) -> Rule {
    Rule {
        name,
        shape,
        required: true,
        nullable: false,
        max_length: None,
        https: false,
        read_back: ReadBack::Clear,
    }
}

const fn optional(mut rule: Rule) -> Rule {
    rule.required = false;
    rule
}

const fn nullable(mut rule: Rule) -> Rule {
    rule.required = false;
    rule.nullable = true;
    rule
}

const fn masked(mut rule: Rule) -> Rule {
    rule.read_back = ReadBack::Masked;
    rule
}

const fn endpoint(mut rule: Rule, https: bool) -> Rule {
    rule.max_length = Some(MAX_ENDPOINT_LENGTH);
    rule.https = https;
    rule
}

/// `maxLength` of metric `endpoint`; atlas-api.md gives OpenTelemetry log
/// export's `otelEndpoint` the same limit ("at most 2048").
pub const MAX_ENDPOINT_LENGTH: usize = 2048;

pub const LOG_TYPES: &[&str] = &["MONGOD", "MONGOS", "MONGOD_AUDIT", "MONGOS_AUDIT"];

/// The discriminator's enum, in the document's order.
pub const LOG_INTEGRATION_TYPES: &[&str] = &[
    "S3_LOG_EXPORT",
    "DATADOG_LOG_EXPORT",
    "GCS_LOG_EXPORT",
    "OTEL_LOG_EXPORT",
    "SPLUNK_LOG_EXPORT",
    "AZURE_LOG_EXPORT",
];

pub const DATADOG_LOG_REGIONS: &[&str] = &["US1", "US3", "US5", "EU", "AP1", "AP2", "US1_FED"];

/// Fields every log integration has besides `type`.
pub const LOG_COMMON: &[Rule] = &[rule(
    "logTypes",
    Shape::Set {
        values: LOG_TYPES,
        min: 0,
        max: 10,
    },
)];

const HEX24_ANY_CASE: Shape = Shape::Hex24 { lower_only: false };

const OTEL_LOG_HEADERS: Shape = Shape::Headers {
    min: 1,
    max: 10,
    total_bytes: HEADERS_TOTAL_BYTES,
};

const S3: &[Rule] = &[
    rule("bucketName", Shape::Text),
    rule("iamRoleId", HEX24_ANY_CASE),
    rule("prefixPath", Shape::Text),
    nullable(rule("kmsKey", Shape::Text)),
    nullable(rule("useLegacyPathStructure", Shape::Bool)),
];

const DATADOG: &[Rule] = &[
    masked(rule("apiKey", Shape::Text)),
    rule("region", Shape::Enum(DATADOG_LOG_REGIONS)),
];

const GCS: &[Rule] = &[
    rule("bucketName", Shape::Text),
    rule("prefixPath", Shape::Text),
    rule("roleId", HEX24_ANY_CASE),
];

const OTEL: &[Rule] = &[
    // https and 2048: atlas-api.md, from the field's description.
    endpoint(rule("otelEndpoint", Shape::Text), true),
    Rule {
        read_back: ReadBack::HeaderNames,
        ..rule("otelSuppliedHeaders", OTEL_LOG_HEADERS)
    },
];

const SPLUNK: &[Rule] = &[
    masked(rule("hecToken", Shape::Text)),
    rule("hecUrl", Shape::Text),
];

const AZURE: &[Rule] = &[
    rule("prefixPath", Shape::Text),
    rule("roleId", HEX24_ANY_CASE),
    rule("storageAccountName", Shape::Text),
    rule("storageContainerName", Shape::Text),
];

/// The fields of one log integration type (besides `type` and
/// [`LOG_COMMON`]), or `None` for a type outside the enum.
pub fn log_type_fields(kind: &str) -> Option<&'static [Rule]> {
    Some(match kind {
        "S3_LOG_EXPORT" => S3,
        "DATADOG_LOG_EXPORT" => DATADOG,
        "GCS_LOG_EXPORT" => GCS,
        "OTEL_LOG_EXPORT" => OTEL,
        "SPLUNK_LOG_EXPORT" => SPLUNK,
        "AZURE_LOG_EXPORT" => AZURE,
        _ => return None,
    })
}

pub const METRIC_SELECTION: &[&str] = &[
    "ATLAS_STREAM_PROCESSING",
    "MONGODB_METRICS",
    "HARDWARE_METRICS",
];

/// `MetricIntegrationRequest` and `MetricIntegrationUpdateRequest` (the
/// same fields and required list).
pub const METRIC: &[Rule] = &[
    rule(
        "aggregationTemporality",
        Shape::Enum(&["DELTA", "CUMULATIVE"]),
    ),
    rule("authType", Shape::Enum(&["HEADER"])),
    endpoint(rule("endpoint", Shape::Text), METRIC_ENDPOINT_HTTPS),
    Rule {
        read_back: ReadBack::RedactedUnder("headersRedacted"),
        ..optional(rule(
            "headers",
            Shape::Headers {
                min: 1,
                max: 10,
                total_bytes: HEADERS_TOTAL_BYTES,
            },
        ))
    },
    rule("integrationType", Shape::Enum(&["OTEL"])),
    rule(
        "metricSelection",
        Shape::Set {
            values: METRIC_SELECTION,
            min: 1,
            max: 30,
        },
    ),
    rule(
        "providerType",
        Shape::Enum(&["CUSTOM", "DYNATRACE", "NEW_RELIC"]),
    ),
];

const HEX24_LOWER: Shape = Shape::Hex24 { lower_only: true };

/// `CreatePushBasedLogExportProjectRequest`.
pub const PUSH_BASED_CREATE: &[Rule] = &[
    rule("bucketName", Shape::Text),
    rule("iamRoleId", HEX24_LOWER),
    rule("prefixPath", Shape::Text),
];

/// The writable fields of `PushBasedLogExportProject` (the PATCH body):
/// none required.
pub const PUSH_BASED_UPDATE: &[Rule] = &[
    optional(rule("bucketName", Shape::Text)),
    optional(rule("iamRoleId", HEX24_LOWER)),
    optional(rule("prefixPath", Shape::Text)),
];

/// `state` of a push-based log export.
pub const PUSH_BASED_STATES: &[&str] = &[
    "UNCONFIGURED",
    "INITIATING",
    "BUCKET_VERIFIED",
    "BUCKET_VERIFICATION_FAILED",
    "ASSUME_ROLE_FAILED",
    "ACTIVE",
];
