//! The streaming provider layer over real HTTP against the scripted LLM server, for both the
//! OpenAI and the Anthropic format: every event, every failure, retries, time limits and
//! cancellation.

use std::time::Duration;

use futures_util::StreamExt;
use kickstart_core::providers::{
    Anthropic, ChatMessage, ChatRequest, Http, OpenAi, Provider, ProviderErrorKind, ProviderEvent, ProviderLimits,
    Role, StopReason, ToolCall, ToolSpec, Usage,
};
use kickstart_core::secrets::Sensitive;
use kickstart_testkit::llm_server::script;
use kickstart_testkit::llm_server::{Reply, ScriptedLlm, Step};
use serde_json::json;

const KEY: &str = "sk-test-key-4242";

/// Short limits so failure paths finish quickly.
fn limits() -> ProviderLimits {
    ProviderLimits {
        connect_timeout: Duration::from_secs(2),
        first_byte_timeout: Duration::from_millis(600),
        idle_timeout: Duration::from_millis(400),
        max_retries: 2,
        backoff: Duration::from_millis(20),
        max_retry_wait: Duration::from_secs(2),
    }
}

fn openai(server: &ScriptedLlm) -> OpenAi {
    OpenAi::new(Http::new(limits()), "Scripted".into(), &server.base_url(), Some(Sensitive::new(KEY.into())), false)
}

fn anthropic(server: &ScriptedLlm) -> Anthropic {
    Anthropic::new(Http::new(limits()), "Scripted".into(), &server.base_url(), Some(Sensitive::new(KEY.into())))
}

fn request() -> ChatRequest {
    ChatRequest {
        model: "scripted-small".into(),
        system: Some("You are terse.".into()),
        messages: vec![ChatMessage::new(Role::User, "Say hello")],
        max_tokens: Some(100),
        temperature: Some(0.2),
        ..ChatRequest::default()
    }
}

async fn collect(provider: &dyn Provider, request: ChatRequest) -> Vec<ProviderEvent> {
    tokio::time::timeout(Duration::from_secs(20), provider.stream(request).collect::<Vec<_>>())
        .await
        .expect("the stream ends by itself")
}

fn text_of(events: &[ProviderEvent]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            ProviderEvent::TextDelta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn last(events: &[ProviderEvent]) -> &ProviderEvent {
    events.last().expect("at least one event")
}

fn error_kind(events: &[ProviderEvent]) -> ProviderErrorKind {
    match last(events) {
        ProviderEvent::Error { error } => error.kind,
        other => panic!("expected an error at the end, got {other:?} in {events:?}"),
    }
}

fn stream_of(frames: Vec<String>) -> Reply {
    Reply::Stream(script::frames_as_steps(frames))
}

fn bytes_of(frames: &[String]) -> Vec<u8> {
    frames.concat().into_bytes()
}

// ---- OpenAI format ----

#[tokio::test]
async fn openai_streams_text_usage_and_done() {
    let server = ScriptedLlm::start().await;
    server.push(stream_of(script::openai_text("scripted-small", &["Hel", "lo", ", world"])));
    let events = collect(&openai(&server), request()).await;
    assert_eq!(text_of(&events), "Hello, world");
    assert!(events.contains(&ProviderEvent::Usage { usage: Usage { input_tokens: 12, output_tokens: 3 } }));
    assert_eq!(last(&events), &ProviderEvent::Done { stop_reason: StopReason::EndTurn });

    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(sent.body["stream"], json!(true));
    assert_eq!(sent.body["stream_options"]["include_usage"], json!(true));
    assert_eq!(sent.body["max_tokens"], json!(100), "compatible servers get max_tokens");
    assert_eq!(sent.body["messages"][0], json!({"role": "system", "content": "You are terse."}));
    assert_eq!(sent.body["messages"][1], json!({"role": "user", "content": "Say hello"}));
}

#[tokio::test]
async fn openai_accumulates_tool_call_pieces_by_index() {
    let server = ScriptedLlm::start().await;
    server.push(stream_of(script::openai_tool_call(
        "scripted-small",
        "call_1",
        "add_task",
        &["{\"ti", "tle\": \"Buy ", "milk\"}"],
    )));
    let mut request = request();
    request.tools.push(ToolSpec {
        name: "add_task".into(),
        description: "Adds a task".into(),
        parameters: json!({"type": "object", "properties": {"title": {"type": "string"}}}),
    });
    let events = collect(&openai(&server), request).await;
    let deltas: String = events
        .iter()
        .filter_map(|event| match event {
            ProviderEvent::ToolCallDelta { index: 0, arguments_delta, .. } => Some(arguments_delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(deltas, "{\"title\": \"Buy milk\"}");
    assert!(events.contains(&ProviderEvent::ToolCall {
        call: ToolCall { id: "call_1".into(), name: "add_task".into(), arguments: "{\"title\": \"Buy milk\"}".into() }
    }));
    assert_eq!(last(&events), &ProviderEvent::Done { stop_reason: StopReason::ToolUse });
    assert_eq!(server.requests()[0].body["tools"][0]["function"]["name"], json!("add_task"));
}

#[tokio::test]
async fn openai_two_parallel_tool_calls_stay_apart() {
    let server = ScriptedLlm::start().await;
    let chunk = |delta: serde_json::Value, finish: Option<&str>| {
        format!("data: {}\n\n", json!({"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}))
    };
    server.push(stream_of(vec![
        chunk(
            json!({"tool_calls": [{"index": 0, "id": "a", "function": {"name": "one", "arguments": "{\"x\""}}]}),
            None,
        ),
        chunk(json!({"tool_calls": [{"index": 1, "id": "b", "function": {"name": "two", "arguments": "{}"}}]}), None),
        chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": ": 1}"}}]}), None),
        chunk(json!({}), Some("tool_calls")),
        script::OPENAI_DONE.to_owned(),
    ]));
    let events = collect(&openai(&server), request()).await;
    let calls: Vec<&ToolCall> = events
        .iter()
        .filter_map(|event| match event {
            ProviderEvent::ToolCall { call } => Some(call),
            _ => None,
        })
        .collect();
    assert_eq!(calls.len(), 2);
    assert_eq!((calls[0].name.as_str(), calls[0].arguments.as_str()), ("one", "{\"x\": 1}"));
    assert_eq!((calls[1].name.as_str(), calls[1].arguments.as_str()), ("two", "{}"));
}

#[tokio::test]
async fn a_utf8_character_split_across_chunks_arrives_whole() {
    let server = ScriptedLlm::start().await;
    let frames = script::openai_text("scripted-small", &["Grüße ", "🌍", " done"]);
    let all = bytes_of(&frames);
    let globe = all.windows(4).position(|window| window == "🌍".as_bytes()).expect("the emoji is in the stream");
    let u_umlaut = all.windows(2).position(|window| window == "ü".as_bytes()).expect("ü is in the stream");
    server.push(Reply::Stream(script::split_bytes(all, &[u_umlaut + 1, globe + 1, globe + 3])));
    let events = collect(&openai(&server), request()).await;
    assert_eq!(text_of(&events), "Grüße 🌍 done");
}

#[tokio::test]
async fn events_split_across_reads_arrive_whole() {
    let server = ScriptedLlm::start().await;
    let frames = script::anthropic_text("scripted-small", &["one ", "two ", "three"]);
    server.push(Reply::Stream(script::split_every(bytes_of(&frames), 7)));
    let events = collect(&anthropic(&server), request()).await;
    assert_eq!(text_of(&events), "one two three");
    assert_eq!(last(&events), &ProviderEvent::Done { stop_reason: StopReason::EndTurn });
}

#[tokio::test]
async fn a_lenient_compatible_server_that_omits_fields_still_works() {
    let server = ScriptedLlm::start().await;
    // No id, no model, no index, no usage, no role, and no [DONE]: only a finish reason.
    server.push(stream_of(vec![
        "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n".into(),
        "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n\n".into(),
    ]));
    let events = collect(&openai(&server), request()).await;
    assert_eq!(text_of(&events), "Hi");
    assert_eq!(last(&events), &ProviderEvent::Done { stop_reason: StopReason::MaxTokens });
}

#[tokio::test]
async fn openai_error_event_after_tokens_is_not_retried() {
    let server = ScriptedLlm::start().await;
    let mut frames = script::openai_text("scripted-small", &["Part"]);
    frames.truncate(2);
    frames.push(script::openai_error_event("The server had an error"));
    server.push(stream_of(frames));
    let events = collect(&openai(&server), request()).await;
    assert_eq!(text_of(&events), "Part");
    assert_eq!(error_kind(&events), ProviderErrorKind::Unavailable);
    assert_eq!(server.requests().len(), 1, "never retried once text reached the user");
}

#[tokio::test]
async fn garbage_in_the_stream_is_malformed() {
    let server = ScriptedLlm::start().await;
    server.push(stream_of(vec!["data: this is not json\n\n".into()]));
    assert_eq!(error_kind(&collect(&openai(&server), request()).await), ProviderErrorKind::Malformed);
}

#[tokio::test]
async fn a_stream_ending_without_finishing_is_malformed() {
    let server = ScriptedLlm::start().await;
    let mut frames = script::openai_text("scripted-small", &["Half"]);
    frames.truncate(2);
    server.push(stream_of(frames));
    let events = collect(&openai(&server), request()).await;
    assert_eq!(text_of(&events), "Half");
    assert_eq!(error_kind(&events), ProviderErrorKind::Malformed);
}

// ---- Anthropic format ----

#[tokio::test]
async fn anthropic_streams_text_with_cumulative_usage() {
    let server = ScriptedLlm::start().await;
    server.push(stream_of(script::anthropic_text("scripted-small", &["Bon", "jour"])));
    let events = collect(&anthropic(&server), request()).await;
    assert_eq!(text_of(&events), "Bonjour");
    let usages: Vec<Usage> = events
        .iter()
        .filter_map(|event| match event {
            ProviderEvent::Usage { usage } => Some(*usage),
            _ => None,
        })
        .collect();
    assert_eq!(usages.first(), Some(&Usage { input_tokens: 12, output_tokens: 1 }));
    assert_eq!(usages.last(), Some(&Usage { input_tokens: 12, output_tokens: 2 }), "input kept, output updated");
    assert_eq!(last(&events), &ProviderEvent::Done { stop_reason: StopReason::EndTurn });

    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/messages");
    assert_eq!(sent.header("x-api-key"), Some(KEY));
    assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(sent.body["system"], json!("You are terse."));
    assert_eq!(sent.body["max_tokens"], json!(100));
    assert_eq!(sent.body["messages"], json!([{"role": "user", "content": "Say hello"}]));
}

#[tokio::test]
async fn anthropic_accumulates_input_json_deltas() {
    let server = ScriptedLlm::start().await;
    server.push(stream_of(script::anthropic_tool_use(
        "scripted-small",
        "toolu_1",
        "add_task",
        &["{\"title\":", " \"Call", " mum\"}"],
    )));
    let events = collect(&anthropic(&server), request()).await;
    assert_eq!(text_of(&events), script::TOOL_USE_PREAMBLE);
    assert!(events.contains(&ProviderEvent::ToolCall {
        call: ToolCall { id: "toolu_1".into(), name: "add_task".into(), arguments: "{\"title\": \"Call mum\"}".into() }
    }));
    assert_eq!(last(&events), &ProviderEvent::Done { stop_reason: StopReason::ToolUse });
}

#[tokio::test]
async fn anthropic_sends_tool_history_as_blocks() {
    let server = ScriptedLlm::start().await;
    let mut request = request();
    let call = ToolCall { id: "toolu_9".into(), name: "list_tasks".into(), arguments: "{\"view\":\"today\"}".into() };
    request.messages.push(ChatMessage { tool_calls: vec![call], ..ChatMessage::new(Role::Assistant, "") });
    request.messages.push(ChatMessage { tool_call_id: Some("toolu_9".into()), ..ChatMessage::new(Role::Tool, "[]") });
    let events = collect(&anthropic(&server), request).await;
    assert!(matches!(last(&events), ProviderEvent::Done { .. }));
    let messages = &server.requests()[0].body["messages"];
    assert_eq!(
        messages[1]["content"][0],
        json!({"type": "tool_use", "id": "toolu_9", "name": "list_tasks", "input": {"view": "today"}})
    );
    assert_eq!(messages[2]["content"][0]["type"], json!("tool_result"));
    assert_eq!(messages[2]["content"][0]["tool_use_id"], json!("toolu_9"));
}

#[tokio::test]
async fn anthropic_overloaded_event_before_tokens_is_retried() {
    let server = ScriptedLlm::start().await;
    let mut failing = script::anthropic_text("scripted-small", &["never"]);
    failing.truncate(1); // message_start only
    failing.push(script::anthropic_error("overloaded_error", "Overloaded"));
    server.push(stream_of(failing));
    server.push(stream_of(script::anthropic_text("scripted-small", &["Second try"])));
    let events = collect(&anthropic(&server), request()).await;
    assert_eq!(text_of(&events), "Second try");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn anthropic_error_event_after_tokens_ends_the_answer() {
    let server = ScriptedLlm::start().await;
    let mut frames = script::anthropic_text("scripted-small", &["Some", "thing"]);
    frames.truncate(4); // message_start, block start, ping, one delta
    frames.push(script::anthropic_error("overloaded_error", "Overloaded"));
    server.push(stream_of(frames));
    let events = collect(&anthropic(&server), request()).await;
    assert_eq!(text_of(&events), "Some");
    assert_eq!(error_kind(&events), ProviderErrorKind::Unavailable);
    assert_eq!(server.requests().len(), 1);
}

// ---- HTTP failures, both formats ----

/// The same reply (queued for every retry) to each format, each on its own server.
async fn both(reply: impl Fn() -> Reply) -> [Vec<ProviderEvent>; 2] {
    let attempts = limits().max_retries + 1;
    let server = ScriptedLlm::start().await;
    (0..attempts).for_each(|_| server.push(reply()));
    let first = collect(&openai(&server), request()).await;
    let server = ScriptedLlm::start().await;
    (0..attempts).for_each(|_| server.push(reply()));
    let second = collect(&anthropic(&server), request()).await;
    [first, second]
}

#[tokio::test]
async fn unauthorised_is_auth_and_not_retried() {
    let server = ScriptedLlm::start().await;
    server.require_key(Some("another-key".into()));
    for provider in [&openai(&server) as &dyn Provider, &anthropic(&server)] {
        let events = collect(provider, request()).await;
        assert_eq!(error_kind(&events), ProviderErrorKind::Auth);
        let ProviderEvent::Error { error } = last(&events) else { unreachable!() };
        assert!(error.message.contains("did not accept the API key"), "{}", error.message);
        assert!(!error.message.contains(KEY), "the key never appears in an error");
    }
    assert_eq!(server.requests().len(), 2, "one request each, no retries");
}

#[tokio::test]
async fn rate_limits_are_retried_after_retry_after() {
    let server = ScriptedLlm::start().await;
    server.push(Reply::Status {
        status: 429,
        headers: vec![("retry-after".into(), "0".into()), ("content-type".into(), "application/json".into())],
        body: json!({"error": {"message": "Slow down", "type": "rate_limit_error"}}).to_string(),
    });
    server.push(stream_of(script::openai_text("scripted-small", &["ok"])));
    let events = collect(&openai(&server), request()).await;
    assert_eq!(text_of(&events), "ok");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_long_retry_after_is_reported_not_waited_for() {
    let [openai_events, anthropic_events] = both(|| Reply::Status {
        status: 429,
        headers: vec![("retry-after".into(), "3600".into())],
        body: String::new(),
    })
    .await;
    for events in [openai_events, anthropic_events] {
        let ProviderEvent::Error { error } = last(&events) else { panic!("an error: {events:?}") };
        assert_eq!(error.kind, ProviderErrorKind::RateLimited);
        assert_eq!(error.retry_after_secs, Some(3600));
        assert_eq!(events.len(), 1);
    }
}

#[tokio::test]
async fn server_errors_are_retried_a_bounded_number_of_times() {
    let server = ScriptedLlm::start().await;
    for _ in 0..3 {
        server.push(Reply::json(503, json!({"error": {"message": "busy"}})));
    }
    let events = collect(&openai(&server), request()).await;
    assert_eq!(error_kind(&events), ProviderErrorKind::Unavailable);
    assert_eq!(server.requests().len(), 3, "the first try and two retries");

    server.push(Reply::json(
        529,
        json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
    ));
    server.push(stream_of(script::anthropic_text("scripted-small", &["fine"])));
    let events = collect(&anthropic(&server), request()).await;
    assert_eq!(text_of(&events), "fine");
}

#[tokio::test]
async fn an_html_error_page_is_classified_by_status() {
    let page = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>";
    let [openai_events, anthropic_events] = both(|| Reply::Status {
        status: 502,
        headers: vec![("content-type".into(), "text/html".into())],
        body: page.into(),
    })
    .await;
    for events in [&openai_events, &anthropic_events] {
        assert_eq!(error_kind(events), ProviderErrorKind::Unavailable);
    }
    let ProviderEvent::Error { error } = last(&openai_events) else { unreachable!() };
    assert!(error.message.contains("web page"), "{}", error.message);
}

#[tokio::test]
async fn a_web_page_with_status_200_is_malformed() {
    let [openai_events, anthropic_events] = both(|| Reply::Status {
        status: 200,
        headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
        body: "<html><body>Welcome to the hotel wifi</body></html>".into(),
    })
    .await;
    assert_eq!(error_kind(&openai_events), ProviderErrorKind::Malformed);
    assert_eq!(error_kind(&anthropic_events), ProviderErrorKind::Malformed);
}

#[tokio::test]
async fn unknown_model_and_context_too_long_are_told_apart() {
    let server = ScriptedLlm::start().await;
    server.push(Reply::json(
        404,
        json!({"error": {"message": "The model `nope` does not exist", "code": "model_not_found"}}),
    ));
    let events = collect(&openai(&server), request()).await;
    assert_eq!(error_kind(&events), ProviderErrorKind::Rejected);
    let ProviderEvent::Error { error } = last(&events) else { unreachable!() };
    assert!(error.message.contains("does not exist"), "the server's words are kept: {}", error.message);

    server.push(Reply::json(
        400,
        json!({"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long: 210000 tokens > 200000 maximum"}}),
    ));
    assert_eq!(error_kind(&collect(&anthropic(&server), request()).await), ProviderErrorKind::ContextTooLong);
}

#[tokio::test]
async fn a_connection_cut_mid_answer_keeps_the_text_and_is_not_retried() {
    let [openai_events, anthropic_events] = both(|| {
        let frames = script::openai_text("scripted-small", &["Cut ", "here"]);
        let mut steps = script::frames_as_steps(&frames[..2]);
        steps.push(Step::Disconnect);
        Reply::Stream(steps)
    })
    .await;
    assert_eq!(text_of(&openai_events), "Cut ");
    assert_eq!(error_kind(&openai_events), ProviderErrorKind::Unreachable);
    // The Anthropic client got OpenAI frames cut short: unreadable, then cut.
    assert!(matches!(last(&anthropic_events), ProviderEvent::Error { .. }));
}

#[tokio::test]
async fn an_unreachable_server_is_unreachable() {
    let server = ScriptedLlm::start().await;
    let base = server.base_url();
    server.shutdown().await;
    let provider = OpenAi::new(Http::new(limits()), "Gone".into(), &base, None, false);
    let events = collect(&provider, request()).await;
    assert_eq!(error_kind(&events), ProviderErrorKind::Unreachable);
    let ProviderEvent::Error { error } = last(&events) else { unreachable!() };
    assert!(error.message.contains("Could not connect to Gone"), "{}", error.message);
}

// ---- time limits and cancellation ----

#[tokio::test]
async fn a_stream_that_never_ends_times_out() {
    let [openai_events, anthropic_events] = both(|| {
        let mut steps = script::frames_as_steps(&script::anthropic_text("scripted-small", &["stuck"])[..4]);
        steps.push(Step::Hang);
        Reply::Stream(steps)
    })
    .await;
    assert_eq!(error_kind(&anthropic_events), ProviderErrorKind::Timeout);
    // OpenAI's decoder cannot read Anthropic frames: the first is already malformed.
    assert!(matches!(last(&openai_events), ProviderEvent::Error { .. }));
}

#[tokio::test]
async fn no_first_byte_times_out() {
    let server = ScriptedLlm::start().await;
    server.push(Reply::Stream(vec![Step::Hang]));
    let events = collect(&openai(&server), request()).await;
    let ProviderEvent::Error { error } = last(&events) else { panic!("an error: {events:?}") };
    assert_eq!(error.kind, ProviderErrorKind::Timeout);
    assert!(error.message.contains("no answer started"), "{}", error.message);
}

#[tokio::test]
async fn dropping_the_stream_closes_the_connection_at_once() {
    let server = ScriptedLlm::start().await;
    let mut steps = script::frames_as_steps(&script::openai_text("scripted-small", &["a", "b"])[..2]);
    steps.push(Step::Delay(Duration::from_secs(30)));
    steps.extend(script::frames_as_steps(&script::openai_text("scripted-small", &["late"])[1..]));
    server.push(Reply::Stream(steps));
    let provider = openai(&server);
    let mut stream = provider.stream(request());
    let first = stream.next().await.expect("a first event");
    assert_eq!(first, ProviderEvent::TextDelta { text: "a".into() });
    drop(stream);
    assert!(
        server.wait_for_disconnects(1, Duration::from_secs(2)).await,
        "the server saw the client go away while it was waiting to send more"
    );
}

#[tokio::test]
async fn models_are_listed_sorted_in_both_formats() {
    let server = ScriptedLlm::start().await;
    server.set_models(vec!["zeta".into(), "alpha".into()]);
    let names =
        |models: Vec<kickstart_core::providers::ModelInfo>| models.into_iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(names(openai(&server).list_models().await.expect("models")), ["alpha", "zeta"]);
    assert_eq!(names(anthropic(&server).list_models().await.expect("models")), ["alpha", "zeta"]);
    let anthropic_request = server.requests().into_iter().last().expect("a request");
    assert_eq!(anthropic_request.header("x-api-key"), Some(KEY));

    server.require_key(Some("other".into()));
    let error = openai(&server).list_models().await.expect_err("a refused key");
    assert_eq!(error.kind, ProviderErrorKind::Auth);
}
