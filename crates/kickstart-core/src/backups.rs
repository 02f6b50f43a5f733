//! Automatic, rotating backups of the database, and restoring one.
//!
//! A backup is a consistent copy made by SQLite itself (`VACUUM INTO`), never a file copy of a
//! live WAL database: it sees one transaction's state even while the app and `kickstart mcp`
//! write. Copies go to `<data folder>/backups/` as `kickstart-<UTC time>-<reason>.db`, written
//! under a temporary name and renamed when complete, so a full disk leaves no half file (and the
//! temporary file a kill leaves is removed after a later backup, once an hour old).
//! They are made daily, before every migration (see `store::Db::open`), before a restore, and
//! by hand; only the newest [`BackupSettings::keep`] are kept.
//!
//! Restoring replaces the whole database, every profile's data, so it happens while nothing has
//! it open: [`Backups::schedule_restore`] leaves a marker, the app restarts, and
//! [`apply_pending_restore`] swaps the file in before the core opens — after backing up what
//! was there.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::ConnectOptions;

use crate::auth::Session;
use crate::{settings, time, Core, CoreError};

const SETTINGS_KEY: &str = "backups";
const FOLDER: &str = "backups";
const RESTORE_MARKER: &str = "restore-pending";
const NAME_PREFIX: &str = "kickstart-";
const TIME_FORMAT: &str = "%Y%m%dT%H%M%S%.3fZ";
/// How many backups are kept unless the person chose another number.
pub const DEFAULT_KEEP: u32 = 10;
/// The most backups that may be kept (each is a whole copy of the database).
pub const MAX_KEEP: u32 = 100;

/// Why a backup was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum BackupReason {
    /// The once-a-day backup.
    Daily,
    /// Someone chose "Back up now".
    Manual,
    /// Just before the database was upgraded to a newer version of the app.
    BeforeMigration,
    /// Just before another backup was restored over the database.
    BeforeRestore,
}

impl BackupReason {
    fn slug(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Manual => "manual",
            Self::BeforeMigration => "before-migration",
            Self::BeforeRestore => "before-restore",
        }
    }

    fn from_slug(slug: &str) -> Option<Self> {
        [Self::Daily, Self::Manual, Self::BeforeMigration, Self::BeforeRestore].into_iter().find(|r| r.slug() == slug)
    }
}

/// One backup file.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Backup {
    /// The file's name in the backups folder; what restore asks for.
    pub name: String,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    pub reason: BackupReason,
    /// Its size in bytes.
    pub size_bytes: f64,
}

/// The installation's backup settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BackupSettings {
    /// How many backups to keep; older ones are deleted after each new one.
    pub keep: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        Self { keep: DEFAULT_KEEP }
    }
}

/// Backups and what lists them: the folder beside the database.
pub(crate) fn folder(database_path: &Path) -> PathBuf {
    database_path.parent().unwrap_or(Path::new("")).join(FOLDER)
}

fn name_for(at: DateTime<Utc>, reason: BackupReason) -> String {
    format!("{NAME_PREFIX}{}-{}.db", at.format(TIME_FORMAT), reason.slug())
}

/// Reads a backup's time and reason from its name; None for files that are not backups.
fn parse_name(name: &str) -> Option<(DateTime<Utc>, BackupReason)> {
    let rest = name.strip_prefix(NAME_PREFIX)?.strip_suffix(".db")?;
    let (stamp, slug) = rest.split_once('-')?;
    let at = NaiveDateTime::parse_from_str(stamp, TIME_FORMAT).ok()?.and_utc();
    Some((at, BackupReason::from_slug(slug)?))
}

/// Every backup in the folder, newest first.
fn list_folder(folder: &Path) -> Result<Vec<Backup>, CoreError> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(io(folder, error)),
    };
    let mut backups: Vec<(DateTime<Utc>, Backup)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| io(folder, error))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((at, reason)) = parse_name(&name) else { continue };
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        backups.push((at, Backup { name, created_at: time::to_db(at), reason, size_bytes: size as f64 }));
    }
    backups.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    Ok(backups.into_iter().map(|(_, backup)| backup).collect())
}

fn io(path: &Path, source: std::io::Error) -> CoreError {
    BackupError::Io { path: path.display().to_string(), source }.into()
}

/// A backup could not be made, read or restored. The database in use is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// SQLite could not write the copy (a full disk, a read-only folder).
    #[error("could not write the backup {path}: {source}")]
    Write { path: String, source: sqlx::Error },
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// The backup to restore is damaged.
    #[error("the backup {name} is damaged ({detail}); nothing was restored")]
    Damaged { name: String, detail: String },
}

/// Writes a consistent copy of the database behind `pool` into `folder` and returns its name.
/// The copy is made under a temporary name and renamed once complete.
pub(crate) async fn write_backup(
    pool: &SqlitePool,
    folder: &Path,
    at: DateTime<Utc>,
    reason: BackupReason,
) -> Result<String, CoreError> {
    std::fs::create_dir_all(folder).map_err(|error| io(folder, error))?;
    let name = name_for(at, reason);
    let target = folder.join(&name);
    let partial = folder.join(format!("{name}.partial"));
    // A partial file left by a crash would make VACUUM INTO fail: it only writes new files.
    let _ = std::fs::remove_file(&partial);
    let written = sqlx::query("VACUUM INTO ?1").bind(partial.to_string_lossy().into_owned()).execute(pool).await;
    if let Err(source) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(BackupError::Write { path: target.display().to_string(), source }.into());
    }
    std::fs::rename(&partial, &target).map_err(|error| {
        let _ = std::fs::remove_file(&partial);
        io(&target, error)
    })?;
    tracing::info!(backup = %name, "database backed up");
    Ok(name)
}

/// Deletes all but the newest `keep` backups, and what killed backups left behind.
fn rotate(folder: &Path, keep: u32) -> Result<(), CoreError> {
    for old in list_folder(folder)?.into_iter().skip(keep.max(1) as usize) {
        let path = folder.join(&old.name);
        std::fs::remove_file(&path).map_err(|error| io(&path, error))?;
        tracing::info!(backup = %old.name, "old backup removed");
    }
    remove_abandoned_partials(folder, std::time::SystemTime::now());
    Ok(())
}

/// A partial file not written to for this long belongs to a backup whose process was killed.
/// One being written (by this app or a `kickstart mcp` process upgrading the database) changes
/// every few milliseconds, so it is never this old.
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Removes the temporary files of backups cut short by a kill or a power cut: nothing lists
/// them, and each can be as large as the database. Best effort: one that cannot be removed is
/// tried again after the next backup.
fn remove_abandoned_partials(folder: &Path, now: std::time::SystemTime) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(backup_name) = name.strip_suffix(".partial") else { continue };
        if parse_name(backup_name).is_none() {
            continue; // not ours
        }
        let last_written = entry.metadata().and_then(|metadata| metadata.modified());
        let abandoned = last_written.is_ok_and(|at| now.duration_since(at).is_ok_and(|age| age >= ABANDONED_AFTER));
        if !abandoned {
            continue;
        }
        match std::fs::remove_file(entry.path()) {
            Ok(()) => tracing::info!(file = %name, "removed what a backup cut short left behind"),
            Err(error) => tracing::warn!(file = %name, %error, "could not remove what a backup cut short left behind"),
        }
    }
}

/// Opens a database file by itself (not through the core), for checking and copying.
async fn open_file(path: &Path, read_only: bool) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::new().filename(path).read_only(read_only).disable_statement_logging();
    SqlitePoolOptions::new().max_connections(1).connect_with(options).await
}

/// Restores the backup [`Backups::schedule_restore`] chose, if one is waiting: the database
/// now in place is backed up first, the chosen backup is checked (`PRAGMA integrity_check`),
/// then it replaces the database file. Called before the core opens the database, so nothing
/// has it open. Returns the restored backup's name. On an error nothing was replaced.
///
/// The marker goes once the outcome is known, either way: a restore that fails is not tried at
/// every start, and one cut short (the app killed, the computer off) is done again at the next.
pub async fn apply_pending_restore(database_path: &Path) -> Result<Option<String>, CoreError> {
    let data_dir = database_path.parent().unwrap_or(Path::new(""));
    let marker = data_dir.join(RESTORE_MARKER);
    let name = match std::fs::read_to_string(&marker) {
        Ok(name) => name.trim().to_owned(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io(&marker, error)),
    };
    let outcome = restore(database_path, data_dir, &name).await;
    let _ = std::fs::remove_file(&marker);
    outcome?;
    tracing::info!(backup = %name, "backup restored");
    Ok(Some(name))
}

async fn restore(database_path: &Path, data_dir: &Path, name: &str) -> Result<(), CoreError> {
    let folder = folder(database_path);
    if parse_name(name).is_none() || !folder.join(name).is_file() {
        return Err(CoreError::NotFound { what: "backup" });
    }
    let source = folder.join(name);

    let check = async {
        let pool = open_file(&source, true).await?;
        let verdict: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await?;
        pool.close().await;
        Ok::<_, sqlx::Error>(verdict)
    };
    match check.await {
        Ok(verdict) if verdict == "ok" => {}
        Ok(verdict) => return Err(BackupError::Damaged { name: name.to_owned(), detail: verdict }.into()),
        Err(error) => return Err(BackupError::Damaged { name: name.to_owned(), detail: error.to_string() }.into()),
    }

    if database_path.exists() {
        // Closing the only connection checkpoints the write-ahead log into the file, so the
        // backup and the file below hold every committed transaction.
        let pool = open_file(database_path, false)
            .await
            .map_err(|source| BackupError::Write { path: database_path.display().to_string(), source })?;
        let saved = write_backup(&pool, &folder, Utc::now(), BackupReason::BeforeRestore).await;
        pool.close().await;
        saved?;
    }
    // Copy next to the database, then rename over it: the swap is all or nothing. The old
    // WAL and shared-memory files belong to the old database and must go with it.
    let incoming = data_dir.join("kickstart.db.restoring");
    std::fs::copy(&source, &incoming).map_err(|error| io(&incoming, error))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", database_path.display()));
        if let Err(error) = std::fs::remove_file(&side) {
            if error.kind() != std::io::ErrorKind::NotFound {
                return Err(io(&side, error));
            }
        }
    }
    std::fs::rename(&incoming, database_path).map_err(|error| io(database_path, error))
}

/// Backups of this installation's database. See [`Core::backups`].
pub struct Backups<'a> {
    core: &'a Core,
}

impl<'a> Backups<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    fn folder(&self) -> PathBuf {
        self.core.data_dir().join(FOLDER)
    }

    /// The backups, newest first (administrators: they hold every profile's data).
    pub async fn list(&self, session: &Session) -> Result<Vec<Backup>, CoreError> {
        self.core.auth().require_admin(session).await?;
        list_folder(&self.folder())
    }

    /// The backup settings (defaults until changed).
    pub async fn settings(&self) -> Result<BackupSettings, CoreError> {
        settings::read(self.core, SETTINGS_KEY).await
    }

    /// Changes how many backups are kept, and removes those now beyond it.
    pub async fn save_settings(&self, session: &Session, input: BackupSettings) -> Result<BackupSettings, CoreError> {
        self.core.auth().require_admin(session).await?;
        if !(1..=MAX_KEEP).contains(&input.keep) {
            return Err(CoreError::validation("keep", format!("Keep between 1 and {MAX_KEEP} backups.")));
        }
        settings::write(self.core, SETTINGS_KEY, &input).await?;
        rotate(&self.folder(), input.keep)?;
        Ok(input)
    }

    /// Makes a backup now ("Back up now").
    pub async fn create(&self, session: &Session) -> Result<Backup, CoreError> {
        self.core.auth().require_admin(session).await?;
        self.make(BackupReason::Manual).await
    }

    async fn make(&self, reason: BackupReason) -> Result<Backup, CoreError> {
        let folder = self.folder();
        let name = write_backup(self.core.db.pool(), &folder, self.core.clock.now(), reason).await?;
        rotate(&folder, self.settings().await?.keep)?;
        list_folder(&folder)?
            .into_iter()
            .find(|backup| backup.name == name)
            .ok_or(CoreError::NotFound { what: "backup" })
    }

    /// Makes the daily backup when the newest backup of any kind is a day old or there is none.
    /// Needs no session: the app calls it on a timer. Returns the backup it made.
    pub async fn daily_if_due(&self) -> Result<Option<Backup>, CoreError> {
        let now = self.core.clock.now();
        let newest = list_folder(&self.folder())?.into_iter().next();
        let due = newest.is_none_or(|backup| {
            parse_name(&backup.name).is_none_or(|(at, _)| now.signed_duration_since(at) >= chrono::Duration::days(1))
        });
        if !due {
            return Ok(None);
        }
        self.make(BackupReason::Daily).await.map(Some)
    }

    /// Chooses a backup to restore at the next start. Refused while an answer is streaming
    /// (restoring restarts the app, which would cut it off). The app then restarts; see
    /// [`apply_pending_restore`].
    pub async fn schedule_restore(&self, session: &Session, name: &str) -> Result<(), CoreError> {
        self.core.auth().require_admin(session).await?;
        // Only a name from the list: never a path.
        if !list_folder(&self.folder())?.iter().any(|backup| backup.name == name) {
            return Err(CoreError::NotFound { what: "backup" });
        }
        if self.core.chats.any_streaming() {
            return Err(CoreError::Conflict {
                field: None,
                message: "An answer is still being written. Stop it or let it finish, then restore.".into(),
            });
        }
        let marker = self.core.data_dir().join(RESTORE_MARKER);
        std::fs::write(&marker, name).map_err(|error| io(&marker, error))?;
        tracing::info!(backup = %name, "restore scheduled for the next start");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_strangers_are_not_backups() {
        let at = DateTime::parse_from_rfc3339("2026-12-05T22:45:01.123Z").expect("time").with_timezone(&Utc);
        for reason in
            [BackupReason::Daily, BackupReason::Manual, BackupReason::BeforeMigration, BackupReason::BeforeRestore]
        {
            let name = name_for(at, reason);
            assert_eq!(parse_name(&name), Some((at, reason)), "{name}");
        }
        for stranger in
            ["kickstart.db", "kickstart-x-daily.db", "kickstart-20261205T224501.123Z-weekly.db", "../kickstart.db"]
        {
            assert_eq!(parse_name(stranger), None, "{stranger}");
        }
    }
}
