//! Quick add against a fixed clock and time zone: Monday 23 November 2026, 11:00 in Berlin.
//! Each row: the line typed, then the expected title, due ("YYYY-MM-DD" or "YYYY-MM-DD HH:MM",
//! "" for none), priority, tags (comma-separated) and RRULE.

use chrono::{TimeZone, Utc};
use kickstart_core::tasks::quick_add::{parse, SpanKind, TextRange};
use kickstart_core::tasks::{Priority, TaskDraft};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).single().expect("valid")
}

fn read(text: &str) -> TaskDraft {
    parse(text, &[], now(), chrono_tz::Europe::Berlin)
}

const TABLE: &[(&str, &str, &str, &str, &str, &str)] = &[
    // The examples of the issue.
    ("pay rent every month on the 1st p1 #home", "pay rent", "2026-12-01", "p1", "home", "FREQ=MONTHLY;BYMONTHDAY=1"),
    ("call mom tomorrow 5pm", "call mom", "2026-11-24 17:00", "", "", ""),
    // Numbers that are not dates.
    ("buy 2 tickets", "buy 2 tickets", "", "", "", ""),
    ("read chapter 5", "read chapter 5", "", "", "", ""),
    ("email 5 people", "email 5 people", "", "", "", ""),
    ("read 1984", "read 1984", "", "", "", ""),
    ("call at 5", "call at 5", "", "", "", ""),
    ("buy 3 apples p3", "buy 3 apples", "", "p3", "", ""),
    ("in 0 days nothing", "in 0 days nothing", "", "", "", ""),
    // Words that are not dates on their own.
    ("call may", "call may", "", "", "", ""),
    ("buy sun cream", "buy sun cream", "", "", "", ""),
    ("plan tomorrow's meeting", "plan tomorrow's meeting", "", "", "", ""),
    ("buy milk", "buy milk", "", "", "", ""),
    ("every blah", "every blah", "", "", "", ""),
    // Relative days.
    ("call bob today", "call bob", "2026-11-23", "", "", ""),
    ("call bob tonight", "call bob", "2026-11-23 20:00", "", "", ""),
    ("tmr gym", "gym", "2026-11-24", "", "", ""),
    ("due tomorrow essay", "essay", "2026-11-24", "", "", ""),
    ("tomorrow at 5pm dentist", "dentist", "2026-11-24 17:00", "", "", ""),
    ("5pm tomorrow call", "call", "2026-11-24 17:00", "", "", ""),
    ("tomorrow morning run", "run", "2026-11-24 09:00", "", "", ""),
    ("tomorrow evening movie", "movie", "2026-11-24 18:00", "", "", ""),
    // Weekdays (today is a Monday; a weekday's name means the next one).
    ("dentist on friday", "dentist", "2026-11-27", "", "", ""),
    ("dentist friday 3pm", "dentist", "2026-11-27 15:00", "", "", ""),
    ("thursday", "", "2026-11-26", "", "", ""),
    ("monday standup", "standup", "2026-11-30", "", "", ""),
    ("this friday", "", "2026-11-27", "", "", ""),
    ("next friday drinks", "drinks", "2026-12-04", "", "", ""),
    ("on sat clean", "clean", "2026-11-28", "", "", ""),
    ("file report by friday", "file report", "2026-11-27", "", "", ""),
    ("2 tickets for friday", "2 tickets for", "2026-11-27", "", "", ""),
    ("Wednesday at 14:00 review", "review", "2026-11-25 14:00", "", "", ""),
    // In N units.
    ("in 3 days", "", "2026-11-26", "", "", ""),
    ("water plants in 2 weeks", "water plants", "2026-12-07", "", "", ""),
    ("in a week", "", "2026-11-30", "", "", ""),
    ("check oven in 2 hours", "check oven", "2026-11-23 13:00", "", "", ""),
    ("in 30 minutes call back", "call back", "2026-11-23 11:30", "", "", ""),
    ("in an hour", "", "2026-11-23 12:00", "", "", ""),
    ("in 2 months dentist", "dentist", "2027-01-23", "", "", ""),
    ("in three days", "", "2026-11-26", "", "", ""),
    // Next week / month / year.
    ("next week plan", "plan", "2026-11-30", "", "", ""),
    ("next month review", "review", "2026-12-01", "", "", ""),
    ("next year taxes", "taxes", "2027-01-01", "", "", ""),
    // Dates with and without a year; never in the past without one.
    ("dec 25 gifts", "gifts", "2026-12-25", "", "", ""),
    ("gifts dec 25", "gifts", "2026-12-25", "", "", ""),
    ("jan 5 taxes", "taxes", "2027-01-05", "", "", ""),
    ("25 december party", "party", "2026-12-25", "", "", ""),
    ("25th of december party", "party", "2026-12-25", "", "", ""),
    ("december 25th 2027 party", "party", "2027-12-25", "", "", ""),
    ("nov 23 today it is", "today it is", "2026-11-23", "", "", ""),
    ("nov 22 anniversary", "anniversary", "2027-11-22", "", "", ""),
    ("2026-12-01 report", "report", "2026-12-01", "", "", ""),
    ("12/24 wrap", "wrap", "2026-12-24", "", "", ""),
    ("3/1 spring", "spring", "2027-03-01", "", "", ""),
    ("12/24/2027 wrap", "wrap", "2027-12-24", "", "", ""),
    ("the 1st pay", "pay", "2026-12-01", "", "", ""),
    ("on the 15th pay", "pay", "2026-12-15", "", "", ""),
    ("mar 3 5:30pm call", "call", "2027-03-03 17:30", "", "", ""),
    // Invalid dates stay in the title.
    ("meet 10/32", "meet 10/32", "", "", "", ""),
    ("feb 30 thing", "feb 30 thing", "", "", "", ""),
    ("meeting 2026-02-30", "meeting 2026-02-30", "", "", "", ""),
    ("at 25:00 thing", "at 25:00 thing", "", "", "", ""),
    // Times alone: today, or tomorrow once passed.
    ("meeting at 5pm", "meeting", "2026-11-23 17:00", "", "", ""),
    ("meeting at 9am", "meeting", "2026-11-24 09:00", "", "", ""),
    ("meeting 17:30", "meeting", "2026-11-23 17:30", "", "", ""),
    ("noon lunch", "lunch", "2026-11-23 12:00", "", "", ""),
    ("5:30pm pick up kids", "pick up kids", "2026-11-23 17:30", "", "", ""),
    ("5.30pm pick up kids", "pick up kids", "2026-11-23 17:30", "", "", ""),
    ("7 pm dinner", "dinner", "2026-11-23 19:00", "", "", ""),
    // Priorities and tags.
    ("p2 fix bug", "fix bug", "", "p2", "", ""),
    ("p5 thing", "p5 thing", "", "", "", ""),
    ("fix bug #work #urgent", "fix bug", "", "", "work,urgent", ""),
    ("#home #home clean", "clean", "", "", "home", ""),
    ("#", "#", "", "", "", ""),
    ("", "", "", "", "", ""),
    ("   ", "", "", "", "", ""),
    // Repetitions, with their first due date.
    ("every day stretch", "stretch", "2026-11-23", "", "", "FREQ=DAILY"),
    ("daily journal", "journal", "2026-11-23", "", "", "FREQ=DAILY"),
    ("every weekday standup at 9am", "standup", "2026-11-24 09:00", "", "", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("every monday and thursday gym", "gym", "2026-11-23", "", "", "FREQ=WEEKLY;BYDAY=MO,TH"),
    ("every tue, thu at 6pm swim", "swim", "2026-11-24 18:00", "", "", "FREQ=WEEKLY;BYDAY=TU,TH"),
    ("every weekend hike", "hike", "2026-11-28", "", "", "FREQ=WEEKLY;BYDAY=SA,SU"),
    ("every other week laundry", "laundry", "2026-11-23", "", "", "FREQ=WEEKLY;INTERVAL=2"),
    ("every 3 months haircut", "haircut", "2026-11-23", "", "", "FREQ=MONTHLY;INTERVAL=3"),
    ("every year birthday", "birthday", "2026-11-23", "", "", "FREQ=YEARLY"),
    ("every 15th invoice", "invoice", "2026-12-15", "", "", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("every month rent", "rent", "2026-11-23", "", "", "FREQ=MONTHLY"),
    ("every day at 8pm pills", "pills", "2026-11-23 20:00", "", "", "FREQ=DAILY"),
    ("every morning vitamins", "vitamins", "2026-11-24 09:00", "", "", "FREQ=DAILY"),
    ("weekly review friday", "review", "2026-11-27", "", "", "FREQ=WEEKLY"),
    ("Pay RENT Every Month On The 1st P1 #Home", "Pay RENT", "2026-12-01", "p1", "Home", "FREQ=MONTHLY;BYMONTHDAY=1"),
];

fn due_text(draft: &TaskDraft) -> String {
    match &draft.due {
        None => String::new(),
        Some(due) => match &due.time {
            Some(time) => format!("{} {time}", due.date),
            None => due.date.clone(),
        },
    }
}

#[test]
fn the_phrase_table() {
    assert!(TABLE.len() >= 80, "at least 80 phrases, have {}", TABLE.len());
    let mut failures = Vec::new();
    for (line, title, due, priority, tags, rrule) in TABLE {
        let draft = read(line);
        let got = (
            draft.title.as_str(),
            due_text(&draft),
            draft.priority.map(|p| format!("{p:?}").to_lowercase()).unwrap_or_default(),
            draft.tags.join(","),
            draft.recurrence.as_ref().map(|r| r.rrule.clone()).unwrap_or_default(),
        );
        let want = (*title, due.to_string(), priority.to_string(), tags.to_string(), rrule.to_string());
        if got != want {
            failures.push(format!("{line:?}\n    got  {got:?}\n    want {want:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} phrases read wrongly:\n{}",
        failures.len(),
        TABLE.len(),
        failures.join("\n")
    );
}

#[test]
fn spans_point_at_the_words_in_utf16() {
    let line = "🎉 party friday p1 #fun";
    let draft = read(line);
    let utf16: Vec<u16> = line.encode_utf16().collect();
    let kinds: Vec<SpanKind> = draft.spans.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [SpanKind::Due, SpanKind::Priority, SpanKind::Tag]);
    for span in &draft.spans {
        let covered = String::from_utf16_lossy(&utf16[span.range.start as usize..span.range.end as usize]);
        assert_eq!(covered, span.text, "the range covers exactly the words (the emoji is two UTF-16 units)");
    }
    assert_eq!(draft.spans[0].label, "Fri 27 Nov");
    assert_eq!(draft.spans[1].label, "P1");
    assert_eq!(draft.title, "🎉 party");
    assert_eq!(draft.priority, Some(Priority::P1));
}

#[test]
fn a_removed_chip_puts_its_words_back_in_the_title() {
    let line = "call mom tomorrow 5pm";
    let first = read(line);
    let due = first.spans.iter().find(|s| s.kind == SpanKind::Due).expect("a due chip");
    assert_eq!(due.text, "tomorrow 5pm");
    assert_eq!(due.label, "Tomorrow 17:00");
    let draft = parse(line, &[due.range], now(), chrono_tz::Europe::Berlin);
    assert_eq!(draft.title, "call mom tomorrow 5pm");
    assert!(draft.due.is_none() && draft.spans.is_empty());
    // Only "tomorrow" kept literal: "5pm" is still read as a time.
    let draft = parse(line, &[TextRange { start: 9, end: 17 }], now(), chrono_tz::Europe::Berlin);
    assert_eq!(draft.title, "call mom tomorrow");
    assert_eq!(draft.due.as_ref().and_then(|d| d.time.clone()).as_deref(), Some("17:00"));
}

#[test]
fn labels_describe_repetitions() {
    let draft = read("pay rent every month on the 1st p1 #home");
    let labels: Vec<&str> = draft.spans.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["Every month on the 1st", "P1", "#home"]);
    assert_eq!(draft.recurrence.expect("recurs").label, "every month on the 1st");
}
