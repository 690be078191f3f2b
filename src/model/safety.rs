//! Apply's safety gates as the file sets them, and the numbers behind them,
//! each written once: the gates use them, and tests hold the help text and
//! the file's schema, which state them in words, to them.

/// Most integrations one apply may delete unless the file or the command
/// line says otherwise.
pub const DEFAULT_MAX_DELETES: u32 = 5;

/// Most managed integrations, in percent, one apply may update, and apart
/// from that delete, unless the file or the command line says otherwise.
pub const DEFAULT_MAX_PERCENT: u32 = 30;

/// Shares are weighed only from this many managed integrations on: one
/// update of three is not a fleet-wide mistake.
pub const SHARE_FROM: usize = 10;

/// The highest value of a percentage of `safety`.
pub const MAX_PERCENT: u32 = 100;

/// Apply's gates as the file sets them; `None` leaves the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Safety {
    pub max_deletes: Option<u32>,
    pub max_update_percent: Option<u32>,
    pub max_delete_percent: Option<u32>,
}
