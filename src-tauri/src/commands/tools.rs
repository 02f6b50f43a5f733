//! The tools agents can be given.

use kickstart_core::tools::ToolInfo;
use tauri::State;

use crate::{AppState, IpcError};

/// Every tool an agent can be given, in the order they are offered: the app's own, then the
/// profile's MCP servers' tools.
#[tauri::command]
#[specta::specta]
pub async fn tools_list(state: State<'_, AppState>) -> Result<Vec<ToolInfo>, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.tools().available(&session).await?)
}
