//! The to-do list. Writes announce `TasksChanged` so every window refreshes.

use kickstart_core::tasks::{
    BulkAction, BulkResult, NewTask, TagCount, Task, TaskDraft, TaskId, TaskPage, TaskPatch, TaskQuery, TextRange,
    ViewCounts,
};
use tauri::{AppHandle, Runtime, State};

use crate::events::{announce, TasksChanged};
use crate::{AppState, IpcError};

/// Reads a quick-add line into a draft; `literal` ranges stay part of the title.
#[tauri::command]
#[specta::specta]
pub async fn tasks_parse(
    state: State<'_, AppState>,
    text: String,
    literal: Vec<TextRange>,
) -> Result<TaskDraft, IpcError> {
    state.core.auth().session()?;
    Ok(state.core.tasks().parse(&text, &literal))
}

/// Creates a task.
#[tauri::command]
#[specta::specta]
pub async fn tasks_create<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: NewTask,
) -> Result<Task, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, TasksChanged, state.core.tasks().create(&session, input).await?))
}

/// One task.
#[tauri::command]
#[specta::specta]
pub async fn tasks_get(state: State<'_, AppState>, id: TaskId) -> Result<Task, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.tasks().get(&session, &id).await?)
}

/// Changes only the fields given.
#[tauri::command]
#[specta::specta]
pub async fn tasks_update<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: TaskId,
    patch: TaskPatch,
) -> Result<Task, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, TasksChanged, state.core.tasks().update(&session, &id, patch).await?))
}

/// Completes a task (a recurring one moves to its next date).
#[tauri::command]
#[specta::specta]
pub async fn tasks_complete<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: TaskId,
) -> Result<Task, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, TasksChanged, state.core.tasks().complete(&session, &id).await?))
}

/// Undoes the last completion.
#[tauri::command]
#[specta::specta]
pub async fn tasks_uncomplete<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: TaskId,
) -> Result<Task, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, TasksChanged, state.core.tasks().uncomplete(&session, &id).await?))
}

/// Moves a task to the trash.
#[tauri::command]
#[specta::specta]
pub async fn tasks_delete<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: TaskId,
) -> Result<Task, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, TasksChanged, state.core.tasks().delete(&session, &id).await?))
}

/// Takes a task out of the trash.
#[tauri::command]
#[specta::specta]
pub async fn tasks_restore<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: TaskId,
) -> Result<Task, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, TasksChanged, state.core.tasks().restore(&session, &id).await?))
}

/// Deletes the trash for good; returns how many tasks went.
#[tauri::command]
#[specta::specta]
pub async fn tasks_empty_trash<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<u32, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, TasksChanged, state.core.tasks().empty_trash(&session).await?))
}

/// A page of a view.
#[tauri::command]
#[specta::specta]
pub async fn tasks_list(state: State<'_, AppState>, query: TaskQuery) -> Result<TaskPage, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.tasks().list(&session, query).await?)
}

/// How many tasks each view holds.
#[tauri::command]
#[specta::specta]
pub async fn tasks_counts(state: State<'_, AppState>) -> Result<ViewCounts, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.tasks().counts(&session).await?)
}

/// The tags in use, with counts.
#[tauri::command]
#[specta::specta]
pub async fn tasks_tags(state: State<'_, AppState>) -> Result<Vec<TagCount>, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.tasks().tags(&session).await?)
}

/// One change to many tasks, in one transaction.
#[tauri::command]
#[specta::specta]
pub async fn tasks_bulk<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    ids: Vec<TaskId>,
    action: BulkAction,
) -> Result<BulkResult, IpcError> {
    let session = state.core.auth().session()?;
    Ok(announce(&app, TasksChanged, state.core.tasks().bulk(&session, &ids, action).await?))
}
