//! Tests of the scripted LLM server itself, through plain reqwest: if these hold, provider tests
//! built on it test the provider, not the server.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use kickstart_testkit::llm_server::{script, Reply, ScriptedLlm, Step, DEFAULT_PIECES, DEFAULT_TEXT};
use serde_json::{json, Value};

/// No proxy: a proxy from the environment must never see requests meant for 127.0.0.1.
fn client() -> reqwest::Client {
    kickstart_core::http_client().no_proxy().build().expect("a reqwest client")
}

async fn post(llm: &ScriptedLlm, path: &str, body: Value) -> reqwest::Response {
    client().post(format!("{}{path}", llm.base_url())).json(&body).send().await.expect("the request is answered")
}

async fn text(response: reqwest::Response) -> String {
    response.text().await.expect("the body is read to its end")
}

/// The JSON of every `data:` line that is not `[DONE]`.
fn data_lines(body: &str) -> Vec<Value> {
    body.lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .filter(|data| *data != "[DONE]")
        .map(|data| serde_json::from_str(data).expect("each data line is JSON"))
        .collect()
}

fn event_names(body: &str) -> Vec<&str> {
    body.lines().filter_map(|line| line.strip_prefix("event: ")).collect()
}

fn openai_content(body: &str) -> String {
    data_lines(body)
        .iter()
        .filter_map(|chunk| chunk["choices"][0]["delta"]["content"].as_str().map(str::to_owned))
        .collect()
}

fn anthropic_content(body: &str) -> String {
    data_lines(body)
        .iter()
        .filter(|event| event["delta"]["type"] == "text_delta")
        .filter_map(|event| event["delta"]["text"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn default_answer_streams_in_the_openai_format() {
    let llm = ScriptedLlm::start().await;
    let response = post(&llm, "/chat/completions", json!({ "model": "gpt-x", "stream": true })).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let body = text(response).await;
    assert_eq!(body, script::openai_text("gpt-x", DEFAULT_PIECES).concat());
    assert_eq!(openai_content(&body), DEFAULT_TEXT);
    assert!(body.ends_with("data: [DONE]\n\n"));
    let chunks = data_lines(&body);
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(chunks[chunks.len() - 2]["choices"][0]["finish_reason"], "stop");
    let usage = &chunks[chunks.len() - 1];
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(usage["usage"], json!({ "prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17 }));
    assert_eq!(llm.disconnects(), 0);
}

#[tokio::test]
async fn default_answer_without_stream_is_an_openai_completion() {
    let llm = ScriptedLlm::start().await;
    for body in [json!({ "model": "gpt-x" }), json!({ "model": "gpt-x", "stream": false })] {
        let response = post(&llm, "/chat/completions", body).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/json");
        let completion: Value = response.json().await.expect("a JSON completion");
        assert_eq!(completion["object"], "chat.completion");
        assert_eq!(completion["model"], "gpt-x");
        assert_eq!(completion["choices"][0]["message"]["content"], DEFAULT_TEXT);
        assert_eq!(completion["choices"][0]["finish_reason"], "stop");
        assert_eq!(completion["usage"]["completion_tokens"], 5);
    }
}

#[tokio::test]
async fn default_answer_streams_in_the_anthropic_format() {
    let llm = ScriptedLlm::start().await;
    let response = post(&llm, "/messages", json!({ "model": "claude-x", "stream": true })).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let body = text(response).await;
    assert_eq!(body, script::anthropic_text("claude-x", DEFAULT_PIECES).concat());
    assert_eq!(anthropic_content(&body), DEFAULT_TEXT);
    let mut expected = vec!["message_start", "content_block_start", "ping"];
    expected.extend(["content_block_delta"; 5]);
    expected.extend(["content_block_stop", "message_delta", "message_stop"]);
    assert_eq!(event_names(&body), expected);
    let events = data_lines(&body);
    assert_eq!(events[0]["message"]["usage"], json!({ "input_tokens": 12, "output_tokens": 1 }));
    assert_eq!(events[events.len() - 2]["delta"]["stop_reason"], "end_turn");
    assert_eq!(events[events.len() - 2]["usage"]["output_tokens"], 5);
}

#[tokio::test]
async fn default_answer_without_stream_is_an_anthropic_message() {
    let llm = ScriptedLlm::start().await;
    let response = post(&llm, "/messages", json!({ "model": "claude-x", "stream": false })).await;
    assert_eq!(response.status(), 200);
    let message: Value = response.json().await.expect("a JSON message");
    assert_eq!(message["type"], "message");
    assert_eq!(message["model"], "claude-x");
    assert_eq!(message["content"], json!([{ "type": "text", "text": DEFAULT_TEXT }]));
    assert_eq!(message["stop_reason"], "end_turn");
    assert_eq!(message["usage"], json!({ "input_tokens": 12, "output_tokens": 5 }));
}

#[tokio::test]
async fn pushed_replies_are_served_in_order_from_one_queue_then_the_default() {
    let llm = ScriptedLlm::start().await;
    llm.push(Reply::Status { status: 201, headers: vec![], body: "first".into() });
    llm.push(Reply::Stream(script::frames_as_steps(["data: second\n\n"])));
    llm.push(Reply::Status { status: 202, headers: vec![], body: "third".into() });

    let first = post(&llm, "/chat/completions", json!({ "stream": true })).await;
    assert_eq!((first.status().as_u16(), text(first).await), (201, "first".to_owned()));
    // The queue is shared: an Anthropic request takes the next reply whatever its format.
    let second = post(&llm, "/messages", json!({ "stream": true })).await;
    assert_eq!((second.status().as_u16(), text(second).await), (200, "data: second\n\n".to_owned()));
    let third = post(&llm, "/chat/completions", json!({})).await;
    assert_eq!((third.status().as_u16(), text(third).await), (202, "third".to_owned()));
    let fourth = post(&llm, "/chat/completions", json!({ "stream": true })).await;
    assert_eq!(openai_content(&text(fourth).await), DEFAULT_TEXT);
}

#[tokio::test]
async fn status_replies_carry_their_headers_and_body() {
    let llm = ScriptedLlm::start().await;
    llm.push(Reply::Status {
        status: 429,
        headers: vec![("retry-after".into(), "7".into()), ("content-type".into(), "application/json".into())],
        body: r#"{"error":{"message":"slow down","type":"rate_limit_error"}}"#.into(),
    });
    llm.push(Reply::Status {
        status: 502,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: "<html><body>Bad gateway</body></html>".into(),
    });
    llm.push(Reply::json(400, json!({ "error": { "message": "model not found" } })));

    let limited = post(&llm, "/chat/completions", json!({ "stream": true })).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "7");
    assert_eq!(limited.headers()["content-type"], "application/json");
    let error: Value = limited.json().await.expect("the JSON error body");
    assert_eq!(error["error"]["message"], "slow down");

    let gateway = post(&llm, "/messages", json!({ "stream": true })).await;
    assert_eq!(gateway.status(), 502);
    assert_eq!(gateway.headers()["content-type"], "text/html");
    assert_eq!(text(gateway).await, "<html><body>Bad gateway</body></html>");

    let missing = post(&llm, "/chat/completions", json!({})).await;
    assert_eq!(missing.status(), 400);
    assert_eq!(missing.headers()["content-type"], "application/json");
    assert_eq!(text(missing).await, r#"{"error":{"message":"model not found"}}"#);
}

#[test]
#[should_panic(expected = "invalid header name")]
fn an_invalid_header_fails_at_push() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let llm = ScriptedLlm::start().await;
        llm.push(Reply::Status { status: 200, headers: vec![("bad header".into(), "x".into())], body: String::new() });
    });
}

/// Reads a streamed body and returns its pieces as the client's HTTP layer handed them over.
async fn read_pieces(response: reqwest::Response) -> Vec<Vec<u8>> {
    let mut pieces = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(piece) = stream.next().await {
        pieces.push(piece.expect("the body arrives without error").to_vec());
    }
    pieces
}

/// The offsets at which a sequence of pieces starts a new piece.
fn boundaries(pieces: &[Vec<u8>]) -> Vec<usize> {
    pieces.iter().scan(0, |offset, piece| Some(std::mem::replace(offset, *offset + piece.len()))).skip(1).collect()
}

#[tokio::test]
async fn split_chunks_arrive_whole_and_never_merged() {
    let llm = ScriptedLlm::start().await;
    let all =
        script::openai_text("m", &["h\u{e9}llo", " w\u{f6}rld \u{1f389}", "\"quoted\"\nline"]).concat().into_bytes();
    let emoji = all.windows(4).position(|window| window == "\u{1f389}".as_bytes()).expect("the emoji is in the frames");
    // Cut inside "data:", inside the emoji (after its 1st and 3rd byte) and right after it.
    let cuts = [3, emoji + 1, emoji + 3, emoji + 4, all.len() - 5];
    let steps = script::split_bytes(all.clone(), &cuts);
    assert_eq!(steps.len(), cuts.len() + 1);
    llm.push(Reply::Stream(steps));

    let pieces = read_pieces(post(&llm, "/chat/completions", json!({ "stream": true })).await).await;
    assert_eq!(pieces.concat(), all);
    // The client may see a chunk in several reads, but never two chunks in one read.
    let seen = boundaries(&pieces);
    for cut in cuts {
        assert!(seen.contains(&cut), "a read spans the cut at {cut}: {seen:?}");
    }
}

#[tokio::test]
async fn chunks_separated_by_delays_arrive_as_separate_reads() {
    let llm = ScriptedLlm::start().await;
    let frames = script::anthropic_text("m", &["a", "b"]);
    let mut steps = Vec::new();
    for step in script::frames_as_steps(&frames) {
        steps.push(step);
        steps.push(Step::Delay(Duration::from_millis(5)));
    }
    llm.push(Reply::Stream(steps));

    let pieces = read_pieces(post(&llm, "/messages", json!({ "stream": true })).await).await;
    let frames: Vec<Vec<u8>> = frames.into_iter().map(String::into_bytes).collect();
    assert_eq!(pieces, frames);
}

#[tokio::test]
async fn split_every_cuts_fixed_sizes() {
    let llm = ScriptedLlm::start().await;
    let all = script::anthropic_tool_use("m", "toolu_1", "get_weather", &["{\"city\":", "\"Par", "is\"}"])
        .concat()
        .into_bytes();
    let steps = script::split_every(all.clone(), 7);
    assert_eq!(steps.len(), all.len().div_ceil(7));
    assert!(steps.iter().all(|step| matches!(step, Step::Chunk(bytes) if !bytes.is_empty() && bytes.len() <= 7)));
    llm.push(Reply::Stream(steps));

    let pieces = read_pieces(post(&llm, "/messages", json!({ "stream": true })).await).await;
    assert_eq!(pieces.concat(), all);
    assert!(pieces.iter().all(|piece| piece.len() <= 7));
}

#[tokio::test]
async fn disconnect_gives_the_client_an_error_after_the_earlier_chunks() {
    let llm = ScriptedLlm::start().await;
    let first = script::openai_text("m", &["partial"]);
    llm.push(Reply::Stream(vec![
        Step::Chunk(first[0].clone().into_bytes()),
        Step::Chunk(first[1].clone().into_bytes()),
        Step::Disconnect,
        Step::Chunk(first[2].clone().into_bytes()),
    ]));

    let response = post(&llm, "/chat/completions", json!({ "stream": true })).await;
    assert_eq!(response.status(), 200);
    let mut stream = response.bytes_stream();
    let mut received = Vec::new();
    let mut failed = false;
    while let Some(piece) = stream.next().await {
        match piece {
            Ok(bytes) => received.extend_from_slice(&bytes),
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    assert!(failed, "the body must end with an error, not a clean end");
    assert_eq!(received, [first[0].as_bytes(), first[1].as_bytes()].concat());
    // The server ended it: not a client disconnect.
    assert_eq!(llm.disconnects(), 0);
}

#[tokio::test]
async fn a_client_leaving_a_hanging_stream_counts_as_a_disconnect() {
    let llm = ScriptedLlm::start().await;
    llm.push(Reply::Stream(vec![Step::Chunk(b"data: first\n\n".to_vec()), Step::Hang]));

    let response = post(&llm, "/chat/completions", json!({ "stream": true })).await;
    let mut stream = response.bytes_stream();
    let first = stream.next().await.expect("a first piece").expect("without error");
    assert_eq!(&first[..], b"data: first\n\n");
    assert_eq!(llm.disconnects(), 0);
    drop(stream);

    assert!(llm.wait_for_disconnects(1, Duration::from_secs(5)).await, "the server notices the client leaving");
    assert_eq!(llm.disconnects(), 1);
}

#[tokio::test]
async fn a_client_leaving_during_a_delay_counts_as_a_disconnect() {
    let llm = ScriptedLlm::start().await;
    llm.push(Reply::Stream(vec![
        Step::Chunk(b"data: first\n\n".to_vec()),
        Step::Delay(Duration::from_secs(60)),
        Step::Chunk(b"data: never\n\n".to_vec()),
    ]));

    let response = post(&llm, "/chat/completions", json!({ "stream": true })).await;
    let mut stream = response.bytes_stream();
    stream.next().await.expect("a first piece").expect("without error");
    drop(stream);

    let started = Instant::now();
    assert!(llm.wait_for_disconnects(1, Duration::from_secs(5)).await, "noticed without waiting for the delay");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Not noticed twice, and a stream read to its end is not a disconnect.
    text(post(&llm, "/chat/completions", json!({ "stream": true })).await).await;
    assert!(!llm.wait_for_disconnects(2, Duration::from_millis(200)).await);
    assert_eq!(llm.disconnects(), 1);
}

#[tokio::test]
async fn requests_are_recorded_in_order_on_every_path() {
    let llm = ScriptedLlm::start().await;
    let client = client();
    client
        .post(format!("{}/chat/completions?api-version=1", llm.base_url()))
        .header("X-Custom", "Value")
        .bearer_auth("sk-test")
        .json(&json!({ "model": "gpt-x", "messages": [{ "role": "user", "content": "hi" }] }))
        .send()
        .await
        .expect("answered");
    client.get(format!("{}/models", llm.base_url())).send().await.expect("answered");
    let unknown = client.post(format!("{}/nowhere", llm.url())).body("not json").send().await.expect("answered");
    assert_eq!(unknown.status(), 404);
    let error: Value = unknown.json().await.expect("a JSON 404");
    assert!(error["error"]["message"].is_string());

    let requests = llm.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!((requests[0].method.as_str(), requests[0].path.as_str()), ("POST", "/v1/chat/completions"));
    assert_eq!(requests[0].header("x-custom"), Some("Value"));
    assert_eq!(requests[0].header("authorization"), Some("Bearer sk-test"));
    assert!(requests[0].headers.iter().all(|(name, _)| *name == name.to_lowercase()));
    assert_eq!(requests[0].body["messages"][0]["content"], "hi");
    assert_eq!((requests[1].method.as_str(), requests[1].path.as_str()), ("GET", "/v1/models"));
    assert_eq!(requests[1].body, Value::Null);
    assert_eq!((requests[2].method.as_str(), requests[2].path.as_str()), ("POST", "/nowhere"));
    assert_eq!(requests[2].body, Value::Null);
}

#[tokio::test]
async fn require_key_refuses_wrong_keys_with_each_providers_401() {
    let llm = ScriptedLlm::start().await;
    llm.require_key(Some("sk-right".into()));
    llm.push(Reply::Status { status: 200, headers: vec![], body: "queued".into() });
    let client = client();
    let chat = format!("{}/chat/completions", llm.base_url());
    let messages = format!("{}/messages", llm.base_url());
    let models = format!("{}/models", llm.base_url());

    let missing = client.post(&chat).json(&json!({})).send().await.expect("answered");
    assert_eq!(missing.status(), 401);
    let body: Value = missing.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "invalid_api_key");
    let wrong = client.post(&chat).bearer_auth("sk-wrong").json(&json!({})).send().await.expect("answered");
    assert_eq!(wrong.status(), 401);
    // A refused request does not use up the queued reply.
    let right = client.post(&chat).bearer_auth("sk-right").json(&json!({})).send().await.expect("answered");
    assert_eq!((right.status().as_u16(), text(right).await), (200, "queued".to_owned()));

    // /v1/messages wants x-api-key, not a bearer token.
    let bearer = client.post(&messages).bearer_auth("sk-right").json(&json!({})).send().await.expect("answered");
    assert_eq!(bearer.status(), 401);
    let body: Value = bearer.json().await.expect("JSON");
    assert_eq!(
        body,
        json!({ "type": "error", "error": { "type": "authentication_error", "message": "invalid x-api-key" } })
    );
    let api_key =
        client.post(&messages).header("x-api-key", "sk-right").json(&json!({})).send().await.expect("answered");
    assert_eq!(api_key.status(), 200);

    // /v1/models takes either.
    assert_eq!(client.get(&models).send().await.expect("answered").status(), 401);
    assert_eq!(client.get(&models).bearer_auth("sk-right").send().await.expect("answered").status(), 200);
    assert_eq!(client.get(&models).header("x-api-key", "sk-right").send().await.expect("answered").status(), 200);

    llm.require_key(None);
    assert_eq!(client.post(&chat).json(&json!({})).send().await.expect("answered").status(), 200);
}

#[tokio::test]
async fn models_are_listed_in_both_formats() {
    let llm = ScriptedLlm::start().await;
    let client = client();
    let url = format!("{}/models", llm.base_url());

    let openai: Value = client.get(&url).send().await.expect("answered").json().await.expect("JSON");
    assert_eq!(
        openai,
        json!({ "object": "list", "data": [
            { "id": "scripted-small", "object": "model", "created": 1_700_000_000, "owned_by": "scripted" },
            { "id": "scripted-large", "object": "model", "created": 1_700_000_000, "owned_by": "scripted" },
        ]})
    );

    llm.set_models(vec!["claude-test-1".into()]);
    let anthropic: Value = client
        .get(&url)
        .header("anthropic-version", "2023-06-01")
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(anthropic["has_more"], false);
    assert_eq!(anthropic["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(anthropic["data"][0]["id"], "claude-test-1");
    assert_eq!(anthropic["data"][0]["type"], "model");
    assert_eq!(anthropic["data"][0]["display_name"], "Claude Test 1");
}

#[test]
fn builders_escape_any_text() {
    let tricky = "quote \" backslash \\ newline \n tab \t emoji \u{1f600} </script>";
    for frames in [
        script::openai_text("m", &[tricky]),
        script::openai_tool_call("m", "call_1", "f", &[tricky]),
        script::anthropic_text("m", &[tricky]),
        script::anthropic_tool_use("m", "toolu_1", "f", &[tricky]),
    ] {
        let body = frames.concat();
        // A raw newline inside a piece would split its data line: every event is exactly its lines.
        for frame in &frames {
            assert!(frame.ends_with("\n\n") && !frame[..frame.len() - 2].contains("\n\n"), "{frame:?}");
        }
        let values = data_lines(&body);
        let found = values.iter().any(|value| {
            [
                &value["choices"][0]["delta"]["content"],
                &value["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"],
                &value["delta"]["text"],
                &value["delta"]["partial_json"],
            ]
            .iter()
            .any(|field| field.as_str() == Some(tricky))
        });
        assert!(found, "the piece survives intact in {body}");
    }
    let error = script::anthropic_error("overloaded_error", "busy \"now\"");
    assert_eq!(error.lines().next(), Some("event: error"));
    assert_eq!(data_lines(&error)[0]["error"], json!({ "type": "overloaded_error", "message": "busy \"now\"" }));
    let error = script::openai_error_event("boom");
    assert_eq!(data_lines(&error)[0], json!({ "error": { "message": "boom", "type": "server_error" } }));
}

#[test]
fn tool_call_frames_have_the_documented_shape() {
    let openai = data_lines(&script::openai_tool_call("m", "call_1", "get_weather", &["{\"a\"", ":1}"]).concat());
    assert_eq!(
        openai[0]["choices"][0]["delta"]["tool_calls"][0],
        json!({ "index": 0, "id": "call_1", "type": "function", "function": { "name": "get_weather", "arguments": "" } })
    );
    assert_eq!(
        openai[2]["choices"][0]["delta"]["tool_calls"][0],
        json!({ "index": 0, "function": { "arguments": ":1}" } })
    );
    assert_eq!(openai[3]["choices"][0]["finish_reason"], "tool_calls");
    assert_eq!(openai[4]["usage"]["completion_tokens"], 2);

    let frames = script::anthropic_tool_use("m", "toolu_1", "get_weather", &["{\"a\"", ":1}"]);
    let anthropic = data_lines(&frames.concat());
    assert_eq!(anthropic[3]["delta"], json!({ "type": "text_delta", "text": "Let me check." }));
    assert_eq!(
        anthropic[5],
        json!({ "type": "content_block_start", "index": 1,
                "content_block": { "type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {} } })
    );
    assert_eq!(anthropic[6]["delta"], json!({ "type": "input_json_delta", "partial_json": "{\"a\"" }));
    assert_eq!(anthropic[9]["delta"]["stop_reason"], "tool_use");
}

#[test]
fn split_bytes_skips_empty_cuts() {
    let steps = script::split_bytes(b"abcdef".to_vec(), &[0, 2, 2, 4, 6, 9]);
    assert_eq!(steps, vec![Step::Chunk(b"ab".to_vec()), Step::Chunk(b"cd".to_vec()), Step::Chunk(b"ef".to_vec())]);
}

#[tokio::test]
async fn shutdown_ends_even_a_hanging_stream() {
    let llm = ScriptedLlm::start().await;
    llm.push(Reply::Stream(vec![Step::Chunk(b"data: x\n\n".to_vec()), Step::Hang]));
    let response = post(&llm, "/chat/completions", json!({ "stream": true })).await;
    let mut stream = response.bytes_stream();
    stream.next().await.expect("a first piece").expect("without error");

    let started = Instant::now();
    llm.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(2), "shutdown took {:?}", started.elapsed());
    // The client sees the stream fail, not end cleanly.
    assert!(matches!(stream.next().await, Some(Err(_))));
}

#[tokio::test]
async fn a_long_default_answer_streams_quickly() {
    let llm = ScriptedLlm::start().await;
    llm.set_default_answer(vec!["tok ".to_owned(); 10_000], Duration::ZERO);
    let started = Instant::now();
    let body = text(post(&llm, "/chat/completions", json!({ "stream": true })).await).await;
    let elapsed = started.elapsed();
    assert_eq!(openai_content(&body).len(), 40_000);
    eprintln!("10 000 OpenAI events in {elapsed:?}");
    // Generous for a debug build on a busy 2-core machine; the point is to catch a pathology.
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

#[tokio::test]
async fn the_binary_serves_the_default_answer() {
    use tokio::io::AsyncBufReadExt;

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_kickstart-llm-server"))
        .args(["--port", "0", "--tokens", "3", "--delay-ms", "1"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(10), tokio::io::BufReader::new(stdout).read_line(&mut line))
        .await
        .expect("the binary prints its address in time")
        .expect("stdout is readable");
    let url = line.trim().strip_prefix("listening ").expect("a `listening URL` line").to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let response = client()
        .post(format!("{url}/v1/messages"))
        .json(&json!({ "model": "m", "stream": true }))
        .send()
        .await
        .expect("answered");
    assert_eq!(anthropic_content(&text(response).await), "tok tok tok ");
    child.kill().await.expect("the binary stops");
}
