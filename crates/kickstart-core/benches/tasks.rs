//! The to-do list at scale: one profile with 100 000 tasks (a realistic mix of due dates, tags and
//! priorities, 10 % done, 1 % in the trash) in a real SQLite file. Run with `make bench`.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use kickstart_core::auth::Session;
use kickstart_core::tasks::{TaskQuery, TaskView};
use kickstart_testkit::seed::realistic_task;
use kickstart_testkit::TestCore;
use rand::rngs::StdRng;
use rand::SeedableRng;

const TASKS: usize = 100_000;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

/// A profile with [`TASKS`] tasks, created through the real service.
fn seeded(runtime: &tokio::runtime::Runtime) -> (TestCore, Session) {
    runtime.block_on(async {
        let t = TestCore::new().await;
        t.register("bench").await;
        let session = t.core.auth().session().expect("session");
        let started = Instant::now();
        kickstart_testkit::seed::tasks(&t.core, &session, today(), TASKS).await.expect("seed");
        eprintln!("seeded {TASKS} tasks in {:.1} s", started.elapsed().as_secs_f64());
        (t, session)
    })
}

fn tasks(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let (t, session) = seeded(&runtime);
    let tasks = t.core.tasks();
    let mut group = c.benchmark_group("tasks_100k");
    group.sample_size(30);

    for view in
        [TaskView::Inbox, TaskView::Today, TaskView::Upcoming, TaskView::Overdue, TaskView::Completed, TaskView::Trash]
    {
        group.bench_function(format!("first_page_{view:?}").to_lowercase(), |b| {
            b.to_async(&runtime).iter(|| async { tasks.list(&session, TaskQuery::view(view)).await.expect("list") });
        });
    }
    group.bench_function("tag_filter", |b| {
        b.to_async(&runtime).iter(|| async {
            tasks
                .list(&session, TaskQuery { tag: Some("garden".into()), ..TaskQuery::view(TaskView::Inbox) })
                .await
                .expect("list")
        });
    });
    group.bench_function("full_text_search", |b| {
        b.to_async(&runtime).iter(|| async {
            tasks
                .list(&session, TaskQuery { text: Some("passport ren".into()), ..TaskQuery::view(TaskView::Inbox) })
                .await
                .expect("list")
        });
    });
    group.bench_function("view_counts", |b| {
        b.to_async(&runtime).iter(|| async { tasks.counts(&session).await.expect("counts") });
    });
    group.bench_function("quick_add_parse", |b| {
        b.iter(|| tasks.parse("pay rent every month on the 1st p1 #home", &[]));
    });
    let mut rng = StdRng::seed_from_u64(11);
    group.bench_function("create", |b| {
        b.to_async(&runtime).iter_batched(
            || realistic_task(&mut rng, today(), 0),
            |input| async { tasks.create(&session, input).await.expect("create") },
            BatchSize::SmallInput,
        );
    });
    // The tasks to complete are made first; only the completions are timed.
    let (tasks, session) = (&tasks, &session);
    group.bench_function("complete", |b| {
        b.to_async(&runtime).iter_custom(|iters| async move {
            let mut rng = StdRng::seed_from_u64(iters);
            let mut ids = Vec::new();
            for n in 0..iters {
                ids.push(
                    tasks.create(session, realistic_task(&mut rng, today(), n as usize)).await.expect("create").id,
                );
            }
            let started = Instant::now();
            for id in &ids {
                tasks.complete(session, id).await.expect("complete");
            }
            started.elapsed()
        });
    });
    group.finish();
}

criterion_group!(benches, tasks);
criterion_main!(benches);
