//! Threads, their messages and runs. Changes announce `ThreadChanged`.

use kickstart_core::threads::{MessagePage, Run, Thread, ThreadId, ThreadPage, ThreadPatch, ThreadQuery};
use tauri::{AppHandle, Runtime, State};

use crate::events::{announce, ThreadChanged};
use crate::{AppState, IpcError};

/// A page of threads (pinned first, then the most recent), optionally searched.
#[tauri::command]
#[specta::specta]
pub async fn threads_list(state: State<'_, AppState>, query: ThreadQuery) -> Result<ThreadPage, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.threads().list(&session, query).await?)
}

/// One thread.
#[tauri::command]
#[specta::specta]
pub async fn threads_get(state: State<'_, AppState>, id: ThreadId) -> Result<Thread, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.threads().get(&session, &id).await?)
}

/// Renames, pins or archives a thread.
#[tauri::command]
#[specta::specta]
pub async fn threads_update<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: ThreadId,
    patch: ThreadPatch,
) -> Result<Thread, IpcError> {
    let session = state.core.auth().session()?;
    let thread = state.core.threads().update(&session, &id, patch).await?;
    Ok(announce(&app, ThreadChanged::new(id), thread))
}

/// Moves a thread out of sight (undo with `threads_restore`).
#[tauri::command]
#[specta::specta]
pub async fn threads_delete<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: ThreadId,
) -> Result<(), IpcError> {
    let session = state.core.auth().session()?;
    state.core.threads().delete(&session, &id).await?;
    announce(&app, ThreadChanged::new(id), ());
    Ok(())
}

/// Brings back a deleted thread.
#[tauri::command]
#[specta::specta]
pub async fn threads_restore<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: ThreadId,
) -> Result<Thread, IpcError> {
    let session = state.core.auth().session()?;
    let thread = state.core.threads().restore(&session, &id).await?;
    Ok(announce(&app, ThreadChanged::new(id), thread))
}

/// The newest messages before `cursor`, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn messages_list(
    state: State<'_, AppState>,
    thread_id: ThreadId,
    cursor: Option<String>,
    limit: Option<u32>,
) -> Result<MessagePage, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.threads().messages(&session, &thread_id, cursor.as_deref(), limit).await?)
}

/// The thread's runs, newest first.
#[tauri::command]
#[specta::specta]
pub async fn runs_list(state: State<'_, AppState>, thread_id: ThreadId) -> Result<Vec<Run>, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.threads().runs(&session, &thread_id).await?)
}
