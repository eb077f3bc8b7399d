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


/// One year of the State Council's holiday notice, as kept in `catalog/calendar/<year>.toml`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarYear {
    pub year: i32,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
}

/// The longest text of one year an administrator may save, in characters (a year's
/// notice is about 1,500).
pub const CALENDAR_TEXT_MAX_CHARS: usize = 20_000;

impl CalendarYear {
    /// Reads one year's text. Control characters are refused by name before TOML
    /// sees them (TOML refuses most, in its own words), and so is a text too long
    /// to be a year's notice.
    pub fn parse(text: &str) -> Result<CalendarYear, CalendarProblem> {
        use crate::domain::text::{FreeTextError, free_text};
        let text = free_text(text, CALENDAR_TEXT_MAX_CHARS).map_err(|e| match e {
            FreeTextError::TooLong { max } => CalendarProblem::TooLong { max },
            // `free_text` answers `Missing` never (only `required_free_text` does).
            FreeTextError::ControlCharacter | FreeTextError::Missing => CalendarProblem::ControlCharacter,
        })?;
        toml::from_str(text).map_err(|e| CalendarProblem::Syntax(e.message().to_owned()))
    }
}

/// One holiday of a year: its days off and the weekend days worked in exchange (调休).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    pub name: crate::domain::text::Text,
    pub days_off: Vec<String>,
    #[serde(default)]
    pub working_days: Vec<String>,
}

/// What is wrong with a calendar text, in words an administrator can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalendarProblem {
    /// The text is not TOML of the expected shape.
    Syntax(String),
    /// An invisible control character other than a line break or a tab.
    ControlCharacter,
    TooLong { max: usize },
    /// A date that does not exist or is not `YYYY-MM-DD`.
    BadDate { year: i32, value: String },
    /// A date filed under another year.
    WrongYear { year: i32, date: Date },
    /// The same day is both a day off and a working day, or listed twice.
    Contradiction { date: Date },
    /// Two texts for the same year.
    DuplicateYear(i32),
    /// A make-up working day that is already a weekday, or a day off that is already a weekend day
    /// and not inside a holiday run, is harmless; but a "working day" on a weekday means the
    /// notice was copied wrongly.
    WorkingDayOnWeekday { date: Date },
}

impl fmt::Display for CalendarProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarProblem::Syntax(e) => write!(f, "not a calendar file: {e}"),
            CalendarProblem::ControlCharacter => write!(f, "the text holds a control character"),
            CalendarProblem::TooLong { max } => write!(f, "the text is longer than {max} characters"),
            CalendarProblem::BadDate { year, value } => write!(f, "{year}: `{value}` is not a date YYYY-MM-DD"),
            CalendarProblem::WrongYear { year, date } => write!(f, "{year}: {date} belongs to another year"),
            CalendarProblem::Contradiction { date } => write!(f, "{date} is listed twice or as both a day off and a working day"),
            CalendarProblem::DuplicateYear(year) => write!(f, "{year} is given twice"),
            CalendarProblem::WorkingDayOnWeekday { date } => write!(f, "{date} is a weekday: only a Saturday or Sunday can be a make-up working day"),
        }
    }
}

/// A deadline: the date, and whether it was counted past the last year whose holidays
/// are on file (then weekends alone were assumed, and the date may still move).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Due {
    #[serde(with = "date_text")]
    pub date: Date,
    pub provisional: bool,
}

/// A run of consecutive days off that a count stepped over, for explaining a deadline.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DaysOff {
    #[serde(with = "date_text")]
    pub from: Date,
    #[serde(with = "date_text")]
    pub to: Date,
    /// The holiday's name; `None` for an ordinary weekend.
    pub holiday: Option<crate::domain::text::Text>,
}

/// The working-day calendar (工作日): weekdays work, weekends rest, except as the
/// State Council's yearly notice says. Built from the yearly texts, so adding a year is
/// data, not code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    years: std::collections::BTreeSet<i32>,
    days_off: std::collections::BTreeMap<Date, usize>,
    working_days: std::collections::BTreeMap<Date, usize>,
    names: Vec<crate::domain::text::Text>,
}

impl WorkCalendar {
    /// Parses one text per year. Every problem is returned, not only the first.
    pub fn from_toml_texts(texts: &[&str]) -> Result<WorkCalendar, Vec<CalendarProblem>> {
        let mut years = Vec::new();
        let mut problems = Vec::new();
        for text in texts {
            match CalendarYear::parse(text) {
                Ok(y) => years.push(y),
                Err(problem) => problems.push(problem),
            }
        }
        match WorkCalendar::from_years(&years) {
            Ok(c) if problems.is_empty() => Ok(c),
            Ok(_) => Err(problems),
            Err(more) => {
                problems.extend(more);
                Err(problems)
            }
        }
    }

    /// Builds the calendar from parsed years.
    pub fn from_years(years: &[CalendarYear]) -> Result<WorkCalendar, Vec<CalendarProblem>> {
        let mut cal = WorkCalendar::default();
        let mut problems = Vec::new();
        for y in years {
            if !cal.years.insert(y.year) {
                problems.push(CalendarProblem::DuplicateYear(y.year));
            }
            for h in &y.holidays {
                let index = cal.names.len();
                cal.names.push(h.name.clone());
                for (list, off) in [(&h.days_off, true), (&h.working_days, false)] {
                    for value in list {
                        let Some(date) = Date::parse_iso(value).filter(|_| value.len() == 10) else {
                            problems.push(CalendarProblem::BadDate { year: y.year, value: value.clone() });
                            continue;
                        };
                        if date.year() != y.year {
                            problems.push(CalendarProblem::WrongYear { year: y.year, date });
                            continue;
                        }
                        if !off && date.iso_weekday() < 6 {
                            problems.push(CalendarProblem::WorkingDayOnWeekday { date });
                        }
                        let clash = cal.days_off.contains_key(&date) || cal.working_days.contains_key(&date);
                        if clash {
                            problems.push(CalendarProblem::Contradiction { date });
                        } else if off {
                            cal.days_off.insert(date, index);
                        } else {
                            cal.working_days.insert(date, index);
                        }
                    }
                }
            }
        }
        if problems.is_empty() { Ok(cal) } else { Err(problems) }
    }

    /// The years whose holidays are on file.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// Whether `date`'s year is on file (if not, only weekends are known).
    pub fn knows(&self, date: Date) -> bool {
        self.years.contains(&date.year())
    }

    /// Whether offices are open on `date`.
    pub fn is_working_day(&self, date: Date) -> bool {
        if self.days_off.contains_key(&date) {
            return false;
        }
        if self.working_days.contains_key(&date) {
            return true;
        }
        date.iso_weekday() < 6
    }

    /// The holiday `date` belongs to (as a day off or a make-up working day).
    pub fn holiday_of(&self, date: Date) -> Option<&crate::domain::text::Text> {
        self.days_off.get(&date).or_else(|| self.working_days.get(&date)).map(|&i| &self.names[i])
    }

    /// The `days`-th working day after `start` (承诺时限: the day of acceptance itself
    /// does not count; 0 days means `start` itself, the same day). Provisional when
    /// the count passes into a year that is not on file.
    pub fn add_working_days(&self, start: Date, days: u32) -> Due {
        let mut date = start;
        let mut provisional = !self.knows(start);
        let mut left = days;
        while left > 0 {
            date = date.plus_days(1);
            provisional |= !self.knows(date);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        Due { date, provisional }
    }

    /// Working days `d` with `from < d <= to`; 0 when `to <= from`.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d.plus_days(1);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    /// The runs of days off with `from < d < to`, for saying why a deadline falls where it does.
    pub fn days_off_between(&self, from: Date, to: Date) -> Vec<DaysOff> {
        let mut runs: Vec<DaysOff> = Vec::new();
        let mut d = from.plus_days(1);
        while d < to {
            if !self.is_working_day(d) {
                let holiday = self.holiday_of(d).cloned();
                match runs.last_mut() {
                    Some(run) if run.to.plus_days(1) == d => {
                        run.to = d;
                        if run.holiday.is_none() {
                            run.holiday = holiday;
                        }
                    }
                    _ => runs.push(DaysOff { from: d, to: d, holiday }),
                }
            }
            d = d.plus_days(1);
        }
        runs
    }
}

/// A date travels as `YYYY-MM-DD`, in views and stored JSON alike.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        date_text::serialize(self, s)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        date_text::deserialize(d)
    }
}

/// `Date` as `YYYY-MM-DD` in serialised views.
pub mod date_text {
    use super::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse_iso(&text).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a date")))
    }
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

    fn shipped() -> WorkCalendar {
        WorkCalendar::from_toml_texts(&[
            include_str!("../../catalog/calendar/2025.toml"),
            include_str!("../../catalog/calendar/2026.toml"),
        ])
        .unwrap()
    }

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn the_deadline_steps_over_the_qingming_holiday() {
        // Accepted Friday 2026-04-03 with 2 working days; 04-04 to 04-06 are off.
        let due = shipped().add_working_days(d("2026-04-03"), 2);
        assert_eq!(due, Due { date: d("2026-04-08"), provisional: false });
        let runs = shipped().days_off_between(d("2026-04-03"), d("2026-04-08"));
        assert_eq!(runs.len(), 1);
        assert_eq!((runs[0].from, runs[0].to), (d("2026-04-04"), d("2026-04-06")));
        assert_eq!(runs[0].holiday.as_ref().unwrap().zh, "清明节");
    }

    #[test]
    fn spring_festival_2026_counts_its_make_up_saturdays() {
        let cal = shipped();
        // Saturday 14 February and Saturday 28 February are worked; 15–23 February are off.
        assert!(cal.is_working_day(d("2026-02-14")));
        assert!(cal.is_working_day(d("2026-02-28")));
        assert!(!cal.is_working_day(d("2026-02-16")));
        assert!(!cal.is_working_day(d("2026-02-23")), "a Monday inside the holiday");
        // Accepted Friday 13 February + 1 working day is the make-up Saturday 14th.
        assert_eq!(cal.add_working_days(d("2026-02-13"), 1).date, d("2026-02-14"));
        // + 2 working days jumps the whole festival to Tuesday 24th.
        assert_eq!(cal.add_working_days(d("2026-02-13"), 2).date, d("2026-02-24"));
        // + 5 from Monday 23rd (a day off): 24, 25, 26, 27, then Saturday 28th.
        assert_eq!(cal.add_working_days(d("2026-02-23"), 5).date, d("2026-02-28"));
    }

    #[test]
    fn national_day_2026_counts_its_make_up_sunday_and_saturday() {
        let cal = shipped();
        assert!(cal.is_working_day(d("2026-09-20")), "make-up Sunday");
        assert!(cal.is_working_day(d("2026-10-10")), "make-up Saturday");
        // Friday 18 September + 1 = Sunday 20th (worked).
        assert_eq!(cal.add_working_days(d("2026-09-18"), 1).date, d("2026-09-20"));
        // Wednesday 30 September + 1 = Thursday 8 October; + 3 = Saturday 10th.
        assert_eq!(cal.add_working_days(d("2026-09-30"), 1).date, d("2026-10-08"));
        assert_eq!(cal.add_working_days(d("2026-09-30"), 3).date, d("2026-10-10"));
        assert_eq!(cal.working_days_between(d("2026-09-30"), d("2026-10-10")), 3);
    }

    #[test]
    fn a_count_into_a_year_not_on_file_is_provisional() {
        let cal = shipped();
        let due = cal.add_working_days(d("2026-12-30"), 5);
        // 31 Dec is worked; 2027's holidays are not on file, so only weekends are
        // skipped (even 1 January counts) and the date is marked provisional.
        assert_eq!(due, Due { date: d("2027-01-06"), provisional: true });
        assert!(!cal.add_working_days(d("2026-12-28"), 3).provisional, "stays inside 2026");
        assert!(cal.add_working_days(d("2027-03-01"), 0).provisional, "starts outside");
    }

    #[test]
    fn zero_days_means_the_same_day() {
        assert_eq!(shipped().add_working_days(d("2026-04-04"), 0).date, d("2026-04-04"));
    }

    #[test]
    fn bad_calendar_texts_say_what_is_wrong() {
        let errs = WorkCalendar::from_toml_texts(&[
            "year = 2026\n[[holidays]]\nname = { zh = \"x\", en = \"x\" }\ndays_off = [\"2026-02-30\", \"2025-01-01\"]\nworking_days = [\"2026-04-08\"]",
            "year = 2026",
            "nonsense",
        ])
        .unwrap_err();
        assert!(errs.contains(&CalendarProblem::BadDate { year: 2026, value: "2026-02-30".into() }), "{errs:?}");
        assert!(errs.contains(&CalendarProblem::WrongYear { year: 2026, date: d("2025-01-01") }), "{errs:?}");
        assert!(errs.contains(&CalendarProblem::WorkingDayOnWeekday { date: d("2026-04-08") }), "{errs:?}");
        assert!(errs.contains(&CalendarProblem::DuplicateYear(2026)), "{errs:?}");
        assert!(errs.iter().any(|e| matches!(e, CalendarProblem::Syntax(_))), "{errs:?}");
    }

    #[test]
    fn a_year_text_with_a_control_character_or_too_long_is_refused_by_name() {
        assert_eq!(CalendarYear::parse("year = 2026\n# 说明\t<b>\r\n").map(|y| y.year), Ok(2026));
        assert_eq!(CalendarYear::parse("year = 2026\n# \u{0}"), Err(CalendarProblem::ControlCharacter));
        assert_eq!(CalendarYear::parse("year = 2026\n# \u{1b}[2J"), Err(CalendarProblem::ControlCharacter));
        let long = format!("year = 2026\n#{}", "注".repeat(CALENDAR_TEXT_MAX_CHARS));
        assert_eq!(CalendarYear::parse(&long), Err(CalendarProblem::TooLong { max: CALENDAR_TEXT_MAX_CHARS }));
        assert_eq!(WorkCalendar::from_toml_texts(&["year = 2026\u{7f}"]), Err(vec![CalendarProblem::ControlCharacter]));
    }
}
