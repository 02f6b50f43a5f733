//! A scripted LLM server: an axum server on `127.0.0.1:0` that replays scripted OpenAI- and
//! Anthropic-format answers.
//!
//! Why a real server rather than a mocked client: provider code must be tested through real HTTP,
//! the real reqwest client and our real SSE parsing — the bugs live in how bytes arrive (events cut
//! across reads, a UTF-8 character cut in two, a pause mid-answer, a connection that drops or a
//! client that gives up). `wiremock` can return canned bodies but cannot send one in timed pieces.
//! The same server runs as the `kickstart-llm-server` binary for end-to-end tests and benchmarks.
//!
//! ```no_run
//! # async fn example() {
//! use kickstart_testkit::llm_server::{script, Reply, ScriptedLlm, Step};
//!
//! let llm = ScriptedLlm::start().await;
//! let mut steps = script::frames_as_steps(script::openai_text("gpt-test", &["Hel", "lo"]));
//! steps.insert(2, Step::Delay(std::time::Duration::from_millis(50)));
//! llm.push(Reply::Stream(steps));
//! // … point the provider at llm.base_url() and assert on what it parsed and what was sent:
//! assert_eq!(llm.requests().len(), 1);
//! # }
//! ```

mod body;
pub mod script;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use axum::Router;
use bytes::Bytes;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use body::{Play, ScriptBody};

/// The text of the default answer (served when no reply is queued).
pub const DEFAULT_TEXT: &str = "Hello from the scripted server.";
/// The pieces [`DEFAULT_TEXT`] is streamed in (one SSE delta each).
pub const DEFAULT_PIECES: &[&str] = &["Hello", " from", " the", " scripted", " server."];
/// The model named in answers when the request names none.
pub const DEFAULT_MODEL: &str = "scripted-small";
/// Request bodies are read whole (to record them); this only guards against a runaway test.
const BODY_LIMIT: usize = 64 * 1024 * 1024;
/// How long [`ScriptedLlm::shutdown`] waits for open connections before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running scripted LLM server. Dropping it stops the server as well (without waiting);
/// [`ScriptedLlm::shutdown`] also waits until it has stopped.
pub struct ScriptedLlm {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: Option<JoinHandle<()>>,
}

/// A request as the server received it, so tests can assert on what the client sent.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    /// Without the query string.
    pub path: String,
    /// In the order received; names lower-cased.
    pub headers: Vec<(String, String)>,
    /// `Null` when the body is empty or not JSON.
    pub body: Value,
}

impl RecordedRequest {
    /// The first value of a header (`name` in lower case), for short assertions.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// A scripted reply to one POST to `/v1/chat/completions` or `/v1/messages`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A streamed 200 answer: content-type text/event-stream, the steps in order.
    Stream(Vec<Step>),
    /// A non-streamed answer with any status, headers and body (e.g. 429 + retry-after, an HTML 502
    /// page, a JSON 400 "model not found"). Headers are sent exactly as given: no content-type is
    /// added when none is listed.
    Status { status: u16, headers: Vec<(String, String)>, body: String },
}

impl Reply {
    /// A [`Reply::Status`] with a JSON body and `content-type: application/json`.
    pub fn json(status: u16, body: Value) -> Reply {
        Reply::Status {
            status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: body.to_string(),
        }
    }
}

/// One step of a streamed reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Bytes sent as exactly one HTTP body chunk, written out before any following `Delay` or
    /// `Hang` begins. (Chunks with no pause between them may share a TCP segment, but the client's
    /// HTTP layer still hands them over separately: chunk boundaries survive.)
    Chunk(Vec<u8>),
    /// A pause before the next step.
    Delay(Duration),
    /// Ends the connection abruptly: the response body errors (no clean end of the chunked body),
    /// so the client sees a transport error / incomplete body, not a clean EOF. Chunks before it
    /// are delivered first. Not counted in [`ScriptedLlm::disconnects`] (the server left, not the
    /// client).
    Disconnect,
    /// Keeps the stream open forever sending nothing (until the client disconnects).
    Hang,
}

/// A [`Reply`] checked and converted when pushed, so a bad status or header fails in the test
/// that pushed it rather than as a broken connection later.
enum Queued {
    Stream(Script),
    Status { status: StatusCode, headers: HeaderMap, body: Bytes },
}

/// A script ready to play, shared between the queue or cache and the bodies playing it.
type Script = Arc<[Play]>;

/// What the server answers when nothing is queued.
struct DefaultAnswer {
    pieces: Vec<String>,
    delay: Duration,
    /// The streamed answer per format and model, built on first use: a benchmark's long answer is
    /// then served again and again without building a single frame.
    streams: Mutex<HashMap<(Format, String), Script>>,
}

impl DefaultAnswer {
    fn new(pieces: Vec<String>, delay: Duration) -> Self {
        Self { pieces, delay, streams: Mutex::new(HashMap::new()) }
    }

    fn stream(&self, format: Format, model: &str) -> Script {
        let mut streams = lock(&self.streams);
        if let Some(script) = streams.get(&(format, model.to_owned())) {
            return script.clone();
        }
        let pieces: Vec<&str> = self.pieces.iter().map(String::as_str).collect();
        let (frames, first_piece) = match format {
            Format::OpenAi => (script::openai_text(model, &pieces), 1),
            Format::Anthropic => (script::anthropic_text(model, &pieces), 3),
        };
        let delayed = first_piece..first_piece + pieces.len();
        let mut steps = Vec::with_capacity(if self.delay.is_zero() { frames.len() } else { frames.len() * 2 });
        for (index, frame) in frames.into_iter().enumerate() {
            if !self.delay.is_zero() && delayed.contains(&index) {
                steps.push(Play::Delay(self.delay));
            }
            steps.push(Play::Chunk(Bytes::from(frame)));
        }
        let script: Script = steps.into();
        streams.insert((format, model.to_owned()), script.clone());
        script
    }
}

/// State shared by the handle and the server task.
struct Shared {
    queue: Mutex<VecDeque<Queued>>,
    requests: Mutex<Vec<RecordedRequest>>,
    /// `None`: the server has no models endpoint (404), like some compatible servers.
    models: Mutex<Option<Vec<String>>>,
    key: Mutex<Option<String>>,
    default_answer: Mutex<Arc<DefaultAnswer>>,
    /// A watch channel rather than an atomic so `wait_for_disconnects` can sleep until it changes.
    disconnects: watch::Sender<usize>,
    /// Stops accepting and ends every open stream (including hanging ones).
    shutdown: CancellationToken,
}

/// A poisoned lock only means another test thread panicked; the data is still fine to use.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ScriptedLlm {
    /// Binds 127.0.0.1:0 and serves in a tokio task (must be called inside a tokio runtime).
    ///
    /// # Panics
    /// When the socket cannot be bound.
    pub async fn start() -> ScriptedLlm {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("the scripted LLM server binds 127.0.0.1:0")
    }

    /// Like [`ScriptedLlm::start`] on a chosen address (the binary's `--port`).
    pub async fn bind(addr: SocketAddr) -> std::io::Result<ScriptedLlm> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            queue: Mutex::new(VecDeque::new()),
            requests: Mutex::new(Vec::new()),
            models: Mutex::new(Some(vec!["scripted-small".to_owned(), "scripted-large".to_owned()])),
            key: Mutex::new(None),
            default_answer: Mutex::new(Arc::new(DefaultAnswer::new(
                DEFAULT_PIECES.iter().map(|piece| (*piece).to_owned()).collect(),
                Duration::ZERO,
            ))),
            disconnects: watch::Sender::new(0),
            shutdown: CancellationToken::new(),
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let stop = shared.shutdown.clone().cancelled_owned();
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(stop).await {
                eprintln!("scripted LLM server stopped with an error: {error}");
            }
        });
        Ok(ScriptedLlm { addr, shared, server: Some(server) })
    }

    /// "http://127.0.0.1:PORT"
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// "http://127.0.0.1:PORT/v1" — the base URL for OpenAI-compatible and Anthropic clients alike.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Queues a reply for the next POST to /v1/chat/completions or /v1/messages (FIFO, shared queue).
    /// With an empty queue the server answers a short default streamed text ([`DEFAULT_TEXT`]) in
    /// the format of the endpoint that was called (OpenAI for /v1/chat/completions, Anthropic for
    /// /v1/messages), honouring "stream": false with a plain JSON completion in that format.
    /// A request refused with 401 by [`ScriptedLlm::require_key`] does not take a reply.
    ///
    /// # Panics
    /// When a [`Reply::Status`] has an invalid status code or header: a mistake in the test.
    pub fn push(&self, reply: Reply) {
        let queued = match reply {
            Reply::Stream(steps) => Queued::Stream(steps.into_iter().map(Play::from).collect()),
            Reply::Status { status, headers, body } => {
                let status = StatusCode::from_u16(status)
                    .unwrap_or_else(|_| panic!("Reply::Status has an invalid status code {status}"));
                let mut map = HeaderMap::new();
                for (name, value) in headers {
                    let header_name = HeaderName::try_from(name.as_str())
                        .unwrap_or_else(|_| panic!("Reply::Status has an invalid header name {name:?}"));
                    let header_value = HeaderValue::try_from(value.as_str())
                        .unwrap_or_else(|_| panic!("Reply::Status has an invalid value for {name}: {value:?}"));
                    map.append(header_name, header_value);
                }
                Queued::Status { status, headers: map, body: Bytes::from(body) }
            }
        };
        lock(&self.shared.queue).push_back(queued);
    }

    /// Every request received (all paths), in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// How many streamed replies ended because the client went away before the script finished.
    pub fn disconnects(&self) -> usize {
        *self.shared.disconnects.borrow()
    }

    /// Waits until `disconnects()` reaches `n` or the timeout passes; returns whether it did.
    /// (The server notices a client leaving a moment after it happens: poll with this, not
    /// `disconnects()` right after dropping the response.)
    pub async fn wait_for_disconnects(&self, n: usize, timeout: Duration) -> bool {
        let mut changes = self.shared.disconnects.subscribe();
        let reached = matches!(tokio::time::timeout(timeout, changes.wait_for(|count| *count >= n)).await, Ok(Ok(_)));
        reached
    }

    /// The models GET /v1/models lists (default: ["scripted-small", "scripted-large"]).
    pub fn set_models(&self, ids: Vec<String>) {
        *lock(&self.shared.models) = Some(ids);
    }

    /// Removes the models endpoint: GET /v1/models answers 404, as on servers without one.
    pub fn without_models_endpoint(&self) {
        *lock(&self.shared.models) = None;
    }

    /// Requires `Authorization: Bearer KEY` (OpenAI paths) or `x-api-key: KEY` (Anthropic
    /// path /v1/messages; /v1/models accepts either header) — else 401 with the provider's JSON
    /// error body. None (default) = accept anything.
    pub fn require_key(&self, key: Option<String>) {
        *lock(&self.shared.key) = key;
    }

    /// The answer served when the queue is empty: these pieces, with `delay` before each piece.
    /// The binary uses it for long benchmark answers; the default is [`DEFAULT_PIECES`] without
    /// delay. Non-streamed requests get the pieces joined.
    pub fn set_default_answer(&self, pieces: Vec<String>, delay: Duration) {
        *lock(&self.shared.default_answer) = Arc::new(DefaultAnswer::new(pieces, delay));
    }

    /// Stops accepting, ends every open stream (hanging ones too) and waits until the server has
    /// stopped.
    pub async fn shutdown(mut self) {
        self.shared.shutdown.cancel();
        if let Some(mut server) = self.server.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await.is_err() {
                server.abort();
            }
        }
    }
}

impl Drop for ScriptedLlm {
    fn drop(&mut self) {
        self.shared.shutdown.cancel();
    }
}

/// The two chat formats, chosen by the endpoint called.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Format {
    OpenAi,
    Anthropic,
}

/// Which key header a path accepts.
#[derive(Clone, Copy)]
enum KeyHeader {
    Bearer,
    ApiKey,
    Either,
}

/// The only handler: records every request, then routes by hand so that unknown paths and
/// methods are recorded and answered in JSON too.
async fn handle(State(shared): State<Arc<Shared>>, request: Request<Body>) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.unwrap_or_default();
    let json = serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null);
    let path = parts.uri.path().to_owned();
    let headers = parts.headers;
    lock(&shared.requests).push(RecordedRequest {
        method: parts.method.to_string(),
        path: path.clone(),
        headers: headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect(),
        body: json.clone(),
    });
    let anthropic_style = headers.contains_key("anthropic-version");

    match (parts.method, path.as_str()) {
        (Method::POST, "/v1/chat/completions") => chat(&shared, &headers, Format::OpenAi, &json),
        (Method::POST, "/v1/messages") => chat(&shared, &headers, Format::Anthropic, &json),
        (Method::GET, "/v1/models") if lock(&shared.models).is_none() => {
            error(StatusCode::NOT_FOUND, anthropic_style, "not_found_error", "no such endpoint")
        }
        (Method::GET, "/v1/models") => {
            if !authorized(&shared, &headers, KeyHeader::Either) {
                return unauthorized(if anthropic_style { Format::Anthropic } else { Format::OpenAi });
            }
            models(&shared, anthropic_style)
        }
        (_, "/v1/chat/completions" | "/v1/messages" | "/v1/models") => {
            error(StatusCode::METHOD_NOT_ALLOWED, anthropic_style, "invalid_request_error", "method not allowed")
        }
        _ => error(StatusCode::NOT_FOUND, anthropic_style, "not_found_error", &format!("no route for {path}")),
    }
}

fn chat(shared: &Arc<Shared>, headers: &HeaderMap, format: Format, request: &Value) -> Response<Body> {
    let accepted = match format {
        Format::OpenAi => KeyHeader::Bearer,
        Format::Anthropic => KeyHeader::ApiKey,
    };
    if !authorized(shared, headers, accepted) {
        return unauthorized(format);
    }
    let queued = lock(&shared.queue).pop_front();
    match queued {
        Some(Queued::Stream(steps)) => stream(shared, steps),
        Some(Queued::Status { status, headers, body }) => {
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            response
        }
        None => default_answer(shared, format, request),
    }
}

fn stream(shared: &Arc<Shared>, script: Script) -> Response<Body> {
    let mut response = Response::new(Body::from_stream(ScriptBody::new(shared.clone(), script)));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn default_answer(shared: &Arc<Shared>, format: Format, request: &Value) -> Response<Body> {
    let answer = lock(&shared.default_answer).clone();
    let model = request.get("model").and_then(Value::as_str).unwrap_or(DEFAULT_MODEL);
    if request.get("stream").and_then(Value::as_bool) != Some(true) {
        let text = answer.pieces.concat();
        let body = match format {
            Format::OpenAi => script::openai_completion(model, &text, answer.pieces.len()),
            Format::Anthropic => script::anthropic_message(model, &text, answer.pieces.len()),
        };
        return json_response(StatusCode::OK, &body);
    }
    stream(shared, answer.stream(format, model))
}

fn authorized(shared: &Shared, headers: &HeaderMap, accepted: KeyHeader) -> bool {
    let Some(key) = lock(&shared.key).clone() else {
        return true;
    };
    let header = |name| headers.get(name).and_then(|value: &HeaderValue| value.to_str().ok());
    let bearer = header(AUTHORIZATION).and_then(|value| value.strip_prefix("Bearer ")) == Some(key.as_str());
    let api_key = header(HeaderName::from_static("x-api-key")) == Some(key.as_str());
    match accepted {
        KeyHeader::Bearer => bearer,
        KeyHeader::ApiKey => api_key,
        KeyHeader::Either => bearer || api_key,
    }
}

/// The 401 body each provider sends for a missing or wrong key.
fn unauthorized(format: Format) -> Response<Body> {
    let body = match format {
        Format::OpenAi => json!({ "error": {
            "message": "Incorrect API key provided.",
            "type": "invalid_request_error",
            "param": null,
            "code": "invalid_api_key",
        }}),
        Format::Anthropic => {
            json!({ "type": "error", "error": { "type": "authentication_error", "message": "invalid x-api-key" } })
        }
    };
    json_response(StatusCode::UNAUTHORIZED, &body)
}

/// GET /v1/models in Anthropic's shape when the client sent `anthropic-version`, else OpenAI's.
/// The OpenAI entries carry `created` too, which typed clients (async-openai) require.
fn models(shared: &Shared, anthropic_style: bool) -> Response<Body> {
    let ids = lock(&shared.models).clone().unwrap_or_default();
    let body = if anthropic_style {
        let data: Vec<Value> = ids
            .iter()
            .map(|id| {
                json!({ "id": id, "type": "model", "display_name": display_name(id), "created_at": "2025-01-01T00:00:00Z" })
            })
            .collect();
        json!({ "data": data, "has_more": false, "first_id": ids.first(), "last_id": ids.last() })
    } else {
        let data: Vec<Value> = ids
            .iter()
            .map(|id| json!({ "id": id, "object": "model", "created": 1_700_000_000u64, "owned_by": "scripted" }))
            .collect();
        json!({ "object": "list", "data": data })
    };
    json_response(StatusCode::OK, &body)
}

/// "scripted-small" → "Scripted Small", like Anthropic's human-readable model names.
fn display_name(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn error(status: StatusCode, anthropic_style: bool, kind: &str, message: &str) -> Response<Body> {
    let body = if anthropic_style {
        json!({ "type": "error", "error": { "type": kind, "message": message } })
    } else {
        json!({ "error": { "message": message, "type": kind, "param": null, "code": null } })
    };
    json_response(status, &body)
}

fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
