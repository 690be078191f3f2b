//! Atlas's own view of each type's fields, built from tether's table
//! (`model::spec`) with every place where Atlas differs from tether written
//! out here and only here: tether is stricter than Atlas in places, and the
//! simulator must behave like Atlas.

use crate::model::{DefaultValue, FieldKind, Format, IntegrationType, ReadBack, Required, spec};

/// The two API versions the simulator serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    V1,
    V2,
}

impl Version {
    pub const fn path(self) -> &'static str {
        match self {
            Version::V1 => "v1.0",
            Version::V2 => "v2",
        }
    }
}

/// One field as Atlas handles it.
#[derive(Clone, Copy, Debug)]
pub struct AtlasField {
    pub name: &'static str,
    pub kind: FieldKind,
    /// Atlas refuses a configuration without it.
    pub required: bool,
    pub allowed: &'static [&'static str],
    pub default: Option<DefaultValue>,
    pub sensitive: bool,
    pub read_back: ReadBack,
    pub format: Format,
    /// Returned as JSON `null` when never set (observed on v2), instead of
    /// being left out.
    pub null_when_unset: bool,
}

/// Fields that only the v2 API knows: the v1.0 specification has every
/// other field (Datadog's `send*` flags and Prometheus's tag flag too).
const V2_ONLY: &[(IntegrationType, &str)] = &[
    (IntegrationType::Webhook, "bodyTemplate"),
    (IntegrationType::Webhook, "headersTemplate"),
];

/// Keys Atlas returns as `null` when unset (observed).
const NULL_WHEN_UNSET: &[(IntegrationType, &str)] = &[
    (IntegrationType::Datadog, "customEndpoint"),
    (IntegrationType::Webhook, "bodyTemplate"),
    (IntegrationType::Webhook, "headersTemplate"),
];

/// Atlas fields tether's table does not carry: Datadog's `customEndpoint`
/// (returned as `null` on v2 reads).
const EXTRA_V2: &[(IntegrationType, AtlasField)] = &[(
    IntegrationType::Datadog,
    AtlasField {
        name: "customEndpoint",
        kind: FieldKind::String,
        required: false,
        allowed: &[],
        default: None,
        sensitive: false,
        read_back: ReadBack::Clear,
        format: Format::Any,
        null_when_unset: true,
    },
)];

/// Whether a type is in Atlas's enum: both specifications list the same
/// types, and FLOWDOCK is in neither any more.
pub fn in_enum(kind: IntegrationType) -> bool {
    kind != IntegrationType::Flowdock
}

/// In the enum with no schema (HIP_CHAT): nothing can be written.
pub fn has_no_schema(kind: IntegrationType) -> bool {
    kind == IntegrationType::HipChat
}

/// Whether Atlas requires a field: tether's `ToWrite` (SLACK apiToken) is
/// plain "required" for Atlas.
fn atlas_required(required: Required) -> bool {
    matches!(required, Required::Always | Required::ToWrite)
}

/// Every field of a type in one API version, in the table's order.
pub fn fields(kind: IntegrationType, version: Version) -> Vec<AtlasField> {
    if !in_enum(kind) {
        return Vec::new();
    }
    let mut out: Vec<AtlasField> = spec(kind)
        .fields
        .iter()
        .filter(|f| version == Version::V2 || !V2_ONLY.contains(&(kind, f.name)))
        .map(|f| AtlasField {
            name: f.name,
            kind: f.kind,
            required: atlas_required(f.required),
            allowed: f.allowed,
            default: f.default,
            sensitive: f.sensitive,
            read_back: f.read_back,
            format: f.format,
            null_when_unset: version == Version::V2 && NULL_WHEN_UNSET.contains(&(kind, f.name)),
        })
        .collect();
    if version == Version::V2 {
        out.extend(EXTRA_V2.iter().filter(|(k, _)| *k == kind).map(|(_, f)| *f));
    }
    out
}

/// A field under any version, for checking a state file.
pub fn any_version_field(kind: IntegrationType, name: &str) -> Option<AtlasField> {
    [Version::V2, Version::V1]
        .into_iter()
        .flat_map(|v| fields(kind, v))
        .find(|f| f.name == name)
}
