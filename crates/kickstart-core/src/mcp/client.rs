//! Live connections to the external MCP servers of [`super::servers`]: started on first use (or
//! from Settings), kept while they answer, and started again on the next use after they die.
//!
//! Every step has a time limit, so a server that hangs costs a call its time limit and never the
//! app's responsiveness; what a failing server wrote on stderr is kept and shown, because that is
//! where such programs say what is wrong ("missing token", "module not found").

use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{CallToolRequestParams, ContentBlock};
use rmcp::service::{RunningService, ServiceError};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt};
use serde::Serialize;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::servers::{qualified_name, save_tools, CachedTool, Launch, McpServerId, McpServerTransport};
use crate::ids::ProfileId;
use crate::tools::{ToolFailureKind, ToolHints, ToolOutput};
use crate::Core;

/// How long the app waits on external servers.
#[derive(Debug, Clone, Copy)]
pub struct McpClientLimits {
    /// From starting a server (or connecting to one) to its tools being listed.
    pub connect: Duration,
    /// For one tool call.
    pub call: Duration,
}

impl Default for McpClientLimits {
    fn default() -> Self {
        // `npx` may fetch a package on its first start: a minute is not too long for that.
        Self { connect: Duration::from_secs(60), call: Duration::from_secs(120) }
    }
}

/// The most stderr kept per server: its last lines are what explain a failure.
const STDERR_LINES: usize = 40;
const STDERR_LINE_CHARS: usize = 500;

/// Whether a server runs now, as Settings shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum ServerStatus {
    /// Not started yet (it starts when an agent uses it), or stopped after a change.
    Stopped,
    Running,
    /// It could not be started or reached, or it stopped answering.
    #[serde(rename_all = "camelCase")]
    Failed {
        message: String,
        /// The last lines the program wrote on stderr (stdio servers).
        stderr: Option<String>,
    },
}

/// The last lines a server wrote on stderr.
#[derive(Default)]
struct StderrTail {
    lines: Mutex<VecDeque<String>>,
}

impl StderrTail {
    fn push(&self, line: String) {
        let mut lines = self.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if lines.len() == STDERR_LINES {
            lines.pop_front();
        }
        lines.push_back(line.chars().take(STDERR_LINE_CHARS).collect());
    }

    fn text(&self) -> Option<String> {
        let lines = self.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let text = lines.iter().map(String::as_str).collect::<Vec<_>>().join("\n");
        Some(text).filter(|text| !text.trim().is_empty())
    }
}

/// A connection that answers.
struct Live {
    service: RunningService<RoleClient, ()>,
    stderr: Arc<StderrTail>,
}

/// One server's connection, started at most once at a time.
#[derive(Default)]
struct Slot {
    live: tokio::sync::Mutex<Option<Live>>,
    /// Why the last start or call failed; cleared by the next success.
    failure: Mutex<Option<ServerStatus>>,
}

impl Slot {
    fn set_failure(&self, status: Option<ServerStatus>) {
        *self.failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = status;
    }
}

/// Why a server could not be used, in words for a person (and a model).
struct Unavailable {
    message: String,
    stderr: Option<String>,
}

impl Unavailable {
    fn status(&self) -> ServerStatus {
        ServerStatus::Failed { message: self.message.clone(), stderr: self.stderr.clone() }
    }
}

/// The live connections of this process, by server.
pub(crate) struct McpClients {
    /// Each server's slot, with the profile it belongs to (so signing out stops that profile's).
    slots: Mutex<HashMap<McpServerId, (ProfileId, Arc<Slot>)>>,
    limits: McpClientLimits,
}

impl McpClients {
    pub(crate) fn new(limits: McpClientLimits) -> Self {
        Self { slots: Mutex::default(), limits }
    }

    fn slot(&self, launch: &Launch) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry =
            slots.entry(launch.row.id.clone()).or_insert_with(|| (launch.row.profile_id.clone(), Arc::default()));
        entry.1.clone()
    }

    /// The server's status without waiting on a start in progress.
    pub(crate) fn status(&self, id: &McpServerId) -> ServerStatus {
        let slot =
            self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(id).map(|(_, slot)| slot.clone());
        let Some(slot) = slot else { return ServerStatus::Stopped };
        if let Ok(live) = slot.live.try_lock() {
            if live.as_ref().is_some_and(|live| !live.service.is_closed()) {
                return ServerStatus::Running;
            }
        }
        let failure = slot.failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        failure.unwrap_or(ServerStatus::Stopped)
    }

    /// Stops the server if it runs (its child process is ended) and forgets its last failure.
    pub(crate) async fn stop(&self, id: &McpServerId) {
        let slot = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(id);
        if let Some((_, slot)) = slot {
            if let Some(live) = slot.live.lock().await.take() {
                shut_down(live);
            }
        }
    }

    /// Stops every server of a profile (it signed out). A start in progress ends with its call.
    pub(crate) fn stop_profile(&self, profile_id: &ProfileId) {
        let mut slots = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        slots.retain(|_, (owner, slot)| {
            if owner != profile_id {
                return true;
            }
            if let Ok(mut live) = slot.live.try_lock() {
                if let Some(live) = live.take() {
                    shut_down(live);
                }
            }
            false
        });
    }

    /// Connects if needed and lists the server's tools again (saving them for agents).
    pub(crate) async fn refresh_tools(&self, core: &Core, launch: Launch) -> Result<Vec<CachedTool>, ()> {
        let slot = self.slot(&launch);
        let mut live = slot.live.lock().await;
        let result = match self.ensure(&mut live, &launch).await {
            Ok(live) => self.list_tools(live, &launch.row.name).await,
            Err(unavailable) => Err(unavailable),
        };
        match result {
            Ok(tools) => {
                slot.set_failure(None);
                if let Err(error) = save_tools(core, &launch.row.id, &tools).await {
                    tracing::warn!(%error, "could not save a server's tools");
                }
                tracing::info!(server = %launch.row.id, tools = tools.len(), "MCP server connected");
                Ok(tools)
            }
            Err(unavailable) => {
                tracing::warn!(server = %launch.row.id, error = %unavailable.message, "MCP server unavailable");
                if let Some(live) = live.take() {
                    shut_down(live);
                }
                slot.set_failure(Some(unavailable.status()));
                Err(())
            }
        }
    }

    /// Calls `tool` (the server's own name for it). Failures are the model's to read: a server
    /// that could not start, did not answer in time, or died says so, and the next call starts
    /// it again.
    pub(crate) async fn call(&self, core: &Core, launch: Launch, tool: &str, arguments: Value) -> ToolOutput {
        let name = launch.row.name.clone();
        let slot = self.slot(&launch);
        let arguments = match arguments {
            Value::Object(object) => object,
            Value::Null => serde_json::Map::new(),
            _ => return failed(ToolFailureKind::InvalidArguments, "The arguments must be a JSON object."),
        };
        // Only the start is done under the slot's lock; calls then run side by side.
        let (peer, stderr, fresh) = {
            let mut live = slot.live.lock().await;
            let fresh = live.as_ref().is_none_or(|live| live.service.is_closed());
            match self.ensure(&mut live, &launch).await {
                Ok(running) => (running.service.peer().clone(), running.stderr.clone(), fresh),
                Err(unavailable) => {
                    live.take();
                    slot.set_failure(Some(unavailable.status()));
                    return failed(ToolFailureKind::Failed, &unavailable_for_model(&name, &unavailable));
                }
            }
        };
        if fresh {
            // A (re)started server may offer other tools than last time.
            match tokio::time::timeout(self.limits.connect, peer.list_all_tools()).await {
                Ok(Ok(tools)) => {
                    let tools = cached_tools(&name, tools);
                    if let Err(error) = save_tools(core, &launch.row.id, &tools).await {
                        tracing::warn!(%error, "could not save a server's tools");
                    }
                }
                Ok(Err(error)) => tracing::warn!(%error, "could not list a restarted server's tools"),
                Err(_) => tracing::warn!("a restarted server did not list its tools in time"),
            }
        }
        let request = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
        match tokio::time::timeout(self.limits.call, peer.call_tool(request)).await {
            Ok(Ok(result)) => {
                slot.set_failure(None);
                let text = content_text(&result.content);
                if result.is_error == Some(true) {
                    let message = if text.is_empty() { "The tool reported an error.".to_owned() } else { text };
                    return failed(ToolFailureKind::Failed, &message);
                }
                ToolOutput::Success(result.structured_content.unwrap_or(Value::String(text)))
            }
            Ok(Err(ServiceError::McpError(error))) => {
                // The server refused the request itself (unknown tool, bad arguments).
                failed(
                    ToolFailureKind::InvalidArguments,
                    &format!("The server \"{name}\" refused the call: {}", error.message),
                )
            }
            Ok(Err(error)) => {
                // The connection is gone: the next use starts the server again.
                let unavailable = Unavailable {
                    message: format!("The server stopped while answering ({error})."),
                    stderr: stderr.text(),
                };
                if let Some(live) = slot.live.lock().await.take() {
                    shut_down(live);
                }
                slot.set_failure(Some(unavailable.status()));
                tracing::warn!(server = %launch.row.id, %error, "MCP server died during a call");
                failed(
                    ToolFailureKind::Failed,
                    &format!(
                        "{} It will be started again on the next call.",
                        unavailable_for_model(&name, &unavailable)
                    ),
                )
            }
            Err(_) => {
                tracing::warn!(server = %launch.row.id, tool, "MCP tool call timed out");
                failed(
                    ToolFailureKind::Failed,
                    &format!("The server \"{name}\" did not answer within {} seconds.", self.limits.call.as_secs()),
                )
            }
        }
    }

    /// The running connection, started first when there is none (or it died).
    async fn ensure<'l>(&self, live: &'l mut Option<Live>, launch: &Launch) -> Result<&'l Live, Unavailable> {
        if live.as_ref().is_some_and(|live| live.service.is_closed()) {
            live.take();
        }
        if live.is_none() {
            *live = Some(self.start(launch).await?);
        }
        live.as_ref().ok_or_else(|| Unavailable { message: "The server is not running.".into(), stderr: None })
    }

    async fn start(&self, launch: &Launch) -> Result<Live, Unavailable> {
        let stderr = Arc::new(StderrTail::default());
        let started = match launch.row.transport() {
            McpServerTransport::Stdio { command, args } => {
                let mut process = tokio::process::Command::new(&command);
                process.args(&args).envs(&launch.variables).kill_on_drop(true);
                let (transport, pipe) =
                    TokioChildProcess::builder(process).stderr(Stdio::piped()).spawn().map_err(|error| {
                        Unavailable { message: format!("Could not start \"{command}\": {error}."), stderr: None }
                    })?;
                if let Some(pipe) = pipe {
                    let tail = stderr.clone();
                    let server = launch.row.id.clone();
                    tokio::spawn(async move {
                        let mut lines = BufReader::new(pipe).lines();
                        while let Ok(Some(line)) = lines.next_line().await {
                            tracing::debug!(%server, "server stderr: {line}");
                            tail.push(line);
                        }
                    });
                }
                tokio::time::timeout(self.limits.connect, ().serve(transport))
                    .await
                    .map(|r| r.map_err(|e| e.to_string()))
            }
            McpServerTransport::Http { url } => {
                let headers = launch
                    .variables
                    .iter()
                    .filter_map(|(name, value)| {
                        Some((
                            reqwest::header::HeaderName::from_bytes(name.as_bytes()).ok()?,
                            reqwest::header::HeaderValue::from_str(value).ok()?,
                        ))
                    })
                    .collect();
                let client =
                    crate::http_client().connect_timeout(Duration::from_secs(10)).build().map_err(|error| {
                        Unavailable { message: format!("Could not set up HTTP: {error}."), stderr: None }
                    })?;
                let config = StreamableHttpClientTransportConfig::with_uri(url).custom_headers(headers);
                let transport = StreamableHttpClientTransport::with_client(client, config);
                tokio::time::timeout(self.limits.connect, ().serve(transport))
                    .await
                    .map(|r| r.map_err(|e| e.to_string()))
            }
        };
        let service = match started {
            Ok(Ok(service)) => service,
            Ok(Err(error)) => {
                // The program may still be writing why it quit.
                tokio::time::sleep(Duration::from_millis(150)).await;
                return Err(Unavailable {
                    message: format!("The server did not start an MCP session: {error}."),
                    stderr: stderr.text(),
                });
            }
            Err(_) => {
                return Err(Unavailable {
                    message: format!("The server did not answer within {} seconds.", self.limits.connect.as_secs()),
                    stderr: stderr.text(),
                })
            }
        };
        Ok(Live { service, stderr })
    }

    async fn list_tools(&self, live: &Live, server: &str) -> Result<Vec<CachedTool>, Unavailable> {
        match tokio::time::timeout(self.limits.connect, live.service.peer().list_all_tools()).await {
            Ok(Ok(tools)) => Ok(cached_tools(server, tools)),
            Ok(Err(error)) => Err(Unavailable {
                message: format!("The server did not list its tools: {error}."),
                stderr: live.stderr.text(),
            }),
            Err(_) => Err(Unavailable {
                message: "The server did not list its tools in time.".into(),
                stderr: live.stderr.text(),
            }),
        }
    }
}

/// Ends a connection in the background (a stdio server's process is ended with it).
fn shut_down(live: Live) {
    tokio::spawn(async move {
        let _ = live.service.cancel().await;
    });
}

fn failed(kind: ToolFailureKind, message: &str) -> ToolOutput {
    ToolOutput::Failure { kind, message: message.to_owned() }
}

fn unavailable_for_model(server: &str, unavailable: &Unavailable) -> String {
    let mut message = format!("The tool server \"{server}\" is not available: {}", unavailable.message);
    if let Some(stderr) = &unavailable.stderr {
        let last: Vec<&str> = stderr.lines().rev().take(5).collect();
        message.push_str(" It said: ");
        message.push_str(&last.into_iter().rev().collect::<Vec<_>>().join(" / "));
    }
    message
}

/// The text of a result's content blocks; other kinds are named, not inlined.
fn content_text(content: &[ContentBlock]) -> String {
    content
        .iter()
        .map(|block| match block {
            ContentBlock::Text(text) => text.text.clone(),
            ContentBlock::Image(_) => "[an image]".to_owned(),
            ContentBlock::Audio(_) => "[audio]".to_owned(),
            ContentBlock::ResourceLink(link) => format!("[a link to {}]", link.uri),
            _ => "[an embedded resource]".to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A server's tools as agents see them. MCP's defaults apply to missing hints: a tool is assumed
/// to change things and possibly destroy them unless it says otherwise, so it asks first.
fn cached_tools(server: &str, tools: Vec<rmcp::model::Tool>) -> Vec<CachedTool> {
    let mut seen = std::collections::HashSet::new();
    tools
        .into_iter()
        .filter_map(|tool| {
            let qualified = qualified_name(server, &tool.name);
            if !seen.insert(qualified.clone()) {
                tracing::warn!(tool = %tool.name, "two tools of one server share a name once shortened; the second is left out");
                return None;
            }
            let annotations = tool.annotations.clone().unwrap_or_default();
            let read_only = annotations.read_only_hint.unwrap_or(false);
            let hints = ToolHints {
                read_only,
                destructive: !read_only && annotations.destructive_hint.unwrap_or(true),
                idempotent: annotations.idempotent_hint.unwrap_or(false),
                open_world: annotations.open_world_hint.unwrap_or(true),
            };
            let title = tool.title.clone().or(annotations.title).unwrap_or_else(|| tool.name.to_string());
            Some(CachedTool {
                qualified,
                title,
                description: tool.description.as_deref().unwrap_or_default().to_owned(),
                input_schema: (*tool.input_schema).clone(),
                tool: tool.name.into_owned(),
                hints,
            })
        })
        .collect()
}
