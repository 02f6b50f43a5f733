//! Export and import (Settings → Data, a thread's menu). The UI asks where with the dialog
//! plugin's save/open dialog and passes the chosen path; the file is written here, in Rust.

use std::path::{Path, PathBuf};

use kickstart_core::exports::{ExportProgress, ImportSummary, EXPORT_STEPS, MAX_IMPORT_BYTES};
use kickstart_core::threads::ThreadId;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::events::{announce, AgentsChanged, ProvidersChanged, TasksChanged};
use crate::{AppState, ErrorCode, IpcError};

/// A file an export wrote.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportWritten {
    pub path: String,
    pub bytes: f64,
}

/// The chosen path, if it is a full path to a file of this kind (by its extension).
fn chosen(path: &str, extension: &str) -> Result<PathBuf, IpcError> {
    let path = PathBuf::from(path);
    let fits = path.is_absolute() && path.extension().is_some_and(|e| e.eq_ignore_ascii_case(extension));
    if fits {
        Ok(path)
    } else {
        Err(IpcError::on_field(ErrorCode::Validation, "path", format!("Choose a .{extension} file to save to.")))
    }
}

/// Writes the file whole or not at all: a temporary file beside it, then renamed over it.
fn write(path: &Path, text: &str) -> Result<ExportWritten, IpcError> {
    let partial = path.with_extension("partial");
    let written = std::fs::write(&partial, text).and_then(|()| std::fs::rename(&partial, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&partial);
        tracing::warn!(%error, "could not write an export");
        return Err(IpcError::on_field(
            ErrorCode::Validation,
            "path",
            format!("Could not write {}: {error}", path.display()),
        ));
    }
    Ok(ExportWritten { path: path.display().to_string(), bytes: text.len() as f64 })
}

/// Everything of the signed-in profile as one JSON file (no secrets). `on_progress` hears after
/// each table is read and before the file is written.
#[tauri::command]
#[specta::specta]
pub async fn exports_profile(
    state: State<'_, AppState>,
    path: String,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportWritten, IpcError> {
    let session = state.core.auth().session()?;
    let path = chosen(&path, "json")?;
    let tell = |step: ExportProgress| {
        // A closed window only misses the bar; the export goes on.
        let _ = on_progress.send(step);
    };
    let export = state.core.exports().profile_with_progress(&session, tell).await?;
    let text = serde_json::to_string_pretty(&export).map_err(|error| crate::error::internal(&error))?;
    tell(ExportProgress { done: EXPORT_STEPS, total: EXPORT_STEPS, rows: 0, kind: "file".into() });
    write(&path, &text)
}

/// One conversation as Markdown.
#[tauri::command]
#[specta::specta]
pub async fn exports_thread_markdown(
    state: State<'_, AppState>,
    thread_id: ThreadId,
    path: String,
) -> Result<ExportWritten, IpcError> {
    let session = state.core.auth().session()?;
    let path = chosen(&path, "md")?;
    write(&path, &state.core.exports().thread_markdown(&session, &thread_id).await?)
}

/// The tasks as CSV.
#[tauri::command]
#[specta::specta]
pub async fn exports_tasks_csv(state: State<'_, AppState>, path: String) -> Result<ExportWritten, IpcError> {
    let session = state.core.auth().session()?;
    let path = chosen(&path, "csv")?;
    write(&path, &state.core.exports().tasks_csv(&session).await?)
}

/// Imports a JSON export into the signed-in profile; a refused file changes nothing.
#[tauri::command]
#[specta::specta]
pub async fn exports_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
) -> Result<ImportSummary, IpcError> {
    let session = state.core.auth().session()?;
    let path = chosen(&path, "json")?;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_IMPORT_BYTES as u64 {
        return Err(IpcError::new(ErrorCode::ImportRefused, "The file is larger than an export can be."));
    }
    let text = std::fs::read_to_string(&path).map_err(|error| {
        IpcError::on_field(ErrorCode::Validation, "path", format!("Could not read {}: {error}", path.display()))
    })?;
    let summary = state.core.exports().import(&session, &text).await?;
    if !summary.added.is_empty() {
        announce(&app, TasksChanged, ());
        announce(&app, AgentsChanged, ());
        announce(&app, ProvidersChanged, ());
    }
    Ok(summary)
}
