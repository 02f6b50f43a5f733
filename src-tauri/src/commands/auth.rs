//! Registration, login, lock and the signed-in profile's own settings.

use kickstart_core::auth::{AppStatus, RegisterInput, Registration, SessionInfo};
use tauri::{AppHandle, Runtime, State};
use tauri_specta::Event;

use crate::events::SessionLocked;
use crate::{desktop, AppState, IpcError};

/// Is this a first run, and who is signed in (possibly locked)?
#[tauri::command]
#[specta::specta]
pub async fn auth_status(state: State<'_, AppState>) -> Result<AppStatus, IpcError> {
    Ok(state.core.auth().status().await?)
}

/// Creates a profile (the first is the administrator) and signs it in.
#[tauri::command]
#[specta::specta]
pub async fn auth_register<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: RegisterInput,
) -> Result<Registration, IpcError> {
    let registration = state.core.auth().register(input).await?;
    desktop::spawn_quick_chat_warm_up(&app);
    Ok(registration)
}

/// Signs in with username and password.
#[tauri::command]
#[specta::specta]
pub async fn auth_login<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> Result<SessionInfo, IpcError> {
    let session = state.core.auth().login(&username, &password).await?;
    desktop::spawn_quick_chat_warm_up(&app);
    Ok(session)
}

/// Signs out.
#[tauri::command]
#[specta::specta]
pub async fn auth_logout(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.core.auth().logout();
    Ok(())
}

/// Locks the session now, in every window.
#[tauri::command]
#[specta::specta]
pub async fn auth_lock<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<(), IpcError> {
    state.core.auth().lock()?;
    if let Err(error) = SessionLocked.emit(&app) {
        tracing::warn!(%error, "could not announce the lock");
    }
    Ok(())
}

/// Unlocks the locked session with its password.
#[tauri::command]
#[specta::specta]
pub async fn auth_unlock(state: State<'_, AppState>, password: String) -> Result<SessionInfo, IpcError> {
    Ok(state.core.auth().unlock(&password).await?)
}

/// Reports user activity, which keeps the idle lock away.
#[tauri::command]
#[specta::specta]
pub async fn auth_touch(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.core.auth().session()?;
    Ok(())
}

/// Changes the signed-in profile's password.
#[tauri::command]
#[specta::specta]
pub async fn auth_change_password(
    state: State<'_, AppState>,
    current_password: String,
    new_password: String,
) -> Result<(), IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.auth().change_password(&session, &current_password, &new_password).await?)
}

/// Resets a forgotten password with the recovery key; returns the new recovery key.
#[tauri::command]
#[specta::specta]
pub async fn auth_recover(
    state: State<'_, AppState>,
    username: String,
    recovery_key: String,
    new_password: String,
) -> Result<String, IpcError> {
    Ok(state.core.auth().recover(&username, &recovery_key, &new_password).await?)
}

/// Sets the idle-lock time in minutes (0 = never).
#[tauri::command]
#[specta::specta]
pub async fn auth_set_idle_lock(state: State<'_, AppState>, minutes: u32) -> Result<SessionInfo, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.auth().set_idle_lock(&session, minutes).await?)
}

/// Changes the signed-in profile's display name.
#[tauri::command]
#[specta::specta]
pub async fn auth_update_profile(state: State<'_, AppState>, display_name: String) -> Result<SessionInfo, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.auth().update_profile(&session, &display_name).await?)
}
