//! The MCP server: a profile's tools for Claude Desktop, Cursor and other MCP clients, over stdio
//! (`kickstart mcp`, started by the client) or streamable HTTP on loopback ([`http`], switched on
//! in Settings) — the same definitions and the same code the chat
//! loop calls ([`crate::tools`]). Access is by token ([`tokens`]), checked on every request, so
//! a revoked token stops working at once.
//!
//! stdout carries only the protocol; logs go to stderr and the log file (the shell sets that up).
//!
//! The app is an MCP client too: a profile registers external servers ([`servers`]) whose tools
//! its agents may use, reached through live connections ([`client`]).

pub mod client;
pub mod http;
pub mod servers;
pub mod tokens;

use std::sync::{Arc, OnceLock};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::Value;

pub use client::{McpClientLimits, ServerStatus};
pub use servers::{
    McpServer, McpServerId, McpServerPatch, McpServerTransport, McpServerVariable, McpServers, NewMcpServer,
};
pub use tokens::{McpToken, McpTokenId, McpTokens, NewMcpToken};

use crate::auth::Session;
use crate::tools::{ToolOutput, Tools};
use crate::{Core, CoreError};

/// What the server tells a client about itself.
const INSTRUCTIONS: &str = "KickStartMyAI keeps this person's to-do list. Use list_tasks to see tasks \
(open by default; due_to \"today\" for today's and overdue ones), add_task to add them (put dates in \
`due`, in words like \"tomorrow 5pm\" or ISO), complete_task, update_task and delete_task with ids from \
list_tasks. Deleted tasks go to the trash, where the person can restore them.";

/// The tools as MCP describes them, built once.
fn tools() -> &'static [Tool] {
    static TOOLS: OnceLock<Vec<Tool>> = OnceLock::new();
    TOOLS.get_or_init(|| {
        Tools::definitions()
            .iter()
            .map(|tool| {
                let hints = ToolAnnotations::with_title(tool.title)
                    .read_only(tool.hints.read_only)
                    .destructive(tool.hints.destructive)
                    .idempotent(tool.hints.idempotent)
                    .open_world(tool.hints.open_world);
                Tool::new(tool.name, tool.description, tool.input_schema.clone())
                    .with_title(tool.title)
                    .with_raw_output_schema(Arc::new(tool.output_schema.clone()))
                    .with_annotations(hints)
            })
            .collect()
    })
}

/// Whose tools a connection reaches.
#[derive(Clone)]
enum Access {
    /// stdio: the token the process was started with, checked on every request.
    Token(String),
    /// HTTP: each request's own token, already checked by the server's middleware, which put the
    /// session in the request's extensions.
    PerRequest,
}

/// The server for one connection: it acts for whichever profile the token names.
#[derive(Clone)]
pub struct ToolServer {
    core: Arc<Core>,
    access: Access,
}

impl ToolServer {
    /// A server acting for the profile of `token` (checked on every request).
    pub fn new(core: Arc<Core>, token: String) -> Self {
        Self { core, access: Access::Token(token) }
    }

    /// A server acting for the profile each HTTP request's token names.
    pub(crate) fn per_request(core: Arc<Core>) -> Self {
        Self { core, access: Access::PerRequest }
    }

    async fn session(&self, context: &RequestContext<RoleServer>) -> Result<Session, ErrorData> {
        let token = match &self.access {
            Access::Token(token) => token,
            Access::PerRequest => {
                return context
                    .extensions
                    .get::<axum::http::request::Parts>()
                    .and_then(|parts| parts.extensions.get::<Session>())
                    .cloned()
                    .ok_or_else(|| ErrorData::invalid_request("This request carries no valid token.", None));
            }
        };
        self.core.mcp_tokens().authenticate(token).await.map_err(|error| match error {
            CoreError::Auth(auth) => ErrorData::invalid_request(auth.to_string(), None),
            other => {
                tracing::warn!(error = %other, "could not check an MCP token");
                ErrorData::internal_error("The token could not be checked just now.", None)
            }
        })
    }
}

impl ServerHandler for ToolServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("kickstart", env!("CARGO_PKG_VERSION")).with_title("KickStartMyAI"))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        self.session(&context).await?;
        Ok(ListToolsResult::with_all_items(tools().to_vec()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        tools().iter().find(|tool| tool.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let session = self.session(&context).await?;
        let arguments = Value::Object(request.arguments.unwrap_or_default());
        let tools = self.core.tools();
        let call = tools.call(&session, &request.name, arguments);
        let output = tokio::select! {
            output = call => output,
            () = context.ct.cancelled() => return Err(ErrorData::internal_error("The call was cancelled.", None)),
        };
        match output {
            Ok(ToolOutput::Success(value)) => Ok(CallToolResult::structured(value).into()),
            Ok(ToolOutput::Failure { message, .. }) => {
                Ok(CallToolResult::error(vec![ContentBlock::text(message)]).into())
            }
            Err(unknown) => Err(ErrorData::invalid_params(unknown.to_string(), None)),
        }
    }
}

/// Why the MCP server stopped.
#[derive(Debug, thiserror::Error)]
pub enum McpError {
    /// The client never completed the handshake (or spoke something else).
    #[error("the MCP client did not start a session: {0}")]
    Initialize(String),
    /// The server task failed.
    #[error("the MCP server stopped unexpectedly: {0}")]
    Stopped(String),
}

/// Serves the tools over stdin/stdout until the client closes them. The token is checked first,
/// so a wrong one fails at once (with a message on stderr) rather than on the first call.
pub async fn serve_stdio(core: Arc<Core>, token: String) -> Result<(), CoreError> {
    core.mcp_tokens().authenticate(&token).await?;
    serve(ToolServer::new(core, token), rmcp::transport::stdio()).await
}

/// Serves the tools over any byte stream pair (stdio, or an in-memory pipe in tests).
pub async fn serve<T, E, A>(server: ToolServer, transport: T) -> Result<(), CoreError>
where
    T: rmcp::transport::IntoTransport<RoleServer, E, A>,
    E: std::error::Error + Send + Sync + 'static,
{
    let running = server.serve(transport).await.map_err(|error| McpError::Initialize(error.to_string()))?;
    let reason = running.waiting().await.map_err(|error| McpError::Stopped(error.to_string()))?;
    tracing::info!(?reason, "MCP session ended");
    Ok(())
}
