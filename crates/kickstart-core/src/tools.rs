//! Tools a model can call, defined once: name, description, a JSON Schema for the arguments and
//! one for the result, hints (read-only, destructive, idempotent), and the code that runs them.
//! The chat loop calls them in-process ([`Tools::call`]); the MCP server (`crate::mcp`) serves the
//! same definitions and the same calls to Claude Desktop, Cursor and others.
//!
//! A call never panics and never half-fails silently: arguments are checked against their Rust
//! type (unknown fields, wrong types and missing fields are refused before anything changes), and
//! every failure is a [`ToolOutput::Failure`] whose message tells the model what to fix.

mod tasks;

use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::auth::Session;
use crate::{Core, CoreError};

/// Longest argument text a call may carry (a model looping on a string stops here).
pub const MAX_ARGUMENTS_BYTES: usize = 100_000;

/// What a tool may do, for the people and programs deciding whether to run it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolHints {
    /// Changes nothing.
    pub read_only: bool,
    /// May overwrite or remove what is there (such calls wait for the person's approval).
    pub destructive: bool,
    /// Calling it twice with the same arguments does no more than calling it once.
    pub idempotent: bool,
    /// Reaches beyond this app's own data.
    pub open_world: bool,
}

/// One tool, as models and MCP clients see it.
#[derive(Debug, Clone)]
pub struct ToolDefinition {
    /// What the model calls it (`add_task`).
    pub name: &'static str,
    /// What people call it ("Add tasks").
    pub title: &'static str,
    pub description: &'static str,
    /// JSON Schema (2020-12) of the arguments object.
    pub input_schema: Map<String, Value>,
    /// JSON Schema of the result object.
    pub output_schema: Map<String, Value>,
    pub hints: ToolHints,
}

/// Why a call failed, for the UI to label it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ToolFailureKind {
    /// The arguments were not JSON, or did not fit the schema, or broke a rule.
    InvalidArguments,
    /// An id named nothing this profile has.
    NotFound,
    /// The tool could not do its work (storage failed, say).
    Failed,
}

/// What a call gave back: a structured result, or a failure the model can read and correct.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolOutput {
    /// The result object (matching the tool's output schema). Batch tools report per-item
    /// failures inside it.
    Success(Value),
    Failure {
        kind: ToolFailureKind,
        message: String,
    },
}

impl ToolOutput {
    fn invalid(message: impl Into<String>) -> Self {
        Self::Failure { kind: ToolFailureKind::InvalidArguments, message: message.into() }
    }

    /// The text a model reads: the result as JSON, or the failure's message.
    pub fn text(&self) -> String {
        match self {
            // A plain text result (an external server's) is read as the text itself.
            Self::Success(serde_json::Value::String(text)) => text.clone(),
            Self::Success(value) => value.to_string(),
            Self::Failure { message, .. } => message.clone(),
        }
    }

    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Failure { .. })
    }
}

/// There is no tool of that name (a protocol error for MCP; an answer to the model in chat).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("There is no tool called \"{0}\".")]
pub struct UnknownTool(pub String);

/// The profile's tools.
pub struct Tools<'a> {
    core: &'a Core,
}

impl<'a> Tools<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    /// Every built-in tool, in the order they are offered.
    pub fn definitions() -> &'static [ToolDefinition] {
        static DEFINITIONS: OnceLock<Vec<ToolDefinition>> = OnceLock::new();
        DEFINITIONS.get_or_init(tasks::definitions)
    }

    /// A built-in tool by name.
    pub fn definition(name: &str) -> Option<&'static ToolDefinition> {
        Self::definitions().iter().find(|tool| tool.name == name)
    }

    /// Every tool an agent of this profile can be given: the app's own, then those its enabled
    /// external MCP servers offered when last connected.
    pub async fn available(&self, session: &Session) -> Result<Vec<ToolInfo>, CoreError> {
        let external = self.core.mcp_servers().offered(session).await?;
        Ok(Self::definitions()
            .iter()
            .map(ToolInfo::from)
            .chain(external.iter().map(|(server, tool)| tool.info(&server.name)))
            .collect())
    }

    /// Runs a tool with arguments as JSON text (as a model sends them).
    pub async fn call_json(&self, session: &Session, name: &str, arguments: &str) -> Result<ToolOutput, UnknownTool> {
        if Self::definition(name).is_none() {
            return Err(UnknownTool(name.to_owned()));
        }
        match parse_json_arguments(arguments) {
            Ok(value) => self.call(session, name, value).await,
            Err(refused) => Ok(refused),
        }
    }

    /// Runs a tool with arguments as a JSON value (as MCP clients send them).
    pub async fn call(&self, session: &Session, name: &str, arguments: Value) -> Result<ToolOutput, UnknownTool> {
        let started = std::time::Instant::now();
        let output = match tasks::call(self.core, session, name, arguments).await {
            Some(output) => output,
            None => return Err(UnknownTool(name.to_owned())),
        };
        tracing::info!(
            tool = name,
            ok = !output.is_failure(),
            duration_ms = started.elapsed().as_millis() as u64,
            "tool called"
        );
        Ok(output)
    }
}

/// Arguments as a model sends them (JSON text, maybe empty) as a value, or why they can't be.
pub(crate) fn parse_json_arguments(arguments: &str) -> Result<Value, ToolOutput> {
    if arguments.len() > MAX_ARGUMENTS_BYTES {
        return Err(ToolOutput::invalid(format!(
            "The arguments are too long ({} bytes; at most {MAX_ARGUMENTS_BYTES}).",
            arguments.len()
        )));
    }
    let arguments = if arguments.trim().is_empty() { "{}" } else { arguments };
    serde_json::from_str::<Value>(arguments)
        .map_err(|error| ToolOutput::invalid(format!("The arguments are not valid JSON: {error}.")))
}

/// Reads arguments into their type; a mismatch becomes a message naming the problem.
fn parse_arguments<T: DeserializeOwned>(tool: &str, arguments: Value) -> Result<T, ToolOutput> {
    let arguments = if arguments.is_null() { Value::Object(Map::new()) } else { arguments };
    if !arguments.is_object() {
        return Err(ToolOutput::invalid(format!("The arguments of {tool} must be a JSON object.")));
    }
    serde_path_to_error::deserialize(arguments).map_err(|error| {
        let path = error.path().to_string();
        // serde names Rust types ("expected u8"); a model needs words.
        let inner = error
            .into_inner()
            .to_string()
            .replace("expected u8", "expected a whole number")
            .replace("expected u32", "expected a whole number");
        let at = if path == "." { String::new() } else { format!(" at `{path}`") };
        ToolOutput::invalid(format!("Invalid arguments for {tool}{at}: {inner}."))
    })
}

/// A result value as the tool's output (its types always serialise).
fn success(result: impl Serialize) -> ToolOutput {
    match serde_json::to_value(result) {
        Ok(value) => ToolOutput::Success(value),
        Err(error) => ToolOutput::Failure {
            kind: ToolFailureKind::Failed,
            message: format!("The result could not be written: {error}."),
        },
    }
}

/// A core failure as a message for the model; storage details stay in the log.
fn failure(error: CoreError, what: &str) -> ToolOutput {
    match error {
        CoreError::Validation { message, .. } => ToolOutput::invalid(message),
        CoreError::NotFound { .. } => {
            ToolOutput::Failure { kind: ToolFailureKind::NotFound, message: format!("No {what} found.") }
        }
        CoreError::Conflict { message, .. } => ToolOutput::Failure { kind: ToolFailureKind::Failed, message },
        other => {
            tracing::warn!(error = %other, "a tool call failed");
            ToolOutput::Failure {
                kind: ToolFailureKind::Failed,
                message: "The to-do list could not be read or changed just now. Try again.".into(),
            }
        }
    }
}

/// The JSON Schema of `T`: 2020-12, everything inline (several model APIs reject `$ref`), no
/// `$schema` or `title` at the top (some reject those too).
fn schema_of<T: JsonSchema>() -> Map<String, Value> {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|settings| settings.inline_subschemas = true)
        .into_generator();
    let schema = generator.into_root_schema_for::<T>();
    let mut object = match schema.to_value() {
        Value::Object(object) => object,
        _ => Map::new(),
    };
    object.remove("$schema");
    object.remove("title");
    let mut value = Value::Object(object);
    drop_rust_formats(&mut value);
    match value {
        Value::Object(object) => object,
        _ => Map::new(),
    }
}

/// Removes the `format`s schemars gives Rust integers ("uint8", "uint32"): they are not JSON Schema
/// formats, and strict validators (Ajv) complain about them on every call.
fn drop_rust_formats(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| f.starts_with("uint") || f.starts_with("int"))
            {
                object.remove("format");
            }
            object.values_mut().for_each(drop_rust_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_rust_formats),
        _ => {}
    }
}

/// A tool as the agent editor lists it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolInfo {
    pub name: String,
    pub title: String,
    pub description: String,
    pub hints: ToolHints,
    /// The external MCP server it comes from; `None` for the app's own tools.
    pub server: Option<String>,
}

impl From<&ToolDefinition> for ToolInfo {
    fn from(tool: &ToolDefinition) -> Self {
        Self {
            name: tool.name.to_owned(),
            title: tool.title.to_owned(),
            description: tool.description.to_owned(),
            hints: tool.hints,
            server: None,
        }
    }
}
