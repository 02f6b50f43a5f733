//! The streaming provider layer against a raw reqwest read of the same stream: a 10 000-token
//! answer from the scripted LLM server at full speed (no delays), in one run.
//!
//! - throughput: the whole answer read raw (bytes only) vs through our layer (SSE parsing, JSON
//!   decoding, provider events) — the ratio raw/layer is what the layer keeps of the raw speed;
//! - time to first token: request sent → first body bytes (raw) vs → first `TextDelta` (layer).
//!
//! The server runs on its own runtime thread, the client on another, as a remote provider would
//! (on this 2-core machine one core each). Criterion measures each way; the closing summary
//! interleaves both ways 40 times and compares medians, so both see the same machine state.
//! Run with `make bench`.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use futures_util::StreamExt;
use kickstart_core::providers::{
    Anthropic, ChatMessage, ChatRequest, Http, OpenAi, Provider, ProviderEvent, ProviderLimits, Role,
};
use kickstart_testkit::llm_server::ScriptedLlm;
use serde_json::json;

const TOKENS: usize = 10_000;

fn request() -> ChatRequest {
    ChatRequest {
        model: "scripted-small".into(),
        messages: vec![ChatMessage::new(Role::User, "Write a long answer")],
        ..ChatRequest::default()
    }
}

/// Reads the whole answer through the layer; returns (time to first text, total time, text bytes).
async fn through_layer(provider: &dyn Provider) -> (Duration, Duration, usize) {
    let started = Instant::now();
    let mut first = None;
    let mut bytes = 0;
    let mut stream = provider.stream(request());
    while let Some(event) = stream.next().await {
        match event {
            ProviderEvent::TextDelta { text } => {
                first.get_or_insert_with(|| started.elapsed());
                bytes += text.len();
            }
            ProviderEvent::Error { error } => panic!("the benchmark stream failed: {error}"),
            _ => {}
        }
    }
    (first.unwrap_or_default(), started.elapsed(), bytes)
}

/// Reads the same answer as raw bytes with reqwest; returns (time to first bytes, total time, bytes).
async fn raw(client: &reqwest::Client, url: &str) -> (Duration, Duration, usize) {
    let started = Instant::now();
    let body = json!({ "model": "scripted-small", "stream": true, "messages": [{ "role": "user", "content": "Write a long answer" }] });
    let response = client.post(url).json(&body).send().await.expect("the server answers");
    let mut first = None;
    let mut bytes = 0;
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        first.get_or_insert_with(|| started.elapsed());
        bytes += chunk.expect("a chunk").len();
    }
    (first.unwrap_or_default(), started.elapsed(), bytes)
}

const PAIRS: usize = 60;

fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn provider_stream(c: &mut Criterion) {
    // The server gets its own runtime (its own thread), as a remote provider has its own machine:
    // the client side — raw or our layer — is measured keeping up with it, not sharing its thread.
    let server_runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let server = server_runtime.block_on(ScriptedLlm::start());
    server.set_default_answer(vec!["tok ".to_owned(); TOKENS], Duration::ZERO);
    let http = Http::new(ProviderLimits::default());
    let openai = OpenAi::new(http.clone(), "Bench".into(), &server.base_url(), None, false);
    let anthropic = Anthropic::new(http, "Bench".into(), &server.base_url(), None);
    let client = kickstart_core::http_client().build().expect("an HTTP client");
    let openai_url = format!("{}/chat/completions", server.base_url());
    let anthropic_url = format!("{}/messages", server.base_url());

    // The layer must deliver the whole answer.
    let (_, _, text) = runtime.block_on(through_layer(&openai));
    assert_eq!(text, TOKENS * 4, "every token arrived");

    let mut group = c.benchmark_group("stream_10k_tokens");
    group.sample_size(10).measurement_time(Duration::from_secs(4));
    group.bench_function("raw_reqwest_openai_format", |b| b.to_async(&runtime).iter(|| raw(&client, &openai_url)));
    group.bench_function("layer_openai", |b| b.to_async(&runtime).iter(|| through_layer(&openai)));
    group
        .bench_function("raw_reqwest_anthropic_format", |b| b.to_async(&runtime).iter(|| raw(&client, &anthropic_url)));
    group.bench_function("layer_anthropic", |b| b.to_async(&runtime).iter(|| through_layer(&anthropic)));
    group.finish();

    for (format, url, provider) in
        [("OpenAI", &openai_url, &openai as &dyn Provider), ("Anthropic", &anthropic_url, &anthropic)]
    {
        // Pairs, raw then layer back to back: the median of the pairs' ratios and differences
        // cancels the drift of a shared 2-core machine better than a ratio of two medians.
        let (mut ratios, mut added, mut raw_totals, mut layer_totals) = (vec![], vec![], vec![], vec![]);
        for _ in 0..PAIRS {
            let (raw_first, raw_total, _) = runtime.block_on(raw(&client, url));
            let (layer_first, layer_total, _) = runtime.block_on(through_layer(provider));
            ratios.push(raw_total.as_secs_f64() / layer_total.as_secs_f64());
            added.push((layer_first.as_secs_f64() - raw_first.as_secs_f64()) * 1e6);
            raw_totals.push(raw_total);
            layer_totals.push(layer_total);
        }
        println!(
            "{format} format, {TOKENS} tokens, {PAIRS} pairs: raw {:.1} ms, layer {:.1} ms (medians); \
             throughput ratio raw/layer {:.3} (median of pairs); added time to first token {:.0} µs",
            median(raw_totals).as_secs_f64() * 1e3,
            median(layer_totals).as_secs_f64() * 1e3,
            median_f64(ratios),
            median_f64(added),
        );
    }
}

criterion_group!(benches, provider_stream);
criterion_main!(benches);
