//! The two generations of Atlas's Administration API that tether speaks.

pub use crate::model::ApiVersion;

/// The versioned media type of the v2 API; the only resource version of the
/// integration endpoints.
pub const V2_MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";

impl ApiVersion {
    pub(super) fn prefix(self) -> [&'static str; 3] {
        match self {
            ApiVersion::V1 => ["api", "atlas", "v1.0"],
            ApiVersion::V2 => ["api", "atlas", "v2"],
        }
    }

    pub(super) fn media_type(self) -> &'static str {
        match self {
            ApiVersion::V1 => "application/json",
            ApiVersion::V2 => V2_MEDIA_TYPE,
        }
    }
}
