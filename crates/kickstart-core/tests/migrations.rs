//! A database made by every earlier version of the app, upgraded by this one with its data
//! intact. For each earlier schema version k, the first k migrations run, each followed by the
//! rows that version wrote (`tests/fixtures/schema/<migration>.sql`); then the current core opens
//! the file — a backup first, then the remaining migrations — and the person signs in and finds
//! everything through the public API.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kickstart_core::clock::ManualClock;
use kickstart_core::tasks::{TaskQuery, TaskView};
use kickstart_core::threads::ThreadQuery;
use kickstart_core::Core;
use kickstart_testkit::{TestCore, GOOD_PASSWORD};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

fn sorted_files(folder: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

/// An Argon2id hash of the test password, as registration stores it.
async fn password_hash() -> String {
    let t = TestCore::new().await;
    t.register("someone").await;
    sqlx::query_scalar("SELECT password_hash FROM profiles").fetch_one(t.core.db().pool()).await.expect("hash")
}

/// The database version `count` of the app left: its migrations, each with its rows.
async fn database_at(path: &Path, count: usize, hash: &str) {
    let migrations = sorted_files(&Path::new(MANIFEST).join("../../migrations"), "sql");
    let fixtures = Path::new(MANIFEST).join("tests/fixtures/schema");
    let options = SqliteConnectOptions::new().filename(path).create_if_missing(true).foreign_keys(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("pool");
    for migration in migrations.iter().take(count) {
        // One migration at a time, through sqlx's own migrator, so `_sqlx_migrations` says so.
        let single = tempfile::tempdir().expect("dir");
        std::fs::copy(migration, single.path().join(migration.file_name().expect("name"))).expect("copy");
        let migrator = sqlx::migrate::Migrator::new(single.path()).await.expect("migrator");
        // The earlier ones are applied already and not in this folder.
        let migrator = sqlx::migrate::Migrator { ignore_missing: true, ..migrator };
        migrator.run(&pool).await.expect("an earlier migration");
        let rows = fixtures.join(migration.file_name().expect("name"));
        let sql = std::fs::read_to_string(&rows)
            .unwrap_or_else(|_| panic!("{} has no fixture: add {}", migration.display(), rows.display()));
        sqlx::raw_sql(&sql.replace("{{PASSWORD_HASH}}", hash)).execute(&pool).await.expect("the fixture's rows");
    }
    pool.close().await;
}

#[tokio::test]
async fn every_earlier_schema_version_is_upgraded_with_its_data_intact() {
    let hash = password_hash().await;
    let total = sorted_files(&Path::new(MANIFEST).join("../../migrations"), "sql").len();
    assert!(total >= 7, "the migrations folder is read");
    for version in 1..total {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("kickstart.db");
        database_at(&path, version, &hash).await;

        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let core = Core::open(kickstart_testkit::config(path.clone(), clock))
            .await
            .unwrap_or_else(|error| panic!("version {version} upgrades: {error}"));
        let backups = std::fs::read_dir(dir.path().join("backups")).expect("a backup before the upgrade").count();
        assert_eq!(backups, 1, "version {version}: one backup before upgrading");

        // Profiles (every version): the same password still opens the profile.
        let info =
            core.auth().login("ada", GOOD_PASSWORD).await.unwrap_or_else(|e| panic!("version {version}: login: {e}"));
        assert_eq!(info.profile.display_name, "Ada Lovelace", "version {version}");
        assert_eq!(info.idle_lock_minutes, 30, "version {version}: the profile's settings");
        let ada = core.auth().session().expect("session");

        if version >= 2 {
            let open = core.tasks().list(&ada, TaskQuery::view(TaskView::Inbox)).await.expect("inbox").tasks;
            assert_eq!(open.len(), 1, "version {version}: the open task");
            let rent = &open[0];
            assert_eq!((rent.title.as_str(), rent.notes.as_str()), ("pay rent", "by transfer"));
            assert_eq!(rent.tags, ["home"], "version {version}: tags");
            assert!(rent.recurrence.is_some(), "version {version}: the repetition");
            let done = core.tasks().list(&ada, TaskQuery::view(TaskView::Completed)).await.expect("done").tasks;
            assert_eq!(done.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(), ["water the plants"]);
            let found = core
                .tasks()
                .list(&ada, TaskQuery { text: Some("transfer".into()), ..TaskQuery::view(TaskView::Inbox) })
                .await
                .expect("search");
            assert_eq!(found.tasks.len(), 1, "version {version}: the search index survived");
        }
        if version >= 3 {
            let connections = core.providers().list(&ada).await.expect("providers");
            assert_eq!(connections.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Local Ollama"]);
            assert!(connections[0].is_default, "version {version}: still the default");
        }

        // Agents: the Task assistant is there whatever the version (made at sign-in when the
        // version had no agents), with its task tools (given by a later migration otherwise).
        let agents = core.agents().list(&ada, Default::default()).await.expect("agents");
        let assistant = agents.iter().find(|a| a.name == "Task assistant").expect("the Task assistant");
        assert!(assistant.tools.iter().any(|t| t == "add_task"), "version {version}: its tools: {:?}", assistant.tools);
        if version >= 4 {
            let writer = agents.iter().find(|a| a.name == "Writer").expect("Writer");
            assert_eq!(writer.starters.len(), 1, "version {version}: its starter");
            let threads = core.threads().list(&ada, ThreadQuery::default()).await.expect("threads");
            let thread = threads.threads.iter().find(|t| t.title == "Plan the week").expect("the thread");
            assert!(thread.pinned, "version {version}: still pinned");
            let messages = core.threads().messages(&ada, &thread.id, None, None).await.expect("messages");
            let texts: Vec<&str> = messages.messages.iter().map(|m| m.content.as_str()).collect();
            assert_eq!(texts, ["What groceries do I need this week?", "Milk, bread and **apples**."]);
            let found = core
                .threads()
                .list(&ada, ThreadQuery { search: Some("groceries".into()), ..Default::default() })
                .await
                .expect("search");
            assert_eq!(found.threads.len(), 1, "version {version}: message search survived");
            let runs = core.threads().runs(&ada, &thread.id).await.expect("runs");
            assert_eq!(runs.len(), 1, "version {version}: the run");
            if version >= 5 {
                let answer = &messages.messages[1];
                assert_eq!(answer.tool_calls.len(), 1, "version {version}: the tool call in the answer");
                let tokens = core.mcp_tokens().list(&ada).await.expect("tokens");
                assert_eq!(tokens.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Claude Desktop"]);
            }
        }
        if version >= 6 {
            let servers = core.mcp_servers().list(&ada).await.expect("servers");
            assert_eq!(servers.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["files"]);
        }
        core.close().await;
    }
}
