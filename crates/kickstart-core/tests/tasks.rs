//! The to-do list against a real SQLite file: every operation, view and filter, recurrence
//! across month ends and DST, pagination, and isolation between profiles.
//! The clock starts on Monday 23 November 2026, 09:00 UTC (10:00 in Berlin, the test zone).

use chrono::Duration;
use kickstart_core::auth::Session;
use kickstart_core::tasks::{
    BulkAction, Due, NewTask, Priority, Task, TaskId, TaskPatch, TaskQuery, TaskSort, TaskStatus, TaskView,
};
use kickstart_core::CoreError;
use kickstart_testkit::TestCore;

fn new(title: &str) -> NewTask {
    NewTask { title: title.into(), ..NewTask::default() }
}

fn due(date: &str, time: Option<&str>) -> Option<Due> {
    Some(Due { date: date.into(), time: time.map(Into::into) })
}

async fn signed_in(t: &TestCore, username: &str) -> Session {
    t.register(username).await;
    t.core.auth().session().expect("session")
}

async fn titles(t: &TestCore, session: &Session, query: TaskQuery) -> Vec<String> {
    t.core.tasks().list(session, query).await.expect("list").tasks.into_iter().map(|task| task.title).collect()
}

fn assert_validation<T: std::fmt::Debug>(result: Result<T, CoreError>, expected: &str) {
    match result {
        Err(CoreError::Validation { field, .. }) => assert_eq!(field, expected),
        other => panic!("expected a validation error on {expected}, got {other:?}"),
    }
}

fn assert_not_found<T: std::fmt::Debug>(result: Result<T, CoreError>) {
    assert!(matches!(result, Err(CoreError::NotFound { .. })), "expected NotFound, got {result:?}");
}

async fn count_rows(t: &TestCore) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM tasks").fetch_one(t.core.db().pool()).await.expect("count")
}

#[tokio::test]
async fn create_get_and_partial_update() {
    let t = TestCore::new().await;
    let me = signed_in(&t, "ada").await;
    let tasks = t.core.tasks();
    let created = tasks
        .create(
            &me,
            NewTask {
                title: "  Pay rent ".into(),
                notes: Some("bank transfer".into()),
                due: due("2026-12-01", None),
                priority: Some(Priority::P1),
                tags: Some(vec!["#home".into(), "Money".into(), "money".into()]),
                recurrence: Some("FREQ=MONTHLY;BYMONTHDAY=1".into()),
            },
        )
        .await
        .expect("create");
    assert_eq!(created.title, "Pay rent", "titles are trimmed");
    assert_eq!(created.tags, ["home", "Money"], "tags lose '#' and case-insensitive duplicates");
    assert_eq!(created.priority, Priority::P1);
    assert_eq!(created.due_at.as_deref(), Some("2026-11-30T23:00:00.000Z"), "all-day: the start of the local day");
    assert_eq!(created.recurrence.as_ref().map(|r| r.label.as_str()), Some("every month on the 1st"));
    assert_eq!(tasks.get(&me, &created.id).await.expect("get"), created);

    t.clock.advance(Duration::minutes(1));
    let updated = tasks
        .update(&me, &created.id, TaskPatch { title: Some("Pay the rent".into()), ..TaskPatch::default() })
        .await
        .expect("update");
    assert_eq!(updated.title, "Pay the rent");
    assert_eq!(
        (&updated.notes, &updated.due, &updated.tags, updated.priority, &updated.recurrence),
        (&created.notes, &created.due, &created.tags, created.priority, &created.recurrence),
        "only the given field changed"
    );
    assert!(updated.updated_at > created.updated_at);

    let timed = tasks
        .update(&me, &created.id, TaskPatch { due: due("2026-12-02", Some("17:30")), ..TaskPatch::default() })
        .await
        .expect("set a time");
    assert_eq!(timed.due, due("2026-12-02", Some("17:30")));
    assert_eq!(timed.due_at.as_deref(), Some("2026-12-02T16:30:00.000Z"), "17:30 in Berlin is 16:30 UTC");
    let cleared =
        tasks.update(&me, &created.id, TaskPatch { clear_due: true, ..TaskPatch::default() }).await.expect("clear");
    assert!(cleared.due.is_none() && cleared.recurrence.is_none(), "without a due date a task cannot repeat");
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_changes() {
    let t = TestCore::new().await;
    let me = signed_in(&t, "ada").await;
    let tasks = t.core.tasks();
    assert_validation(tasks.create(&me, new("   ")).await, "title");
    assert_validation(tasks.create(&me, new(&"x".repeat(501))).await, "title");
    assert_validation(tasks.create(&me, NewTask { tags: Some(vec!["two words".into()]), ..new("a") }).await, "tags");
    assert_validation(tasks.create(&me, NewTask { due: due("2026-02-30", None), ..new("a") }).await, "due");
    assert_validation(tasks.create(&me, NewTask { due: due("2026-12-01", Some("25:00")), ..new("a") }).await, "due");
    assert_validation(
        tasks.create(&me, NewTask { recurrence: Some("FREQ=SOMETIMES".into()), ..new("a") }).await,
        "recurrence",
    );
    assert_eq!(count_rows(&t).await, 0, "no refused create wrote a row");

    let task = tasks.create(&me, new("keep me")).await.expect("create");
    assert_validation(
        tasks.update(&me, &task.id, TaskPatch { title: Some(String::new()), ..TaskPatch::default() }).await,
        "title",
    );
    assert_validation(
        tasks
            .update(
                &me,
                &task.id,
                TaskPatch { title: Some("new".into()), tags: Some(vec!["a b".into()]), ..TaskPatch::default() },
            )
            .await,
        "tags",
    );
    assert_eq!(tasks.get(&me, &task.id).await.expect("get").title, "keep me", "a refused update changes nothing");
    assert_not_found(tasks.get(&me, &TaskId("no-such-task".into())).await);
}

#[tokio::test]
async fn another_profiles_tasks_are_invisible_and_untouchable() {
    let t = TestCore::new().await;
    let ada = signed_in(&t, "ada").await;
    let bob = signed_in(&t, "bob").await;
    let tasks = t.core.tasks();
    let secret =
        tasks.create(&ada, NewTask { tags: Some(vec!["secret".into()]), ..new("ada's secret") }).await.expect("create");
    tasks.create(&bob, new("bob's task")).await.expect("create");

    assert_not_found(tasks.get(&bob, &secret.id).await);
    assert_not_found(
        tasks.update(&bob, &secret.id, TaskPatch { title: Some("mine".into()), ..TaskPatch::default() }).await,
    );
    assert_not_found(tasks.complete(&bob, &secret.id).await);
    assert_not_found(tasks.uncomplete(&bob, &secret.id).await);
    assert_not_found(tasks.delete(&bob, &secret.id).await);
    assert_not_found(tasks.restore(&bob, &secret.id).await);
    let bulk = tasks.bulk(&bob, std::slice::from_ref(&secret.id), BulkAction::Delete).await.expect("bulk");
    assert_eq!(bulk.affected, 0, "bulk changes skip other profiles' ids");
    assert_eq!(titles(&t, &bob, TaskQuery::view(TaskView::Inbox)).await, ["bob's task"]);
    assert_eq!(
        titles(&t, &bob, TaskQuery { text: Some("secret".into()), ..TaskQuery::view(TaskView::Inbox) }).await,
        Vec::<String>::new()
    );
    assert!(tasks.tags(&bob).await.expect("tags").is_empty());
    assert_eq!(tasks.counts(&bob).await.expect("counts").inbox, 1);
    tasks.delete(&ada, &secret.id).await.expect("delete");
    assert_eq!(tasks.empty_trash(&bob).await.expect("empty"), 0, "emptying one's trash leaves others' alone");
    assert_eq!(tasks.get(&ada, &secret.id).await.expect("still there").title, "ada's secret");
}

#[tokio::test]
async fn views_and_counts_follow_the_clock_and_zone() {
    let t = TestCore::new().await;
    let me = signed_in(&t, "ada").await;
    let tasks = t.core.tasks();
    let add = |title: &'static str, due: Option<Due>| {
        let tasks = t.core.tasks();
        let me = me.clone();
        async move { tasks.create(&me, NewTask { due, ..new(title) }).await.expect("create") }
    };
    add("yesterday", due("2026-11-22", None)).await;
    add("this morning", due("2026-11-23", Some("08:00"))).await;
    add("today", due("2026-11-23", None)).await;
    add("tonight", due("2026-11-23", Some("20:00"))).await;
    add("tomorrow", due("2026-11-24", None)).await;
    add("undated", None).await;
    let done = add("done", due("2026-11-23", None)).await;
    tasks.complete(&me, &done.id).await.expect("complete");
    let trashed = add("trashed", None).await;
    tasks.delete(&me, &trashed.id).await.expect("delete");

    let view = |v| titles(&t, &me, TaskQuery::view(v));
    assert_eq!(view(TaskView::Inbox).await, ["yesterday", "today", "this morning", "tonight", "tomorrow", "undated"]);
    assert_eq!(view(TaskView::Today).await, ["yesterday", "today", "this morning", "tonight"]);
    assert_eq!(view(TaskView::Overdue).await, ["yesterday", "this morning"], "8:00 has passed at 10:00");
    assert_eq!(view(TaskView::Upcoming).await, ["tomorrow"]);
    assert_eq!(view(TaskView::Completed).await, ["done"]);
    assert_eq!(view(TaskView::Trash).await, ["trashed"]);
    let counts = tasks.counts(&me).await.expect("counts");
    assert_eq!(
        (counts.inbox, counts.today, counts.overdue, counts.upcoming, counts.completed, counts.trash),
        (6, 4, 2, 1, 1, 1)
    );
    let page = tasks.list(&me, TaskQuery::view(TaskView::Today)).await.expect("list");
    let flags: Vec<(bool, bool)> = page.tasks.iter().map(|task| (task.overdue, task.due_today)).collect();
    assert_eq!(flags, [(true, false), (false, true), (true, true), (false, true)]);

    // At 23:30 UTC it is already Tuesday in Berlin.
    t.clock.advance(Duration::minutes(14 * 60 + 30));
    assert_eq!(view(TaskView::Upcoming).await, Vec::<String>::new(), "tomorrow (Berlin) is today now");
    assert_eq!(view(TaskView::Overdue).await, ["yesterday", "today", "this morning", "tonight"]);
}

#[tokio::test]
async fn filters_search_and_sorts() {
    let t = TestCore::new().await;
    let me = signed_in(&t, "ada").await;
    let tasks = t.core.tasks();
    for (title, notes, tags, priority, date) in [
        ("Buy milk", "semi-skimmed", vec!["shop"], Priority::P3, "2026-11-25"),
        ("Call plumber", "kitchen sink leaks", vec!["home"], Priority::P1, "2026-11-28"),
        ("Paint fence", "", vec!["home", "garden"], Priority::P4, "2026-12-10"),
        ("Renew passport", "before the trip", vec![], Priority::P2, "2027-01-05"),
    ] {
        let input = NewTask {
            notes: Some(notes.into()),
            tags: Some(tags.into_iter().map(Into::into).collect()),
            priority: Some(priority),
            due: due(date, None),
            ..new(title)
        };
        tasks.create(&me, input).await.expect("create");
        t.clock.advance(Duration::seconds(1));
    }
    let inbox = TaskQuery::view(TaskView::Inbox);
    assert_eq!(
        titles(&t, &me, TaskQuery { tag: Some("home".into()), ..inbox.clone() }).await,
        ["Call plumber", "Paint fence"]
    );
    assert_eq!(
        titles(&t, &me, TaskQuery { tag: Some("HOME".into()), ..inbox.clone() }).await,
        ["Call plumber", "Paint fence"],
        "tags match in any case"
    );
    assert_eq!(titles(&t, &me, TaskQuery { priority: Some(Priority::P2), ..inbox.clone() }).await, ["Renew passport"]);
    assert_eq!(
        titles(
            &t,
            &me,
            TaskQuery { due_from: Some("2026-11-26".into()), due_to: Some("2026-12-31".into()), ..inbox.clone() }
        )
        .await,
        ["Call plumber", "Paint fence"]
    );
    assert_eq!(
        titles(&t, &me, TaskQuery { text: Some("sink".into()), ..inbox.clone() }).await,
        ["Call plumber"],
        "notes are searched"
    );
    assert_eq!(
        titles(&t, &me, TaskQuery { text: Some("gard".into()), ..inbox.clone() }).await,
        ["Paint fence"],
        "tags, by prefix"
    );
    assert_eq!(
        titles(&t, &me, TaskQuery { text: Some("\"unbalanced* OR".into()), ..inbox.clone() }).await,
        Vec::<String>::new(),
        "FTS syntax is neutralised"
    );
    assert_eq!(
        titles(&t, &me, TaskQuery { sort: Some(TaskSort::Priority), ..inbox.clone() }).await,
        ["Call plumber", "Renew passport", "Buy milk", "Paint fence"]
    );
    assert_eq!(
        titles(&t, &me, TaskQuery { sort: Some(TaskSort::Created), ..inbox.clone() }).await,
        ["Renew passport", "Paint fence", "Call plumber", "Buy milk"]
    );
    assert_eq!(
        titles(&t, &me, TaskQuery { sort: Some(TaskSort::Title), ..inbox.clone() }).await,
        ["Buy milk", "Call plumber", "Paint fence", "Renew passport"]
    );
    let tags = tasks.tags(&me).await.expect("tags");
    assert_eq!(
        tags.iter().map(|t| (t.tag.as_str(), t.count)).collect::<Vec<_>>(),
        [("garden", 1), ("home", 2), ("shop", 1)]
    );
    assert_validation(tasks.list(&me, TaskQuery { due_from: Some("soon".into()), ..inbox.clone() }).await, "dueFrom");
    // Renaming changes what search finds (the index follows updates).
    let milk = &tasks.list(&me, TaskQuery { text: Some("milk".into()), ..inbox.clone() }).await.expect("list").tasks[0];
    tasks
        .update(&me, &milk.id, TaskPatch { title: Some("Buy oat drink".into()), ..TaskPatch::default() })
        .await
        .expect("rename");
    assert!(titles(&t, &me, TaskQuery { text: Some("milk".into()), ..inbox.clone() }).await.is_empty());
    assert_eq!(titles(&t, &me, TaskQuery { text: Some("oat".into()), ..inbox }).await, ["Buy oat drink"]);
}

#[tokio::test]
async fn keyset_pages_cover_every_task_once_in_order() {
    let t = TestCore::new().await;
    let me = signed_in(&t, "ada").await;
    let tasks = t.core.tasks();
    for n in 0..130 {
        let due = (n % 3 != 0).then(|| Due { date: format!("2026-12-{:02}", 1 + n % 28), time: None });
        tasks
            .create(
                &me,
                NewTask { due, priority: Some([Priority::P1, Priority::P4][n % 2]), ..new(&format!("task {n:03}")) },
            )
            .await
            .expect("create");
    }
    for sort in [TaskSort::Due, TaskSort::Priority, TaskSort::Created, TaskSort::Title] {
        let all: Vec<Task> = tasks
            .list(&me, TaskQuery { sort: Some(sort), limit: Some(200), ..TaskQuery::view(TaskView::Inbox) })
            .await
            .expect("all")
            .tasks;
        let mut paged = Vec::new();
        let mut cursor = None;
        loop {
            let page = tasks
                .list(&me, TaskQuery { sort: Some(sort), limit: Some(50), cursor, ..TaskQuery::view(TaskView::Inbox) })
                .await
                .expect("page");
            assert!(page.tasks.len() <= 50);
            paged.extend(page.tasks);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(all.len(), 130);
        assert_eq!(paged, all, "pages by {sort:?} give every task once, in the same order as one big page");
    }
    let page = tasks.list(&me, TaskQuery { limit: Some(10), ..TaskQuery::view(TaskView::Inbox) }).await.expect("page");
    assert_validation(
        tasks
            .list(
                &me,
                TaskQuery { sort: Some(TaskSort::Title), cursor: page.next_cursor, ..TaskQuery::view(TaskView::Inbox) },
            )
            .await,
        "cursor",
    );
    assert_validation(
        tasks.list(&me, TaskQuery { cursor: Some("garbage".into()), ..TaskQuery::view(TaskView::Inbox) }).await,
        "cursor",
    );
}

#[tokio::test]
async fn completing_and_undoing() {
    let t = TestCore::new().await;
    let me = signed_in(&t, "ada").await;
    let tasks = t.core.tasks();
    let plain = tasks.create(&me, new("plain")).await.expect("create");
    let done = tasks.complete(&me, &plain.id).await.expect("complete");
    assert_eq!(done.status, TaskStatus::Done);
    assert!(done.completed_at.is_some());
    let again = tasks.complete(&me, &plain.id).await.expect("completing twice is harmless");
    assert_eq!(again.completed_at, done.completed_at);
    let reopened = tasks.uncomplete(&me, &plain.id).await.expect("undo");
    assert_eq!((reopened.status, reopened.completed_at), (TaskStatus::Open, None));

    // Monthly on the 31st: months without one are skipped (RFC 5545).
    let rent = tasks
        .create(
            &me,
            NewTask {
                due: due("2027-01-31", None),
                recurrence: Some("FREQ=MONTHLY;BYMONTHDAY=31".into()),
                ..new("rent")
            },
        )
        .await
        .expect("create");
    let next = tasks.complete(&me, &rent.id).await.expect("complete");
    assert_eq!((next.status, next.due.clone()), (TaskStatus::Open, due("2027-03-31", None)), "stays open, moves on");
    let next = tasks.complete(&me, &rent.id).await.expect("complete");
    assert_eq!(next.due, due("2027-05-31", None));
    let back = tasks.uncomplete(&me, &rent.id).await.expect("undo");
    assert_eq!(back.due, due("2027-03-31", None), "undo puts back the due date it had");
    let completions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM task_completions WHERE task_id = ?1")
        .bind(&rent.id)
        .fetch_one(t.core.db().pool())
        .await
        .expect("count");
    assert_eq!(completions, 1, "each completion is recorded; undo removes its record");

    // Daily at 9:00 across the end of summer time in Berlin (25 October 2026): still 9:00 local.
    let pills = tasks
        .create(
            &me,
            NewTask { due: due("2026-10-24", Some("09:00")), recurrence: Some("FREQ=DAILY".into()), ..new("pills") },
        )
        .await
        .expect("create");
    assert_eq!(pills.due_at.as_deref(), Some("2026-10-24T07:00:00.000Z"), "summer time: UTC+2");
    let next = tasks.complete(&me, &pills.id).await.expect("complete");
    assert_eq!(next.due, due("2026-10-25", Some("09:00")));
    assert_eq!(next.due_at.as_deref(), Some("2026-10-25T08:00:00.000Z"), "winter time: UTC+1");

    // A rule that ends completes the task for good.
    let twice = tasks
        .create(
            &me,
            NewTask { due: due("2026-11-23", None), recurrence: Some("FREQ=DAILY;COUNT=2".into()), ..new("twice") },
        )
        .await
        .expect("create");
    assert_eq!(tasks.complete(&me, &twice.id).await.expect("1st").status, TaskStatus::Open);
    assert_eq!(tasks.complete(&me, &twice.id).await.expect("2nd").status, TaskStatus::Done);
}

#[tokio::test]
async fn trash_restore_empty_and_bulk() {
    let t = TestCore::new().await;
    let me = signed_in(&t, "ada").await;
    let tasks = t.core.tasks();
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(tasks.create(&me, new(&format!("t{n}"))).await.expect("create").id);
    }
    let deleted = tasks.delete(&me, &ids[0]).await.expect("delete");
    assert!(deleted.deleted_at.is_some());
    assert_eq!(tasks.restore(&me, &ids[0]).await.expect("restore").deleted_at, None);

    let result = tasks
        .bulk(&me, &[ids[1].clone(), ids[2].clone(), TaskId("unknown".into())], BulkAction::Complete)
        .await
        .expect("bulk");
    assert_eq!(result.affected, 2, "unknown ids are skipped");
    assert_eq!(titles(&t, &me, TaskQuery::view(TaskView::Completed)).await.len(), 2);
    tasks.bulk(&me, &ids[1..3], BulkAction::Reopen).await.expect("reopen");
    let result = tasks
        .bulk(&me, &ids, BulkAction::Reschedule { due: due("2026-12-24", Some("18:00")) })
        .await
        .expect("reschedule");
    assert_eq!(result.affected, 4);
    assert_eq!(
        titles(&t, &me, TaskQuery { due_from: Some("2026-12-24".into()), ..TaskQuery::view(TaskView::Upcoming) })
            .await
            .len(),
        4
    );
    assert_validation(tasks.bulk(&me, &ids, BulkAction::Reschedule { due: due("2026-13-01", None) }).await, "due");
    tasks.bulk(&me, &ids[..3], BulkAction::Delete).await.expect("delete");
    assert_eq!(tasks.counts(&me).await.expect("counts").trash, 3);
    tasks.bulk(&me, &ids[..1], BulkAction::Restore).await.expect("restore");
    assert_eq!(tasks.empty_trash(&me).await.expect("empty"), 2);
    assert_eq!(titles(&t, &me, TaskQuery::view(TaskView::Inbox)).await, ["t0", "t3"]);
    assert_not_found(tasks.get(&me, &ids[1]).await);
}
