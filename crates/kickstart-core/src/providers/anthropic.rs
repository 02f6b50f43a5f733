//! Anthropic's native Messages API over reqwest and our SSE parser: text and tool_use blocks,
//! `input_json_delta` accumulation, cumulative usage, pings, and error events after a 200.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::ProviderError;
use super::http::{fetch_models, stream_answer, Decoder, Http};
use super::sse::SseEvent;
use super::stream::{ChatRequest, Provider, ProviderEvent, Role, StopReason, ToolCall, Usage};
use super::ModelInfo;
use crate::secrets::Sensitive;

/// The API version this client speaks.
const API_VERSION: &str = "2023-06-01";
/// Anthropic requires a length limit; this is used when the agent sets none.
const DEFAULT_MAX_TOKENS: u32 = 4096;

#[derive(Clone)]
pub struct Anthropic {
    http: Http,
    label: String,
    base_url: String,
    api_key: Option<Arc<Sensitive<String>>>,
}

impl Anthropic {
    pub fn new(http: Http, label: String, base_url: &str, api_key: Option<Sensitive<String>>) -> Self {
        Self { http, label, base_url: base_url.trim_end_matches('/').to_owned(), api_key: api_key.map(Arc::new) }
    }

    fn with_headers(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let request = request.header("anthropic-version", API_VERSION);
        match &self.api_key {
            Some(key) => request.header("x-api-key", key.expose().as_str()),
            None => request,
        }
    }

    /// The Messages request body: the system prompt apart, tool calls and results as blocks.
    pub fn body(request: &ChatRequest) -> Value {
        let mut system: Vec<&str> = request.system.iter().map(String::as_str).collect();
        let mut messages: Vec<Value> = Vec::with_capacity(request.messages.len());
        for message in &request.messages {
            match message.role {
                Role::System => system.push(&message.content),
                Role::User => messages.push(json!({ "role": "user", "content": message.content })),
                Role::Assistant => {
                    let mut blocks = Vec::new();
                    if !message.content.is_empty() {
                        blocks.push(json!({ "type": "text", "text": message.content }));
                    }
                    for call in &message.tool_calls {
                        let input: Value = serde_json::from_str(&call.arguments).unwrap_or_else(|_| json!({}));
                        blocks.push(json!({ "type": "tool_use", "id": call.id, "name": call.name, "input": input }));
                    }
                    messages.push(json!({ "role": "assistant", "content": blocks }));
                }
                Role::Tool => messages.push(json!({
                    "role": "user",
                    "content": [{
                        "type": "tool_result",
                        "tool_use_id": message.tool_call_id.clone().unwrap_or_default(),
                        "content": message.content,
                    }],
                })),
            }
        }
        let mut body = json!({
            "model": request.model,
            "max_tokens": request.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            "messages": messages,
            "stream": true,
        });
        if !system.is_empty() {
            body["system"] = json!(system.join("\n\n"));
        }
        if let Some(temperature) = request.temperature {
            body["temperature"] = json!(temperature);
        }
        if !request.tools.is_empty() {
            body["tools"] = request
                .tools
                .iter()
                .map(|tool| json!({ "name": tool.name, "description": tool.description, "input_schema": tool.parameters }))
                .collect();
        }
        body
    }
}

impl Provider for Anthropic {
    fn stream(&self, request: ChatRequest) -> BoxStream<'static, ProviderEvent> {
        let post =
            self.with_headers(self.http.client.post(format!("{}/messages", self.base_url))).json(&Self::body(&request));
        let label = self.label.clone();
        stream_answer(self.http.clone(), self.label.clone(), post, move || MessagesDecoder::new(&label))
    }

    fn list_models(&self) -> BoxFuture<'static, Result<Vec<ModelInfo>, ProviderError>> {
        let this = self.clone();
        Box::pin(async move {
            fetch_models(&this.http, &this.label, || {
                this.with_headers(this.http.client.get(format!("{}/models", this.base_url)))
            })
            .await
        })
    }
}

// ---- the stream ----

/// Every Messages stream event in one flat shape: fields a type does not have stay `None`.
/// (Flat rather than an internally tagged enum: serde buffers a tagged enum's whole map before
/// deciding, which costs more than the rest of the event's handling on a fast stream.)
#[derive(Deserialize)]
struct Event<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default)]
    index: u32,
    #[serde(default)]
    message: Option<StartMessage>,
    #[serde(default, borrow)]
    content_block: Option<Block<'a>>,
    #[serde(default, borrow)]
    delta: Option<Delta<'a>>,
    #[serde(default)]
    usage: Option<EventUsage>,
    #[serde(default)]
    error: Option<ErrorBody>,
}

/// `content_block` of content_block_start: text (maybe with initial text) or tool_use.
#[derive(Deserialize)]
struct Block<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
}

/// `delta` of content_block_delta (text_delta, input_json_delta) and of message_delta.
#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(default, rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    partial_json: Option<String>,
    #[serde(default)]
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct StartMessage {
    #[serde(default)]
    usage: Option<EventUsage>,
}

#[derive(Deserialize)]
struct EventUsage {
    #[serde(default)]
    input_tokens: Option<u32>,
    #[serde(default)]
    output_tokens: Option<u32>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    message: String,
}

struct OpenToolUse {
    id: String,
    name: String,
    json: String,
}

/// Messages events → provider events.
pub(crate) struct MessagesDecoder {
    label: String,
    tools: BTreeMap<u32, OpenToolUse>,
    usage: Usage,
    stop: Option<StopReason>,
}

impl MessagesDecoder {
    fn new(label: &str) -> Self {
        Self { label: label.to_owned(), tools: BTreeMap::new(), usage: Usage::default(), stop: None }
    }

    fn add_usage(&mut self, usage: EventUsage, out: &mut VecDeque<ProviderEvent>) {
        // Both counts are cumulative in Anthropic's stream: take the latest of each.
        if let Some(input) = usage.input_tokens {
            self.usage.input_tokens = input;
        }
        if let Some(output) = usage.output_tokens {
            self.usage.output_tokens = output;
        }
        out.push_back(ProviderEvent::Usage { usage: self.usage });
    }
}

fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "end_turn" => StopReason::EndTurn,
        "max_tokens" => StopReason::MaxTokens,
        "tool_use" => StopReason::ToolUse,
        "stop_sequence" => StopReason::StopSequence,
        "refusal" => StopReason::ContentFilter,
        _ => StopReason::Other,
    }
}

impl Decoder for MessagesDecoder {
    fn event(&mut self, event: SseEvent<'_>, out: &mut VecDeque<ProviderEvent>) {
        let parsed: Event<'_> = match serde_json::from_str(event.data) {
            Ok(parsed) => parsed,
            Err(_) => {
                out.push_back(ProviderEvent::Error {
                    error: ProviderError::malformed(&self.label, "a stream event is not JSON"),
                });
                return;
            }
        };
        let index = parsed.index;
        match parsed.kind.as_ref() {
            "message_start" => {
                if let Some(usage) = parsed.message.and_then(|message| message.usage) {
                    self.add_usage(usage, out);
                }
            }
            "content_block_start" => match parsed.content_block {
                Some(block) if block.kind == "tool_use" => {
                    out.push_back(ProviderEvent::ToolCallDelta {
                        index,
                        id: Some(block.id.clone()),
                        name: Some(block.name.clone()),
                        arguments_delta: String::new(),
                    });
                    self.tools.insert(index, OpenToolUse { id: block.id, name: block.name, json: String::new() });
                }
                Some(block) if block.kind == "text" && !block.text.is_empty() => {
                    out.push_back(ProviderEvent::TextDelta { text: block.text })
                }
                _ => {} // thinking and block types added later are not shown
            },
            "content_block_delta" => {
                let Some(delta) = parsed.delta else { return };
                match delta.kind.as_deref() {
                    Some("text_delta") => {
                        out.push_back(ProviderEvent::TextDelta { text: delta.text.unwrap_or_default() })
                    }
                    Some("input_json_delta") => {
                        let partial_json = delta.partial_json.unwrap_or_default();
                        if let Some(tool) = self.tools.get_mut(&index) {
                            tool.json.push_str(&partial_json);
                        }
                        out.push_back(ProviderEvent::ToolCallDelta {
                            index,
                            id: None,
                            name: None,
                            arguments_delta: partial_json,
                        });
                    }
                    _ => {}
                }
            }
            "content_block_stop" => {
                if let Some(tool) = self.tools.remove(&index) {
                    let arguments = if tool.json.trim().is_empty() { "{}".into() } else { tool.json };
                    out.push_back(ProviderEvent::ToolCall {
                        call: ToolCall { id: tool.id, name: tool.name, arguments },
                    });
                }
            }
            "message_delta" => {
                if let Some(reason) = parsed.delta.and_then(|delta| delta.stop_reason) {
                    self.stop = Some(stop_reason(&reason));
                }
                if let Some(usage) = parsed.usage {
                    self.add_usage(usage, out);
                }
            }
            "message_stop" => {
                out.push_back(ProviderEvent::Done { stop_reason: self.stop.unwrap_or(StopReason::EndTurn) })
            }
            "error" => {
                let error =
                    parsed.error.unwrap_or(ErrorBody { kind: String::new(), message: "no details given".into() });
                out.push_back(ProviderEvent::Error {
                    error: ProviderError::from_stream_error(&self.label, &error.kind, &error.message),
                });
            }
            _ => {} // ping, and event types added after this client was written, as Anthropic asks
        }
    }

    fn end(&mut self, out: &mut VecDeque<ProviderEvent>) {
        out.push_back(ProviderEvent::Error {
            error: ProviderError::malformed(&self.label, "the answer ended before it was complete"),
        });
    }
}
