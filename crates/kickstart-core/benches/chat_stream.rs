//! The chat loop against the provider layer alone: a 5 000-token answer from the scripted LLM
//! server at full speed, read (a) straight from the provider and (b) through `chat().send` —
//! the committed message, the answer's state machine, the writer task saving snapshots every
//! 250 ms, the final transaction and every event handed to a sink. The ratio says how much of
//! the stream's speed the chat loop keeps: the persistence must not slow it down.
//!
//! The server runs on its own runtime thread, the client on another. Pairs run back to back and
//! the medians of their ratios are reported, as in `provider_stream`. Run with `make bench`.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use futures_util::StreamExt;
use kickstart_core::chat::{ChatEvent, ChatSink, ListenerGone, SendInput};
use kickstart_core::providers::{ChatMessage, ChatRequest, NewConnection, ProviderEvent, ProviderKind, Role};
use kickstart_core::threads::MessageStatus;
use kickstart_testkit::llm_server::ScriptedLlm;
use kickstart_testkit::TestCore;

const TOKENS: usize = 5_000;
const PAIRS: usize = 40;

/// Counts what the UI would receive.
struct Counter(std::sync::atomic::AtomicUsize);

impl ChatSink for Counter {
    fn send(&self, event: ChatEvent) -> Result<(), ListenerGone> {
        if let ChatEvent::Delta { text } = event {
            self.0.fetch_add(text.len(), std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    }
}

fn chat_stream(c: &mut Criterion) {
    let server_runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let server = server_runtime.block_on(ScriptedLlm::start());
    server.set_default_answer(vec!["tok ".to_owned(); TOKENS], Duration::ZERO);
    let t = runtime.block_on(TestCore::new());
    runtime.block_on(t.register("bench"));
    let session = t.core.auth().session().expect("session");
    let connection = runtime
        .block_on(t.core.providers().create(
            &session,
            NewConnection {
                kind: ProviderKind::OpenaiCompatible,
                name: "Bench".into(),
                base_url: server.base_url(),
                default_model: Some("scripted-small".into()),
                api_key: None,
                make_default: true,
            },
        ))
        .expect("connection");
    let provider = runtime.block_on(t.core.providers().client(&session, &connection.id)).expect("client");

    let provider_only = || async {
        let started = Instant::now();
        let request = ChatRequest {
            model: "scripted-small".into(),
            messages: vec![ChatMessage::new(Role::User, "Stream, please.")],
            ..ChatRequest::default()
        };
        let mut stream = provider.stream(request);
        let mut bytes = 0;
        while let Some(event) = stream.next().await {
            if let ProviderEvent::TextDelta { text } = event {
                bytes += text.len();
            }
        }
        assert_eq!(bytes, TOKENS * 4);
        started.elapsed()
    };
    // Each answer in a new thread, as the app benchmark does.
    let through_chat = || async {
        let started = Instant::now();
        let sink = Counter(0.into());
        let input = SendInput { thread_id: None, agent_id: None, text: "Stream, please.".into() };
        let outcome = t.core.chat().send(&session, "bench", input, &sink).await.expect("answered");
        assert_eq!(outcome.answer.status, MessageStatus::Complete);
        assert_eq!(outcome.answer.content.len(), TOKENS * 4, "every token saved");
        started.elapsed()
    };

    let mut group = c.benchmark_group("answer_5k_tokens");
    group.sample_size(10).measurement_time(Duration::from_secs(4));
    group.bench_function("provider_only", |b| b.to_async(&runtime).iter(provider_only));
    group.bench_function("chat_send_with_persistence", |b| b.to_async(&runtime).iter(through_chat));
    group.finish();

    let (mut ratios, mut provider_times, mut chat_times) = (vec![], vec![], vec![]);
    for _ in 0..PAIRS {
        let provider_time = runtime.block_on(provider_only());
        let chat_time = runtime.block_on(through_chat());
        ratios.push(provider_time.as_secs_f64() / chat_time.as_secs_f64());
        provider_times.push(provider_time);
        chat_times.push(chat_time);
    }
    ratios.sort_by(f64::total_cmp);
    provider_times.sort();
    chat_times.sort();
    println!(
        "{TOKENS} tokens, {PAIRS} pairs: provider only {:.1} ms, chat send {:.1} ms (medians); \
         speed kept by the chat loop {:.3} (median of pair ratios)",
        provider_times[PAIRS / 2].as_secs_f64() * 1e3,
        chat_times[PAIRS / 2].as_secs_f64() * 1e3,
        ratios[PAIRS / 2],
    );
}

criterion_group!(benches, chat_stream);
criterion_main!(benches);
