//! UTC dates as Atlas writes them (ISO 8601, `2026-12-02T06:20:02Z`), to
//! and from seconds since the Unix epoch, without a date library: the
//! events window (`minDate`) and the simulator's event times need no more.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
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
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
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
    let days = days_from_civil(year, month, day);
    u64::try_from(days).ok().map(|d| d * 86_400 + secs)
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
