//! Agents: the profile's own and those others share. Writes announce `AgentsChanged`.

use kickstart_core::agents::{Agent, AgentId, AgentInput, AgentQuery};
use tauri::{AppHandle, Runtime, State};

use crate::events::{announce, AgentsChanged};
use crate::{AppState, IpcError};

/// Own agents and others' shared ones: built-in first, then by name.
#[tauri::command]
#[specta::specta]
pub async fn agents_list(state: State<'_, AppState>, query: AgentQuery) -> Result<Vec<Agent>, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.agents().list(&session, query).await?)
}

/// One agent the profile may see.
#[tauri::command]
#[specta::specta]
pub async fn agents_get(state: State<'_, AppState>, id: AgentId) -> Result<Agent, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.agents().get(&session, &id).await?)
}

/// A new agent owned by the profile.
#[tauri::command]
#[specta::specta]
pub async fn agents_create<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: AgentInput,
) -> Result<Agent, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, AgentsChanged, state.core.agents().create(&session, input).await?))
}

/// Replaces an agent's settings (its owner or an administrator).
#[tauri::command]
#[specta::specta]
pub async fn agents_update<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: AgentId,
    input: AgentInput,
) -> Result<Agent, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, AgentsChanged, state.core.agents().update(&session, &id, input).await?))
}

/// A private copy of any agent the profile can see.
#[tauri::command]
#[specta::specta]
pub async fn agents_duplicate<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: AgentId,
) -> Result<Agent, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, AgentsChanged, state.core.agents().duplicate(&session, &id).await?))
}

/// Archives or restores an agent.
#[tauri::command]
#[specta::specta]
pub async fn agents_set_archived<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: AgentId,
    archived: bool,
) -> Result<Agent, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, AgentsChanged, state.core.agents().set_archived(&session, &id, archived).await?))
}

/// The agent as JSON (no connection, no ids).
#[tauri::command]
#[specta::specta]
pub async fn agents_export(state: State<'_, AppState>, id: AgentId) -> Result<String, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.agents().export(&session, &id).await?)
}

/// A new private agent from exported JSON; checked completely before anything is written.
#[tauri::command]
#[specta::specta]
pub async fn agents_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    json: String,
) -> Result<Agent, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, AgentsChanged, state.core.agents().import(&session, &json).await?))
}
