//! The HTTP side every provider shares: one connection pool, time limits, error classification,
//! bounded retries before the first token, and reading an SSE body into provider events.

use std::collections::VecDeque;
use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::stream::{self, BoxStream};
use futures_util::StreamExt;
use reqwest::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use tokio::time::Sleep;

use super::error::{ProviderError, ProviderErrorKind};
use super::sse::{SseEvent, SseParser};
use super::stream::ProviderEvent;
use super::ModelInfo;

/// Time limits and the retry budget for provider calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderLimits {
    /// To open the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// From sending the request to the first byte of the answer (a local model may be loading).
    pub first_byte_timeout: Duration,
    /// The longest silence between two reads of a streaming answer.
    pub idle_timeout: Duration,
    /// Extra attempts after a rate limit or an overloaded server, before any answer arrived.
    pub max_retries: u32,
    /// The first back-off; doubled on each retry.
    pub backoff: Duration,
    /// A server asking us to wait longer than this is not waited for: the error is shown instead.
    pub max_retry_wait: Duration,
}

impl Default for ProviderLimits {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            first_byte_timeout: Duration::from_secs(120),
            idle_timeout: Duration::from_secs(60),
            max_retries: 2,
            backoff: Duration::from_millis(800),
            max_retry_wait: Duration::from_secs(20),
        }
    }
}

impl ProviderLimits {
    /// How long to wait before retry number `attempt` (0-based) after `error`: the server's
    /// Retry-After when it gave one, else exponential back-off.
    fn delay(&self, error: &ProviderError, attempt: u32) -> Option<Duration> {
        if !error.is_retryable() || attempt >= self.max_retries {
            return None;
        }
        let wait = match error.retry_after_secs {
            Some(secs) => Duration::from_secs(u64::from(secs)),
            None => self.backoff.saturating_mul(2u32.saturating_pow(attempt)),
        };
        (wait <= self.max_retry_wait).then_some(wait)
    }
}

/// The HTTP client all providers share (one connection pool for the process).
#[derive(Clone)]
pub struct Http {
    pub(crate) client: reqwest::Client,
    pub(crate) limits: ProviderLimits,
}

impl Http {
    pub fn new(limits: ProviderLimits) -> Self {
        let client = crate::http_client()
            .connect_timeout(limits.connect_timeout)
            .user_agent(concat!("KickStartMyAI/", env!("CARGO_PKG_VERSION")))
            .build()
            // Building fails only when TLS has no crypto provider, which `http_client` installs
            // first (a unit test in `net` builds one). `Client::default()` would panic the same
            // way, so there is no quieter fallback: say what broke.
            .expect("the HTTP client builds once http_client() has installed the TLS provider");
        Self { client, limits }
    }

    /// Sends one request and returns the response when it succeeded; a failure is classified.
    pub(crate) async fn send(
        &self,
        label: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ProviderError> {
        let response = match tokio::time::timeout(self.limits.first_byte_timeout, request.send()).await {
            Err(_) => return Err(ProviderError::timeout(label, "no answer to the request")),
            Ok(Err(error)) => return Err(ProviderError::transport(label, &error, false)),
            Ok(Ok(response)) => response,
        };
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let headers = response.headers().clone();
        // An error body is small; don't wait forever for one.
        let body = tokio::time::timeout(self.limits.idle_timeout, response.bytes())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        Err(ProviderError::from_status(label, status, &headers, &body))
    }

    /// A GET returning JSON, with the same retries as a chat request.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        label: &str,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T, ProviderError> {
        let mut attempt = 0;
        let response = loop {
            match self.send(label, build()).await {
                Ok(response) => break response,
                Err(error) => match self.limits.delay(&error, attempt) {
                    Some(wait) => {
                        attempt += 1;
                        tokio::time::sleep(wait).await;
                    }
                    None => return Err(error),
                },
            }
        };
        let body = tokio::time::timeout(self.limits.idle_timeout, response.bytes())
            .await
            .map_err(|_| ProviderError::timeout(label, "the answer stalled"))?
            .map_err(|error| ProviderError::transport(label, &error, true))?;
        serde_json::from_slice(&body).map_err(|_| {
            if body.trim_ascii_start().starts_with(b"<") {
                ProviderError::malformed(label, "a web page instead of JSON; is the address right")
            } else {
                ProviderError::malformed(label, "the answer is not the JSON the API describes")
            }
        })
    }
}

/// GET `{base}/models` in either API's shape (both put the models under `data`; only OpenAI's
/// has `owned_by`), sorted by id.
pub(crate) async fn fetch_models(
    http: &Http,
    label: &str,
    build: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Vec<ModelInfo>, ProviderError> {
    #[derive(serde::Deserialize)]
    struct List {
        data: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        id: String,
        #[serde(default)]
        owned_by: Option<String>,
    }
    let list: List = http.get_json(label, build).await?;
    let mut models: Vec<ModelInfo> =
        list.data.into_iter().map(|model| ModelInfo { id: model.id, owned_by: model.owned_by }).collect();
    models.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(models)
}

/// Turns SSE events of one API into provider events.
pub(crate) trait Decoder: Send + 'static {
    /// Handles one event; pushes what it means to `out`. Pushing `Done` or `Error` ends the stream.
    fn event(&mut self, event: SseEvent<'_>, out: &mut VecDeque<ProviderEvent>);
    /// The body ended cleanly without a `Done` or `Error`: push the right last event.
    fn end(&mut self, out: &mut VecDeque<ProviderEvent>);
}

/// One attempt's open answer: the body, the parser and what is decoded but not yet taken.
struct Body<D> {
    chunks: BoxStream<'static, reqwest::Result<Bytes>>,
    parser: SseParser,
    decoder: D,
    ready: VecDeque<ProviderEvent>,
    /// When the last bytes arrived (or the request was answered): the idle limit counts from here.
    last_read: Instant,
    got_bytes: bool,
    /// One timer for the whole answer, re-armed only when it fires early: arming a timer for
    /// every read would cost more than the read itself on a fast stream.
    timer: Pin<Box<Sleep>>,
    ended: bool,
}

impl<D: Decoder> Body<D> {
    fn new(response: reqwest::Response, decoder: D, limits: &ProviderLimits) -> Self {
        let now = Instant::now();
        Self {
            chunks: response.bytes_stream().boxed(),
            parser: SseParser::new(),
            decoder,
            ready: VecDeque::new(),
            last_read: now,
            got_bytes: false,
            timer: Box::pin(tokio::time::sleep_until((now + limits.first_byte_timeout).into())),
            ended: false,
        }
    }

    /// The next chunk of the body, or `None` when the time limit passed without one.
    async fn read(&mut self, limits: &ProviderLimits) -> Option<Option<reqwest::Result<Bytes>>> {
        loop {
            tokio::select! {
                biased;
                chunk = self.chunks.next() => {
                    self.last_read = Instant::now();
                    return Some(chunk);
                }
                () = &mut self.timer => {
                    let limit = if self.got_bytes { limits.idle_timeout } else { limits.first_byte_timeout };
                    let due = self.last_read + limit;
                    if Instant::now() >= due {
                        return None;
                    }
                    self.timer.as_mut().reset(due.into());
                }
            }
        }
    }

    async fn next(&mut self, label: &str, limits: &ProviderLimits) -> ProviderEvent {
        loop {
            if let Some(event) = self.ready.pop_front() {
                if event.is_last() {
                    self.ended = true;
                }
                return event;
            }
            if self.ended {
                // Unreachable in practice: every path below pushes a last event before ending.
                return ProviderEvent::Error { error: ProviderError::malformed(label, "the stream ended twice") };
            }
            let what = if self.got_bytes { "the answer stopped mid-way" } else { "no answer started" };
            match self.read(limits).await {
                None => self.ready.push_back(ProviderEvent::Error { error: ProviderError::timeout(label, what) }),
                Some(Some(Err(error))) => {
                    self.ready.push_back(ProviderEvent::Error { error: ProviderError::transport(label, &error, true) })
                }
                Some(None) => {
                    self.parser.finish();
                    self.decoder.end(&mut self.ready);
                }
                Some(Some(Ok(bytes))) => {
                    self.got_bytes = true;
                    let (decoder, ready) = (&mut self.decoder, &mut self.ready);
                    if let Err(error) = self.parser.feed(&bytes, |event| decoder.event(event, ready)) {
                        ready.push_back(ProviderEvent::Error { error: ProviderError::malformed(label, error) });
                    }
                    // Anything after the first last event is ignored.
                    if let Some(last) = self.ready.iter().position(ProviderEvent::is_last) {
                        self.ready.truncate(last + 1);
                    }
                }
            }
        }
    }
}

/// Checks that a 200 answer really is an event stream (a proxy or a wrong address can answer
/// 200 with a web page).
async fn expect_event_stream(label: &str, response: reqwest::Response) -> Result<reqwest::Response, ProviderError> {
    let content_type =
        response.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    if content_type.starts_with("text/html") {
        return Err(ProviderError::malformed(label, "a web page instead of a stream; is the address right"));
    }
    if content_type.starts_with("application/json") {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap_or_default();
        let error = ProviderError::from_status(label, status, &headers, &body);
        return Err(ProviderError { kind: ProviderErrorKind::Malformed, ..error });
    }
    Ok(response)
}

/// Sends one attempt's copy of the request and checks the answer is an event stream. A JSON
/// body is bytes, so the copy always exists; `None` would be a streamed body.
async fn open_attempt(
    http: &Http,
    label: &str,
    request: Option<reqwest::RequestBuilder>,
) -> Result<reqwest::Response, ProviderError> {
    let request = request.ok_or_else(|| ProviderError::malformed(label, "the request could not be repeated"))?;
    expect_event_stream(label, http.send(label, request).await?).await
}

/// Streams one chat answer: sends `request` (a copy per attempt), decodes the body with a fresh
/// `decoder()` and retries — only while no part of the answer has been delivered — after rate
/// limits and overloaded servers, within the limits' budget. Dropping the stream drops the HTTP
/// response, which closes its connection at once.
pub(crate) fn stream_answer<D: Decoder>(
    http: Http,
    label: String,
    request: reqwest::RequestBuilder,
    decoder: impl Fn() -> D + Send + 'static,
) -> BoxStream<'static, ProviderEvent> {
    struct Run<D, Make> {
        http: Http,
        label: String,
        request: reqwest::RequestBuilder,
        make_decoder: Make,
        body: Option<Body<D>>,
        attempt: u32,
        delivered: bool,
        finished: bool,
    }

    let run =
        Run { http, label, request, make_decoder: decoder, body: None, attempt: 0, delivered: false, finished: false };
    stream::unfold(run, |mut run| async move {
        if run.finished {
            return None;
        }
        let limits = run.http.limits;
        loop {
            let event = match run.body.as_mut() {
                Some(body) => body.next(&run.label, &limits).await,
                None => match open_attempt(&run.http, &run.label, run.request.try_clone()).await {
                    Ok(response) => {
                        run.body = Some(Body::new(response, (run.make_decoder)(), &limits));
                        continue;
                    }
                    Err(error) => ProviderEvent::Error { error },
                },
            };
            if let ProviderEvent::Error { error } = &event {
                if !run.delivered {
                    if let Some(wait) = limits.delay(error, run.attempt) {
                        tracing::info!(kind = ?error.kind, attempt = run.attempt + 1, ?wait, "retrying the provider");
                        run.attempt += 1;
                        run.body = None;
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                }
            }
            run.delivered |= event.is_content();
            run.finished = event.is_last();
            return Some((event, run));
        }
    })
    .boxed()
}
