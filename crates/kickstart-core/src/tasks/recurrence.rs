//! Recurring tasks: an RRULE (RFC 5545, through the `rrule` crate) anchored at the task's first
//! due date in the task's time zone, so "every day at 9:00" stays at 9:00 local across DST.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use rrule::{Frequency, NWeekday, RRule, Unvalidated};
use serde::{Deserialize, Serialize};

use crate::CoreError;

/// A task's recurrence as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Recurrence {
    /// The rule, e.g. `FREQ=MONTHLY;BYMONTHDAY=1`.
    pub rrule: String,
    /// The rule in words, e.g. "every month on the 1st".
    pub label: String,
}

/// Longest RRULE accepted.
const MAX_RRULE_CHARS: usize = 300;

fn invalid(message: impl Into<String>) -> CoreError {
    CoreError::validation("recurrence", message)
}

/// Parses an RRULE body (no DTSTART: the task's due date is the anchor).
fn parse(rule: &str) -> Result<RRule<Unvalidated>, CoreError> {
    let rule = rule.trim().trim_start_matches("RRULE:");
    if rule.is_empty() || rule.len() > MAX_RRULE_CHARS || rule.contains(['\n', '\r']) || rule.contains("DTSTART") {
        return Err(invalid("Write the repetition as an RRULE such as FREQ=WEEKLY;BYDAY=MO."));
    }
    rule.parse::<RRule<Unvalidated>>().map_err(|error| invalid(format!("That repetition rule is not valid: {error}.")))
}

/// The anchor (DTSTART) of a rule: the due date at its time, or at midnight for all-day tasks.
pub(crate) fn anchor(date: NaiveDate, time: Option<NaiveTime>) -> NaiveDateTime {
    date.and_time(time.unwrap_or(NaiveTime::MIN))
}

/// A local date-time in `tz`; a time that does not exist (a DST gap) moves an hour later.
pub(crate) fn localize(tz: Tz, local: NaiveDateTime) -> chrono::DateTime<Tz> {
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(local + Duration::hours(1))).earliest())
        .unwrap_or_else(|| tz.from_utc_datetime(&local))
}

/// Checks a rule against its anchor and returns it normalised with its label.
pub(crate) fn validate(rule: &str, tz: Tz, anchor: NaiveDateTime) -> Result<Recurrence, CoreError> {
    let parsed = parse(rule)?;
    let start = localize(tz, anchor).with_timezone(&rrule::Tz::Tz(tz));
    // Validation fills in what the anchor implies (BYMONTHDAY=23 for "every month" from the
    // 23rd), which makes the label precise; the rule is stored as written so a later anchor
    // can still move it.
    let validated =
        parsed.validate(start).map_err(|error| invalid(format!("That repetition rule is not valid: {error}.")))?;
    Ok(Recurrence { rrule: rule.trim().trim_start_matches("RRULE:").to_uppercase(), label: describe(&validated) })
}

/// The first occurrence strictly after `current` (local), or `None` when the rule has ended.
pub(crate) fn next_after(
    rule: &str,
    tz: Tz,
    anchor: NaiveDateTime,
    current: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, CoreError> {
    let rrule_tz = rrule::Tz::Tz(tz);
    let start = localize(tz, anchor).with_timezone(&rrule_tz);
    let set =
        parse(rule)?.build(start).map_err(|error| invalid(format!("That repetition rule is not valid: {error}.")))?;
    // `after` is inclusive; one second later makes it strict.
    let after = localize(tz, current).with_timezone(&rrule_tz) + Duration::seconds(1);
    Ok(set.after(after).all(1).dates.first().map(|next| next.naive_local()))
}

/// The first occurrence on or after `from` (local); for a new recurring task's first due date.
pub(crate) fn first_on_or_after(rule: &str, tz: Tz, from: NaiveDateTime) -> Result<Option<NaiveDateTime>, CoreError> {
    let rrule_tz = rrule::Tz::Tz(tz);
    let start = localize(tz, from).with_timezone(&rrule_tz);
    let set =
        parse(rule)?.build(start).map_err(|error| invalid(format!("That repetition rule is not valid: {error}.")))?;
    Ok(set.all(1).dates.first().map(|first| first.naive_local()))
}

fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn weekday_name(day: chrono::Weekday) -> &'static str {
    match day {
        chrono::Weekday::Mon => "Monday",
        chrono::Weekday::Tue => "Tuesday",
        chrono::Weekday::Wed => "Wednesday",
        chrono::Weekday::Thu => "Thursday",
        chrono::Weekday::Fri => "Friday",
        chrono::Weekday::Sat => "Saturday",
        chrono::Weekday::Sun => "Sunday",
    }
}

/// The rule in words, for chips and the detail panel.
fn describe<S>(rule: &RRule<S>) -> String {
    let interval = rule.get_interval().max(1);
    let unit = match rule.get_freq() {
        Frequency::Yearly => "year",
        Frequency::Monthly => "month",
        Frequency::Weekly => "week",
        Frequency::Daily => "day",
        Frequency::Hourly => "hour",
        Frequency::Minutely => "minute",
        Frequency::Secondly => "second",
    };
    let mut days: Vec<chrono::Weekday> = rule
        .get_by_weekday()
        .iter()
        .map(|d| match d {
            NWeekday::Every(day) | NWeekday::Nth(_, day) => *day,
        })
        .collect();
    days.sort_by_key(chrono::Weekday::num_days_from_monday);
    let weekdays =
        [chrono::Weekday::Mon, chrono::Weekday::Tue, chrono::Weekday::Wed, chrono::Weekday::Thu, chrono::Weekday::Fri];
    let mut label = if interval == 1 {
        match (rule.get_freq(), days.as_slice()) {
            (Frequency::Weekly | Frequency::Daily, d) if d == weekdays => return "every weekday".into(),
            (Frequency::Weekly, d) if !d.is_empty() => {
                format!("every {}", d.iter().map(|day| weekday_name(*day)).collect::<Vec<_>>().join(", "))
            }
            _ => format!("every {unit}"),
        }
    } else {
        let mut label = format!("every {interval} {unit}s");
        if !days.is_empty() {
            label
                .push_str(&format!(" on {}", days.iter().map(|day| weekday_name(*day)).collect::<Vec<_>>().join(", ")));
        }
        label
    };
    let month_days = rule.get_by_month_day();
    let months = rule.get_by_month();
    if let (Frequency::Yearly, [month], [day]) = (rule.get_freq(), months, month_days) {
        let name =
            NaiveDate::from_ymd_opt(2000, u32::from(*month), 1).map(|d| d.format("%b").to_string()).unwrap_or_default();
        label.push_str(&format!(" on {day} {name}"));
    } else if !month_days.is_empty() {
        let listed: Vec<String> =
            month_days.iter().map(|d| if *d == -1 { "last day".into() } else { ordinal(i64::from(*d)) }).collect();
        label.push_str(&format!(" on the {}", listed.join(", ")));
    }
    if let Some(count) = rule.get_count() {
        label.push_str(&format!(", {count} times"));
    }
    if let Some(until) = rule.get_until() {
        label.push_str(&format!(" until {}", until.format("%-d %b %Y")));
    }
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|date| date.and_hms_opt(h, min, 0)).expect("valid")
    }

    #[test]
    fn labels_read_naturally() {
        let tz = chrono_tz::Europe::Berlin;
        let label = |rule: &str| validate(rule, tz, at(2026, 11, 23, 0, 0)).expect(rule).label;
        assert_eq!(label("FREQ=MONTHLY;BYMONTHDAY=1"), "every month on the 1st");
        assert_eq!(label("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"), "every weekday");
        assert_eq!(label("FREQ=WEEKLY;BYDAY=FR,MO"), "every Monday, Friday");
        assert_eq!(label("FREQ=DAILY;INTERVAL=2"), "every 2 days");
        assert_eq!(label("FREQ=YEARLY"), "every year on 23 Nov");
        assert_eq!(label("FREQ=MONTHLY"), "every month on the 23rd", "the anchor's day is named");
        assert!(validate("FREQ=SOMETIMES", tz, at(2026, 11, 23, 0, 0)).is_err());
        assert!(validate("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", tz, at(2026, 11, 23, 0, 0)).is_err());
    }

    #[test]
    fn monthly_on_the_31st_skips_short_months_and_daily_keeps_local_time_across_dst() {
        let tz = chrono_tz::Europe::Berlin;
        let next =
            next_after("FREQ=MONTHLY;BYMONTHDAY=31", tz, at(2027, 1, 31, 0, 0), at(2027, 1, 31, 0, 0)).expect("ok");
        assert_eq!(next, Some(at(2027, 3, 31, 0, 0)), "RFC 5545: months without a 31st are skipped");
        // Berlin leaves summer time on 2026-10-25: 9:00 stays 9:00 local.
        let next = next_after("FREQ=DAILY", tz, at(2026, 10, 20, 9, 0), at(2026, 10, 24, 9, 0)).expect("ok");
        assert_eq!(next, Some(at(2026, 10, 25, 9, 0)));
        let ended = next_after("FREQ=DAILY;COUNT=2", tz, at(2026, 10, 20, 9, 0), at(2026, 10, 21, 9, 0)).expect("ok");
        assert_eq!(ended, None, "a rule with a count ends");
    }
}
