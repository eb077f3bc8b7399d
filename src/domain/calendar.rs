//! Civil dates in China Standard Time. The portal needs dates for birth dates in ID
//! numbers, tracking numbers, form fields and deadlines; a full date-time library
//! would add weight to the WASM for what is a few lines of arithmetic.

use std::fmt;

/// Offset of China Standard Time from UTC, in milliseconds. China has no daylight
/// saving time, so one fixed offset is exact.
const CST_OFFSET_MS: i64 = 8 * 3600 * 1000;
const MS_PER_DAY: i64 = 86_400_000;

/// A valid Gregorian calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if `year-month-day` exists (29 February only in leap years).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses `YYYY-MM-DD` (what `<input type="date">` sends), also accepting `/` or `.`
    /// as separators and full-width digits.
    pub fn parse_iso(input: &str) -> Option<Date> {
        let folded = crate::domain::text::fold_to_ascii_compact(input);
        let mut parts = folded.split(['-', '/', '.']);
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Parses eight ASCII digits `YYYYMMDD`, the form used inside ID and tracking numbers.
    pub fn parse_compact(digits: &str) -> Option<Date> {
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Date::new(digits[0..4].parse().ok()?, digits[4..6].parse().ok()?, digits[6..8].parse().ok()?)
    }

    /// `YYYYMMDD`.
    pub fn compact(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The calendar date in China at the instant `unix_ms`.
    pub fn from_unix_ms_china(unix_ms: i64) -> Date {
        Date::from_days_since_epoch((unix_ms + CST_OFFSET_MS).div_euclid(MS_PER_DAY))
    }

    /// The date `n` calendar days later (earlier for negative `n`).
    pub fn plus_days(self, n: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + n)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub fn iso_weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (4).
        ((self.days_since_epoch() + 3).rem_euclid(7) + 1) as u8
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Whether `year` has a 29 February.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Local date and time in China for display, `YYYY-MM-DD HH:MM`.
pub fn format_china_datetime(unix_ms: i64) -> String {
    let date = Date::from_unix_ms_china(unix_ms);
    let ms_of_day = (unix_ms + CST_OFFSET_MS).rem_euclid(MS_PER_DAY);
    let minutes = ms_of_day / 60_000;
    format!("{date} {:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_ninth_of_february_exists_only_in_leap_years() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2000, 2, 29).is_some(), "2000 is divisible by 400");
        assert!(Date::new(1900, 2, 29).is_none(), "1900 is divisible by 100 only");
        assert!(Date::new(2026, 2, 29).is_none());
        assert!(Date::new(2026, 4, 31).is_none());
        assert!(Date::new(2026, 13, 1).is_none());
        assert!(Date::new(2026, 1, 0).is_none());
    }

    #[test]
    fn epoch_days_round_trip_over_four_centuries() {
        for days in (-80_000..80_000).step_by(37) {
            let date = Date::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days, "{date}");
        }
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::new(2026, 11, 23).unwrap().days_since_epoch(), 20_780);
    }

    #[test]
    fn china_date_turns_at_midnight_beijing_time_not_utc() {
        // 2026-11-22T16:00:00Z is 2026-11-23 00:00 in Beijing.
        let ms = 1_795_363_200_000;
        assert_eq!(Date::from_unix_ms_china(ms).to_string(), "2026-11-23");
        assert_eq!(Date::from_unix_ms_china(ms - 1).to_string(), "2026-11-22");
        assert_eq!(format_china_datetime(ms + 9 * 60_000), "2026-11-23 00:09");
    }

    #[test]
    fn iso_dates_parse_with_common_separators_and_reject_nonsense() {
        assert_eq!(Date::parse_iso("2024-02-29"), Date::new(2024, 2, 29));
        assert_eq!(Date::parse_iso("２０２４/2/9"), Date::new(2024, 2, 9));
        assert_eq!(Date::parse_iso("2023-02-29"), None);
        assert_eq!(Date::parse_iso("24-02-01"), None);
        assert_eq!(Date::parse_iso("2024-02"), None);
        assert_eq!(Date::parse_iso("2024-02-01-01"), None);
        assert_eq!(Date::parse_compact("20240229"), Date::new(2024, 2, 29));
        assert_eq!(Date::parse_compact("2024022"), None);
    }

    #[test]
    fn weekdays_are_iso_numbered() {
        assert_eq!(Date::new(2026, 11, 23).unwrap().iso_weekday(), 1, "a Monday");
        assert_eq!(Date::new(2026, 11, 22).unwrap().iso_weekday(), 7, "a Sunday");
    }
}
