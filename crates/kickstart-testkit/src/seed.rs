//! Realistic data in bulk, for benchmarks and for measuring the app with a full database.

use kickstart_core::auth::Session;
use kickstart_core::tasks::{Due, NewTask, Priority, TaskId};
use kickstart_core::{Core, CoreError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const TAGS: &[&str] =
    &["home", "work", "shop", "admin", "health", "family", "garden", "car", "money", "travel", "reading", "music"];
const WORDS: &[&str] = &[
    "call", "email", "buy", "fix", "plan", "book", "review", "write", "clean", "pay", "renew", "order", "check",
    "prepare", "send", "mom", "dentist", "invoice", "report", "milk", "tickets", "passport", "car", "garden", "slides",
];

/// One task of a realistic mix: 70 % with a due date from 60 days before `today` to a year
/// after (30 % of those with a time), 0–3 of 12 tags, priorities weighted towards p4, 20 % with
/// notes.
pub fn realistic_task(rng: &mut StdRng, today: chrono::NaiveDate, n: usize) -> NewTask {
    let mut word = || WORDS[rng.gen_range(0..WORDS.len())];
    let title = format!("{} {} {} {n}", word(), word(), word());
    let due = rng.gen_bool(0.7).then(|| {
        let day = today + chrono::Duration::days(rng.gen_range(-60..365));
        let time = rng
            .gen_bool(0.3)
            .then(|| format!("{:02}:{:02}", rng.gen_range(7..22), [0, 15, 30, 45][rng.gen_range(0..4)]));
        Due { date: day.format("%Y-%m-%d").to_string(), time }
    });
    let tags = (0..rng.gen_range(0..4)).map(|_| TAGS[rng.gen_range(0..TAGS.len())].to_owned()).collect();
    let priority =
        [Priority::P1, Priority::P2, Priority::P3, Priority::P4, Priority::P4, Priority::P4][rng.gen_range(0..6)];
    let notes = rng.gen_bool(0.2).then(|| "remember the details from last week's conversation".to_owned());
    NewTask { title, notes, due, priority: Some(priority), tags: Some(tags), recurrence: None }
}

/// Creates `count` realistic tasks through the real service (seeded, so the same every run);
/// every 10th is completed and every 100th moved to the trash. Returns the ids.
pub async fn tasks(
    core: &Core,
    session: &Session,
    today: chrono::NaiveDate,
    count: usize,
) -> Result<Vec<TaskId>, CoreError> {
    let mut rng = StdRng::seed_from_u64(7);
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        ids.push(core.tasks().create(session, realistic_task(&mut rng, today, n)).await?.id);
    }
    for id in ids.iter().step_by(10) {
        core.tasks().complete(session, id).await?;
    }
    for id in ids.iter().skip(5).step_by(100) {
        core.tasks().delete(session, id).await?;
    }
    Ok(ids)
}
