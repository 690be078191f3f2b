//! The one table of what each integration type holds, written from Atlas's
//! API reference for third-party integrations. The file schema, validation, the planner, the client's wire
//! format and the simulator all read it; nothing else lists fields.

use super::IntegrationType;
use crate::secret::{mask, url_mask};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    String,
    Bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Required {
    /// Atlas rejects a configuration without it.
    Always,
    Optional,
    /// Atlas requires it in every write body (POST and PUT), but tether
    /// accepts it left out: the integration is then only checked and kept,
    /// and a plan that needs a write says the field is missing.
    ToWrite,
}

/// What Atlas sends back for a field on every read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadBack {
    Clear,
    /// Same length, every character but the last four replaced by `*`.
    Masked,
    /// `scheme://host/****` and the last four characters.
    UrlMasked,
    /// Never returned at all (Prometheus `password`).
    Never,
}

impl ReadBack {
    /// What Atlas answers on a read for `value` written to a field it reads
    /// back this way; `None` when it never returns it.
    pub fn answered(self, value: &str) -> Option<String> {
        match self {
            ReadBack::Clear => Some(value.to_owned()),
            ReadBack::Masked => Some(mask(value)),
            ReadBack::UrlMasked => Some(url_mask(value)),
            ReadBack::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Any,
    /// Hexadecimal digits only (Atlas's check on Datadog keys).
    Hex,
    /// Exactly 40 lowercase hexadecimal digits (the specification's pattern
    /// `^([0-9a-f]){40}$` for New Relic).
    LowerHex40,
    /// An absolute `http://` or `https://` URL.
    HttpUrl,
    /// Between `min` and `max` characters.
    Length {
        min: usize,
        max: usize,
    },
    /// At most this many bytes (webhook templates).
    MaxBytes(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultValue {
    Str(&'static str),
    Bool(bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The JSON name, used in the file and on the wire alike.
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: Required,
    /// Allowed values, empty when any value of the kind is allowed.
    pub allowed: &'static [&'static str],
    /// What Atlas stores when the field is not sent.
    pub default: Option<DefaultValue>,
    /// Never printed, logged or saved, whatever Atlas does on read.
    pub sensitive: bool,
    pub read_back: ReadBack,
    pub format: Format,
    /// Only the v2 API knows the field; the v1.0 API refuses it.
    pub v2_only: bool,
    /// The specification marks it write-only or `format: password`.
    pub write_only: bool,
    /// Optional, but leaving it out is known to hurt: why, for a warning.
    pub advised: Option<&'static str>,
    pub doc: &'static str,
}

impl FieldSpec {
    const fn new(name: &'static str, doc: &'static str) -> Self {
        FieldSpec {
            name,
            kind: FieldKind::String,
            required: Required::Optional,
            allowed: &[],
            default: None,
            sensitive: false,
            read_back: ReadBack::Clear,
            format: Format::Any,
            v2_only: false,
            write_only: false,
            advised: None,
            doc,
        }
    }

    const fn required(mut self) -> Self {
        self.required = Required::Always;
        self
    }

    const fn required_to_write(mut self) -> Self {
        self.required = Required::ToWrite;
        self
    }

    const fn secret(mut self, read_back: ReadBack) -> Self {
        self.sensitive = true;
        self.read_back = read_back;
        self
    }

    const fn one_of(mut self, allowed: &'static [&'static str]) -> Self {
        self.allowed = allowed;
        self
    }

    const fn default_str(mut self, value: &'static str) -> Self {
        self.default = Some(DefaultValue::Str(value));
        self
    }

    const fn boolean(mut self) -> Self {
        self.kind = FieldKind::Bool;
        self.default = Some(DefaultValue::Bool(false));
        self
    }

    const fn v2_only(mut self) -> Self {
        self.v2_only = true;
        self
    }

    const fn advised(mut self, why: &'static str) -> Self {
        self.advised = Some(why);
        self
    }

    const fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    const fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    Supported,
    /// Atlas still serves it but the service is end of life.
    EndOfLife,
    /// Nothing to configure (HipChat) or gone from the API (Flowdock);
    /// tether can only remove a legacy one.
    Retired,
}

#[derive(Debug)]
pub struct TypeSpec {
    pub kind: IntegrationType,
    pub lifecycle: Lifecycle,
    pub fields: &'static [FieldSpec],
    pub doc: &'static str,
}

impl TypeSpec {
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

const REGIONS_US_EU: &[&str] = &["US", "EU"];
const DATADOG_REGIONS: &[&str] = &["US", "EU", "US3", "US5", "AP1", "US1_FED"];

const PAGER_DUTY: &[FieldSpec] = &[
    FieldSpec::new("serviceKey", "PagerDuty integration (routing) key.")
        .required()
        .secret(ReadBack::Masked),
    FieldSpec::new("region", "PagerDuty service region.")
        .one_of(REGIONS_US_EU)
        .default_str("US"),
];

const SLACK: &[FieldSpec] = &[
    FieldSpec::new(
        "apiToken",
        "Slack API token. Slack is connected through the Atlas UI (OAuth), and Atlas needs the \
         token in every write; leave it out to only check an existing integration's channel \
         and team.",
    )
    .required_to_write()
    .secret(ReadBack::Masked),
    FieldSpec::new("channelName", "Slack channel that receives alerts.")
        .required()
        .format(Format::Length { min: 1, max: 80 }),
    FieldSpec::new(
        "teamName",
        "Slack team (workspace); set on legacy integrations.",
    ),
];

const DATADOG: &[FieldSpec] = &[
    FieldSpec::new("apiKey", "Datadog API key (hexadecimal, 32 characters).")
        .required()
        .secret(ReadBack::Masked)
        .format(Format::Hex),
    FieldSpec::new("region", "Datadog site.")
        .one_of(DATADOG_REGIONS)
        .default_str("US"),
    FieldSpec::new(
        "sendCollectionLatencyMetrics",
        "Send collection-level latency metrics.",
    )
    .boolean(),
    FieldSpec::new("sendDatabaseMetrics", "Send database-level metrics.").boolean(),
    FieldSpec::new("sendQueryStatsMetrics", "Send query statistics metrics.").boolean(),
    FieldSpec::new(
        "sendUserProvidedResourceTags",
        "Send the project's resource tags.",
    )
    .boolean(),
];

// Atlas reportedly returns New Relic keys in clear; they are still secrets.
const NEW_RELIC: &[FieldSpec] = &[
    FieldSpec::new(
        "accountId",
        "New Relic account id (40 lowercase hexadecimal characters).",
    )
    .required()
    .format(Format::LowerHex40),
    FieldSpec::new(
        "licenseKey",
        "New Relic license key (40 lowercase hexadecimal characters).",
    )
    .required()
    .secret(ReadBack::Clear)
    .format(Format::LowerHex40),
    FieldSpec::new("readToken", "New Relic insights query key.")
        .required()
        .secret(ReadBack::Clear),
    FieldSpec::new("writeToken", "New Relic insights insert key.")
        .required()
        .secret(ReadBack::Clear),
];

const OPS_GENIE: &[FieldSpec] = &[
    FieldSpec::new("apiKey", "Opsgenie API key.")
        .required()
        .secret(ReadBack::Masked),
    FieldSpec::new("region", "Opsgenie region.")
        .one_of(REGIONS_US_EU)
        .default_str("US"),
];

const VICTOR_OPS: &[FieldSpec] = &[
    FieldSpec::new("apiKey", "VictorOps (Splunk On-Call) API key.")
        .required()
        .secret(ReadBack::Masked),
    FieldSpec::new("routingKey", "VictorOps routing key.").advised(
        "Atlas accepts VICTOR_OPS without it, but an old report saw such integrations go \
         missing from Atlas's lists, where tether cannot see them",
    ),
];

const HIP_CHAT: &[FieldSpec] = &[];

const FLOWDOCK: &[FieldSpec] = &[
    FieldSpec::new("flowName", "Flowdock flow name.").required(),
    FieldSpec::new("apiToken", "Flowdock API token.")
        .required()
        .secret(ReadBack::Masked),
    FieldSpec::new("orgName", "Flowdock organization name.").required(),
];

// Header templates commonly carry credentials, so they are treated as secret.
const WEBHOOK: &[FieldSpec] = &[
    FieldSpec::new("url", "Absolute http(s) URL that receives alerts.")
        .required()
        .secret(ReadBack::UrlMasked)
        .format(Format::HttpUrl),
    FieldSpec::new("secret", "Shared secret Atlas signs each request with.")
        .secret(ReadBack::Masked)
        .write_only(),
    FieldSpec::new(
        "bodyTemplate",
        "Template of the request body; must render to JSON (at most 16 KB).",
    )
    .format(Format::MaxBytes(16 * 1024))
    .v2_only()
    .write_only(),
    FieldSpec::new(
        "headersTemplate",
        "JSON object of header name to value template (at most 4 KB).",
    )
    .secret(ReadBack::Clear)
    .format(Format::MaxBytes(4 * 1024))
    .v2_only()
    .write_only(),
];

const MICROSOFT_TEAMS: &[FieldSpec] = &[FieldSpec::new(
    "microsoftTeamsWebhookUrl",
    "Incoming webhook URL of the Teams channel.",
)
.required()
.secret(ReadBack::UrlMasked)
.format(Format::HttpUrl)];

const PROMETHEUS: &[FieldSpec] = &[
    FieldSpec::new("username", "User name Prometheus scrapes with.").required(),
    FieldSpec::new(
        "password",
        "Password Prometheus scrapes with; Atlas never returns it.",
    )
    .secret(ReadBack::Never)
    .write_only(),
    FieldSpec::new("serviceDiscovery", "How Prometheus discovers targets.")
        .required()
        .one_of(&["http", "file"]),
    FieldSpec::new("enabled", "Whether the Prometheus endpoint is on.")
        .required()
        .boolean(),
    FieldSpec::new(
        "sendUserProvidedResourceTagsEnabled",
        "Expose the project's resource tags as labels.",
    )
    .boolean(),
];

const SPECS: [TypeSpec; 11] = [
    TypeSpec {
        kind: IntegrationType::PagerDuty,
        lifecycle: Lifecycle::Supported,
        fields: PAGER_DUTY,
        doc: "PagerDuty: pages the on-call engineer.",
    },
    TypeSpec {
        kind: IntegrationType::Slack,
        lifecycle: Lifecycle::Supported,
        fields: SLACK,
        doc: "Slack: posts alerts to a channel.",
    },
    TypeSpec {
        kind: IntegrationType::Datadog,
        lifecycle: Lifecycle::Supported,
        fields: DATADOG,
        doc: "Datadog: sends metrics and alerts.",
    },
    TypeSpec {
        kind: IntegrationType::NewRelic,
        lifecycle: Lifecycle::EndOfLife,
        fields: NEW_RELIC,
        doc: "New Relic (end of life): sends metrics.",
    },
    TypeSpec {
        kind: IntegrationType::OpsGenie,
        lifecycle: Lifecycle::Supported,
        fields: OPS_GENIE,
        doc: "Opsgenie: pages the on-call engineer.",
    },
    TypeSpec {
        kind: IntegrationType::VictorOps,
        lifecycle: Lifecycle::Supported,
        fields: VICTOR_OPS,
        doc: "VictorOps (Splunk On-Call): pages the on-call engineer.",
    },
    TypeSpec {
        kind: IntegrationType::Flowdock,
        lifecycle: Lifecycle::Retired,
        fields: FLOWDOCK,
        doc: "Flowdock (retired, gone from Atlas's enum): can only be declared `absent`.",
    },
    TypeSpec {
        kind: IntegrationType::Webhook,
        lifecycle: Lifecycle::Supported,
        fields: WEBHOOK,
        doc: "Webhook: posts alerts to any HTTP endpoint.",
    },
    TypeSpec {
        kind: IntegrationType::HipChat,
        lifecycle: Lifecycle::Retired,
        fields: HIP_CHAT,
        doc: "HipChat (retired): in Atlas's enum with nothing to configure; can only be \
              declared `absent`.",
    },
    TypeSpec {
        kind: IntegrationType::Prometheus,
        lifecycle: Lifecycle::Supported,
        fields: PROMETHEUS,
        doc: "Prometheus: exposes metrics for scraping.",
    },
    TypeSpec {
        kind: IntegrationType::MicrosoftTeams,
        lifecycle: Lifecycle::Supported,
        fields: MICROSOFT_TEAMS,
        doc: "Microsoft Teams: posts alerts to a channel.",
    },
];

/// The specification of one integration type.
pub fn spec(kind: IntegrationType) -> &'static TypeSpec {
    &SPECS[kind as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_indexed_by_type() {
        for t in IntegrationType::ALL {
            assert_eq!(spec(t).kind, t);
        }
    }

    #[test]
    fn field_names_are_unique_and_never_type() {
        for t in IntegrationType::ALL {
            let fields = spec(t).fields;
            for (i, f) in fields.iter().enumerate() {
                assert_ne!(f.name, "type");
                assert!(
                    fields[i + 1..].iter().all(|g| g.name != f.name),
                    "{t}.{}",
                    f.name
                );
            }
        }
    }

    #[test]
    fn defaults_are_allowed_values() {
        for t in IntegrationType::ALL {
            for f in spec(t).fields {
                if let (Some(DefaultValue::Str(d)), false) = (f.default, f.allowed.is_empty()) {
                    assert!(f.allowed.contains(&d), "{t}.{}", f.name);
                }
                if f.kind == FieldKind::Bool {
                    assert!(f.allowed.is_empty() && f.read_back == ReadBack::Clear);
                }
            }
        }
    }
}
