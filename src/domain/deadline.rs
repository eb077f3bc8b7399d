//! Deadlines and their lights (电子监察 红黄牌). The promised time limit (承诺时限) runs
//! from the day of acceptance on the working-day calendar; the days an applicant
//! spends correcting (补正) are added back, because that time is not the office's.

use super::calendar::{Date, Due, WorkCalendar, date_text};
use super::case::CaseStatus;
use serde::{Deserialize, Serialize};

/// The light a case shows in every queue and on its page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// Plenty of time left.
    Green,
    /// Less than the configured share of the time is left (黄牌).
    Yellow,
    /// Past the deadline (红牌).
    Red,
    /// The applicant is correcting; the clock stands still.
    Paused,
}

impl Light {
    pub fn code(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
            Light::Paused => "paused",
        }
    }
}

/// A case's deadline and how it was reached, so it can be explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    #[serde(with = "date_text")]
    pub accepted_on: Date,
    pub promised_days: u32,
    /// Working days the clock stood still while the applicant corrected.
    pub paused_days: u32,
    pub due: Due,
    /// The first day the light turns yellow.
    #[serde(with = "date_text")]
    pub yellow_from: Date,
}

/// The share of the promised time below which the light turns yellow, e.g. one third.
/// Kept as a fraction so the rule is exact and the same in the browser and the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YellowShare {
    pub numerator: u32,
    pub denominator: u32,
}

impl YellowShare {
    pub const ONE_THIRD: YellowShare = YellowShare { numerator: 1, denominator: 3 };

    /// Parses `1/3` or a decimal such as `0.25`; the share must lie between 0 and 1.
    pub fn parse(text: &str) -> Option<YellowShare> {
        let text = text.trim();
        let share = if let Some((n, d)) = text.split_once('/') {
            YellowShare { numerator: n.trim().parse().ok()?, denominator: d.trim().parse().ok()? }
        } else {
            let x: f64 = text.parse().ok()?;
            if !(0.0..=1.0).contains(&x) {
                return None;
            }
            YellowShare { numerator: (x * 10_000.0).round() as u32, denominator: 10_000 }
        };
        (share.denominator > 0 && share.numerator <= share.denominator).then_some(share)
    }

    /// Whether `left` of `total` is below this share.
    fn is_below(self, left: u32, total: u32) -> bool {
        u64::from(left) * u64::from(self.denominator) < u64::from(total) * u64::from(self.numerator)
    }
}

impl Deadline {
    /// The deadline of a case accepted on `accepted_on` with `promised_days`, after
    /// `paused_days` working days of correction.
    pub fn compute(calendar: &WorkCalendar, accepted_on: Date, promised_days: u32, paused_days: u32, yellow: YellowShare) -> Deadline {
        let total = promised_days + paused_days;
        let due = calendar.add_working_days(accepted_on, total);
        // Walk forward to the first day on which less than the share is left.
        let mut yellow_from = accepted_on;
        while yellow_from < due.date && !yellow.is_below(calendar.working_days_between(yellow_from, due.date), total) {
            yellow_from = yellow_from.plus_days(1);
        }
        Deadline { accepted_on, promised_days, paused_days, due, yellow_from }
    }

    /// The light on `today` for a case in `status`; `None` once the case is finished
    /// or before the clock has started.
    pub fn light(&self, status: CaseStatus, today: Date) -> Option<Light> {
        light_of(status, self.due.date, self.yellow_from, today)
    }
}

/// The light from the stored dates alone: what the queues use.
pub fn light_of(status: CaseStatus, due: Date, yellow_from: Date, today: Date) -> Option<Light> {
    match status {
        CaseStatus::NeedsCorrection => Some(Light::Paused),
        s if s.is_final() || s == CaseStatus::Submitted => None,
        _ if today > due => Some(Light::Red),
        _ if today >= yellow_from => Some(Light::Yellow),
        _ => Some(Light::Green),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> WorkCalendar {
        WorkCalendar::from_toml_texts(&[include_str!("../../catalog/calendar/2026.toml")]).unwrap()
    }

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn the_light_turns_yellow_in_the_last_third_and_red_after_the_deadline() {
        // Accepted Monday 2026-03-02 with 6 working days: due Tuesday 03-10.
        let dl = Deadline::compute(&cal(), d("2026-03-02"), 6, 0, YellowShare::ONE_THIRD);
        assert_eq!(dl.due.date, d("2026-03-10"));
        // Less than 2 of 6 left means 1 left: from Monday 03-09.
        assert_eq!(dl.yellow_from, d("2026-03-09"));
        assert_eq!(dl.light(CaseStatus::UnderReview, d("2026-03-06")), Some(Light::Green));
        assert_eq!(dl.light(CaseStatus::UnderReview, d("2026-03-09")), Some(Light::Yellow));
        assert_eq!(dl.light(CaseStatus::UnderReview, d("2026-03-10")), Some(Light::Yellow), "the due day itself is not late");
        assert_eq!(dl.light(CaseStatus::UnderReview, d("2026-03-11")), Some(Light::Red));
        assert_eq!(dl.light(CaseStatus::Issued, d("2026-03-11")), None, "finished cases have no light");
        assert_eq!(dl.light(CaseStatus::NeedsCorrection, d("2026-03-11")), Some(Light::Paused));
    }

    #[test]
    fn correction_days_push_the_deadline_back() {
        // The Qingming example: accepted 04-03 + 2 working days = 04-08; 3 working days
        // of correction make it 3 working days later.
        let dl = Deadline::compute(&cal(), d("2026-04-03"), 2, 3, YellowShare::ONE_THIRD);
        assert_eq!(dl.due.date, d("2026-04-13"));
        assert!(!dl.due.provisional);
    }

    #[test]
    fn an_immediate_item_is_due_the_day_it_is_accepted() {
        let dl = Deadline::compute(&cal(), d("2026-04-03"), 0, 0, YellowShare::ONE_THIRD);
        assert_eq!((dl.due.date, dl.yellow_from), (d("2026-04-03"), d("2026-04-03")));
    }

    #[test]
    fn yellow_shares_parse_as_fractions_or_decimals() {
        assert_eq!(YellowShare::parse("1/3"), Some(YellowShare::ONE_THIRD));
        assert_eq!(YellowShare::parse("0.25"), Some(YellowShare { numerator: 2500, denominator: 10_000 }));
        assert_eq!(YellowShare::parse("4/3"), None);
        assert_eq!(YellowShare::parse("1/0"), None);
        assert_eq!(YellowShare::parse("-0.1"), None);
        assert_eq!(YellowShare::parse("a third"), None);
    }
}
