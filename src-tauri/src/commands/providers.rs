//! AI provider connections and where their keys are kept. Writes announce `ProvidersChanged`.
//! No command here returns a key: the types cannot carry one.

use kickstart_core::providers::{
    self, ConnectionCheck, ConnectionPatch, ModelInfo, NewConnection, ProviderConnection, ProviderConnectionId,
    ProviderPreset,
};
use kickstart_core::secrets::SecretsStatus;
use tauri::{AppHandle, Runtime, State};

use crate::events::{announce, ProvidersChanged};
use crate::{AppState, IpcError};

/// The presets of the "Add provider" dialog.
#[tauri::command]
#[specta::specta]
pub async fn providers_presets(state: State<'_, AppState>) -> Result<Vec<ProviderPreset>, IpcError> {
    state.core.auth().session()?;
    Ok(providers::presets())
}

/// The profile's connections, the default first.
#[tauri::command]
#[specta::specta]
pub async fn providers_list(state: State<'_, AppState>) -> Result<Vec<ProviderConnection>, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.providers().list(&session).await?)
}

/// Saves a new connection; its key goes to the keychain (or the vault).
#[tauri::command]
#[specta::specta]
pub async fn providers_create<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: NewConnection,
) -> Result<ProviderConnection, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, ProvidersChanged, state.core.providers().create(&session, input).await?))
}

/// Changes a connection; only the fields given change.
#[tauri::command]
#[specta::specta]
pub async fn providers_update<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: ProviderConnectionId,
    patch: ConnectionPatch,
) -> Result<ProviderConnection, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, ProvidersChanged, state.core.providers().update(&session, &id, patch).await?))
}

/// Removes a connection and its key.
#[tauri::command]
#[specta::specta]
pub async fn providers_delete<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: ProviderConnectionId,
) -> Result<(), IpcError> {
    let session = state.core.auth().session()?;
    announce(&app, ProvidersChanged, state.core.providers().delete(&session, &id).await?);
    Ok(())
}

/// Makes a connection the profile's default.
#[tauri::command]
#[specta::specta]
pub async fn providers_set_default<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: ProviderConnectionId,
) -> Result<ProviderConnection, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, ProvidersChanged, state.core.providers().set_default(&session, &id).await?))
}

/// "Test connection": a real request to the server, with its latency and models.
#[tauri::command]
#[specta::specta]
pub async fn providers_check(
    state: State<'_, AppState>,
    id: ProviderConnectionId,
) -> Result<ConnectionCheck, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.providers().check(&session, &id).await?)
}

/// The models the connection's server offers.
#[tauri::command]
#[specta::specta]
pub async fn providers_models(
    state: State<'_, AppState>,
    id: ProviderConnectionId,
) -> Result<Vec<ModelInfo>, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.providers().models(&session, &id).await?)
}

/// Whether a keychain answers, and the state of the encrypted vault.
#[tauri::command]
#[specta::specta]
pub async fn secrets_status(state: State<'_, AppState>) -> Result<SecretsStatus, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.secrets().status(&session).await?)
}

/// Turns on the encrypted vault (the login password is asked again).
#[tauri::command]
#[specta::specta]
pub async fn secrets_enable_vault(state: State<'_, AppState>, password: String) -> Result<SecretsStatus, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.secrets().enable_vault(&session, &password).await?)
}
