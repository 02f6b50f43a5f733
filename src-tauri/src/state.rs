//! What every command can reach: the core (which also holds the in-memory session).

use std::sync::Arc;

use kickstart_core::mcp::http::HttpServer;
use kickstart_core::Core;

/// Managed once, complete, in `setup`.
pub struct AppState {
    /// The domain.
    pub core: Arc<Core>,
    /// The MCP server over HTTP (runs only when switched on in Settings → MCP).
    pub mcp_http: Arc<HttpServer>,
}
