//! Settings → Data: the database's backups (administrators).

use kickstart_core::backups::{Backup, BackupSettings};
use tauri::{AppHandle, Runtime, State};

use crate::{AppState, IpcError};

/// The backups, newest first.
#[tauri::command]
#[specta::specta]
pub async fn backups_list(state: State<'_, AppState>) -> Result<Vec<Backup>, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.backups().list(&session).await?)
}

/// How many backups are kept.
#[tauri::command]
#[specta::specta]
pub async fn backups_settings(state: State<'_, AppState>) -> Result<BackupSettings, IpcError> {
    state.core.auth().session()?;
    Ok(state.core.backups().settings().await?)
}

/// Changes how many backups are kept (older ones beyond it are removed).
#[tauri::command]
#[specta::specta]
pub async fn backups_settings_set(
    state: State<'_, AppState>,
    settings: BackupSettings,
) -> Result<BackupSettings, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.backups().save_settings(&session, settings).await?)
}

/// Backs up the database now.
#[tauri::command]
#[specta::specta]
pub async fn backups_create(state: State<'_, AppState>) -> Result<Backup, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.backups().create(&session).await?)
}

/// Restores a backup: the app restarts, backs up the current data, then swaps the backup in.
#[tauri::command]
#[specta::specta]
pub async fn backups_restore<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> Result<(), IpcError> {
    let session = state.core.auth().session()?;
    state.core.backups().schedule_restore(&session, &name).await?;
    tracing::info!("restarting to restore a backup");
    app.request_restart();
    Ok(())
}
