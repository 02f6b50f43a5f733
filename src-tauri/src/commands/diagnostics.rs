//! Settings → Diagnostics: what the app has been doing, in counts and names only (no message
//! text, no secrets), so "Copy diagnostics" can go into a bug report as it is.

use std::path::Path;

use kickstart_core::diagnostics::{ConnectionInfo, DatabaseInfo, UsageReport};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::{logging, AppState, IpcError};

/// How many warning and error lines of the log the report shows.
const LOG_LINES: usize = 20;

/// The report Settings → Diagnostics shows and copies.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticsReport {
    pub app_version: String,
    /// Operating system and processor ("linux x86_64").
    pub platform: String,
    pub data_dir: String,
    pub log_dir: Option<String>,
    pub database: DatabaseInfo,
    pub connections: Vec<ConnectionInfo>,
    /// MCP over HTTP: where it listens, or why it does not although switched on.
    pub mcp_http_url: Option<String>,
    pub mcp_http_error: Option<String>,
    /// The newest warning and error lines of the log, oldest first.
    pub recent_problems: Vec<String>,
}

/// The last warning and error lines of the current log file.
fn recent_problems(dir: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(dir.join(logging::LOG_FILE)) else { return Vec::new() };
    let mut lines: Vec<String> =
        text.lines().filter(|line| line.contains(" WARN ") || line.contains(" ERROR ")).map(str::to_owned).collect();
    let skip = lines.len().saturating_sub(LOG_LINES);
    lines.drain(..skip);
    lines
}

/// Version, folders, database, connections, MCP status and recent problems.
#[tauri::command]
#[specta::specta]
pub async fn diagnostics_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<DiagnosticsReport, IpcError> {
    let session = state.core.auth().session()?;
    let diagnostics = state.core.diagnostics();
    let log_dir = logging::log_dir(&app.config().identifier);
    let http = state.mcp_http.status(&state.core).await?;
    Ok(DiagnosticsReport {
        app_version: app.package_info().version.to_string(),
        platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        data_dir: state.core.data_dir().display().to_string(),
        log_dir: log_dir.as_ref().map(|dir| dir.display().to_string()),
        database: diagnostics.database(&session).await?,
        connections: diagnostics.connections(&session).await?,
        mcp_http_url: http.url,
        mcp_http_error: http.error,
        recent_problems: log_dir.as_deref().map(recent_problems).unwrap_or_default(),
    })
}

/// Usage per day over the last `days` days, for the charts.
#[tauri::command]
#[specta::specta]
pub async fn diagnostics_usage(state: State<'_, AppState>, days: u32) -> Result<UsageReport, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.diagnostics().usage(&session, days).await?)
}
