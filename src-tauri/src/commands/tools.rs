//! The tools agents can be given.

use kickstart_core::tools::{ToolInfo, Tools};
use tauri::State;

use crate::{AppState, IpcError};

/// Every tool an agent can be given, in the order they are offered.
#[tauri::command]
#[specta::specta]
pub async fn tools_list(state: State<'_, AppState>) -> Result<Vec<ToolInfo>, IpcError> {
    state.core.auth().session()?;
    Ok(Tools::definitions().iter().map(ToolInfo::from).collect())
}
