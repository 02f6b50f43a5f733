//! Backups on real SQLite files: consistent copies while writes go on, rotation, the daily
//! rhythm, a copy before an older database is upgraded, and restoring (the current data backed
//! up first; damaged or unknown backups refused with the data unchanged; a restore cut short by
//! a kill finished at the next start; what a killed backup left behind removed).

use std::path::Path;
use std::sync::Arc;

use chrono::Duration;
use kickstart_core::auth::Session;
use kickstart_core::backups::{apply_pending_restore, BackupReason, BackupSettings};
use kickstart_core::tasks::{NewTask, TaskQuery, TaskView};
use kickstart_core::{Core, CoreError};
use kickstart_testkit::{TestCore, GOOD_PASSWORD};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;

async fn admin(t: &TestCore) -> Session {
    t.register("ada").await;
    t.core.auth().session().expect("session")
}

fn inbox() -> TaskQuery {
    TaskQuery::view(TaskView::Inbox)
}

fn task(title: &str) -> NewTask {
    NewTask { title: title.into(), ..Default::default() }
}

async fn open(path: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("the backup opens")
}

async fn titles(pool: &SqlitePool) -> Vec<String> {
    sqlx::query_scalar("SELECT title FROM tasks ORDER BY title").fetch_all(pool).await.expect("tasks")
}

fn backups_folder(t: &TestCore) -> std::path::PathBuf {
    t.core.data_dir().join("backups")
}

#[tokio::test]
async fn backups_taken_while_tasks_are_written_are_consistent_copies() {
    let t = TestCore::new().await;
    let ada = admin(&t).await;
    t.core.backups().save_settings(&ada, BackupSettings { keep: 100 }).await.expect("keep them all");
    let writer = {
        let (core, ada) = (t.core.clone(), ada.clone());
        tokio::spawn(async move {
            for n in 0..300 {
                core.tasks().create(&ada, task(&format!("task {n:03}"))).await.expect("write");
            }
        })
    };
    let mut names = Vec::new();
    while !writer.is_finished() {
        names.push(t.core.backups().create(&ada).await.expect("backup while writing").name);
        t.clock.advance(Duration::seconds(1)); // distinct names
    }
    writer.await.expect("writer");
    names.push(t.core.backups().create(&ada).await.expect("final backup").name);
    assert!(names.len() >= 2, "at least one backup ran during the writes");

    let mut last = 0;
    for name in &names {
        let pool = open(&backups_folder(&t).join(name)).await;
        let verdict: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.expect("check");
        assert_eq!(verdict, "ok", "{name} is a sound database");
        let count = titles(&pool).await.len();
        // The full-text index was copied in the same transaction as the rows it indexes.
        let indexed: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks_fts").fetch_one(&pool).await.expect("fts");
        assert_eq!(indexed as usize, count, "{name}: the search index matches the rows");
        assert!(count >= last, "{name}: later backups hold at least as many tasks ({count} < {last})");
        last = count;
        pool.close().await;
    }
    assert_eq!(last, 300, "the last backup has every task");
    assert!(
        !std::fs::read_dir(backups_folder(&t)).expect("folder").any(|e| e
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .ends_with(".partial")),
        "no partial files are left behind"
    );
}

#[tokio::test]
async fn only_the_newest_backups_are_kept() {
    let t = TestCore::new().await;
    let ada = admin(&t).await;
    let backups = t.core.backups();
    assert_eq!(backups.settings().await.expect("settings"), BackupSettings::default());
    backups.save_settings(&ada, BackupSettings { keep: 3 }).await.expect("keep 3");
    let mut made = Vec::new();
    for _ in 0..5 {
        made.push(backups.create(&ada).await.expect("backup").name);
        t.clock.advance(Duration::minutes(1));
    }
    let kept: Vec<String> = backups.list(&ada).await.expect("list").into_iter().map(|b| b.name).collect();
    assert_eq!(kept, [made[4].clone(), made[3].clone(), made[2].clone()], "newest first, the two oldest removed");

    for keep in [0, 101] {
        let refused = backups.save_settings(&ada, BackupSettings { keep }).await;
        assert!(matches!(refused, Err(CoreError::Validation { field: "keep", .. })), "keep {keep}: {refused:?}");
    }
    backups.save_settings(&ada, BackupSettings { keep: 1 }).await.expect("keep 1");
    assert_eq!(backups.list(&ada).await.expect("list").len(), 1, "lowering the number removes the extra ones");
}

#[tokio::test]
async fn what_a_killed_backup_left_behind_goes_with_the_next_backup() {
    let t = TestCore::new().await;
    let ada = admin(&t).await;
    let backups = t.core.backups();
    backups.create(&ada).await.expect("the folder exists");
    let folder = backups_folder(&t);
    // A backup killed two hours ago, one being written by another process now, and a stranger's.
    let abandoned = folder.join("kickstart-20261201T101010.000Z-daily.db.partial");
    let in_progress = folder.join("kickstart-20261207T101010.000Z-before-migration.db.partial");
    let stranger = folder.join("notes.txt.partial");
    for path in [&abandoned, &in_progress, &stranger] {
        std::fs::write(path, vec![0_u8; 4096]).expect("write");
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 60 * 60);
    for path in [&abandoned, &stranger] {
        std::fs::File::options().write(true).open(path).expect("open").set_modified(two_hours_ago).expect("age");
    }

    t.clock.advance(Duration::minutes(1));
    backups.create(&ada).await.expect("the next backup");
    assert!(!abandoned.exists(), "the abandoned partial file is gone");
    assert!(in_progress.exists(), "a partial file still being written is left alone");
    assert!(stranger.exists(), "a file that is not a backup's is left alone");
    assert_eq!(backups.list(&ada).await.expect("list").len(), 2, "the two backups are listed, nothing else");
}

#[tokio::test]
async fn the_daily_backup_comes_once_a_day() {
    let t = TestCore::new().await;
    let ada = admin(&t).await;
    let backups = t.core.backups();
    let first = backups.daily_if_due().await.expect("daily").expect("none yet: one is made");
    assert_eq!(first.reason, BackupReason::Daily);
    assert!(backups.daily_if_due().await.expect("daily").is_none(), "not twice in a day");
    t.clock.advance(Duration::hours(23));
    assert!(backups.daily_if_due().await.expect("daily").is_none(), "23 hours later: not yet");
    t.clock.advance(Duration::hours(1));
    assert!(backups.daily_if_due().await.expect("daily").is_some(), "a day later: again");
    assert_eq!(backups.list(&ada).await.expect("list").len(), 2);
}

#[tokio::test]
async fn members_can_neither_see_nor_make_nor_restore_backups() {
    let t = TestCore::new().await;
    let ada = admin(&t).await;
    let name = t.core.backups().create(&ada).await.expect("backup").name;
    t.core.auth().logout();
    t.register("bob").await;
    let bob = t.core.auth().session().expect("bob");
    let backups = t.core.backups();
    assert!(matches!(backups.list(&bob).await, Err(CoreError::Auth(_))));
    assert!(matches!(backups.create(&bob).await, Err(CoreError::Auth(_))));
    assert!(matches!(backups.schedule_restore(&bob, &name).await, Err(CoreError::Auth(_))));
    assert!(matches!(backups.save_settings(&bob, BackupSettings { keep: 1 }).await, Err(CoreError::Auth(_))));
    assert!(!t.core.data_dir().join("restore-pending").exists(), "nothing was scheduled");
}

#[tokio::test]
async fn restoring_brings_back_the_backup_and_keeps_what_was_there() {
    let t = TestCore::new().await;
    let ada = admin(&t).await;
    t.core.tasks().create(&ada, task("before the backup")).await.expect("task");
    let chosen = t.core.backups().create(&ada).await.expect("backup").name;
    t.core.tasks().create(&ada, task("after the backup")).await.expect("task");

    for stranger in ["../kickstart.db", "kickstart.db", "nope", ""] {
        let refused = t.core.backups().schedule_restore(&ada, stranger).await;
        assert!(matches!(refused, Err(CoreError::NotFound { .. })), "{stranger:?}: {refused:?}");
    }
    t.core.backups().schedule_restore(&ada, &chosen).await.expect("scheduled");

    // The app restarts: the core closes, the restore runs before it opens again.
    t.core.close().await;
    let restored = apply_pending_restore(&t.database_path).await.expect("restore");
    assert_eq!(restored.as_deref(), Some(chosen.as_str()));
    assert_eq!(apply_pending_restore(&t.database_path).await.expect("again"), None, "only once");

    let core = Core::open(kickstart_testkit::config(t.database_path.clone(), t.clock.clone())).await.expect("opens");
    core.auth().login("ada", GOOD_PASSWORD).await.expect("login");
    let session = core.auth().session().expect("session");
    let now: Vec<String> =
        core.tasks().list(&session, inbox()).await.expect("tasks").tasks.into_iter().map(|t| t.title).collect();
    assert_eq!(now, ["before the backup"], "the backup's state");

    let before_restore = core.backups().list(&session).await.expect("list");
    let saved =
        before_restore.iter().find(|b| b.reason == BackupReason::BeforeRestore).expect("the replaced data was kept");
    let pool = open(&backups_folder(&t).join(&saved.name)).await;
    assert_eq!(titles(&pool).await, ["after the backup", "before the backup"], "nothing of the replaced data is lost");
}

#[tokio::test]
async fn a_damaged_backup_is_not_restored_and_the_data_stays() {
    let t = TestCore::new().await;
    let ada = admin(&t).await;
    t.core.tasks().create(&ada, task("keep me")).await.expect("task");
    let name = t.core.backups().create(&ada).await.expect("backup").name;
    std::fs::write(backups_folder(&t).join(&name), b"this is not a database, it was edited by hand").expect("damage");
    t.core.backups().schedule_restore(&ada, &name).await.expect("scheduled");
    t.core.close().await;

    let refused = apply_pending_restore(&t.database_path).await;
    assert!(matches!(refused, Err(CoreError::Backup(_))), "{refused:?}");
    assert!(!t.database_path.with_file_name("restore-pending").exists(), "not tried again at every start");
    let core = Core::open(kickstart_testkit::config(t.database_path.clone(), t.clock.clone())).await.expect("opens");
    core.auth().login("ada", GOOD_PASSWORD).await.expect("login");
    let session = core.auth().session().expect("session");
    assert_eq!(core.tasks().list(&session, inbox()).await.expect("tasks").tasks.len(), 1, "data unchanged");
}

/// Where `restore_in_a_child_process` finds the database (only set by the test below).
const CHILD_DATABASE: &str = "KICKSTART_TEST_RESTORE_DATABASE";

/// Not a test by itself: the process the test below kills in the middle of a restore.
#[tokio::test]
#[ignore = "run as a child process by a_restore_cut_short_by_a_kill_is_done_at_the_next_start"]
async fn restore_in_a_child_process() {
    if let Some(path) = std::env::var_os(CHILD_DATABASE) {
        apply_pending_restore(Path::new(&path)).await.expect("restore");
    }
}

#[tokio::test]
async fn a_restore_cut_short_by_a_kill_is_done_at_the_next_start() {
    let t = TestCore::new().await;
    let ada = admin(&t).await;
    t.core.tasks().create(&ada, task("before the backup")).await.expect("task");
    // 64 MB of ballast, so that copying the database takes long enough to be killed meanwhile.
    let options = SqliteConnectOptions::new().filename(&t.database_path);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("pool");
    sqlx::query(
        "CREATE TABLE ballast(b BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 64) \
         INSERT INTO ballast SELECT zeroblob(1048576) FROM n",
    )
    .execute(&pool)
    .await
    .expect("ballast");
    pool.close().await;
    let chosen = t.core.backups().create(&ada).await.expect("backup").name;
    t.core.tasks().create(&ada, task("after the backup")).await.expect("task");
    t.core.backups().schedule_restore(&ada, &chosen).await.expect("scheduled");
    t.core.close().await;

    // The app restarts and starts restoring; it is killed while it backs up the data it replaces.
    let mut child = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "restore_in_a_child_process", "--ignored", "--quiet"])
        .env(CHILD_DATABASE, &t.database_path)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the child starts");
    let folder = backups_folder(&t);
    loop {
        let writing = std::fs::read_dir(&folder)
            .expect("the backups folder")
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().ends_with(".partial"));
        if writing {
            child.kill().expect("kill");
            child.wait().expect("the child ends");
            break;
        }
        // Finished before the kill could land: the test would prove nothing, so it says so.
        if let Some(status) = child.try_wait().expect("the child") {
            panic!("the restore ended ({status}) before it could be killed: give it more ballast");
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }

    // The next start finishes it.
    let restored = apply_pending_restore(&t.database_path).await.expect("restore");
    assert_eq!(restored.as_deref(), Some(chosen.as_str()), "the restore is done at the next start");
    let pool = open(&t.database_path).await;
    assert_eq!(titles(&pool).await, ["before the backup"], "the chosen backup's state");
    pool.close().await;
    let kept = std::fs::read_dir(&folder)
        .expect("the backups folder")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .find(|name| name.ends_with("before-restore.db"))
        .expect("the replaced data was kept");
    let pool = open(&folder.join(kept)).await;
    assert_eq!(titles(&pool).await, ["after the backup", "before the backup"], "nothing of the replaced data is lost");
}

#[tokio::test]
async fn a_backup_that_cannot_be_written_fails_cleanly() {
    let t = TestCore::new().await;
    let ada = admin(&t).await;
    t.core.tasks().create(&ada, task("still here")).await.expect("task");
    // The backups folder cannot be made: a file has its name (as a full or read-only disk, the
    // write fails; root ignores file permissions, so this is how a test can make it fail).
    std::fs::write(backups_folder(&t), b"in the way").expect("file");
    let failed = t.core.backups().create(&ada).await;
    assert!(matches!(failed, Err(CoreError::Backup(_))), "{failed:?}");
    assert!(t.core.backups().daily_if_due().await.is_err(), "the daily backup reports it too");
    assert_eq!(t.core.tasks().list(&ada, inbox()).await.expect("tasks").tasks.len(), 1);
}

/// A database as an older version of the app left it: the first `count` migrations applied.
async fn older_database(path: &Path, count: usize) {
    let source = tempfile::tempdir().expect("dir");
    let mut files: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations"))
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for file in files.iter().take(count) {
        std::fs::copy(file, source.path().join(file.file_name().expect("name"))).expect("copy");
    }
    let migrator = sqlx::migrate::Migrator::new(source.path()).await.expect("migrator");
    let options = SqliteConnectOptions::new().filename(path).create_if_missing(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("pool");
    migrator.run(&pool).await.expect("older migrations");
    pool.close().await;
}

#[tokio::test]
async fn an_older_database_is_backed_up_before_it_is_upgraded_and_a_new_one_is_not() {
    let fresh = TestCore::new().await;
    assert!(!backups_folder(&fresh).exists(), "a new database has nothing to keep");

    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("kickstart.db");
    let all = kickstart_core::store::MIGRATOR.iter().count();
    older_database(&path, all - 1).await;
    let clock = Arc::new(kickstart_core::clock::ManualClock::new(chrono::Utc::now()));
    let core = Core::open(kickstart_testkit::config(path.clone(), clock)).await.expect("upgrades");
    core.close().await;

    let backups: Vec<_> =
        std::fs::read_dir(dir.path().join("backups")).expect("folder").map(|e| e.expect("e").path()).collect();
    assert_eq!(backups.len(), 1, "one backup: {backups:?}");
    assert!(backups[0].to_string_lossy().ends_with("-before-migration.db"));
    let pool = open(&backups[0]).await;
    let applied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations").fetch_one(&pool).await.expect("count");
    assert_eq!(applied as usize, all - 1, "the backup is the database as it was before the upgrade");

    // Opening the upgraded database again makes no further copy.
    let clock = Arc::new(kickstart_core::clock::ManualClock::new(chrono::Utc::now()));
    Core::open(kickstart_testkit::config(path.clone(), clock)).await.expect("opens").close().await;
    assert_eq!(std::fs::read_dir(dir.path().join("backups")).expect("folder").count(), 1);
}
