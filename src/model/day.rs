//! A calendar day in UTC, for the dates that matter to users (when a
//! service stops working). No time of day, no time zone: a day is the unit
//! such announcements use.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    year: i32,
    month: u8,
    day: u8,
}

impl Day {
    /// A day written in a table; `Day::parse` checks days that come from
    /// outside, and the table's test checks these.
    pub const fn new(year: i32, month: u8, day: u8) -> Day {
        Day { year, month, day }
    }

    /// Today in UTC, by the system clock.
    pub fn today() -> Day {
        let seconds = match SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
        };
        Day::from_epoch_days(seconds.div_euclid(86_400))
    }

    /// Days from `self` to `later`: negative when `later` is before.
    pub fn days_until(self, later: Day) -> i64 {
        later.epoch_days() - self.epoch_days()
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    /// Days since 1970-01-01. Howard Hinnant's `days_from_civil`: exact for
    /// the proleptic Gregorian calendar, with no table and no loop.
    pub fn epoch_days(self) -> i64 {
        let (month, day) = (i64::from(self.month), i64::from(self.day));
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The day `days` after 1970-01-01 (Hinnant's `civil_from_days`, the
    /// inverse of [`Day::epoch_days`]).
    pub fn from_epoch_days(days: i64) -> Day {
        let days = days + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Day {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    fn days_in_month(year: i32, month: u8) -> u8 {
        match month {
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => 31,
        }
    }
}

/// Why a text is not a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotADay;

impl fmt::Display for NotADay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected a date written YYYY-MM-DD, such as 2027-04-05")
    }
}

impl std::error::Error for NotADay {}

impl FromStr for Day {
    type Err = NotADay;

    /// `YYYY-MM-DD`, exactly.
    fn from_str(text: &str) -> Result<Day, NotADay> {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            bytes[range.clone()]
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| text[range].parse::<u32>().ok())
                .flatten()
        };
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(NotADay);
        }
        let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10))
        else {
            return Err(NotADay);
        };
        let year = i32::try_from(year).map_err(|_| NotADay)?;
        let month = u8::try_from(month).map_err(|_| NotADay)?;
        let day = u8::try_from(day).map_err(|_| NotADay)?;
        if !(1..=12).contains(&month) || day == 0 || day > Day::days_in_month(year, month) {
            return Err(NotADay);
        }
        Ok(Day { year, month, day })
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::Day;

    #[test]
    fn parses_and_prints_the_same_day() {
        for text in ["2027-04-05", "2024-02-29", "2000-02-29", "1970-01-01"] {
            assert_eq!(text.parse::<Day>().unwrap().to_string(), text);
        }
    }

    #[test]
    fn refuses_what_is_not_a_day() {
        for text in [
            "2027-4-5",
            "2027-04-31",
            "2023-02-29",
            "1900-02-29",
            "2027-13-01",
            "2027-00-10",
            "2027/04/05",
            "20270405",
            "",
            "2027-04-05 ",
            "+027-04-05",
        ] {
            assert!(text.parse::<Day>().is_err(), "{text}");
        }
    }

    #[test]
    fn counts_days_across_months_years_and_leap_days() {
        let day = |text: &str| text.parse::<Day>().unwrap();
        assert_eq!(day("2026-12-02").days_until(day("2027-04-05")), 124);
        assert_eq!(day("2027-04-05").days_until(day("2027-04-05")), 0);
        assert_eq!(day("2027-04-06").days_until(day("2027-04-05")), -1);
        assert_eq!(day("2024-02-28").days_until(day("2024-03-01")), 2);
        assert_eq!(day("1970-01-01").days_until(day("2000-01-01")), 10_957);
    }

    #[test]
    fn epoch_days_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            assert_eq!(Day::from_epoch_days(days).epoch_days(), days);
        }
        assert_eq!(Day::from_epoch_days(0), Day::new(1970, 1, 1));
    }
}
