//! Every behaviour of the simulator that Atlas's documentation leaves
//! unverified or open lives here: one switch or one constant each, with the reading
//! chosen by default. Change a default here, never in the handlers.
//!
//! What MongoDB's official OpenAPI specifications (v2 and the deprecated
//! v1.0) settled, and so is no longer a switch (the test
//! `tests/it/specification.rs` holds the simulator to those facts):
//! - v1.0 has every field v2 has but the webhook templates: Datadog's
//!   `send*` flags and Prometheus's tag flag are served and accepted on both
//!   (`reject_unknown_fields` now refuses only the templates on v1.0).
//! - Prometheus `password` is optional and write-only (the old "required in
//!   practice" switch is gone); VICTOR_OPS `routingKey` is optional (whether
//!   lists hide one without it stays an assumption, below).
//! - SLACK needs `apiToken` in every POST and PUT body.
//! - The type enum is the same on both versions: HIP_CHAT is in it with no
//!   schema (listed, deletable, never writable), FLOWDOCK is in neither.
//! - PUT is documented as "Updates" on v2 and as an upsert on the v1.0
//!   reference page: [`PutAbsent`] keeps one switch per version, defaulting
//!   to what each document says, since neither is verified in practice.
//! - The specifications define no error codes of their own for these
//!   endpoints: every code in [`codes`] and in errors.rs comes from recorded
//!   responses or is assumed.

use std::time::Duration;

use super::schema::Version;

/// What a `PUT` of a type the project lacks does. The v1.0 reference page
/// calls PUT an upsert; the v2 specification documents it as "Updates" only;
/// neither is verified in practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutAbsent {
    /// 404 `INTEGRATION_NOT_CONFIGURED`, so that a client's PUT→POST fallback
    /// is exercised.
    NotConfigured,
    /// Creates it.
    Create,
}

/// What `PUT` does to fields the body leaves out of an existing integration.
/// Atlas documents that only the fields sent are updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutSemantics {
    /// Fields sent replace stored ones; fields left out keep their value.
    Merge,
    /// The body replaces the whole configuration (defaults refilled).
    Replace,
}

/// `itemsPerPage` above the documented maximum of 500 (unverified).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverMaxItems {
    /// 400 `INVALID_QUERY_PARAMETER`.
    Reject,
    /// Served as 500.
    Clamp,
}

/// How the `nc` of a Digest nonce must grow (RFC 7616 only says "replays are
/// rejected"; Atlas's exact check is unverified).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NcPolicy {
    /// Every `nc` may be used once per nonce, in any order: concurrent
    /// pre-emptive requests that overtake each other are fine.
    Unique,
    /// Each `nc` must be greater than every one seen before on that nonce.
    Increasing,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumptions {
    /// Default `Create`, as the seed documents.
    pub v1_put_absent: PutAbsent,
    /// Default `NotConfigured`, as the v2 specification reads.
    pub v2_put_absent: PutAbsent,
    pub put_semantics: PutSemantics,
    pub over_max_items: OverMaxItems,
    pub nc_policy: NcPolicy,
    /// Status of an unknown type in the path: 400 `INVALID_ENUM_VALUE` or 404
    /// (unverified; a client should treat either as "not supported").
    pub unknown_type_status: u16,
    /// Body fields that do not exist for the type (or not in this API
    /// version: webhook templates on v1.0) are rejected with 400
    /// `INVALID_ATTRIBUTE` rather than ignored (unverified).
    pub reject_unknown_fields: bool,
    /// v2 requests without `Accept: application/vnd.atlas.2023-01-01+json`
    /// are refused with 406 `INVALID_VERSION_DATE` (unverified).
    pub require_versioned_accept: bool,
    /// A VICTOR_OPS integration without `routingKey` is accepted (the
    /// specifications make it optional) but left out of every list envelope,
    /// as an old report saw once on Atlas. It is still served by GET-one.
    pub hide_victor_ops_without_routing_key: bool,
    /// Refuse to create SLACK through the API (Slack is connected through the
    /// UI; "creating one through the API may be refused"). Off by default.
    pub refuse_slack_create: bool,
    /// With `includeCount=false`, `totalCount` is left out (unverified).
    pub omit_total_count_when_not_included: bool,
    /// How long a Digest nonce stays fresh (unverified).
    pub nonce_lifetime: Duration,
    /// `Retry-After` on injected 503 answers ("possibly 503").
    pub retry_after_on_503: Option<u64>,
    /// Metric integrations a project may hold; one more POST answers 409
    /// `MAX_METRIC_INTEGRATIONS_EXCEEDED`. Reported (a comment in the
    /// Terraform provider's acceptance tests), not in the document.
    pub max_metric_integrations: usize,
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            v1_put_absent: PutAbsent::Create,
            v2_put_absent: PutAbsent::NotConfigured,
            put_semantics: PutSemantics::Merge,
            over_max_items: OverMaxItems::Reject,
            nc_policy: NcPolicy::Unique,
            unknown_type_status: 400,
            reject_unknown_fields: true,
            require_versioned_accept: true,
            hide_victor_ops_without_routing_key: true,
            refuse_slack_create: false,
            omit_total_count_when_not_included: true,
            nonce_lifetime: Duration::from_secs(300),
            retry_after_on_503: Some(1),
            max_metric_integrations: 2,
        }
    }
}

impl Assumptions {
    pub fn put_absent(&self, version: Version) -> PutAbsent {
        match version {
            Version::V1 => self.v1_put_absent,
            Version::V2 => self.v2_put_absent,
        }
    }
}

/// Error codes and texts Atlas does not document verbatim. The documented
/// ones (INTEGRATION_NOT_CONFIGURED, INVALID_INTEGRATION_SETTINGS,
/// GROUP_NOT_FOUND, RATE_LIMITED_TOKEN_BUCKET, ...) are in errors.rs.
pub mod codes {
    /// 409 on POST of an existing type: "likely INTEGRATION_ALREADY_CONFIGURED".
    pub const ALREADY_CONFIGURED: &str = "INTEGRATION_ALREADY_CONFIGURED";
    pub const UNKNOWN_TYPE: &str = "INVALID_ENUM_VALUE";
    pub const INVALID_ATTRIBUTE: &str = "INVALID_ATTRIBUTE";
    pub const INVALID_JSON: &str = "INVALID_JSON";
    pub const INVALID_GROUP_ID: &str = "INVALID_GROUP_ID";
    pub const INVALID_QUERY_PARAMETER: &str = "INVALID_QUERY_PARAMETER";
    pub const ORG_NOT_FOUND: &str = "ORG_NOT_FOUND";
    pub const UNAUTHORIZED: &str = "UNAUTHORIZED";
    pub const FORBIDDEN: &str = "USER_UNAUTHORIZED";
    pub const SERVICE_UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";
    pub const INVALID_VERSION_DATE: &str = "INVALID_VERSION_DATE";
    pub const RESOURCE_NOT_FOUND: &str = "RESOURCE_NOT_FOUND";
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    /// A required field left out of a log, metric or push-based body.
    pub const MISSING_ATTRIBUTE: &str = "MISSING_ATTRIBUTE";
    /// 404 for an unknown `logIntegrations/{id}`.
    pub const LOG_INTEGRATION_NOT_FOUND: &str = "LOG_INTEGRATION_NOT_FOUND";
    /// 404 for an unknown `metricIntegrations/{metricIntegrationId}`.
    pub const METRIC_INTEGRATION_NOT_FOUND: &str = "METRIC_INTEGRATION_NOT_FOUND";
    /// 409 for a metric integration past `Assumptions::max_metric_integrations`.
    pub const MAX_METRIC_INTEGRATIONS_EXCEEDED: &str = "MAX_METRIC_INTEGRATIONS_EXCEEDED";
    /// 400 for a PUT that changes a log integration's `type`, which "cannot
    /// change after creation".
    pub const IMMUTABLE_ATTRIBUTE: &str = "CANNOT_MODIFY_IMMUTABLE_ATTRIBUTE";
    /// 409 for a POST of a push-based log export the project already has.
    pub const PUSH_BASED_ALREADY_CONFIGURED: &str = "PUSH_BASED_LOG_EXPORT_ALREADY_CONFIGURED";
    /// 404 for a PATCH or DELETE of a push-based log export the project
    /// lacks (its GET answers 200 `UNCONFIGURED` instead, as the Terraform
    /// provider's tests expect).
    pub const PUSH_BASED_NOT_CONFIGURED: &str = "PUSH_BASED_LOG_EXPORT_NOT_CONFIGURED";
}

/// Log integrations, metric integrations and the push-based log export
/// (atlas-api.md, "Log and metric integrations"): what the document and
/// its descriptions leave open. The fields, enums, required lists, item
/// counts and lengths are facts (`family_fields`); these are not. Decided
/// once, without a switch:
/// - Datadog `apiKey` and Splunk `hecToken` (`format: password`; how Atlas
///   masks them on read is not stated) are masked like the third-party
///   integrations' secrets: every character but the last four becomes `*`.
/// - OpenTelemetry log export's header values (write-only) are never
///   answered: `otelSuppliedHeaders` comes back with the names only.
/// - A PUT replaces the whole entry: `LogIntegrationRequest` and
///   `MetricIntegrationUpdateRequest` carry the same required lists as a
///   create, so a PUT without `headers` leaves a metric integration with
///   none, and one without `otelSuppliedHeaders` is refused (required).
/// - The read-only id in a body (`id`, `metricIntegrationId`) is ignored on
///   POST and on a PUT to the same id, and refused on a PUT to another.
/// - A `null` for a field the document marks nullable (`kmsKey`,
///   `useLegacyPathStructure`) is kept and answered as `null`; for any other
///   field it is an unset value, so a required field sent as `null` is
///   missing.
/// - Lists answer in creation order (the document states no order).
/// - Filters (`integrationType`, `providerType`) match exact values; a value
///   outside the enum matches nothing rather than being refused.
/// - An unknown id answers 404 (codes below), whatever its form: the path
///   parameters have no pattern.
/// - `Faults::read_after_write_delay` applies to `/integrations` only: these
///   families are read as last written.
/// - The push-based export's POST, PATCH and DELETE answer 200 with an
///   `inline` schema the document leaves empty: `{}`.
/// - The request's `Content-Type` is not checked (nor on `/integrations`).
/// - The push-based export's writes record no event: the document names no
///   event type for it.
/// - The push-based export's read-only fields (`state`, `createDate`,
///   `links`) are ignored in a PATCH body; any other unknown field is
///   refused, as everywhere.
pub mod log_metric {
    /// Header names and values together, in bytes, at most (OpenTelemetry
    /// log export: "2 KB in all", from a description). Metric integrations'
    /// `headers` are held to the same limit: the document states none.
    pub const HEADERS_TOTAL_BYTES: usize = 2048;
    /// Metric `endpoint` must be https like OpenTelemetry log export's
    /// `otelEndpoint` (whose rule comes from its description; the metric
    /// description is taken to mean the same).
    pub const METRIC_ENDPOINT_HTTPS: bool = true;
    /// Each header value of a metric integration, as `headersRedacted`
    /// shows it: the document says "redacted" without the form. A fixed
    /// mask, so neither length nor tail of a value is shown.
    pub const REDACTED_HEADER_VALUE: &str = "********";
    /// The event prefix of each log integration type:
    /// `{prefix}_LOG_STREAMING_{ENABLED,DISABLED,CONFIGURATION_UPDATED}`.
    /// atlas-api.md spells out only GCS's (`GCP_`); the others are the
    /// type's name before `_LOG_EXPORT`.
    pub const LOG_STREAMING_PREFIXES: &[(&str, &str)] = &[
        ("S3_LOG_EXPORT", "S3"),
        ("DATADOG_LOG_EXPORT", "DATADOG"),
        ("GCS_LOG_EXPORT", "GCP"),
        ("OTEL_LOG_EXPORT", "OTEL"),
        ("SPLUNK_LOG_EXPORT", "SPLUNK"),
        ("AZURE_LOG_EXPORT", "AZURE"),
    ];
    /// Which write records which event (the names are facts; the mapping is
    /// read from them): POST enables, PUT updates the configuration, DELETE
    /// disables.
    pub const ENABLED: &str = "ENABLED";
    pub const CONFIGURATION_UPDATED: &str = "CONFIGURATION_UPDATED";
    pub const DISABLED: &str = "DISABLED";
    pub const METRIC_EVENT_PREFIX: &str = "OTEL_METRIC_INTEGRATION";
    /// A push-based log export is `ACTIVE` as soon as it is created (Atlas
    /// verifies the bucket in the background through `INITIATING` and
    /// `BUCKET_VERIFIED`; the simulator has no bucket to verify).
    pub const PUSH_BASED_STATE_AFTER_CREATE: &str = "ACTIVE";
    /// A PATCH of the push-based export changes only the fields sent.
    pub const PUSH_BASED_PATCH_MERGES: bool = true;
}

/// What every v2 answer carries, where the document leaves details open:
/// - A 204 carries the operation's media type as `Content-Type` (the
///   document gives one for each 204; atlas-api.md: "responses carry that
///   media type"), with no body. v1.0's 204 carries `application/json`, the
///   type of every other v1.0 answer (unverified).
/// - An `Accept` with no version (`application/json`, `*/*`, none) or with
///   a version the operation lacks answers 406 `INVALID_VERSION_DATE` (see
///   `Assumptions::require_versioned_accept`): the document lists only
///   versioned media types and documents no default version, and
///   third-party clients report 406 for `application/json` on the live API.
///   With the switch off, such a request gets the operation's first media
///   type in the document.
pub mod media {
    /// `envelope=true`: the document says "Endpoints that return a list of
    /// results use the results object as an envelope. Application adds the
    /// status parameter to the response body." A single object is wrapped
    /// as `{"content": ..., "status": ...}` (Atlas's older reference; the
    /// key is not in the v2 document). The HTTP status stays the real one,
    /// a 204 stays empty and errors are not wrapped (unverified).
    pub const SINGLE_OBJECT_KEY: &str = "content";
}

/// Project events (atlas-api.md, "Project events"): what the facts leave
/// open, decided once.
pub mod events {
    /// `GET /groups/{id}/events` lists the newest event first (unverified:
    /// the reference does not state the order; tether asks for one small
    /// page and relies on it).
    pub const NEWEST_FIRST: bool = true;
    /// An integration written through the API records this `remoteAddress`:
    /// the simulator listens on loopback.
    pub const API_REMOTE_ADDRESS: &str = "127.0.0.1";
    /// A change "made in the UI" (`/__sim/ui/...` or
    /// `SimHandle::change_as_user`) records this `remoteAddress` unless told
    /// another.
    pub const UI_REMOTE_ADDRESS: &str = "127.0.0.1";
    /// A change made by a service account records its client id in
    /// `publicKey` (unverified: the facts name `publicKey`/`apiKeyId` for
    /// API keys only).
    pub const SERVICE_ACCOUNT_IN_PUBLIC_KEY: bool = true;
    /// Written with `PUT` or `POST`.
    pub const CONFIGURED: &str = "INTEGRATION_CONFIGURED";
    /// Written with `DELETE`.
    pub const REMOVED: &str = "INTEGRATION_REMOVED";
}

/// Alert configurations (atlas-api.md, "Alert configurations").
pub mod alerts {
    use crate::model::Notification;

    /// Notification fields that hold a credential of the notification's
    /// own (names from Atlas's alert configuration reference; which of them
    /// Atlas masks on read is unverified: the simulator masks them all, like
    /// integration secrets).
    pub const CREDENTIAL_FIELDS: &[&str] = Notification::CREDENTIAL_FIELDS;
    /// Credential fields that are URLs: masked as URLs.
    pub const CREDENTIAL_URL_FIELDS: &[&str] = Notification::CREDENTIAL_URL_FIELDS;
    /// Notification fields served as numbers (the state file keeps text).
    pub const NUMBER_FIELDS: &[&str] = &["delayMin", "intervalMin"];
    /// A notification of an integration type with no credential of its own
    /// and no `integrationId` is served with the id of the project's
    /// integration of that type filled in ("since 2024 Atlas fills
    /// `integrationId` in by itself").
    pub const FILL_INTEGRATION_ID: bool = true;
}
