//! The one interface every AI provider speaks: a chat request in, a stream of [`ProviderEvent`]s
//! out. The stream always ends with exactly one [`ProviderEvent::Done`] or
//! [`ProviderEvent::Error`]; dropping it cancels the request and closes its HTTP connection.

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};

use super::error::ProviderError;
use super::ModelInfo;

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    System,
    User,
    Assistant,
    /// The result of a tool call, answering `tool_call_id`.
    Tool,
}

/// One message of the conversation sent to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
    /// For assistant messages that asked for tools.
    pub tool_calls: Vec<ToolCall>,
    /// For tool messages: which call this answers.
    pub tool_call_id: Option<String>,
}

impl ChatMessage {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self { role, content: content.into(), tool_calls: Vec::new(), tool_call_id: None }
    }
}

/// A tool the model may call, described by a JSON Schema for its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub parameters: serde_json::Value,
}

/// What to ask the model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatRequest {
    pub model: String,
    /// The system prompt; sent the way each API expects it.
    pub system: Option<String>,
    pub messages: Vec<ChatMessage>,
    pub tools: Vec<ToolSpec>,
    pub temperature: Option<f32>,
    /// The answer's length limit (Anthropic requires one: 4096 when unset).
    pub max_tokens: Option<u32>,
}

/// A complete tool call: `arguments` is the model's JSON text as sent (the tool layer parses
/// and validates it, so a malformed argument becomes an answer to the model, not a crash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: String,
}

/// Tokens used so far by this answer (cumulative: the latest event holds the totals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub input_tokens: u32,
    pub output_tokens: u32,
}

/// Why the model stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum StopReason {
    /// It finished its answer.
    EndTurn,
    /// It hit the token limit.
    MaxTokens,
    /// It wants the tool calls it sent.
    ToolUse,
    /// A stop sequence matched.
    StopSequence,
    /// The provider's filter stopped it.
    ContentFilter,
    /// A reason this app does not know.
    Other,
}

/// One step of a streamed answer.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ProviderEvent {
    /// More answer text.
    TextDelta { text: String },
    /// A piece of a tool call as it streams (for the UI to show it forming).
    #[serde(rename_all = "camelCase")]
    ToolCallDelta { index: u32, id: Option<String>, name: Option<String>, arguments_delta: String },
    /// A tool call whose arguments are complete.
    ToolCall { call: ToolCall },
    /// Token counts so far.
    Usage { usage: Usage },
    /// The answer ended normally.
    #[serde(rename_all = "camelCase")]
    Done { stop_reason: StopReason },
    /// The answer failed; nothing follows.
    Error { error: ProviderError },
}

impl ProviderEvent {
    /// Whether the event carries part of the answer — after one of these reached the user, a
    /// failed request must not be retried (the answer would repeat).
    pub fn is_content(&self) -> bool {
        matches!(self, Self::TextDelta { .. } | Self::ToolCallDelta { .. } | Self::ToolCall { .. })
    }

    /// Whether the stream ends with this event.
    pub fn is_last(&self) -> bool {
        matches!(self, Self::Done { .. } | Self::Error { .. })
    }
}

/// An AI provider: OpenAI, Anthropic, or an OpenAI-compatible server.
pub trait Provider: Send + Sync {
    /// Streams the model's answer. Ends with one `Done` or `Error`; drop it to cancel.
    fn stream(&self, request: ChatRequest) -> BoxStream<'static, ProviderEvent>;
    /// The models the server offers (sorted by id).
    fn list_models(&self) -> BoxFuture<'static, Result<Vec<ModelInfo>, ProviderError>>;
}
