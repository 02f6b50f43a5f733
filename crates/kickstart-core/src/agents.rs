//! Agents: a name, a system prompt, a provider and model and their settings, conversation
//! starters, and later the tools it may use. An agent is private to its owner or shared with
//! every profile on this computer: others may chat with it and duplicate it; only the owner or an
//! administrator changes it. Every profile has a built-in "Task assistant".

use serde::{Deserialize, Serialize};

use crate::auth::{AuthError, Session};
use crate::ids::ProfileId;
use crate::mcp::servers::server_of;
use crate::profiles::{self, Role};
use crate::providers::ProviderConnectionId;
use crate::store::like_pattern;
use crate::{time, Core, CoreError};

crate::ids::string_id!(
    /// The id of an agent.
    AgentId
);

/// Who besides the owner may use an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum AgentVisibility {
    Private,
    Shared,
}

impl AgentVisibility {
    fn as_db(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::Shared => "shared",
        }
    }
}

/// A prompt template offered on an empty thread; `{{name}}` marks a value the UI asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentStarter {
    pub title: String,
    pub prompt: String,
}

/// An agent as the UI sees it, with what the signed-in profile may do with it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    pub id: AgentId,
    pub owner_id: ProfileId,
    pub owner_name: String,
    pub is_own: bool,
    /// The owner or an administrator.
    pub can_edit: bool,
    pub built_in: bool,
    pub name: String,
    pub description: String,
    pub color: String,
    pub icon: String,
    pub system_prompt: String,
    /// None: the profile's default connection.
    pub connection_id: Option<ProviderConnectionId>,
    /// None: the connection's default model.
    pub model: Option<String>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    /// The model's context size in tokens; None: guessed from the model's name.
    pub context_window: Option<u32>,
    pub tools: Vec<String>,
    pub starters: Vec<AgentStarter>,
    pub visibility: AgentVisibility,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// Everything an agent is made of; create and update both take the whole agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_color")]
    pub color: String,
    #[serde(default = "default_icon")]
    pub icon: String,
    #[serde(default)]
    pub system_prompt: String,
    #[serde(default)]
    pub connection_id: Option<ProviderConnectionId>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub temperature: Option<f32>,
    #[serde(default)]
    pub max_tokens: Option<u32>,
    #[serde(default)]
    pub context_window: Option<u32>,
    #[serde(default)]
    pub tools: Vec<String>,
    #[serde(default)]
    pub starters: Vec<AgentStarter>,
    #[serde(default = "default_visibility")]
    pub visibility: AgentVisibility,
}

fn default_color() -> String {
    "blue".to_owned()
}

fn default_icon() -> String {
    "bot".to_owned()
}

fn default_visibility() -> AgentVisibility {
    AgentVisibility::Private
}

/// Filters for the agents list.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentQuery {
    /// Words in the name or description.
    pub search: Option<String>,
    #[serde(default)]
    pub include_archived: bool,
}

/// The file format of an exported agent. Connections are left out: they belong to one computer
/// and profile.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AgentFile {
    format: String,
    version: u32,
    agent: AgentInput,
}

const AGENT_FILE_FORMAT: &str = "kickstart.agent";
const AGENT_FILE_VERSION: u32 = 1;

pub const MAX_NAME_CHARS: usize = 80;
pub const MAX_DESCRIPTION_CHARS: usize = 500;
pub const MAX_SYSTEM_PROMPT_CHARS: usize = 100_000;
pub const MAX_STARTERS: usize = 12;
const MAX_STARTER_CHARS: usize = 4_000;
const MAX_MODEL_CHARS: usize = 200;
const MAX_IMPORT_BYTES: usize = 1_000_000;

const TASK_ASSISTANT_PROMPT: &str = "You are the Task assistant in KickStartMyAI, a private desktop \
workspace. Help the person plan their work and keep their to-do list: suggest clear, small next \
steps, due dates and priorities. Use your tools to read and change their tasks — never say you \
added, changed or completed a task unless a tool call did it. Answer briefly and in plain language.";

/// The tools the Task assistant has (its to-do list tools).
pub const TASK_ASSISTANT_TOOLS: [&str; 5] = ["add_task", "complete_task", "delete_task", "list_tasks", "update_task"];

/// The built-in agent every profile starts with.
fn task_assistant() -> AgentInput {
    AgentInput {
        name: "Task assistant".to_owned(),
        description: "Helps you plan, add and finish tasks.".to_owned(),
        color: "indigo".to_owned(),
        icon: "list-checks".to_owned(),
        system_prompt: TASK_ASSISTANT_PROMPT.to_owned(),
        connection_id: None,
        model: None,
        temperature: None,
        max_tokens: None,
        context_window: None,
        tools: TASK_ASSISTANT_TOOLS.iter().map(|tool| (*tool).to_owned()).collect(),
        starters: vec![
            AgentStarter {
                title: "Plan my day".to_owned(),
                prompt: "Help me plan my day. I have {{hours}} hours of focus time.".to_owned(),
            },
            AgentStarter {
                title: "Break down a project".to_owned(),
                prompt: "Break \"{{project}}\" down into small tasks with due dates.".to_owned(),
            },
        ],
        visibility: AgentVisibility::Private,
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct AgentRow {
    id: AgentId,
    profile_id: ProfileId,
    owner_name: String,
    built_in: Option<String>,
    name: String,
    description: String,
    color: String,
    icon: String,
    system_prompt: String,
    connection_id: Option<ProviderConnectionId>,
    model: Option<String>,
    temperature: Option<f64>,
    max_tokens: Option<i64>,
    context_window: Option<i64>,
    tools: String,
    starters: String,
    visibility: String,
    archived_at: Option<String>,
    created_at: String,
    updated_at: String,
}

const COLUMNS: &str = "a.id, a.profile_id, p.display_name AS owner_name, a.built_in, a.name, a.description, a.color, \
    a.icon, a.system_prompt, a.connection_id, a.model, a.temperature, a.max_tokens, a.context_window, a.tools, \
    a.starters, a.visibility, a.archived_at, a.created_at, a.updated_at \
    FROM agents a JOIN profiles p ON p.id = a.profile_id";

/// Rows the profile may see: its own and those others share.
const VISIBLE: &str = "(a.profile_id = ?1 OR a.visibility = 'shared')";

impl AgentRow {
    fn into_agent(self, viewer: &ProfileId, viewer_is_admin: bool) -> Agent {
        let is_own = &self.profile_id == viewer;
        Agent {
            is_own,
            can_edit: is_own || viewer_is_admin,
            built_in: self.built_in.is_some(),
            owner_id: self.profile_id,
            owner_name: self.owner_name,
            id: self.id,
            name: self.name,
            description: self.description,
            color: self.color,
            icon: self.icon,
            system_prompt: self.system_prompt,
            connection_id: self.connection_id,
            model: self.model,
            temperature: self.temperature.map(|t| t as f32),
            max_tokens: self.max_tokens.and_then(|n| u32::try_from(n).ok()),
            context_window: self.context_window.and_then(|n| u32::try_from(n).ok()),
            tools: serde_json::from_str(&self.tools).unwrap_or_default(),
            starters: serde_json::from_str(&self.starters).unwrap_or_default(),
            visibility: if self.visibility == "shared" { AgentVisibility::Shared } else { AgentVisibility::Private },
            archived: self.archived_at.is_some(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// Trims and checks every field; returns the cleaned input.
fn validated(input: AgentInput) -> Result<AgentInput, CoreError> {
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        return Err(CoreError::validation("name", "Give the agent a name."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(CoreError::validation("name", format!("Keep the name under {MAX_NAME_CHARS} characters.")));
    }
    let description = input.description.trim().to_owned();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(CoreError::validation(
            "description",
            format!("Keep the description under {MAX_DESCRIPTION_CHARS} characters."),
        ));
    }
    if input.system_prompt.chars().count() > MAX_SYSTEM_PROMPT_CHARS {
        return Err(CoreError::validation(
            "systemPrompt",
            "The system prompt is too long (100 000 characters at most).",
        ));
    }
    let token = |field: &'static str, value: &str| -> Result<String, CoreError> {
        let value = value.trim();
        if value.is_empty() || value.len() > 32 || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(CoreError::validation(field, "Choose one of the offered values."));
        }
        Ok(value.to_owned())
    };
    let model = input.model.map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
    if model.as_ref().is_some_and(|m| m.chars().count() > MAX_MODEL_CHARS) {
        return Err(CoreError::validation("model", "That model name is too long."));
    }
    if let Some(t) = input.temperature {
        if !(0.0..=2.0).contains(&t) {
            return Err(CoreError::validation("temperature", "Temperature goes from 0 to 2."));
        }
    }
    if input.max_tokens == Some(0) {
        return Err(CoreError::validation("maxTokens", "The answer limit must be at least 1 token."));
    }
    if input.context_window.is_some_and(|w| w < 512) {
        return Err(CoreError::validation("contextWindow", "A context window is at least 512 tokens."));
    }
    let mut tools: Vec<String> = input.tools.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    tools.sort();
    tools.dedup();
    let known = |name: &str| crate::tools::Tools::definition(name).is_some() || server_of(name).is_some();
    if let Some(unknown) = tools.iter().find(|name| !known(name)) {
        return Err(CoreError::validation("tools", format!("There is no tool called \"{unknown}\".")));
    }
    if input.starters.len() > MAX_STARTERS {
        return Err(CoreError::validation("starters", format!("At most {MAX_STARTERS} starters.")));
    }
    let mut starters = Vec::with_capacity(input.starters.len());
    for starter in input.starters {
        let (title, prompt) = (starter.title.trim().to_owned(), starter.prompt.trim().to_owned());
        if prompt.is_empty() {
            return Err(CoreError::validation("starters", "Every starter needs a prompt."));
        }
        if title.chars().count() > MAX_NAME_CHARS || prompt.chars().count() > MAX_STARTER_CHARS {
            return Err(CoreError::validation("starters", "A starter is too long."));
        }
        let title = if title.is_empty() { prompt.chars().take(40).collect() } else { title };
        starters.push(AgentStarter { title, prompt });
    }
    Ok(AgentInput {
        name,
        description,
        color: token("color", &input.color)?,
        icon: token("icon", &input.icon)?,
        system_prompt: input.system_prompt,
        connection_id: input.connection_id.filter(|id| !id.0.is_empty()),
        model,
        temperature: input.temperature,
        max_tokens: input.max_tokens,
        context_window: input.context_window,
        tools,
        starters,
        visibility: input.visibility,
    })
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

/// Binds an agent's settings as ?1–?13 (name … visibility): the order both the insert and the
/// update use, so their column lists cannot drift apart.
fn bind_settings<'q>(query: Query<'q>, input: &'q AgentInput) -> Query<'q> {
    query
        .bind(&input.name)
        .bind(&input.description)
        .bind(&input.color)
        .bind(&input.icon)
        .bind(&input.system_prompt)
        .bind(&input.connection_id)
        .bind(&input.model)
        .bind(input.temperature.map(f64::from))
        .bind(input.max_tokens)
        .bind(input.context_window)
        .bind(serde_json::to_string(&input.tools).unwrap_or_else(|_| "[]".into()))
        .bind(serde_json::to_string(&input.starters).unwrap_or_else(|_| "[]".into()))
        .bind(input.visibility.as_db())
}

/// Adds the profile's built-in agents when they are missing (at registration and at sign-in).
pub(crate) async fn ensure_built_in(core: &Core, profile_id: &ProfileId) -> Result<(), CoreError> {
    insert(core, profile_id, task_assistant(), Some("taskAssistant")).await.map(drop)
}

async fn insert(
    core: &Core,
    profile_id: &ProfileId,
    input: AgentInput,
    built_in: Option<&str>,
) -> Result<AgentId, CoreError> {
    let id = AgentId::new();
    let now = time::to_db(core.clock.now());
    let insert = sqlx::query(
        "INSERT INTO agents (name, description, color, icon, system_prompt, connection_id, model, temperature, \
         max_tokens, context_window, tools, starters, visibility, id, profile_id, built_in, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17) \
         ON CONFLICT DO NOTHING",
    );
    bind_settings(insert, &input).bind(&id).bind(profile_id).bind(built_in).bind(&now).execute(core.db.pool()).await?;
    Ok(id)
}

/// The agents a profile can see and use.
pub struct Agents<'a> {
    core: &'a Core,
}

impl<'a> Agents<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    async fn is_admin(&self, session: &Session) -> Result<bool, CoreError> {
        Ok(profiles::get(self.core.db.pool(), &session.profile_id).await?.role == Role::Admin)
    }

    /// The profile's own agents and those others share: built-in first, then by name.
    pub async fn list(&self, session: &Session, query: AgentQuery) -> Result<Vec<Agent>, CoreError> {
        let search = query.search.as_deref().and_then(like_pattern);
        let rows: Vec<AgentRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} WHERE {VISIBLE} AND (?2 OR a.archived_at IS NULL) \
             AND (?3 IS NULL OR a.name LIKE ?3 ESCAPE '\\' OR a.description LIKE ?3 ESCAPE '\\') \
             ORDER BY a.built_in IS NULL, a.profile_id != ?1, lower(a.name), a.id"
        ))
        .bind(&session.profile_id)
        .bind(query.include_archived)
        .bind(search)
        .fetch_all(self.core.db.pool())
        .await?;
        let admin = self.is_admin(session).await?;
        Ok(rows.into_iter().map(|row| row.into_agent(&session.profile_id, admin)).collect())
    }

    /// One agent the profile may see (another profile's private agent is not found).
    pub async fn get(&self, session: &Session, id: &AgentId) -> Result<Agent, CoreError> {
        let row: Option<AgentRow> = sqlx::query_as(&format!("SELECT {COLUMNS} WHERE {VISIBLE} AND a.id = ?2"))
            .bind(&session.profile_id)
            .bind(id)
            .fetch_optional(self.core.db.pool())
            .await?;
        let row = row.ok_or(CoreError::NotFound { what: "agent" })?;
        Ok(row.into_agent(&session.profile_id, self.is_admin(session).await?))
    }

    /// The profile's built-in Task assistant.
    pub async fn task_assistant(&self, session: &Session) -> Result<Agent, CoreError> {
        let id: Option<AgentId> =
            sqlx::query_scalar("SELECT id FROM agents WHERE profile_id = ?1 AND built_in = 'taskAssistant'")
                .bind(&session.profile_id)
                .fetch_optional(self.core.db.pool())
                .await?;
        let id = match id {
            Some(id) => id,
            None => {
                ensure_built_in(self.core, &session.profile_id).await?;
                return Box::pin(self.task_assistant(session)).await;
            }
        };
        self.get(session, &id).await
    }

    /// A new agent owned by the profile.
    pub async fn create(&self, session: &Session, input: AgentInput) -> Result<Agent, CoreError> {
        let input = validated(input)?;
        self.check_servers(session, &input.tools, &[]).await?;
        let id = insert(self.core, &session.profile_id, input, None).await?;
        tracing::info!(agent = %id, "agent created");
        self.get(session, &id).await
    }

    /// An external tool newly given to an agent must come from one of the person's own MCP
    /// servers (tools it had already stay, so an administrator can edit someone else's agent).
    async fn check_servers(&self, session: &Session, tools: &[String], had: &[String]) -> Result<(), CoreError> {
        let added: Vec<(&str, &str)> = tools
            .iter()
            .filter(|name| !had.contains(name))
            .filter_map(|name| server_of(name).map(|server| (name.as_str(), server)))
            .collect();
        if added.is_empty() {
            return Ok(());
        }
        let servers = self.core.mcp_servers().names(session).await?;
        match added.iter().find(|(_, server)| !servers.iter().any(|name| name == server)) {
            Some((tool, server)) => Err(CoreError::validation(
                "tools",
                format!("\"{tool}\" needs an MCP server named \"{server}\" in Settings → Tool servers."),
            )),
            None => Ok(()),
        }
    }

    async fn editable(&self, session: &Session, id: &AgentId) -> Result<Agent, CoreError> {
        let agent = self.get(session, id).await?;
        if !agent.can_edit {
            return Err(AuthError::Forbidden("Only the agent's owner or an administrator can change it.").into());
        }
        Ok(agent)
    }

    /// Replaces the agent's settings (owner or administrator only).
    pub async fn update(&self, session: &Session, id: &AgentId, input: AgentInput) -> Result<Agent, CoreError> {
        let current = self.editable(session, id).await?;
        let input = validated(input)?;
        self.check_servers(session, &input.tools, &current.tools).await?;
        if current.built_in && input.visibility == AgentVisibility::Shared {
            return Err(CoreError::validation(
                "visibility",
                "The built-in assistant stays private; duplicate it to share it.",
            ));
        }
        let update = sqlx::query(
            "UPDATE agents SET name = ?1, description = ?2, color = ?3, icon = ?4, system_prompt = ?5, \
             connection_id = ?6, model = ?7, temperature = ?8, max_tokens = ?9, context_window = ?10, tools = ?11, \
             starters = ?12, visibility = ?13, updated_at = ?14 WHERE id = ?15",
        );
        bind_settings(update, &input)
            .bind(time::to_db(self.core.clock.now()))
            .bind(id)
            .execute(self.core.db.pool())
            .await?;
        self.get(session, id).await
    }

    /// A private copy owned by the profile, named "… (copy)". Anyone who can see an agent may
    /// duplicate it; the copy keeps the connection only when it is the profile's own.
    pub async fn duplicate(&self, session: &Session, id: &AgentId) -> Result<Agent, CoreError> {
        let source = self.get(session, id).await?;
        let mut input = input_of(&source);
        input.name = copy_name(&source.name);
        input.visibility = AgentVisibility::Private;
        if !source.is_own {
            input.connection_id = None;
        }
        self.create(session, input).await
    }

    /// Archives or restores an agent. Archived agents are hidden from pickers and can't chat;
    /// their threads stay readable.
    pub async fn set_archived(&self, session: &Session, id: &AgentId, archived: bool) -> Result<Agent, CoreError> {
        let agent = self.editable(session, id).await?;
        if agent.built_in && archived {
            return Err(CoreError::Conflict {
                field: None,
                message: "The built-in assistant can't be archived.".into(),
            });
        }
        let now = time::to_db(self.core.clock.now());
        sqlx::query("UPDATE agents SET archived_at = CASE WHEN ?1 THEN COALESCE(archived_at, ?2) END, updated_at = ?2 WHERE id = ?3")
            .bind(archived)
            .bind(&now)
            .bind(id)
            .execute(self.core.db.pool())
            .await?;
        self.get(session, id).await
    }

    /// The agent as a JSON file another computer or profile can import (no connection, no ids).
    pub async fn export(&self, session: &Session, id: &AgentId) -> Result<String, CoreError> {
        let agent = self.get(session, id).await?;
        let mut input = input_of(&agent);
        input.connection_id = None;
        let file = AgentFile { format: AGENT_FILE_FORMAT.to_owned(), version: AGENT_FILE_VERSION, agent: input };
        serde_json::to_string_pretty(&file)
            .map_err(|error| CoreError::validation("json", format!("The agent could not be written: {error}")))
    }

    /// Imports an exported agent as a new private agent of the profile. Everything is checked
    /// before anything is written.
    pub async fn import(&self, session: &Session, json: &str) -> Result<Agent, CoreError> {
        if json.len() > MAX_IMPORT_BYTES {
            return Err(CoreError::validation("json", "That file is too large to be an agent."));
        }
        let file: AgentFile = serde_json::from_str(json).map_err(|error| {
            CoreError::validation("json", format!("This is not an agent file KickStartMyAI can read ({error})."))
        })?;
        if file.format != AGENT_FILE_FORMAT {
            return Err(CoreError::validation("json", "This file is not an exported agent."));
        }
        if file.version > AGENT_FILE_VERSION {
            return Err(CoreError::validation(
                "json",
                "This agent was exported by a newer version of KickStartMyAI; update the app to import it.",
            ));
        }
        let mut input = file.agent;
        input.connection_id = None;
        input.visibility = AgentVisibility::Private;
        self.create(session, input).await
    }
}

fn input_of(agent: &Agent) -> AgentInput {
    AgentInput {
        name: agent.name.clone(),
        description: agent.description.clone(),
        color: agent.color.clone(),
        icon: agent.icon.clone(),
        system_prompt: agent.system_prompt.clone(),
        connection_id: agent.connection_id.clone(),
        model: agent.model.clone(),
        temperature: agent.temperature,
        max_tokens: agent.max_tokens,
        context_window: agent.context_window,
        tools: agent.tools.clone(),
        starters: agent.starters.clone(),
        visibility: agent.visibility,
    }
}

fn copy_name(name: &str) -> String {
    let copy: String = name.chars().take(MAX_NAME_CHARS - 7).collect();
    format!("{copy} (copy)")
}
