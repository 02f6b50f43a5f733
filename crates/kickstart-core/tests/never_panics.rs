//! Property tests (stable Rust's stand-in for a fuzzer): quick add and the task-update input take
//! anything without panicking, and answer either a result or a typed validation error.

use chrono::{TimeZone, Utc};
use kickstart_core::tasks::quick_add::{parse, TextRange};
use kickstart_core::tasks::{Due, NewTask, Priority, TaskPatch};
use kickstart_core::CoreError;
use kickstart_testkit::TestCore;
use proptest::prelude::*;

/// Words quick add reacts to, so the generator reaches the grammar's corners.
const VOCABULARY: &str = "every each other day week month year weekday weekend on the at in next this by due today \
    tonight tomorrow tmr mon friday sat sun jan feb dec 1st 31st 15th 29 30 2026-02-29 12/31 13/45 5pm 12am 25:00 \
    9:30 noon and & , p1 p4 p9 # #tag #a/b a an 999 0 morning 🎉 é \u{200b} of";

/// Lines of those words mixed with noise.
fn line() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        prop::sample::select(VOCABULARY.split(' ').collect::<Vec<_>>()).prop_map(str::to_owned),
        "[ -~]{0,6}",
        "\\PC{0,4}",
    ];
    prop::collection::vec(word, 0..14).prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn quick_add_reads_any_line(text in line(), starts in prop::collection::vec(0u32..80, 0..3), offset in 0i64..400 * 24 * 3600) {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("valid") + chrono::Duration::seconds(offset);
        let literal: Vec<TextRange> = starts.iter().map(|s| TextRange { start: *s, end: s + 5 }).collect();
        let draft = parse(&text, &literal, now, chrono_tz::America::New_York);
        let utf16: Vec<u16> = text.encode_utf16().collect();
        for span in &draft.spans {
            prop_assert!(span.range.start < span.range.end && span.range.end as usize <= utf16.len());
            let covered = String::from_utf16_lossy(&utf16[span.range.start as usize..span.range.end as usize]);
            prop_assert_eq!(&covered, &span.text);
        }
        prop_assert!(draft.title.chars().count() <= text.chars().count());
    }
}

fn maybe_due() -> impl Strategy<Value = Option<Due>> {
    prop::option::of(("\\PC{0,12}", prop::option::of("\\PC{0,6}")).prop_map(|(date, time)| Due { date, time }))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn task_updates_take_any_input(
        title in prop::option::of("\\PC{0,600}"),
        notes in prop::option::of("\\PC{0,50}"),
        due in maybe_due(),
        valid_due in prop::option::of((2000i32..2100, 1u32..13, 1u32..29, prop::option::of((0u32..24, 0u32..60)))),
        clear_due: bool,
        priority in prop::option::of(prop::sample::select(vec![Priority::P1, Priority::P2, Priority::P3, Priority::P4])),
        tags in prop::option::of(prop::collection::vec("\\PC{0,12}", 0..4)),
        recurrence in prop::option::of(prop_oneof![
            Just("FREQ=DAILY".to_owned()), Just("FREQ=MONTHLY;BYMONTHDAY=31".to_owned()),
            Just("FREQ=WEEKLY;BYDAY=MO,FR;COUNT=3".to_owned()), "[A-Z=;0-9,]{0,30}".prop_map(|s| s), "\\PC{0,20}"
        ]),
        clear_recurrence: bool,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let t = TestCore::new().await;
            t.register("ada").await;
            let session = t.core.auth().session().expect("session");
            let task = t.core.tasks().create(&session, NewTask { title: "start".into(), ..NewTask::default() }).await.expect("create");
            let due = match valid_due {
                Some((y, m, d, time)) => Some(Due { date: format!("{y:04}-{m:02}-{d:02}"), time: time.map(|(h, min)| format!("{h:02}:{min:02}")) }),
                None => due,
            };
            let patch = TaskPatch { title, notes, due, clear_due, priority, tags, recurrence, clear_recurrence };
            match t.core.tasks().update(&session, &task.id, patch).await {
                Ok(updated) => assert_eq!(updated.id, task.id),
                Err(CoreError::Validation { field, .. }) => {
                    assert!(["title", "notes", "due", "tags", "recurrence"].contains(&field), "field {field}");
                    let unchanged = t.core.tasks().get(&session, &task.id).await.expect("get");
                    assert_eq!(unchanged, task, "a refused update changes nothing");
                }
                Err(other) => panic!("only validation errors are expected, got {other:?}"),
            }
        });
    }
}
