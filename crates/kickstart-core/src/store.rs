//! The SQLite database: one pool, tuned once, migrated at open.
//!
//! WAL lets the app and a separate MCP process (`kickstart mcp`) use the same file together;
//! `synchronous=NORMAL` is durable across application crashes in WAL mode; foreign keys are on;
//! a busy timeout turns brief lock contention into waiting instead of errors.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// Schema migrations, embedded in the binary. `build.rs` reruns when the folder changes.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// A failure of the database layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database folder could not be created.
    #[error("could not create the database folder {path}: {source}")]
    CreateFolder { path: String, source: std::io::Error },
    /// A query or connection failed.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// A migration failed; the database is left as it was before that migration.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The copy made before upgrading the database failed, so it was not upgraded.
    #[error("the database was not upgraded: the backup before it failed: {0}")]
    BackupBeforeMigration(#[source] Box<crate::CoreError>),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

/// Whether the database holds data of an older version: some migrations are applied and some
/// of ours are not. A new, empty database has nothing to keep and is not backed up.
async fn migrations_pending(pool: &SqlitePool) -> Result<bool, sqlx::Error> {
    let has_table: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(pool)
    .await?;
    if !has_table {
        return Ok(false);
    }
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1").fetch_all(pool).await?;
    Ok(!applied.is_empty() && MIGRATOR.iter().any(|migration| !applied.contains(&migration.version)))
}

/// The database handle shared by every service.
#[derive(Clone)]
pub struct Db {
    pool: SqlitePool,
}

impl Db {
    /// Opens or creates the database file and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .map_err(|source| StoreError::CreateFolder { path: folder.display().to_string(), source })?;
        }
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        if migrations_pending(&pool).await? {
            // Data made by an older version, about to be upgraded: keep a copy as it was.
            crate::backups::write_backup(
                &pool,
                &crate::backups::folder(path),
                chrono::Utc::now(),
                crate::backups::BackupReason::BeforeMigration,
            )
            .await
            .map_err(|error| StoreError::BackupBeforeMigration(Box::new(error)))?;
        }
        MIGRATOR.run(&pool).await?;
        tracing::debug!(path = %path.display(), "database open");
        Ok(Self { pool })
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction that takes the write lock at once (`BEGIN IMMEDIATE`). Another process
    /// (the MCP server) writes the same file: a deferred transaction that read first and then
    /// tries to write fails at once with "busy" (the busy timeout can't cover that upgrade), an
    /// immediate one waits its turn.
    pub async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Turns typed search words into an FTS5 query: every word must match, as a prefix.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')).collect::<String>())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// A `LIKE … ESCAPE '\'` pattern matching `text` anywhere, its wildcards taken literally;
/// None for blank text. (SQLite's LIKE ignores the case of ASCII letters only.)
pub(crate) fn like_pattern(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| {
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
    })
}
