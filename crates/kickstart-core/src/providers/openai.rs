//! OpenAI and OpenAI-compatible servers (Ollama, LM Studio, OpenRouter, vLLM): Chat Completions.
//!
//! Requests are built from `async-openai`'s types, so they follow OpenAI's schema exactly. The
//! answer is read with our own transport and small lenient types instead of async-openai's
//! client: compatible servers omit fields its strict types require, and its client hides what
//! the error policy needs (the status behind an HTML error page, `Retry-After`), reads the stream
//! through an extra task and channel, and has no first-byte or idle time limits.

use std::collections::{BTreeMap, VecDeque};

use async_openai::types::chat::{
    ChatCompletionMessageToolCall, ChatCompletionMessageToolCalls, ChatCompletionRequestAssistantMessage,
    ChatCompletionRequestAssistantMessageContent, ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestSystemMessageContent, ChatCompletionRequestToolMessage,
    ChatCompletionRequestToolMessageContent, ChatCompletionRequestUserMessage, ChatCompletionRequestUserMessageContent,
    ChatCompletionStreamOptions, ChatCompletionTool, ChatCompletionTools, CreateChatCompletionRequest, FunctionCall,
    FunctionObject,
};
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use serde::Deserialize;

use super::error::ProviderError;
use super::http::{fetch_models, stream_answer, Decoder, Http};
use super::sse::SseEvent;
use super::stream::{ChatRequest, Provider, ProviderEvent, Role, StopReason, ToolCall, Usage};
use super::ModelInfo;
use crate::secrets::Sensitive;

/// A Chat Completions endpoint.
#[derive(Clone)]
pub struct OpenAi {
    http: Http,
    label: String,
    base_url: String,
    api_key: Option<std::sync::Arc<Sensitive<String>>>,
    /// OpenAI itself wants `max_completion_tokens`; compatible servers know `max_tokens`.
    official: bool,
}

impl OpenAi {
    pub fn new(http: Http, label: String, base_url: &str, api_key: Option<Sensitive<String>>, official: bool) -> Self {
        Self {
            http,
            label,
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key: api_key.map(std::sync::Arc::new),
            official,
        }
    }

    fn with_key(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.api_key {
            Some(key) => request.bearer_auth(key.expose()),
            None => request,
        }
    }

    /// The request body, in async-openai's types.
    #[allow(deprecated)] // `max_tokens` is deprecated by OpenAI but is what compatible servers read.
    pub fn body(&self, request: &ChatRequest) -> CreateChatCompletionRequest {
        let mut messages = Vec::with_capacity(request.messages.len() + 1);
        if let Some(system) = &request.system {
            messages.push(ChatCompletionRequestMessage::System(ChatCompletionRequestSystemMessage {
                content: ChatCompletionRequestSystemMessageContent::Text(system.clone()),
                name: None,
            }));
        }
        for message in &request.messages {
            messages.push(match message.role {
                Role::System => ChatCompletionRequestMessage::System(ChatCompletionRequestSystemMessage {
                    content: ChatCompletionRequestSystemMessageContent::Text(message.content.clone()),
                    name: None,
                }),
                Role::User => ChatCompletionRequestMessage::User(ChatCompletionRequestUserMessage {
                    content: ChatCompletionRequestUserMessageContent::Text(message.content.clone()),
                    name: None,
                }),
                Role::Assistant => ChatCompletionRequestMessage::Assistant(ChatCompletionRequestAssistantMessage {
                    content: (!message.content.is_empty())
                        .then(|| ChatCompletionRequestAssistantMessageContent::Text(message.content.clone())),
                    tool_calls: (!message.tool_calls.is_empty()).then(|| {
                        message
                            .tool_calls
                            .iter()
                            .map(|call| {
                                ChatCompletionMessageToolCalls::Function(ChatCompletionMessageToolCall {
                                    id: call.id.clone(),
                                    function: FunctionCall {
                                        name: call.name.clone(),
                                        arguments: call.arguments.clone(),
                                    },
                                })
                            })
                            .collect()
                    }),
                    ..Default::default()
                }),
                Role::Tool => ChatCompletionRequestMessage::Tool(ChatCompletionRequestToolMessage {
                    content: ChatCompletionRequestToolMessageContent::Text(message.content.clone()),
                    tool_call_id: message.tool_call_id.clone().unwrap_or_default(),
                }),
            });
        }
        let tools = (!request.tools.is_empty()).then(|| {
            request
                .tools
                .iter()
                .map(|tool| {
                    ChatCompletionTools::Function(ChatCompletionTool {
                        function: FunctionObject {
                            name: tool.name.clone(),
                            description: Some(tool.description.clone()),
                            parameters: Some(tool.parameters.clone()),
                            strict: None,
                        },
                    })
                })
                .collect()
        });
        CreateChatCompletionRequest {
            model: request.model.clone(),
            messages,
            stream: Some(true),
            stream_options: Some(ChatCompletionStreamOptions { include_usage: Some(true), ..Default::default() }),
            temperature: request.temperature,
            max_completion_tokens: request.max_tokens.filter(|_| self.official),
            max_tokens: request.max_tokens.filter(|_| !self.official),
            tools,
            ..Default::default()
        }
    }
}

impl Provider for OpenAi {
    fn stream(&self, request: ChatRequest) -> BoxStream<'static, ProviderEvent> {
        let post = self
            .with_key(self.http.client.post(format!("{}/chat/completions", self.base_url)))
            .json(&self.body(&request));
        let label = self.label.clone();
        stream_answer(self.http.clone(), self.label.clone(), post, move || ChatDecoder::new(&label))
    }

    fn list_models(&self) -> BoxFuture<'static, Result<Vec<ModelInfo>, ProviderError>> {
        let this = self.clone();
        Box::pin(async move {
            fetch_models(&this.http, &this.label, || {
                this.with_key(this.http.client.get(format!("{}/models", this.base_url)))
            })
            .await
        })
    }
}

// ---- the stream, read leniently: every field a compatible server might omit is optional ----

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<ChunkUsage>,
    #[serde(default)]
    error: Option<ChunkError>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<ToolCallChunk>>,
}

#[derive(Deserialize)]
struct ToolCallChunk {
    #[serde(default)]
    index: Option<u32>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<FunctionChunk>,
}

#[derive(Deserialize)]
struct FunctionChunk {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Deserialize)]
struct ChunkUsage {
    #[serde(default)]
    prompt_tokens: u32,
    #[serde(default)]
    completion_tokens: u32,
}

#[derive(Deserialize)]
struct ChunkError {
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    code: Option<serde_json::Value>,
}

#[derive(Default)]
struct PartialCall {
    id: String,
    name: String,
    arguments: String,
}

/// Chat Completions chunks → provider events; tool-call pieces are accumulated by index.
#[derive(Default)]
pub(crate) struct ChatDecoder {
    label: String,
    calls: BTreeMap<u32, PartialCall>,
    stop: Option<StopReason>,
}

impl ChatDecoder {
    fn new(label: &str) -> Self {
        Self { label: label.to_owned(), ..Self::default() }
    }

    fn finish_calls(&mut self, out: &mut VecDeque<ProviderEvent>) {
        for (_, call) in std::mem::take(&mut self.calls) {
            out.push_back(ProviderEvent::ToolCall {
                call: ToolCall {
                    id: call.id,
                    name: call.name,
                    arguments: if call.arguments.trim().is_empty() { "{}".into() } else { call.arguments },
                },
            });
        }
    }
}

fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "stop" => StopReason::EndTurn,
        "length" => StopReason::MaxTokens,
        "tool_calls" | "function_call" => StopReason::ToolUse,
        "content_filter" => StopReason::ContentFilter,
        _ => StopReason::Other,
    }
}

impl Decoder for ChatDecoder {
    fn event(&mut self, event: SseEvent<'_>, out: &mut VecDeque<ProviderEvent>) {
        if event.data == "[DONE]" {
            self.finish_calls(out);
            out.push_back(ProviderEvent::Done { stop_reason: self.stop.unwrap_or(StopReason::EndTurn) });
            return;
        }
        let chunk: Chunk = match serde_json::from_str(event.data) {
            Ok(chunk) => chunk,
            Err(_) => {
                let error = ProviderError::malformed(&self.label, "a stream event is not JSON");
                out.push_back(ProviderEvent::Error { error });
                return;
            }
        };
        if let Some(error) = chunk.error {
            let kind = error.kind.or_else(|| error.code.and_then(|code| code.as_str().map(str::to_owned)));
            let message = error.message.unwrap_or_else(|| "no details given".into());
            let error = ProviderError::from_stream_error(&self.label, kind.as_deref().unwrap_or(""), &message);
            out.push_back(ProviderEvent::Error { error });
            return;
        }
        // Only the first choice is used (the app never asks for n > 1).
        if let Some(choice) = chunk.choices.into_iter().next() {
            let delta = choice.delta.unwrap_or_default();
            if let Some(text) = delta.content.filter(|text| !text.is_empty()) {
                out.push_back(ProviderEvent::TextDelta { text });
            }
            for piece in delta.tool_calls.unwrap_or_default() {
                let index = piece.index.unwrap_or(0);
                let call = self.calls.entry(index).or_default();
                let (name, arguments) = match piece.function {
                    Some(function) => (function.name, function.arguments.unwrap_or_default()),
                    None => (None, String::new()),
                };
                if let Some(id) = &piece.id {
                    call.id.clone_from(id);
                }
                if let Some(name) = &name {
                    call.name.push_str(name);
                }
                call.arguments.push_str(&arguments);
                out.push_back(ProviderEvent::ToolCallDelta { index, id: piece.id, name, arguments_delta: arguments });
            }
            if let Some(reason) = choice.finish_reason {
                self.stop = Some(stop_reason(&reason));
                self.finish_calls(out);
            }
        }
        if let Some(usage) = chunk.usage {
            out.push_back(ProviderEvent::Usage {
                usage: Usage { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens },
            });
        }
    }

    /// Some compatible servers end the body without `[DONE]`: after a finish reason that is a
    /// complete answer; before one, the answer was cut.
    fn end(&mut self, out: &mut VecDeque<ProviderEvent>) {
        match self.stop {
            Some(stop_reason) => {
                self.finish_calls(out);
                out.push_back(ProviderEvent::Done { stop_reason });
            }
            None => out.push_back(ProviderEvent::Error {
                error: ProviderError::malformed(&self.label, "the answer ended before it was complete"),
            }),
        }
    }
}
