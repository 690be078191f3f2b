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
    /// Notification fields that hold a credential of the notification's
    /// own (names from Atlas's alert configuration reference; which of them
    /// Atlas masks on read is unverified: the simulator masks them all, like
    /// integration secrets).
    pub const CREDENTIAL_FIELDS: &[&str] = &[
        "serviceKey",
        "apiToken",
        "datadogApiKey",
        "opsGenieApiKey",
        "victorOpsApiKey",
        "victorOpsRoutingKey",
        "webhookSecret",
        "notificationToken",
    ];
    /// Credential fields that are URLs: masked as URLs.
    pub const CREDENTIAL_URL_FIELDS: &[&str] = &["webhookUrl", "microsoftTeamsWebhookUrl"];
    /// Notification fields served as numbers (the state file keeps text).
    pub const NUMBER_FIELDS: &[&str] = &["delayMin", "intervalMin"];
    /// A notification of an integration type with no credential of its own
    /// and no `integrationId` is served with the id of the project's
    /// integration of that type filled in ("since 2024 Atlas fills
    /// `integrationId` in by itself").
    pub const FILL_INTEGRATION_ID: bool = true;
}
