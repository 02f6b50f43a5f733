//! Builders for scripted answers: complete SSE frames in the OpenAI and Anthropic formats, and
//! helpers that turn frames (or their concatenated bytes) into [`Step`]s.
//!
//! Frames are kept as whole events so a test can pick which ones to send, drop or corrupt, and then
//! decide separately how the bytes are cut into HTTP body chunks: one chunk per frame
//! ([`frames_as_steps`]), cuts at chosen offsets ([`split_bytes`], e.g. inside a multi-byte UTF-8
//! character or between `data:` and the JSON), or fixed-size chunks ([`split_every`]). The SSE
//! parser under test must give the same result for every cut.
//!
//! Every JSON document is built with `serde_json`, so any piece text (quotes, backslashes,
//! newlines, emoji) is escaped exactly as a real server would.

use serde_json::{json, Value};

use super::Step;

/// The `created` timestamp of every OpenAI object: fixed, so frames are the same every run.
const CREATED: u64 = 1_700_000_000;
/// `prompt_tokens` / `input_tokens` of every answer: a fixed number tests can assert on.
pub const PROMPT_TOKENS: usize = 12;
/// The id of OpenAI text answers (tool-call answers use a fixed id too; the call id is chosen).
const OPENAI_ID: &str = "chatcmpl-scripted";
/// The id of Anthropic messages.
const ANTHROPIC_ID: &str = "msg_scripted";
/// The text block an Anthropic tool-use answer opens with, as real models usually do.
pub const TOOL_USE_PREAMBLE: &str = "Let me check.";

/// One OpenAI SSE frame: `data: {json}\n\n`.
fn openai_frame(value: &Value) -> String {
    format!("data: {value}\n\n")
}

/// One Anthropic SSE frame: the event name line, then the data line.
fn anthropic_frame(event: &str, value: &Value) -> String {
    format!("event: {event}\ndata: {value}\n\n")
}

/// A frame serialized once with a placeholder where the piece goes, then filled per piece.
///
/// Why: a 10 000-piece answer (benchmarks) built with one `json!` tree per piece takes a third of
/// a second in a debug build; filling a template costs one JSON string escape per piece. The frame
/// is still built by serde_json, and the piece is escaped by serde_json as a JSON string.
struct Template {
    before: String,
    after: String,
}

impl Template {
    /// A marker no piece text or frame field contains (serialized as `"\u0000piece\u0000"`).
    const MARK: &'static str = "\u{0}piece\u{0}";

    /// `build` gets the marker and returns the frame with the marker as the piece.
    fn new(build: impl FnOnce(&str) -> String) -> Self {
        let frame = build(Self::MARK);
        let quoted = Value::from(Self::MARK).to_string();
        let (before, after) = frame.split_once(&quoted).expect("the template's frame contains the marker");
        Self { before: before.to_owned(), after: after.to_owned() }
    }

    fn fill(&self, piece: &str) -> String {
        let piece = Value::from(piece).to_string();
        let mut frame = String::with_capacity(self.before.len() + piece.len() + self.after.len());
        frame.push_str(&self.before);
        frame.push_str(&piece);
        frame.push_str(&self.after);
        frame
    }
}

/// A `chat.completion.chunk` with one choice carrying `delta` and `finish_reason`.
fn openai_chunk(model: &str, delta: Value, finish_reason: Option<&str>) -> String {
    openai_frame(&json!({
        "id": OPENAI_ID,
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "system_fingerprint": null,
        "choices": [{ "index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason }],
    }))
}

/// The closing usage chunk (what OpenAI sends with `stream_options.include_usage`): no choices.
fn openai_usage_chunk(model: &str, completion_tokens: usize) -> String {
    openai_frame(&json!({
        "id": OPENAI_ID,
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "system_fingerprint": null,
        "choices": [],
        "usage": openai_usage(completion_tokens),
    }))
}

fn openai_usage(completion_tokens: usize) -> Value {
    json!({
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": completion_tokens,
        "total_tokens": PROMPT_TOKENS + completion_tokens,
    })
}

/// The end-of-stream marker of the OpenAI format.
pub const OPENAI_DONE: &str = "data: [DONE]\n\n";

/// A streamed OpenAI text answer: a first chunk with `delta.role = "assistant"` (and
/// `content: ""`, as OpenAI sends it), one chunk per piece with `delta.content`, a chunk with
/// `finish_reason: "stop"` and an empty delta, a usage chunk (`choices: []`, prompt_tokens 12,
/// completion_tokens = number of pieces), then `data: [DONE]`.
pub fn openai_text(model: &str, pieces: &[&str]) -> Vec<String> {
    let mut frames = Vec::with_capacity(pieces.len() + 4);
    frames.push(openai_chunk(model, json!({ "role": "assistant", "content": "" }), None));
    let template = Template::new(|mark| openai_chunk(model, json!({ "content": mark }), None));
    frames.extend(pieces.iter().map(|piece| template.fill(piece)));
    frames.push(openai_chunk(model, json!({}), Some("stop")));
    frames.push(openai_usage_chunk(model, pieces.len()));
    frames.push(OPENAI_DONE.to_owned());
    frames
}

/// A streamed OpenAI answer that calls one tool (index 0): the first delta names the call
/// (`id`, `type: "function"`, `function.name`, empty `arguments`), then one chunk per argument
/// piece, `finish_reason: "tool_calls"`, a usage chunk (completion_tokens = number of pieces) and
/// `data: [DONE]`. The argument pieces are sent as given, so they may cut the JSON anywhere.
pub fn openai_tool_call(model: &str, id: &str, name: &str, argument_pieces: &[&str]) -> Vec<String> {
    let mut frames = Vec::with_capacity(argument_pieces.len() + 4);
    frames.push(openai_chunk(
        model,
        json!({
            "role": "assistant",
            "content": null,
            "tool_calls": [{ "index": 0, "id": id, "type": "function", "function": { "name": name, "arguments": "" } }],
        }),
        None,
    ));
    let template = Template::new(|mark| {
        openai_chunk(model, json!({ "tool_calls": [{ "index": 0, "function": { "arguments": mark } }] }), None)
    });
    frames.extend(argument_pieces.iter().map(|piece| template.fill(piece)));
    frames.push(openai_chunk(model, json!({}), Some("tool_calls")));
    frames.push(openai_usage_chunk(model, argument_pieces.len()));
    frames.push(OPENAI_DONE.to_owned());
    frames
}

/// One tool call of a scripted answer: its argument JSON is sent in the pieces given (so a test
/// can cut it anywhere).
#[derive(Debug, Clone, Copy)]
pub struct ScriptedCall<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub arguments: &'a [&'a str],
}

/// A streamed OpenAI answer with some text first (maybe none), then several tool calls — indexes
/// 0, 1, … in turn, each named in its first delta and its arguments in pieces —, then
/// `finish_reason: "tool_calls"`, a usage chunk and `data: [DONE]`.
pub fn openai_text_and_tool_calls(model: &str, text: &[&str], calls: &[ScriptedCall<'_>]) -> Vec<String> {
    let mut frames = vec![openai_chunk(model, json!({ "role": "assistant", "content": "" }), None)];
    frames.extend(text.iter().map(|piece| openai_chunk(model, json!({ "content": piece }), None)));
    for (index, call) in calls.iter().enumerate() {
        frames.push(openai_chunk(
            model,
            json!({ "tool_calls": [{
                "index": index, "id": call.id, "type": "function", "function": { "name": call.name, "arguments": "" }
            }] }),
            None,
        ));
        frames.extend(call.arguments.iter().map(|piece| {
            openai_chunk(model, json!({ "tool_calls": [{ "index": index, "function": { "arguments": piece } }] }), None)
        }));
    }
    frames.push(openai_chunk(model, json!({}), Some("tool_calls")));
    frames.push(openai_usage_chunk(model, text.len() + calls.len()));
    frames.push(OPENAI_DONE.to_owned());
    frames
}

/// An SSE error event in the OpenAI format, as sent after a 200 when a stream fails midway.
pub fn openai_error_event(message: &str) -> String {
    openai_frame(&json!({ "error": { "message": message, "type": "server_error" } }))
}

/// A non-streamed OpenAI `chat.completion` answering `text` (the body of a `"stream": false`
/// reply).
pub fn openai_completion(model: &str, text: &str, completion_tokens: usize) -> Value {
    json!({
        "id": OPENAI_ID,
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "system_fingerprint": null,
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": text, "refusal": null },
            "logprobs": null,
            "finish_reason": "stop",
        }],
        "usage": openai_usage(completion_tokens),
    })
}

fn anthropic_message_start(model: &str) -> String {
    anthropic_frame(
        "message_start",
        &json!({
            "type": "message_start",
            "message": {
                "id": ANTHROPIC_ID,
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [],
                "stop_reason": null,
                "stop_sequence": null,
                "usage": { "input_tokens": PROMPT_TOKENS, "output_tokens": 1 },
            },
        }),
    )
}

fn anthropic_block_start(index: usize, block: Value) -> String {
    anthropic_frame(
        "content_block_start",
        &json!({ "type": "content_block_start", "index": index, "content_block": block }),
    )
}

fn anthropic_block_delta(index: usize, delta: Value) -> String {
    anthropic_frame("content_block_delta", &json!({ "type": "content_block_delta", "index": index, "delta": delta }))
}

fn anthropic_block_stop(index: usize) -> String {
    anthropic_frame("content_block_stop", &json!({ "type": "content_block_stop", "index": index }))
}

fn anthropic_ping() -> String {
    anthropic_frame("ping", &json!({ "type": "ping" }))
}

fn anthropic_message_end(stop_reason: &str, output_tokens: usize) -> [String; 2] {
    [
        anthropic_frame(
            "message_delta",
            &json!({
                "type": "message_delta",
                "delta": { "stop_reason": stop_reason, "stop_sequence": null },
                "usage": { "output_tokens": output_tokens },
            }),
        ),
        anthropic_frame("message_stop", &json!({ "type": "message_stop" })),
    ]
}

/// A streamed Anthropic Messages text answer: `message_start` (input_tokens 12, output_tokens 1),
/// `content_block_start` (index 0, text), a `ping`, one `text_delta` per piece,
/// `content_block_stop`, `message_delta` (stop_reason `end_turn`, output_tokens = number of
/// pieces) and `message_stop`.
pub fn anthropic_text(model: &str, pieces: &[&str]) -> Vec<String> {
    let mut frames = Vec::with_capacity(pieces.len() + 6);
    frames.push(anthropic_message_start(model));
    frames.push(anthropic_block_start(0, json!({ "type": "text", "text": "" })));
    frames.push(anthropic_ping());
    let template = Template::new(|mark| anthropic_block_delta(0, json!({ "type": "text_delta", "text": mark })));
    frames.extend(pieces.iter().map(|piece| template.fill(piece)));
    frames.push(anthropic_block_stop(0));
    frames.extend(anthropic_message_end("end_turn", pieces.len()));
    frames
}

/// A streamed Anthropic answer that uses one tool: a text block (index 0) saying
/// [`TOOL_USE_PREAMBLE`], then a `tool_use` block (index 1, `id`, `name`, empty `input`) whose
/// input arrives as `input_json_delta` pieces, then stop_reason `tool_use` (output_tokens =
/// number of pieces + 1 for the text).
pub fn anthropic_tool_use(model: &str, id: &str, name: &str, json_pieces: &[&str]) -> Vec<String> {
    let mut frames = Vec::with_capacity(json_pieces.len() + 10);
    frames.push(anthropic_message_start(model));
    frames.push(anthropic_block_start(0, json!({ "type": "text", "text": "" })));
    frames.push(anthropic_ping());
    frames.push(anthropic_block_delta(0, json!({ "type": "text_delta", "text": TOOL_USE_PREAMBLE })));
    frames.push(anthropic_block_stop(0));
    frames.push(anthropic_block_start(1, json!({ "type": "tool_use", "id": id, "name": name, "input": {} })));
    let template =
        Template::new(|mark| anthropic_block_delta(1, json!({ "type": "input_json_delta", "partial_json": mark })));
    frames.extend(json_pieces.iter().map(|piece| template.fill(piece)));
    frames.push(anthropic_block_stop(1));
    frames.extend(anthropic_message_end("tool_use", json_pieces.len() + 1));
    frames
}

/// An SSE `error` event in the Anthropic format, as sent after a 200 when a stream fails midway
/// (`kind` e.g. `"overloaded_error"`).
pub fn anthropic_error(kind: &str, message: &str) -> String {
    anthropic_frame("error", &json!({ "type": "error", "error": { "type": kind, "message": message } }))
}

/// A non-streamed Anthropic `message` answering `text` (the body of a `"stream": false` reply).
pub fn anthropic_message(model: &str, text: &str, output_tokens: usize) -> Value {
    json!({
        "id": ANTHROPIC_ID,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{ "type": "text", "text": text }],
        "stop_reason": "end_turn",
        "stop_sequence": null,
        "usage": { "input_tokens": PROMPT_TOKENS, "output_tokens": output_tokens },
    })
}

/// One [`Step::Chunk`] per frame. Takes anything byte-like (`Vec<String>`, `&[&str]`,
/// `&Vec<String>`, `Vec<Vec<u8>>`) so frames can be mixed, reordered or borrowed freely.
pub fn frames_as_steps<I>(frames: I) -> Vec<Step>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    frames.into_iter().map(|frame| Step::Chunk(frame.as_ref().to_vec())).collect()
}

/// Cuts `all` at the given byte offsets (ascending; offsets of 0, past the end or repeated are
/// skipped, so no empty chunk is ever sent) into [`Step::Chunk`]s. Offsets need not fall on
/// character or event boundaries: that is the point.
pub fn split_bytes(all: Vec<u8>, at: &[usize]) -> Vec<Step> {
    let mut steps = Vec::with_capacity(at.len() + 1);
    let mut start = 0;
    for &cut in at {
        if cut > start && cut < all.len() {
            steps.push(Step::Chunk(all[start..cut].to_vec()));
            start = cut;
        }
    }
    if start < all.len() {
        steps.push(Step::Chunk(all[start..].to_vec()));
    }
    steps
}

/// Cuts `all` into [`Step::Chunk`]s of `n` bytes (the last may be shorter). `n = 1` sends the
/// answer byte by byte, the harshest test for a parser's buffering.
///
/// # Panics
/// When `n` is 0 (there is no such cut).
pub fn split_every(all: Vec<u8>, n: usize) -> Vec<Step> {
    assert!(n > 0, "split_every needs a chunk size of at least one byte");
    all.chunks(n).map(|chunk| Step::Chunk(chunk.to_vec())).collect()
}
