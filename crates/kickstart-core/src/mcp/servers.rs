//! External MCP servers a profile registers — a program started over stdio, or a streamable HTTP
//! endpoint — whose tools its agents may use, under the same approval rules as the built-in ones
//! ("custom tool registration"). This module keeps the registrations; [`super::client`] keeps the
//! live connections to them.
//!
//! A server's tools reach a model as `<server>__<tool>` (`everything__echo`), so one agent can use
//! several servers without their names clashing. The environment variables (stdio) or headers
//! (HTTP) a server is given often carry tokens, so their values go where API keys go — the
//! keychain, or the vault — and only their names are in the database.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::client::ServerStatus;
use crate::auth::Session;
use crate::ids::string_id;
use crate::secrets::{KeyStorage, Sensitive};
use crate::tools::{ToolHints, ToolInfo};
use crate::{time, Core, CoreError};

string_id!(
    /// The id of a registered MCP server.
    McpServerId
);

/// The longest server name (it prefixes each tool name, which models cap at 64 characters).
const MAX_NAME_CHARS: usize = 24;
/// The most environment variables or headers one server is given.
const MAX_VARIABLES: usize = 32;
const MAX_ARGS: usize = 64;
const MAX_TEXT_CHARS: usize = 4_096;
/// Headers the MCP transport sets itself.
const RESERVED_HEADERS: &[&str] =
    &["accept", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id"];
/// What separates a server's name from its tool's in the names models see.
const SEPARATOR: &str = "__";
/// The longest tool name model APIs take.
const MAX_TOOL_NAME: usize = 64;

/// How the app reaches a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum McpServerTransport {
    /// A program the app starts, speaking MCP over its standard input and output.
    Stdio { command: String, args: Vec<String> },
    /// A server the app connects to (MCP's streamable HTTP).
    Http { url: String },
}

/// One environment variable (stdio) or header (HTTP) as the settings form sends it.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct McpServerVariable {
    pub name: String,
    /// The value. When editing, `None` keeps the value already stored under this name.
    #[specta(type = Option<String>)]
    pub value: Option<Sensitive<String>>,
}

/// A server to register.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NewMcpServer {
    /// Lowercase letters, digits and dashes (`github`, `my-files`); fixed once registered.
    pub name: String,
    pub transport: McpServerTransport,
    /// Environment variables for a stdio server, headers for an HTTP one.
    #[serde(default)]
    pub variables: Vec<McpServerVariable>,
}

/// A change to a server: its transport and variables are replaced; variables left out are
/// removed, and one given without a value keeps its stored value.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct McpServerPatch {
    pub transport: McpServerTransport,
    #[serde(default)]
    pub variables: Vec<McpServerVariable>,
    /// A disabled server is never started and its tools are not offered.
    pub enabled: bool,
}

/// A registered server as Settings shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct McpServer {
    pub id: McpServerId,
    pub name: String,
    pub transport: McpServerTransport,
    /// The names of its environment variables or headers (never their values).
    pub variable_names: Vec<String>,
    pub enabled: bool,
    /// The tools it offered when last connected, as agents see them (`name` is `<server>__<tool>`).
    pub tools: Vec<ToolInfo>,
    /// When the tools were last read from the server.
    pub tools_seen_at: Option<String>,
    /// Whether it runs now, or why it failed.
    pub status: ServerStatus,
    pub created_at: String,
    pub updated_at: String,
}

/// A server's tool as last listed: what the model is shown and how to call it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CachedTool {
    /// The name models see: `<server>__<tool>`.
    pub qualified: String,
    /// The server's own name for it.
    pub tool: String,
    pub title: String,
    pub description: String,
    pub input_schema: serde_json::Map<String, serde_json::Value>,
    pub hints: ToolHints,
}

impl CachedTool {
    pub(crate) fn info(&self, server: &str) -> ToolInfo {
        ToolInfo {
            name: self.qualified.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            hints: self.hints,
            server: Some(server.to_owned()),
        }
    }
}

/// A registration as stored, with the secrets still in their store.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ServerRow {
    pub id: McpServerId,
    pub profile_id: crate::ids::ProfileId,
    pub name: String,
    transport: String,
    command: Option<String>,
    args: String,
    url: Option<String>,
    variable_names: String,
    key_storage: String,
    pub enabled: bool,
    tools: String,
    tools_seen_at: Option<String>,
    created_at: String,
    updated_at: String,
}

const COLUMNS: &str = "id, profile_id, name, transport, command, args, url, variable_names, key_storage, enabled, \
                       tools, tools_seen_at, created_at, updated_at";

impl ServerRow {
    pub(crate) fn transport(&self) -> McpServerTransport {
        match self.transport.as_str() {
            "http" => McpServerTransport::Http { url: self.url.clone().unwrap_or_default() },
            _ => McpServerTransport::Stdio {
                command: self.command.clone().unwrap_or_default(),
                args: serde_json::from_str(&self.args).unwrap_or_default(),
            },
        }
    }

    fn variable_names(&self) -> Vec<String> {
        serde_json::from_str(&self.variable_names).unwrap_or_default()
    }

    fn key_storage(&self) -> KeyStorage {
        KeyStorage::from_db(&self.key_storage)
    }

    pub(crate) fn tools(&self) -> Vec<CachedTool> {
        serde_json::from_str(&self.tools).unwrap_or_default()
    }

    fn view(self, status: ServerStatus) -> McpServer {
        McpServer {
            transport: self.transport(),
            variable_names: self.variable_names(),
            tools: self.tools().iter().map(|tool| tool.info(&self.name)).collect(),
            id: self.id,
            name: self.name,
            enabled: self.enabled,
            tools_seen_at: self.tools_seen_at,
            status,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// Where a server's variables are kept in the secret store.
fn secret_name(id: &McpServerId) -> String {
    format!("mcp-server/{id}")
}

/// The name a model sees for `tool` of `server`: only the characters model APIs take, at most 64.
pub(crate) fn qualified_name(server: &str, tool: &str) -> String {
    let tool: String =
        tool.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    format!("{server}{SEPARATOR}{tool}").chars().take(MAX_TOOL_NAME).collect()
}

/// The server part of a tool name an agent lists, when it names an external tool.
pub(crate) fn server_of(tool_name: &str) -> Option<&str> {
    let (server, tool) = tool_name.split_once(SEPARATOR)?;
    (valid_name(server) && !tool.is_empty()).then_some(server)
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.chars().count() <= MAX_NAME_CHARS
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.contains("--")
        && !name.ends_with('-')
}

fn clean_name(name: &str) -> Result<String, CoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::validation("name", "Give the server a short name, such as \"github\"."));
    }
    if !valid_name(name) {
        return Err(CoreError::validation(
            "name",
            format!(
                "Use lowercase letters, digits and single dashes, starting with a letter (at most {MAX_NAME_CHARS})."
            ),
        ));
    }
    Ok(name.to_owned())
}

fn long(text: &str) -> bool {
    text.chars().count() > MAX_TEXT_CHARS
}

fn clean_transport(transport: McpServerTransport) -> Result<McpServerTransport, CoreError> {
    match transport {
        McpServerTransport::Stdio { command, args } => {
            let command = command.trim().to_owned();
            if command.is_empty() {
                return Err(CoreError::validation("command", "Give the program to start, such as \"npx\"."));
            }
            if long(&command) || command.contains('\0') {
                return Err(CoreError::validation("command", "That command is not one a program can be started with."));
            }
            if args.len() > MAX_ARGS || args.iter().any(|arg| long(arg) || arg.contains('\0')) {
                return Err(CoreError::validation(
                    "args",
                    format!("At most {MAX_ARGS} arguments, each a line of text."),
                ));
            }
            Ok(McpServerTransport::Stdio { command, args })
        }
        McpServerTransport::Http { url } => {
            let url = url.trim();
            let parsed = url::Url::parse(url).map_err(|_| {
                CoreError::validation("url", "Give the server's full address, such as https://example.com/mcp.")
            })?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                return Err(CoreError::validation("url", "The address must start with http:// or https://."));
            }
            if !parsed.username().is_empty() || parsed.password().is_some() {
                return Err(CoreError::validation(
                    "url",
                    "Put credentials in a header (Authorization), not in the address.",
                ));
            }
            Ok(McpServerTransport::Http { url: parsed.to_string() })
        }
    }
}

/// Checks the variables' names for the transport and merges their values with the stored ones.
fn merge_variables(
    transport: &McpServerTransport,
    variables: Vec<McpServerVariable>,
    stored: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, CoreError> {
    let is_http = matches!(transport, McpServerTransport::Http { .. });
    let what = if is_http { "header" } else { "environment variable" };
    if variables.len() > MAX_VARIABLES {
        return Err(CoreError::validation("variables", format!("At most {MAX_VARIABLES} of them.")));
    }
    let mut merged = BTreeMap::new();
    for variable in variables {
        let name = variable.name.trim().to_owned();
        let name_ok = if is_http {
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_ok()
        } else {
            name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        if !name_ok {
            return Err(CoreError::validation("variables", format!("\"{name}\" is not a valid {what} name.")));
        }
        if is_http && RESERVED_HEADERS.iter().any(|reserved| name.eq_ignore_ascii_case(reserved)) {
            return Err(CoreError::validation("variables", format!("The app sets the {name} header itself.")));
        }
        let key = if is_http { name.to_ascii_lowercase() } else { name.clone() };
        if merged.keys().any(|existing: &String| existing.eq_ignore_ascii_case(&key)) {
            return Err(CoreError::validation("variables", format!("The {what} \"{name}\" is given twice.")));
        }
        let value = match variable.value {
            Some(value) => value.expose().clone(),
            None => match stored.iter().find(|(stored, _)| stored.eq_ignore_ascii_case(&key)) {
                Some((_, value)) => value.clone(),
                None => return Err(CoreError::validation("variables", format!("Give \"{name}\" a value."))),
            },
        };
        if long(&value) || value.contains('\0') {
            return Err(CoreError::validation("variables", format!("The value of \"{name}\" is too long.")));
        }
        if is_http && reqwest::header::HeaderValue::from_str(&value).is_err() {
            return Err(CoreError::validation("variables", format!("The value of \"{name}\" can't go in a header.")));
        }
        merged.insert(if is_http { name } else { key }, value);
    }
    Ok(merged)
}

fn duplicate_name(name: &str) -> CoreError {
    CoreError::Conflict { field: Some("name"), message: format!("You already have a server named \"{name}\".") }
}

/// Everything needed to start or reach a server: the registration with its variables' values.
pub(crate) struct Launch {
    pub row: ServerRow,
    pub variables: BTreeMap<String, String>,
}

/// The profile's registered MCP servers.
pub struct McpServers<'a> {
    core: &'a Core,
}

impl<'a> McpServers<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    pub(crate) async fn row(&self, session: &Session, id: &McpServerId) -> Result<ServerRow, CoreError> {
        let row: Option<ServerRow> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM mcp_servers WHERE id = ?1 AND profile_id = ?2"))
                .bind(id)
                .bind(&session.profile_id)
                .fetch_optional(self.core.db.pool())
                .await?;
        row.ok_or(CoreError::NotFound { what: "MCP server" })
    }

    pub(crate) async fn rows(&self, session: &Session) -> Result<Vec<ServerRow>, CoreError> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM mcp_servers WHERE profile_id = ?1 ORDER BY name"))
            .bind(&session.profile_id)
            .fetch_all(self.core.db.pool())
            .await?)
    }

    fn view(&self, row: ServerRow) -> McpServer {
        let status = self.core.mcp_clients.status(&row.id);
        row.view(status)
    }

    /// The profile's servers by name, each with its status.
    pub async fn list(&self, session: &Session) -> Result<Vec<McpServer>, CoreError> {
        Ok(self.rows(session).await?.into_iter().map(|row| self.view(row)).collect())
    }

    /// One of the profile's servers (another profile's id is not found).
    pub async fn get(&self, session: &Session, id: &McpServerId) -> Result<McpServer, CoreError> {
        Ok(self.view(self.row(session, id).await?))
    }

    /// Registers a server. It is not started here: [`McpServers::connect`] does that, and the
    /// first agent call would too.
    pub async fn create(&self, session: &Session, input: NewMcpServer) -> Result<McpServer, CoreError> {
        let name = clean_name(&input.name)?;
        let transport = clean_transport(input.transport)?;
        let variables = merge_variables(&transport, input.variables, &BTreeMap::new())?;
        let taken: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM mcp_servers WHERE profile_id = ?1 AND name = ?2)")
                .bind(&session.profile_id)
                .bind(&name)
                .fetch_one(self.core.db.pool())
                .await?;
        if taken {
            return Err(duplicate_name(&name));
        }
        let id = McpServerId::new();
        let key_storage = self.store_variables(session, &id, &variables).await?;
        let now = time::to_db(self.core.clock.now());
        let (command, args, url) = transport_columns(&transport);
        let inserted = sqlx::query(
            "INSERT INTO mcp_servers (id, profile_id, name, transport, command, args, url, variable_names, \
             key_storage, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        )
        .bind(&id)
        .bind(&session.profile_id)
        .bind(&name)
        .bind(transport_kind(&transport))
        .bind(command)
        .bind(args)
        .bind(url)
        .bind(names_json(&variables))
        .bind(key_storage.as_db())
        .bind(&now)
        .execute(self.core.db.pool())
        .await;
        if let Err(error) = inserted {
            // The values were stored first; take them back so nothing is left half-way.
            if let Err(cleanup) = self.core.secrets().delete(session, &secret_name(&id), key_storage).await {
                tracing::warn!(error = %cleanup, "could not remove a server's variables after a failed save");
            }
            return Err(match error {
                sqlx::Error::Database(db) if db.is_unique_violation() => duplicate_name(&name),
                other => other.into(),
            });
        }
        tracing::info!(server = %id, transport = transport_kind(&transport), "MCP server registered");
        self.get(session, &id).await
    }

    /// Changes a server; a running one is stopped, to start again with the new settings.
    pub async fn update(
        &self,
        session: &Session,
        id: &McpServerId,
        patch: McpServerPatch,
    ) -> Result<McpServer, CoreError> {
        let current = self.row(session, id).await?;
        let transport = clean_transport(patch.transport)?;
        let stored = self.variables(session, &current).await?;
        let variables = merge_variables(&transport, patch.variables, &stored)?;
        let key_storage = if variables == stored {
            current.key_storage()
        } else {
            // Written where secrets go now; the old copy goes if that was somewhere else.
            let storage = self.store_variables(session, id, &variables).await?;
            if storage != current.key_storage() && current.key_storage() != KeyStorage::None {
                self.core.secrets().delete(session, &secret_name(id), current.key_storage()).await?;
            }
            storage
        };
        let (command, args, url) = transport_columns(&transport);
        sqlx::query(
            "UPDATE mcp_servers SET transport = ?1, command = ?2, args = ?3, url = ?4, variable_names = ?5, \
             key_storage = ?6, enabled = ?7, updated_at = ?8 WHERE id = ?9 AND profile_id = ?10",
        )
        .bind(transport_kind(&transport))
        .bind(command)
        .bind(args)
        .bind(url)
        .bind(names_json(&variables))
        .bind(key_storage.as_db())
        .bind(patch.enabled)
        .bind(time::to_db(self.core.clock.now()))
        .bind(id)
        .bind(&session.profile_id)
        .execute(self.core.db.pool())
        .await?;
        self.core.mcp_clients.stop(id).await;
        self.get(session, id).await
    }

    /// Removes a server, stops it, and forgets its variables. Agents keep its tool names (they
    /// are no longer offered) until edited.
    pub async fn delete(&self, session: &Session, id: &McpServerId) -> Result<(), CoreError> {
        let current = self.row(session, id).await?;
        self.core.mcp_clients.stop(id).await;
        if let Err(error) = self.core.secrets().delete(session, &secret_name(id), current.key_storage()).await {
            tracing::warn!(%error, "could not remove a deleted server's variables");
        }
        sqlx::query("DELETE FROM mcp_servers WHERE id = ?1 AND profile_id = ?2")
            .bind(id)
            .bind(&session.profile_id)
            .execute(self.core.db.pool())
            .await?;
        tracing::info!(server = %id, "MCP server removed");
        Ok(())
    }

    /// Starts (or restarts) the server now and reads its tools. A failure to start is not an
    /// error of this call: the server comes back with a `failed` status saying why.
    pub async fn connect(&self, session: &Session, id: &McpServerId) -> Result<McpServer, CoreError> {
        let row = self.row(session, id).await?;
        if !row.enabled {
            return Err(CoreError::validation("enabled", "This server is switched off. Switch it on first."));
        }
        self.core.mcp_clients.stop(id).await;
        let launch = self.launch(session, row).await?;
        // The outcome is in the status the server is read back with.
        let _ = self.core.mcp_clients.refresh_tools(self.core, launch).await;
        self.get(session, id).await
    }

    /// The registration with its variables, ready to start.
    pub(crate) async fn launch(&self, session: &Session, row: ServerRow) -> Result<Launch, CoreError> {
        let variables = self.variables(session, &row).await?;
        Ok(Launch { row, variables })
    }

    async fn variables(&self, session: &Session, row: &ServerRow) -> Result<BTreeMap<String, String>, CoreError> {
        let secret = self.core.secrets().get(session, &secret_name(&row.id), row.key_storage()).await?;
        Ok(secret.and_then(|json| serde_json::from_str(json.expose()).ok()).unwrap_or_default())
    }

    async fn store_variables(
        &self,
        session: &Session,
        id: &McpServerId,
        variables: &BTreeMap<String, String>,
    ) -> Result<KeyStorage, CoreError> {
        if variables.is_empty() {
            return Ok(KeyStorage::None);
        }
        let json = Sensitive::new(serde_json::to_string(variables).unwrap_or_default());
        self.core.secrets().put(session, &secret_name(id), json).await
    }

    /// The tools of the profile's enabled servers as last listed, by the names models see.
    pub(crate) async fn offered(&self, session: &Session) -> Result<Vec<(ServerRow, CachedTool)>, CoreError> {
        let rows = self.rows(session).await?;
        Ok(rows
            .into_iter()
            .filter(|row| row.enabled)
            .flat_map(|row| row.tools().into_iter().map(move |tool| (row.clone(), tool)))
            .collect())
    }

    /// The names of the profile's servers, for checking an agent's tools.
    pub(crate) async fn names(&self, session: &Session) -> Result<Vec<String>, CoreError> {
        Ok(sqlx::query_scalar("SELECT name FROM mcp_servers WHERE profile_id = ?1")
            .bind(&session.profile_id)
            .fetch_all(self.core.db.pool())
            .await?)
    }
}

/// Saves the tools a server listed.
pub(crate) async fn save_tools(core: &Core, id: &McpServerId, tools: &[CachedTool]) -> Result<(), CoreError> {
    sqlx::query("UPDATE mcp_servers SET tools = ?1, tools_seen_at = ?2 WHERE id = ?3")
        .bind(serde_json::to_string(tools).unwrap_or_else(|_| "[]".into()))
        .bind(time::to_db(core.clock.now()))
        .bind(id)
        .execute(core.db.pool())
        .await?;
    Ok(())
}

fn transport_kind(transport: &McpServerTransport) -> &'static str {
    match transport {
        McpServerTransport::Stdio { .. } => "stdio",
        McpServerTransport::Http { .. } => "http",
    }
}

/// The command, arguments (JSON) and URL columns of a transport.
fn transport_columns(transport: &McpServerTransport) -> (Option<&str>, String, Option<&str>) {
    match transport {
        McpServerTransport::Stdio { command, args } => {
            (Some(command.as_str()), serde_json::to_string(args).unwrap_or_else(|_| "[]".into()), None)
        }
        McpServerTransport::Http { url } => (None, "[]".into(), Some(url.as_str())),
    }
}

fn names_json(variables: &BTreeMap<String, String>) -> String {
    serde_json::to_string(&variables.keys().collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names_are_prefixed_and_fit_model_rules() {
        assert_eq!(qualified_name("everything", "echo"), "everything__echo");
        assert_eq!(qualified_name("fs", "read.file/v2"), "fs__read_file_v2");
        assert_eq!(qualified_name("x", &"a".repeat(100)).len(), 64);
        assert_eq!(server_of("everything__echo"), Some("everything"));
        assert_eq!(server_of("add_task"), None);
        assert_eq!(server_of("Bad__echo"), None);
        assert_eq!(server_of("fs__"), None);
    }

    #[test]
    fn server_names_are_short_lowercase_words() {
        for good in ["github", "my-files", "a1"] {
            assert!(valid_name(good), "{good}");
        }
        for bad in ["", "GitHub", "1st", "my files", "a--b", "end-", "a_b", &"a".repeat(25)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
