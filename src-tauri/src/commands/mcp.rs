//! Settings → MCP: the access tokens MCP clients use, and what to paste into a client's settings;
//! Settings → Tool servers: the external MCP servers whose tools agents may use.

use kickstart_core::mcp::http::{self, HttpSettings, HttpStatus};
use kickstart_core::mcp::{McpServer, McpServerId, McpServerPatch, McpToken, McpTokenId, NewMcpServer, NewMcpToken};
use serde::Serialize;
use tauri::State;

use crate::{AppState, IpcError};

/// The profile's MCP access tokens, newest first (never the tokens themselves).
#[tauri::command]
#[specta::specta]
pub async fn mcp_tokens_list(state: State<'_, AppState>) -> Result<Vec<McpToken>, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.mcp_tokens().list(&session).await?)
}

/// Makes a token; its secret is in the answer once and stored nowhere.
#[tauri::command]
#[specta::specta]
pub async fn mcp_tokens_create(state: State<'_, AppState>, name: String) -> Result<NewMcpToken, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.mcp_tokens().create(&session, &name).await?)
}

/// Revokes a token: its clients are refused from their next request.
#[tauri::command]
#[specta::specta]
pub async fn mcp_tokens_revoke(state: State<'_, AppState>, id: McpTokenId) -> Result<McpToken, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.mcp_tokens().revoke(&session, &id).await?)
}

/// How an MCP client starts this app's server: the program, its arguments, and where the token
/// goes (the UI builds the Claude Desktop configuration from it).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct McpLaunch {
    /// This app's executable.
    pub command: String,
    pub args: Vec<String>,
    /// The environment variable that carries the token.
    pub token_variable: String,
}

/// How to start the MCP server of this installation (this executable, this data folder).
#[tauri::command]
#[specta::specta]
pub async fn mcp_launch(state: State<'_, AppState>) -> Result<McpLaunch, IpcError> {
    state.core.auth().session()?;
    let command = std::env::current_exe().map(|path| path.display().to_string()).unwrap_or_else(|_| "kickstart".into());
    let args = vec!["mcp".to_owned(), "--data-dir".to_owned(), state.core.data_dir().display().to_string()];
    Ok(McpLaunch { command, args, token_variable: crate::cli::TOKEN_VARIABLE.to_owned() })
}

/// The MCP HTTP server: its settings, its address while it runs, why it doesn't.
#[tauri::command]
#[specta::specta]
pub async fn mcp_http_status(state: State<'_, AppState>) -> Result<HttpStatus, IpcError> {
    state.core.auth().session()?;
    Ok(state.mcp_http.status(&state.core).await?)
}

/// Switches the MCP HTTP server on or off, or moves it to another port (administrators only).
#[tauri::command]
#[specta::specta]
pub async fn mcp_http_set(state: State<'_, AppState>, settings: HttpSettings) -> Result<HttpStatus, IpcError> {
    let session = state.core.auth().session()?;
    http::save_settings(&state.core, &session, settings).await?;
    Ok(state.mcp_http.apply(state.core.clone()).await?)
}

/// The profile's external MCP servers, by name, each with its status and last-listed tools.
#[tauri::command]
#[specta::specta]
pub async fn mcp_servers_list(state: State<'_, AppState>) -> Result<Vec<McpServer>, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.mcp_servers().list(&session).await?)
}

/// Registers a server (its variables' values go to the keychain or the vault).
#[tauri::command]
#[specta::specta]
pub async fn mcp_servers_create(state: State<'_, AppState>, server: NewMcpServer) -> Result<McpServer, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.mcp_servers().create(&session, server).await?)
}

/// Changes a server; a running one is stopped, to start again with the new settings.
#[tauri::command]
#[specta::specta]
pub async fn mcp_servers_update(
    state: State<'_, AppState>,
    id: McpServerId,
    patch: McpServerPatch,
) -> Result<McpServer, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.mcp_servers().update(&session, &id, patch).await?)
}

/// Removes a server and stops it.
#[tauri::command]
#[specta::specta]
pub async fn mcp_servers_delete(state: State<'_, AppState>, id: McpServerId) -> Result<(), IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.mcp_servers().delete(&session, &id).await?)
}

/// Starts (or restarts) a server and lists its tools; a failure shows in its status.
#[tauri::command]
#[specta::specta]
pub async fn mcp_servers_connect(state: State<'_, AppState>, id: McpServerId) -> Result<McpServer, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.mcp_servers().connect(&session, &id).await?)
}
