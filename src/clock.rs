//! UTC dates as Atlas writes them (ISO 8601, `2026-12-02T06:20:02Z`), to
//! and from seconds since the Unix epoch, on [`Day`]'s calendar, without a
//! date library: the events window (`minDate`) and the simulator's event
//! times need no more.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::model::Day;

/// `2026-12-02T06:20:02Z` for a moment.
pub fn format_utc(at: SystemTime) -> String {
    let secs = at
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    format_epoch(secs)
}

/// `2026-12-02T06:20:02Z` for seconds since the epoch.
pub fn format_epoch(secs: u64) -> String {
    let day = Day::from_epoch_days((secs / 86_400) as i64);
    let rest = secs % 86_400;
    format!(
        "{day}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Seconds since the epoch of an ISO 8601 UTC time: `2026-12-02`,
/// `2026-12-02T06:20:02Z`, with fractions of a second (ignored) or a
/// `+00:00` offset. `None` for anything else.
pub fn parse_utc(text: &str) -> Option<u64> {
    let text = text.trim();
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let day: Day = date.parse().ok()?;
    let mut secs = 0u64;
    if let Some(time) = time {
        let time = time
            .strip_suffix('Z')
            .or_else(|| time.strip_suffix("+00:00"))?;
        let time = time.split('.').next()?;
        let mut hms = time.split(':');
        let h: u64 = hms.next()?.parse().ok()?;
        let m: u64 = hms.next()?.parse().ok()?;
        let s: u64 = hms.next().map_or(Some(0), |s| s.parse().ok())?;
        if hms.next().is_some() || h > 23 || m > 59 || s > 60 {
            return None;
        }
        secs = h * 3600 + m * 60 + s;
    }
    u64::try_from(day.epoch_days())
        .ok()
        .map(|d| d * 86_400 + secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_back() {
        assert_eq!(format_epoch(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_epoch(1_796_192_402), "2026-12-02T06:20:02Z");
        assert_eq!(parse_utc("2026-12-02T06:20:02Z"), Some(1_796_192_402));
        assert_eq!(parse_utc("2026-12-02T06:20:02.123Z"), Some(1_796_192_402));
        assert_eq!(parse_utc("2026-12-02T06:20:02+00:00"), Some(1_796_192_402));
        assert_eq!(parse_utc("2024-02-29"), Some(1_709_164_800));
        assert_eq!(format_epoch(1_709_164_800), "2024-02-29T00:00:00Z");
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-12-02T25:00:00Z",
            "2026-12-02T06:20",
        ] {
            assert_eq!(parse_utc(bad), None, "{bad}");
        }
        for secs in [0, 86_399, 951_782_400, 4_102_444_800] {
            assert_eq!(parse_utc(&format_epoch(secs)), Some(secs));
        }
    }
}
