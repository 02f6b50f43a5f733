//! Quick add: one line in, a task draft out, with the spans that were recognised.
//!
//! Our own span layer reads the line word by word and recognises tags (`#home`), priorities
//! (`p1`–`p4`), repetitions ("every month on the 1st", "every mon and thu at 9am") and due dates
//! ("tomorrow 5pm", "on friday", "in 3 days", "dec 25", "next week"). It only treats words as a
//! date when they form a date phrase — "buy 2 tickets" and "read chapter 5" stay titles — and it
//! leaves alone any range the user marked literal (by removing its chip). The date arithmetic of
//! the phrases it recognises is done by the `interim` crate; recurrences become RRULEs checked by
//! `rrule`. Everything is computed from a given clock and time zone, so results are deterministic.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::recurrence::{self, Recurrence};
use super::{Due, Priority};

/// What a recognised span means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    Due,
    Recurrence,
    Priority,
    Tag,
}

/// A range of the input in UTF-16 code units (JavaScript string indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

/// One recognised part of the line, for a chip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct QuickAddSpan {
    pub kind: SpanKind,
    pub range: TextRange,
    /// The words as typed.
    pub text: String,
    /// What they mean, for the chip: "Tomorrow 17:00", "P1", "#home".
    pub label: String,
}

/// A task as quick add understood it; nothing is saved yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct TaskDraft {
    pub title: String,
    pub due: Option<Due>,
    pub priority: Option<Priority>,
    pub tags: Vec<String>,
    pub recurrence: Option<Recurrence>,
    pub spans: Vec<QuickAddSpan>,
}

/// Longest line read; the rest stays in the title unparsed.
const MAX_PARSE_CHARS: usize = 2000;

#[derive(Debug, Clone)]
struct Token<'a> {
    /// As typed.
    raw: &'a str,
    /// Lowercased, without trailing punctuation.
    word: String,
    utf16: (u32, u32),
    bytes: (usize, usize),
    literal: bool,
}

fn tokenize<'a>(text: &'a str, literal: &[TextRange]) -> Vec<Token<'a>> {
    let mut tokens = Vec::new();
    let mut utf16 = 0u32;
    let mut start: Option<(usize, u32)> = None;
    let push = |tokens: &mut Vec<Token<'a>>, from: usize, to: usize, u_from: u32, u_to: u32| {
        let raw = &text[from..to];
        let word = raw.trim_end_matches([',', '.', ';', '!', '?', ')']).to_lowercase();
        let literal = literal.iter().any(|r| r.start < u_to && u_from < r.end);
        tokens.push(Token { raw, word, utf16: (u_from, u_to), bytes: (from, to), literal });
    };
    for (index, ch) in text.char_indices() {
        if ch.is_whitespace() {
            if let Some((from, u_from)) = start.take() {
                push(&mut tokens, from, index, u_from, utf16);
            }
        } else if start.is_none() {
            start = Some((index, utf16));
        }
        utf16 += ch.len_utf16() as u32;
    }
    if let Some((from, u_from)) = start {
        push(&mut tokens, from, text.len(), u_from, utf16);
    }
    tokens
}

fn weekday(word: &str, allow_short: bool) -> Option<Weekday> {
    let day = match word {
        "monday" | "mondays" => Weekday::Mon,
        "tuesday" | "tuesdays" => Weekday::Tue,
        "wednesday" | "wednesdays" => Weekday::Wed,
        "thursday" | "thursdays" => Weekday::Thu,
        "friday" | "fridays" => Weekday::Fri,
        "saturday" | "saturdays" => Weekday::Sat,
        "sunday" | "sundays" => Weekday::Sun,
        _ if !allow_short => return None,
        "mon" => Weekday::Mon,
        "tue" | "tues" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" | "thur" | "thurs" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    };
    Some(day)
}

fn month(word: &str) -> Option<u32> {
    let m = match word {
        "jan" | "january" => 1,
        "feb" | "february" => 2,
        "mar" | "march" => 3,
        "apr" | "april" => 4,
        "may" => 5,
        "jun" | "june" => 6,
        "jul" | "july" => 7,
        "aug" | "august" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" => 10,
        "nov" | "november" => 11,
        "dec" | "december" => 12,
        _ => return None,
    };
    Some(m)
}

fn number(word: &str) -> Option<u32> {
    let n = match word {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        _ => return word.parse().ok().filter(|n| *n > 0 && *n <= 999),
    };
    Some(n)
}

/// "1st", "2nd", "23rd", "15th" → the day number.
fn ordinal(word: &str) -> Option<u32> {
    let digits =
        word.strip_suffix("st").or(word.strip_suffix("nd")).or(word.strip_suffix("rd")).or(word.strip_suffix("th"))?;
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

/// A day of the month written plainly or as an ordinal ("25", "25th").
fn day_of_month(word: &str) -> Option<u32> {
    ordinal(word).or_else(|| word.parse().ok().filter(|d| (1..=31).contains(d)))
}

/// A time of day from one or two words ("5pm", "5:30pm", "17:00", "5 pm", "noon"); returns the
/// time and how many words it used.
fn time_at(words: &[&str]) -> Option<(NaiveTime, usize)> {
    let first = *words.first()?;
    let named = match first {
        "noon" | "midday" => Some(NaiveTime::from_hms_opt(12, 0, 0)),
        "midnight" => Some(NaiveTime::from_hms_opt(23, 59, 0)),
        "morning" => Some(NaiveTime::from_hms_opt(9, 0, 0)),
        "afternoon" => Some(NaiveTime::from_hms_opt(15, 0, 0)),
        "evening" => Some(NaiveTime::from_hms_opt(18, 0, 0)),
        _ => None,
    };
    if let Some(time) = named {
        return time.map(|t| (t, 1));
    }
    let (body, meridiem, used) = if let Some(body) = first.strip_suffix("am").or(first.strip_suffix("a.m")) {
        (body, Some(false), 1)
    } else if let Some(body) = first.strip_suffix("pm").or(first.strip_suffix("p.m")) {
        (body, Some(true), 1)
    } else if matches!(words.get(1), Some(&"am" | &"a.m")) {
        (first, Some(false), 2)
    } else if matches!(words.get(1), Some(&"pm" | &"p.m")) {
        (first, Some(true), 2)
    } else {
        (first, None, 1)
    };
    let (hour, minute) = match body.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        Some(_) => return None,
        // A bare number is a time only with am/pm: "buy 2 tickets" is not about 2 o'clock.
        None if meridiem.is_some() => (body.parse::<u32>().ok()?, 0),
        None => return None,
    };
    let hour = match meridiem {
        Some(pm) if (1..=12).contains(&hour) => (hour % 12) + if pm { 12 } else { 0 },
        Some(_) => return None,
        None if hour <= 23 => hour,
        None => return None,
    };
    NaiveTime::from_hms_opt(hour, minute, 0).map(|t| (t, used))
}

/// What a date phrase said, before it is turned into a date.
#[derive(Debug, Clone)]
enum DateWords {
    /// A phrase interim resolves relative to now ("today", "tomorrow", "friday", "3 days", "dec 25", "2026-12-01").
    Interim(String),
    /// Monday of next week.
    NextWeek,
    /// The 1st of next month.
    NextMonth,
    /// Next occurrence of this day of the month.
    DayOfMonth(u32),
    /// Month and day without a year: never in the past.
    MonthDay(u32, u32),
    /// A weekday of next week ("next friday").
    NextWeekday(Weekday),
    /// An instant some minutes from now ("in 2 hours").
    InMinutes(i64),
}

/// A recognised date phrase: its words, an optional time, and how many tokens it used.
struct DatePhrase {
    date: Option<DateWords>,
    time: Option<NaiveTime>,
    used: usize,
}

/// Reads a date phrase starting at `words[0]`, e.g. "on friday at 5pm", "tomorrow", "5pm",
/// "in 3 days", "dec 25 2027", "the 1st".
fn date_phrase(words: &[&str]) -> Option<DatePhrase> {
    let mut i = 0;
    let mut prefixed = false;
    if matches!(words.first(), Some(&"on" | &"by" | &"due" | &"at" | &"@")) {
        i = 1;
        prefixed = true;
    }
    let (date, used) = date_words(&words[i..], prefixed).map_or((None, 0), |(d, n)| (Some(d), n));
    i += used;
    // "at 5pm", "5pm", or "tonight"'s implicit evening.
    let mut time = None;
    let at = usize::from(matches!(words.get(i), Some(&"at" | &"@")));
    if let Some((t, n)) = time_at(&words[(i + at).min(words.len())..]) {
        // "morning"/"evening" alone are only times right after a date ("tomorrow morning").
        let named = matches!(words.get(i + at), Some(&"morning" | &"afternoon" | &"evening"));
        if date.is_some() || at == 1 || !named {
            time = Some(t);
            i += at + n;
        }
    }
    let mut date = date;
    if date.is_none() && time.is_some() {
        // "5pm tomorrow": a date may follow the time.
        if let Some((d, n)) = date_words(&words[i..], false) {
            date = Some(d);
            i += n;
        }
    }
    if date.is_none() && time.is_none() {
        return None;
    }
    if words.first() == Some(&"tonight") && time.is_none() {
        time = NaiveTime::from_hms_opt(20, 0, 0);
    }
    Some(DatePhrase { date, time, used: i })
}

fn date_words(words: &[&str], prefixed: bool) -> Option<(DateWords, usize)> {
    let first = *words.first()?;
    let second = words.get(1).copied();
    let third = words.get(2).copied();
    let interim = |s: &str, n: usize| Some((DateWords::Interim(s.to_owned()), n));
    match first {
        "today" | "tod" | "tonight" => return interim("today", 1),
        "tomorrow" | "tmr" | "tmrw" | "tomorow" => return interim("tomorrow", 1),
        "next" => {
            return match second? {
                "week" => Some((DateWords::NextWeek, 2)),
                "month" => Some((DateWords::NextMonth, 2)),
                "year" => Some((DateWords::MonthDay(1, 1), 2)),
                w => weekday(w, true).map(|day| (DateWords::NextWeekday(day), 2)),
            };
        }
        "this" => return weekday(second?, true).map(|day| (DateWords::Interim(format!("{day:?}").to_lowercase()), 2)),
        "in" => {
            let n = i64::from(number(second?)?);
            let unit = third?;
            return match unit {
                "min" | "mins" | "minute" | "minutes" => Some((DateWords::InMinutes(n), 3)),
                "h" | "hr" | "hrs" | "hour" | "hours" => Some((DateWords::InMinutes(n * 60), 3)),
                "day" | "days" => interim(&format!("{n} days"), 3),
                "week" | "weeks" => interim(&format!("{} days", n * 7), 3),
                "month" | "months" => interim(&format!("{n} months"), 3),
                "year" | "years" => interim(&format!("{n} years"), 3),
                _ => None,
            };
        }
        "the" => return ordinal(second?).map(|d| (DateWords::DayOfMonth(d), 2)),
        _ => {}
    }
    if let Some(day) = weekday(first, prefixed || first.len() > 3) {
        return interim(&format!("{day:?}").to_lowercase(), 1);
    }
    if let Some(d) = ordinal(first).filter(|_| prefixed) {
        if let Some(m) = second.and_then(month) {
            return month_day(m, d, third);
        }
        return Some((DateWords::DayOfMonth(d), 1));
    }
    // "dec 25", "december 25th 2027", "25 dec", "25th of december".
    if let (Some(m), Some(d)) = (month(first), second.and_then(day_of_month)) {
        return month_day(m, d, third);
    }
    if let Some(d) = day_of_month(first) {
        let (of, m_word) = if second == Some("of") { (1, third) } else { (0, second) };
        if let Some(m) = m_word.and_then(month) {
            let (words, n) = month_day(m, d, words.get(2 + of).copied())?;
            return Some((words, n + of));
        }
    }
    // 2026-12-25, 12/25, 12/25/2027 (month first).
    if let Ok(date) = NaiveDate::parse_from_str(first, "%Y-%m-%d") {
        return interim(&date.format("%Y-%m-%d").to_string(), 1);
    }
    let parts: Vec<&str> = first.split('/').collect();
    if parts.len() == 2 || parts.len() == 3 {
        let m: u32 = parts[0].parse().ok().filter(|m| (1..=12).contains(m))?;
        let d: u32 = parts[1].parse().ok().filter(|d| (1..=31).contains(d))?;
        if let Some(year) = parts.get(2) {
            let year: i32 = year.parse().ok().filter(|y: &i32| (1000..=9999).contains(y))?;
            let date = NaiveDate::from_ymd_opt(year, m, d)?;
            return interim(&date.format("%Y-%m-%d").to_string(), 1);
        }
        return Some((DateWords::MonthDay(m, d), 1));
    }
    None
}

fn month_day(m: u32, d: u32, year_word: Option<&str>) -> Option<(DateWords, usize)> {
    if let Some(year) = year_word.and_then(|w| w.parse::<i32>().ok()).filter(|y| (1000..=9999).contains(y)) {
        let date = NaiveDate::from_ymd_opt(year, m, d)?;
        return Some((DateWords::Interim(date.format("%Y-%m-%d").to_string()), 3));
    }
    NaiveDate::from_ymd_opt(2024, m, d)?; // a leap year: is this a real day of that month at all?
    Some((DateWords::MonthDay(m, d), 2))
}

/// Resolves a phrase to a due date (and time) relative to `now` in `tz`.
fn resolve(
    date: Option<&DateWords>,
    time: Option<NaiveTime>,
    now: DateTime<Tz>,
) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let today = now.date_naive();
    let day = match date {
        None => {
            // A time alone: today, or tomorrow when that time has passed.
            let time = time?;
            let day = if time > now.time() { today } else { today.succ_opt()? };
            return Some((day, Some(time)));
        }
        Some(DateWords::InMinutes(minutes)) => {
            let at = now + Duration::minutes(*minutes);
            return Some((at.date_naive(), Some(NaiveTime::from_hms_opt(at.hour(), at.minute(), 0)?)));
        }
        Some(DateWords::Interim(words)) => {
            interim::parse_date_string(words, now, interim::Dialect::Us).ok()?.date_naive()
        }
        Some(DateWords::NextWeek) => today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday())),
        Some(DateWords::NextWeekday(day)) => {
            let next_monday = today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
            next_monday + Duration::days(i64::from(day.num_days_from_monday()))
        }
        Some(DateWords::NextMonth) => {
            let (y, m) = if today.month() == 12 { (today.year() + 1, 1) } else { (today.year(), today.month() + 1) };
            NaiveDate::from_ymd_opt(y, m, 1)?
        }
        Some(DateWords::MonthDay(m, d)) => (0..=8)
            .find_map(|ahead| NaiveDate::from_ymd_opt(today.year() + ahead, *m, *d).filter(|date| *date >= today))?,
        Some(DateWords::DayOfMonth(d)) => (0..=24).find_map(|ahead| {
            let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)?
                .checked_add_months(chrono::Months::new(ahead))?;
            NaiveDate::from_ymd_opt(first.year(), first.month(), *d).filter(|date| *date >= today)
        })?,
    };
    Some((day, time))
}

/// Builds the RRULE for a repetition phrase starting at `words[0]` ("every …", "daily", …).
/// Returns the rule, an optional time, and how many words it used.
fn recurrence_phrase(words: &[&str]) -> Option<(String, Option<NaiveTime>, usize)> {
    let (rule, mut used) = match *words.first()? {
        "daily" => ("FREQ=DAILY".to_owned(), 1),
        "weekly" => ("FREQ=WEEKLY".to_owned(), 1),
        "monthly" => ("FREQ=MONTHLY".to_owned(), 1),
        "yearly" | "annually" => ("FREQ=YEARLY".to_owned(), 1),
        "every" | "each" => {
            let (rule, n) = every_body(&words[1..])?;
            (rule, n + 1)
        }
        _ => return None,
    };
    let at = usize::from(matches!(words.get(used), Some(&"at" | &"@")));
    let mut time = None;
    if let Some((t, n)) = time_at(&words[(used + at).min(words.len())..]) {
        time = Some(t);
        used += at + n;
    }
    Some((rule, time, used))
}

fn by_day(days: &[Weekday]) -> String {
    days.iter().map(|d| format!("{d:?}")[..2].to_uppercase()).collect::<Vec<_>>().join(",")
}

fn every_body(words: &[&str]) -> Option<(String, usize)> {
    let first = *words.first()?;
    let unit_rule = |unit: &str| match unit {
        "day" | "days" => Some("DAILY"),
        "week" | "weeks" => Some("WEEKLY"),
        "month" | "months" => Some("MONTHLY"),
        "year" | "years" => Some("YEARLY"),
        _ => None,
    };
    let (mut rule, mut used) = match first {
        "weekday" | "weekdays" | "workday" | "workdays" => ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR".to_owned(), 1),
        "weekend" => ("FREQ=WEEKLY;BYDAY=SA,SU".to_owned(), 1),
        "morning" => return Some(("FREQ=DAILY".to_owned(), 0)),
        "other" => (format!("FREQ={};INTERVAL=2", unit_rule(words.get(1)?)?), 2),
        w if unit_rule(w).is_some() => (format!("FREQ={}", unit_rule(w)?), 1),
        w if ordinal(w).is_some() => return Some((format!("FREQ=MONTHLY;BYMONTHDAY={}", ordinal(w)?), 1)),
        w if weekday(w, true).is_some() => {
            let mut days = vec![weekday(w, true)?];
            let mut i = 1;
            while let Some(next) = words.get(i) {
                let skip = usize::from(matches!(*next, "and" | "&" | ","));
                match words.get(i + skip).and_then(|w| weekday(w, true)) {
                    Some(day) => {
                        days.push(day);
                        i += skip + 1;
                    }
                    None => break,
                }
            }
            days.sort_by_key(Weekday::num_days_from_monday);
            days.dedup();
            return Some((format!("FREQ=WEEKLY;BYDAY={}", by_day(&days)), i));
        }
        w => {
            let n = number(w)?;
            let freq = unit_rule(words.get(1)?)?;
            (if n == 1 { format!("FREQ={freq}") } else { format!("FREQ={freq};INTERVAL={n}") }, 2)
        }
    };
    // "every month on the 1st", "every month the 15th".
    if rule.starts_with("FREQ=MONTHLY") {
        let on = usize::from(words.get(used) == Some(&"on"));
        let the = usize::from(words.get(used + on) == Some(&"the"));
        if let Some(day) = words.get(used + on + the).and_then(|w| ordinal(w)) {
            rule.push_str(&format!(";BYMONTHDAY={day}"));
            used += on + the + 1;
        }
    }
    Some((rule, used))
}

/// A chip's words for a due date, relative to today.
fn due_label(date: NaiveDate, time: Option<NaiveTime>, today: NaiveDate) -> String {
    let day = if date == today {
        "Today".to_owned()
    } else if Some(date) == today.succ_opt() {
        "Tomorrow".to_owned()
    } else if date.year() == today.year() {
        date.format("%a %-d %b").to_string()
    } else {
        date.format("%a %-d %b %Y").to_string()
    };
    match time {
        Some(t) => format!("{day} {}", t.format("%H:%M")),
        None => day,
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Reads one line of quick add. Never fails: whatever is not understood stays in the title.
pub fn parse(text: &str, literal: &[TextRange], now: DateTime<Utc>, tz: Tz) -> TaskDraft {
    let text = match text.char_indices().nth(MAX_PARSE_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    let now = now.with_timezone(&tz);
    let today = now.date_naive();
    let tokens = tokenize(text, literal);
    let words: Vec<&str> = tokens.iter().map(|t| t.word.as_str()).collect();
    let mut consumed = vec![false; tokens.len()];
    let mut draft = TaskDraft {
        title: String::new(),
        due: None,
        priority: None,
        tags: Vec::new(),
        recurrence: None,
        spans: Vec::new(),
    };
    let mut recurrence_time: Option<NaiveTime> = None;
    let mut recurrence_rule: Option<String> = None;
    let mut due_parts: Option<(NaiveDate, Option<NaiveTime>)> = None;

    let mut i = 0;
    while i < tokens.len() {
        // A phrase may not run into literal words.
        let free = tokens[i..].iter().take_while(|t| !t.literal).count();
        let window = &words[i..i + free];
        let mut matched: Option<(SpanKind, usize, String)> = None;
        if free > 0 {
            if draft.recurrence.is_none() && recurrence_rule.is_none() {
                if let Some((rule, time, used)) = recurrence_phrase(window) {
                    recurrence_rule = Some(rule);
                    recurrence_time = time;
                    matched = Some((SpanKind::Recurrence, used, String::new()));
                }
            }
            if matched.is_none() && draft.due.is_none() {
                if let Some(phrase) = date_phrase(window) {
                    if let Some((date, time)) = resolve(phrase.date.as_ref(), phrase.time, now) {
                        draft.due = Some(Due::new(date, time));
                        due_parts = Some((date, time));
                        matched = Some((SpanKind::Due, phrase.used, due_label(date, time, today)));
                    }
                }
            }
            if matched.is_none() && draft.priority.is_none() {
                if let Some(priority) = Priority::parse(window[0]) {
                    draft.priority = Some(priority);
                    matched = Some((SpanKind::Priority, 1, window[0].to_uppercase()));
                }
            }
            if matched.is_none() {
                let raw = tokens[i].raw.trim_end_matches([',', '.', ';', '!', '?']);
                if let Some(tag) = raw.strip_prefix('#').filter(|t| super::valid_tag(t)) {
                    if !draft.tags.iter().any(|existing| existing.eq_ignore_ascii_case(tag)) {
                        draft.tags.push(tag.to_owned());
                    }
                    matched = Some((SpanKind::Tag, 1, format!("#{tag}")));
                }
            }
        }
        match matched {
            Some((kind, used, label)) => {
                let used = used.max(1);
                let last = &tokens[i + used - 1];
                draft.spans.push(QuickAddSpan {
                    kind,
                    range: TextRange { start: tokens[i].utf16.0, end: last.utf16.1 },
                    text: text[tokens[i].bytes.0..last.bytes.1].to_owned(),
                    label,
                });
                consumed[i..i + used].iter_mut().for_each(|c| *c = true);
                i += used;
            }
            None => i += 1,
        }
    }

    if let Some(rule) = recurrence_rule {
        let time = recurrence_time.or(due_parts.and_then(|(_, t)| t));
        let from = due_parts.map_or(today, |(d, _)| d);
        let anchor = recurrence::anchor(from, time);
        let first = recurrence::first_on_or_after(&rule, tz, anchor).ok().flatten().and_then(|first| {
            // A time already passed today moves to the next occurrence.
            if time.is_some() && first < now.naive_local() {
                recurrence::next_after(&rule, tz, first, first).ok().flatten()
            } else {
                Some(first)
            }
        });
        let span = draft.spans.iter_mut().find(|s| s.kind == SpanKind::Recurrence);
        match (first, span) {
            (Some(first), Some(span)) => match recurrence::validate(&rule, tz, first) {
                Ok(recurrence) => {
                    span.label = match time {
                        Some(t) => format!("{} at {}", capitalize(&recurrence.label), t.format("%H:%M")),
                        None => capitalize(&recurrence.label),
                    };
                    draft.due = Some(Due::new(first.date(), time));
                    if let Some(due_span) = draft.spans.iter_mut().find(|s| s.kind == SpanKind::Due) {
                        due_span.label = due_label(first.date(), time, today);
                    }
                    draft.recurrence = Some(recurrence);
                }
                Err(_) => draft.spans.retain(|s| s.kind != SpanKind::Recurrence),
            },
            _ => draft.spans.retain(|s| s.kind != SpanKind::Recurrence),
        }
        // Words of a dropped recurrence go back to the title.
        if draft.recurrence.is_none() {
            let kept: Vec<(u32, u32)> = draft.spans.iter().map(|s| (s.range.start, s.range.end)).collect();
            for (index, token) in tokens.iter().enumerate() {
                consumed[index] = kept.iter().any(|(s, e)| token.utf16.0 >= *s && token.utf16.1 <= *e);
            }
        }
    }

    draft.title =
        tokens.iter().zip(&consumed).filter(|(_, used)| !**used).map(|(t, _)| t.raw).collect::<Vec<_>>().join(" ");
    draft.spans.sort_by_key(|s| s.range.start);
    draft
}
