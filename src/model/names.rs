//! The enums whose variants are Atlas's names (`PAGER_DUTY`, `S3_LOG_EXPORT`,
//! `v2`, `additive`): each is shown as its `as_str`, and read back as the
//! variant of its `ALL` with that name.

/// Implements `Display` as `as_str`; given an error type, also declares it
/// and implements `FromStr` as the variant of `ALL` of that name.
macro_rules! atlas_names {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    ($name:ident, $unknown:ident) => {
        atlas_names!($name);

        /// A name that is none of the enum's.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $unknown;

        impl std::str::FromStr for $name {
            type Err = $unknown;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .into_iter()
                    .find(|named| named.as_str() == s)
                    .ok_or($unknown)
            }
        }
    };
}

pub(crate) use atlas_names;

#[cfg(test)]
mod tests {
    use crate::model::{ApiVersion, EntryKind, IntegrationType, Mode};

    #[test]
    fn names_round_trip() {
        for t in IntegrationType::ALL {
            assert_eq!(t.as_str().parse::<IntegrationType>(), Ok(t));
        }
        assert!("DATADOG_LOGS".parse::<IntegrationType>().is_err());
        for kind in EntryKind::ALL {
            assert_eq!(kind.as_str().parse::<EntryKind>(), Ok(kind));
        }
        assert_eq!(ApiVersion::V2.to_string(), "v2");
        assert_eq!(Mode::Additive.to_string(), "additive");
    }
}
