//! The chat loop against a real SQLite file and the scripted LLM server over real HTTP: send,
//! stream, stop, regenerate, edit, provider errors, context trimming, crash recovery, bad input
//! that writes nothing, and isolation between profiles.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kickstart_core::agents::{AgentInput, AgentVisibility};
use kickstart_core::auth::Session;
use kickstart_core::chat::{ChatError, ChatEvent, ChatSink, ListenerGone, SendInput};
use kickstart_core::providers::{NewConnection, ProviderErrorKind, ProviderKind};
use kickstart_core::threads::{MessageRole, MessageStatus, RunStatus, ThreadPatch, ThreadQuery};
use kickstart_core::{Core, CoreError};
use kickstart_testkit::llm_server::script::{frames_as_steps, openai_text};
use kickstart_testkit::{Reply, ScriptedLlm, Step, TestCore};

/// Collects what a streamed answer sends; can pretend the window closed.
#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<ChatEvent>>,
    gone_after: Option<usize>,
}

impl Recorder {
    fn events(&self) -> Vec<ChatEvent> {
        self.events.lock().expect("events").clone()
    }

    fn text(&self) -> String {
        self.events()
            .iter()
            .filter_map(|e| match e {
                ChatEvent::Delta { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl ChatSink for Recorder {
    fn send(&self, event: ChatEvent) -> Result<(), ListenerGone> {
        let mut events = self.events.lock().expect("events");
        if self.gone_after.is_some_and(|n| events.len() >= n) {
            return Err(ListenerGone);
        }
        events.push(event);
        Ok(())
    }
}

struct Fixture {
    t: TestCore,
    server: ScriptedLlm,
    ada: Session,
}

async fn fixture() -> Fixture {
    let t = TestCore::new().await;
    t.register("ada").await;
    let ada = t.core.auth().session().expect("session");
    let server = ScriptedLlm::start().await;
    connect(&t.core, &ada, &server, "Local").await;
    Fixture { t, server, ada }
}

async fn connect(
    core: &Core,
    session: &Session,
    server: &ScriptedLlm,
    name: &str,
) -> kickstart_core::providers::ProviderConnection {
    kickstart_testkit::connect_scripted(core, session, server, name, false).await
}

fn text_reply(pieces: &[&str]) -> Reply {
    Reply::Stream(frames_as_steps(openai_text("scripted-small", pieces)))
}

/// A reply that sends `pieces` with a pause before each, then ends normally.
fn slow_reply(pieces: &[&str], pause: Duration) -> Reply {
    let frames = openai_text("scripted-small", pieces);
    let mut steps = Vec::new();
    for (i, frame) in frames.into_iter().enumerate() {
        if i > 0 && i <= pieces.len() {
            steps.push(Step::Delay(pause));
        }
        steps.push(Step::Chunk(frame.into_bytes()));
    }
    Reply::Stream(steps)
}

fn new_thread(text: &str) -> SendInput {
    SendInput { thread_id: None, agent_id: None, text: text.into() }
}

async fn message_count(core: &Core) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages").fetch_one(core.db().pool()).await.expect("count")
}

fn agent(name: &str) -> AgentInput {
    AgentInput {
        name: name.into(),
        description: "Writes haiku".into(),
        color: "teal".into(),
        icon: "pen".into(),
        system_prompt: "Answer in haiku.".into(),
        connection_id: None,
        model: None,
        temperature: Some(0.7),
        max_tokens: Some(256),
        context_window: None,
        tools: Vec::new(),
        starters: Vec::new(),
        visibility: AgentVisibility::Private,
    }
}

#[tokio::test]
async fn a_message_streams_its_answer_and_everything_is_recorded() {
    let Fixture { t, server, ada } = fixture().await;
    server.push(text_reply(&["Hello", ", ", "world", "!"]));
    let sink = Recorder::default();

    let outcome = t.core.chat().send(&ada, "req-1", new_thread("Say hello\nplease"), &sink).await.expect("answered");

    assert_eq!(outcome.answer.content, "Hello, world!");
    assert_eq!(outcome.answer.status, MessageStatus::Complete);
    assert_eq!((outcome.answer.tokens_in, outcome.answer.tokens_out), (Some(12), Some(4)));
    assert_eq!(outcome.run.status, RunStatus::Complete);
    assert_eq!(outcome.run.provider_name, "Local");
    assert_eq!(outcome.run.model, "scripted-small");
    assert!(outcome.run.time_to_first_token_ms.is_some() && outcome.run.duration_ms.is_some());
    assert!(!outcome.run.correlation_id.is_empty());
    assert_eq!(sink.text(), "Hello, world!");
    let events = sink.events();
    let Some(ChatEvent::Started { thread, user_message, answer, .. }) = events.first() else {
        panic!("the first event is Started: {events:?}")
    };
    assert_eq!(thread.title, "Say hello", "titled from the first line");
    assert_eq!(thread.agent_name, "Task assistant", "a new thread without an agent goes to the Task assistant");
    assert_eq!(user_message.as_ref().map(|m| m.content.as_str()), Some("Say hello\nplease"));
    assert_eq!(answer.status, MessageStatus::Streaming);
    assert!(matches!(events.last(), Some(ChatEvent::Finished { answer, .. }) if answer.content == "Hello, world!"));

    // What the model was sent: the Task assistant's system prompt and the message.
    let request =
        server.requests().into_iter().find(|r| r.path.ends_with("/chat/completions")).expect("a chat request");
    let messages = request.body["messages"].as_array().expect("messages");
    assert_eq!(messages[0]["role"], "system");
    assert!(messages[0]["content"].as_str().is_some_and(|c| c.contains("Task assistant")));
    assert_eq!(messages[1]["content"], "Say hello\nplease");

    // The transcript, the run list and the thread list agree.
    let page = t.core.threads().messages(&ada, &thread.id, None, None).await.expect("messages");
    let roles: Vec<_> = page.messages.iter().map(|m| (m.role, m.status)).collect();
    assert_eq!(
        roles,
        vec![(MessageRole::User, MessageStatus::Complete), (MessageRole::Assistant, MessageStatus::Complete)]
    );
    let runs = t.core.threads().runs(&ada, &thread.id).await.expect("runs");
    assert_eq!(runs, vec![outcome.run.clone()]);
    let listed = t.core.threads().list(&ada, ThreadQuery::default()).await.expect("threads");
    assert_eq!(listed.threads.len(), 1);
    assert!(!listed.threads[0].streaming);

    // The model suggests a better title after the first answer; a title the person sets stays.
    server.push(text_reply(&["\"Greeting", " the world.\""]));
    let renamed = t.core.chat().suggest_title(&ada, &thread.id).await.expect("suggested").expect("renamed");
    assert_eq!(renamed.title, "Greeting the world");
    assert_eq!(t.core.chat().suggest_title(&ada, &thread.id).await.expect("no second suggestion"), None);

    // A follow-up carries the history.
    server.push(text_reply(&["Again"]));
    let input = SendInput { thread_id: Some(thread.id.clone()), agent_id: None, text: "Once more".into() };
    t.core.chat().send(&ada, "req-2", input, &Recorder::default()).await.expect("answered");
    let last = server.requests().into_iter().rev().find(|r| r.path.ends_with("/chat/completions")).expect("request");
    let contents: Vec<_> =
        last.body["messages"].as_array().expect("messages").iter().map(|m| m["content"].clone()).collect();
    assert_eq!(
        contents[1..],
        [serde_json::json!("Say hello\nplease"), serde_json::json!("Hello, world!"), serde_json::json!("Once more")]
    );
}

#[tokio::test]
async fn the_message_is_committed_first_and_the_answer_is_saved_while_it_streams() {
    let Fixture { t, server, ada } = fixture().await;
    let pieces: Vec<String> = (0..12).map(|i| format!("w{i} ")).collect();
    let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    server.push(slow_reply(&refs, Duration::from_millis(100)));
    let core = Arc::new(t.core);
    let sink = Arc::new(Recorder::default());
    let task = {
        let (core, sink, ada) = (core.clone(), sink.clone(), ada.clone());
        tokio::spawn(async move { core.chat().send(&ada, "slow", new_thread("Count slowly"), &*sink).await })
    };

    // Mid-answer, the database already holds the person's message and part of the answer.
    tokio::time::sleep(Duration::from_millis(750)).await;
    let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT role, status, content FROM messages ORDER BY seq")
        .fetch_all(core.db().pool())
        .await
        .expect("rows");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[0].0.as_str(), rows[0].1.as_str(), rows[0].2.as_str()), ("user", "complete", "Count slowly"));
    assert_eq!((rows[1].0.as_str(), rows[1].1.as_str()), ("assistant", "streaming"));
    assert!(rows[1].2.starts_with("w0 w1 w2"), "saved within 250 ms of arriving: {:?}", rows[1].2);
    let listed = core.threads().list(&ada, ThreadQuery::default()).await.expect("threads");
    assert!(listed.threads[0].streaming);

    // A second send to the same thread waits its turn: refused, nothing written.
    let thread_id = listed.threads[0].id.clone();
    let busy = core
        .chat()
        .send(
            &ada,
            "other",
            SendInput { thread_id: Some(thread_id.clone()), agent_id: None, text: "hi".into() },
            &Recorder::default(),
        )
        .await;
    assert!(matches!(busy, Err(CoreError::Chat(ChatError::ThreadBusy))), "{busy:?}");
    assert!(matches!(core.threads().delete(&ada, &thread_id).await, Err(CoreError::Chat(ChatError::ThreadBusy))));

    let outcome = task.await.expect("joined").expect("answered");
    assert_eq!(outcome.answer.content, pieces.concat());
    assert_eq!(message_count(&core).await, 2);
}

/// A reply that sends `pieces` and then keeps the stream open, as a model writing on and on.
fn endless_reply(pieces: &[&str]) -> Reply {
    let frames = openai_text("scripted-small", pieces);
    // The role frame, then one frame per piece; the end of the stream never comes.
    let mut steps: Vec<Step> =
        frames[..=pieces.len()].iter().map(|frame| Step::Chunk(frame.clone().into_bytes())).collect();
    steps.push(Step::Hang);
    Reply::Stream(steps)
}

#[tokio::test]
async fn a_title_suggestion_reads_only_its_first_line() {
    // A server that ignores max_tokens writes on; the title needs one line, so reading stops
    // there and the connection closes (without that, these suggestions would never return).
    let Fixture { t, server, ada } = fixture().await;
    let suggest = |thread_id| {
        let (core, ada) = (&t.core, &ada);
        async move {
            tokio::time::timeout(Duration::from_secs(10), core.chat().suggest_title(ada, &thread_id))
                .await
                .expect("the suggestion did not wait for the end of the reply")
                .expect("suggested")
        }
    };

    server.push(text_reply(&["Take a hat."]));
    let first =
        t.core.chat().send(&ada, "req-1", new_thread("Rome in July?"), &Recorder::default()).await.expect("answered");
    server.push(endless_reply(&["Packing for", " Rome\n", "And here is why you"]));
    let renamed = suggest(first.answer.thread_id.clone()).await.expect("renamed");
    assert_eq!(renamed.title, "Packing for Rome");
    assert!(server.wait_for_disconnects(1, Duration::from_secs(5)).await, "the title's connection was closed");

    // One line that never ends is cut at the read limit, and the title at 60 characters.
    server.push(text_reply(&["Fine."]));
    let second =
        t.core.chat().send(&ada, "req-2", new_thread("And Paris?"), &Recorder::default()).await.expect("answered");
    let long_line = "word ".repeat(100);
    server.push(endless_reply(&[&long_line, &long_line]));
    let renamed = suggest(second.answer.thread_id.clone()).await.expect("renamed");
    assert_eq!(renamed.title, long_line[..60].trim());
    assert!(server.wait_for_disconnects(2, Duration::from_secs(5)).await, "the title's connection was closed");
}

#[tokio::test]
async fn stop_keeps_the_partial_answer_and_closes_the_connection() {
    let Fixture { t, server, ada } = fixture().await;
    server.push(Reply::Stream(vec![
        Step::Chunk(openai_text("scripted-small", &["Partial"])[0].clone().into_bytes()),
        Step::Chunk(openai_text("scripted-small", &["Partial"])[1].clone().into_bytes()),
        Step::Hang,
    ]));
    let core = Arc::new(t.core);
    let sink = Arc::new(Recorder::default());
    let task = {
        let (core, sink, ada) = (core.clone(), sink.clone(), ada.clone());
        tokio::spawn(async move { core.chat().send(&ada, "to-stop", new_thread("Tell me a long story"), &*sink).await })
    };
    for _ in 0..100 {
        if sink.text() == "Partial" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(sink.text(), "Partial");
    core.chat().cancel(&ada, "to-stop").expect("cancelled");
    let outcome = task.await.expect("joined").expect("ended");
    assert_eq!((outcome.answer.status, outcome.answer.content.as_str()), (MessageStatus::Cancelled, "Partial"));
    assert_eq!(outcome.run.status, RunStatus::Cancelled);
    assert!(server.wait_for_disconnects(1, Duration::from_secs(5)).await, "Stop closed the provider connection");

    // The request is gone: a second Stop (or a made-up id) is a typed NotFound.
    assert!(matches!(core.chat().cancel(&ada, "to-stop"), Err(CoreError::NotFound { .. })));
    assert!(matches!(core.chat().cancel(&ada, "never-was"), Err(CoreError::NotFound { .. })));
}

#[tokio::test]
async fn a_window_that_goes_away_counts_as_stop() {
    let Fixture { t, server, ada } = fixture().await;
    server.push(Reply::Stream(vec![
        Step::Chunk(openai_text("scripted-small", &["One"])[1].clone().into_bytes()),
        Step::Chunk(openai_text("scripted-small", &["Two"])[1].clone().into_bytes()),
        Step::Hang,
    ]));
    let sink = Recorder { gone_after: Some(2), ..Recorder::default() };
    let outcome = t.core.chat().send(&ada, "r", new_thread("hi"), &sink).await.expect("ended");
    assert_eq!(outcome.answer.status, MessageStatus::Cancelled);
    assert_eq!(outcome.answer.content, "OneTwo", "the text so far is kept, including the piece that found no window");
}

#[tokio::test]
async fn regenerate_replaces_the_last_answer_and_edit_replaces_what_followed() {
    let Fixture { t, server, ada } = fixture().await;
    let chat = t.core.chat();
    server.push(text_reply(&["First answer"]));
    let first = chat.send(&ada, "a", new_thread("Question one"), &Recorder::default()).await.expect("answered");
    let thread_id = first.answer.thread_id.clone();
    server.push(text_reply(&["Second answer"]));
    let to_thread = |text: &str| SendInput { thread_id: Some(thread_id.clone()), agent_id: None, text: text.into() };
    chat.send(&ada, "b", to_thread("Question two"), &Recorder::default()).await.expect("answered");

    server.push(text_reply(&["Second, again"]));
    let sink = Recorder::default();
    let regenerated = chat.regenerate(&ada, "c", &thread_id, &sink).await.expect("regenerated");
    assert!(matches!(sink.events().first(), Some(ChatEvent::Started { user_message: None, .. })));
    let contents =
        |page: kickstart_core::threads::MessagePage| page.messages.into_iter().map(|m| m.content).collect::<Vec<_>>();
    let page = t.core.threads().messages(&ada, &thread_id, None, None).await.expect("messages");
    assert_eq!(contents(page), ["Question one", "First answer", "Question two", "Second, again"]);
    let last = server.requests().into_iter().rev().find(|r| r.path.ends_with("/chat/completions")).expect("request");
    assert_eq!(last.body["messages"].as_array().map(Vec::len), Some(4), "system + the three before the answer");

    // Editing the first question drops everything after it and answers the new text.
    let page = t.core.threads().messages(&ada, &thread_id, None, None).await.expect("messages");
    let question_one = page.messages[0].id.clone();
    server.push(text_reply(&["Edited answer"]));
    chat.edit(&ada, "d", &question_one, "Question one, rephrased", &Recorder::default()).await.expect("edited");
    let page = t.core.threads().messages(&ada, &thread_id, None, None).await.expect("messages");
    assert_eq!(contents(page), ["Question one, rephrased", "Edited answer"]);

    // The runs of replaced answers stay in the activity list, without their message.
    let runs = t.core.threads().runs(&ada, &thread_id).await.expect("runs");
    assert_eq!(runs.len(), 4);
    assert_eq!(runs.iter().filter(|r| r.message_id.is_some()).count(), 1);
    assert_eq!(regenerated.run.status, RunStatus::Complete);

    // An assistant message can't be edited.
    let page = t.core.threads().messages(&ada, &thread_id, None, None).await.expect("messages");
    let answer = page.messages[1].id.clone();
    let refused = chat.edit(&ada, "e", &answer, "nope", &Recorder::default()).await;
    assert!(matches!(refused, Err(CoreError::Validation { field: "messageId", .. })), "{refused:?}");
}

#[tokio::test]
async fn provider_errors_are_saved_on_the_answer_and_retry_resends() {
    let Fixture { t, server, ada } = fixture().await;
    server.push(Reply::json(401, serde_json::json!({ "error": { "message": "bad key" } })));
    let failed = t.core.chat().send(&ada, "a", new_thread("Hello?"), &Recorder::default()).await.expect("ended");
    assert_eq!(failed.answer.status, MessageStatus::Error);
    assert_eq!(failed.answer.error_kind, Some(ProviderErrorKind::Auth));
    assert_eq!(failed.run.status, RunStatus::Error);
    assert_eq!(failed.run.error_kind, Some(ProviderErrorKind::Auth));
    assert!(failed.run.error_message.is_some());

    // Cut mid-answer: the text so far is kept with the error.
    server.push(Reply::Stream(vec![
        Step::Chunk(openai_text("scripted-small", &["Half"])[1].clone().into_bytes()),
        Step::Disconnect,
    ]));
    let cut = t.core.chat().regenerate(&ada, "b", &failed.answer.thread_id, &Recorder::default()).await.expect("ended");
    assert_eq!((cut.answer.status, cut.answer.content.as_str()), (MessageStatus::Error, "Half"));

    server.push(text_reply(&["Here now"]));
    let retried =
        t.core.chat().regenerate(&ada, "c", &failed.answer.thread_id, &Recorder::default()).await.expect("ok");
    assert_eq!(retried.answer.status, MessageStatus::Complete);
    let page = t.core.threads().messages(&ada, &failed.answer.thread_id, None, None).await.expect("messages");
    assert_eq!(page.messages.len(), 2, "the person's message was never lost nor duplicated");
}

#[tokio::test]
async fn bad_input_is_refused_with_a_typed_error_and_writes_nothing() {
    let t = TestCore::new().await;
    t.register("ada").await;
    let ada = t.core.auth().session().expect("session");
    let chat = t.core.chat();
    let sink = Recorder::default();

    // No provider at all: an agent of the person's refuses (the Task assistant answers offline).
    let poet = t.core.agents().create(&ada, agent("Poet")).await.expect("agent");
    let to_poet = SendInput { thread_id: None, agent_id: Some(poet.id.clone()), text: "hi".into() };
    let none = chat.send(&ada, "a", to_poet, &sink).await;
    assert!(matches!(none, Err(CoreError::Chat(ChatError::NoProvider(_)))), "{none:?}");

    let server = ScriptedLlm::start().await;
    let connection = connect(&t.core, &ada, &server, "Local").await;
    let empty = chat.send(&ada, "a", new_thread("  \n "), &sink).await;
    assert!(matches!(empty, Err(CoreError::Validation { field: "text", .. })), "{empty:?}");

    // Too long for the model: refused before anything is written or sent.
    let mut small = agent("Tiny");
    small.context_window = Some(1_000);
    let tiny = t.core.agents().create(&ada, small).await.expect("agent");
    let long = SendInput { thread_id: None, agent_id: Some(tiny.id.clone()), text: "word ".repeat(2_000) };
    let too_long = chat.send(&ada, "a", long, &sink).await;
    match too_long {
        Err(CoreError::Provider(error)) => assert_eq!(error.kind, ProviderErrorKind::ContextTooLong),
        other => panic!("expected ContextTooLong, got {other:?}"),
    }

    // An archived agent.
    let archived = t.core.agents().create(&ada, agent("Old")).await.expect("agent");
    t.core.agents().set_archived(&ada, &archived.id, true).await.expect("archived");
    let to_archived = SendInput { thread_id: None, agent_id: Some(archived.id.clone()), text: "hi".into() };
    assert!(matches!(chat.send(&ada, "a", to_archived, &sink).await, Err(CoreError::Chat(ChatError::AgentArchived))));

    // An agent whose connection was removed.
    let mut pinned = agent("Pinned");
    pinned.connection_id = Some(connection.id.clone());
    let pinned = t.core.agents().create(&ada, pinned).await.expect("agent");
    connect(&t.core, &ada, &server, "Other").await;
    t.core.providers().delete(&ada, &connection.id).await.expect("removed");
    let orphan = SendInput { thread_id: None, agent_id: Some(pinned.id.clone()), text: "hi".into() };
    assert!(matches!(chat.send(&ada, "a", orphan, &sink).await, Err(CoreError::Chat(ChatError::NoProvider(_)))));

    // A connection without a model, and an agent naming none.
    let no_model = t
        .core
        .providers()
        .create(
            &ada,
            NewConnection {
                kind: ProviderKind::OpenaiCompatible,
                name: "Bare".into(),
                base_url: server.base_url(),
                default_model: None,
                api_key: None,
                make_default: true,
            },
        )
        .await
        .expect("saved");
    assert!(no_model.is_default);
    assert!(matches!(chat.send(&ada, "a", new_thread("hi"), &sink).await, Err(CoreError::Chat(ChatError::NoModel(_)))));

    // Unknown ids.
    let unknown = SendInput {
        thread_id: Some(kickstart_core::threads::ThreadId("nope".into())),
        agent_id: None,
        text: "hi".into(),
    };
    assert!(matches!(chat.send(&ada, "a", unknown, &sink).await, Err(CoreError::NotFound { .. })));

    assert_eq!(message_count(&t.core).await, 0, "nothing was written by any refused send");
    assert!(sink.events().is_empty());
    assert!(server.requests().iter().all(|r| !r.path.ends_with("/chat/completions")), "no provider was called");
}

#[tokio::test]
async fn long_conversations_send_only_what_fits() {
    let Fixture { t, server, ada } = fixture().await;
    let mut small = agent("Short memory");
    small.context_window = Some(1_000);
    small.max_tokens = Some(200);
    let small = t.core.agents().create(&ada, small).await.expect("agent");
    let mut thread_id = None;
    for i in 0..8 {
        server.push(text_reply(&[&format!("answer {i} {}", "a".repeat(300))]));
        let input = SendInput {
            thread_id: thread_id.clone(),
            agent_id: Some(small.id.clone()),
            text: format!("question {i} {}", "q".repeat(300)),
        };
        let outcome = t.core.chat().send(&ada, &format!("r{i}"), input, &Recorder::default()).await.expect("answered");
        thread_id = Some(outcome.answer.thread_id);
    }
    let last = server.requests().into_iter().rev().find(|r| r.path.ends_with("/chat/completions")).expect("request");
    let messages = last.body["messages"].as_array().expect("messages");
    assert_eq!(messages[0]["role"], "system");
    assert_eq!(messages[1]["role"], "user", "the trimmed context still starts with the person");
    let last_content = messages.last().and_then(|m| m["content"].as_str()).unwrap_or_default();
    assert!(last_content.starts_with("question 7"), "{last_content}");
    assert!(messages.len() < 16, "older messages were left out: {}", messages.len());
    assert!(messages.len() >= 3);
}

#[tokio::test]
async fn answers_cut_off_by_a_crash_come_back_interrupted_with_their_text() {
    let Fixture { t, server, ada } = fixture().await;
    server.push(Reply::Stream(vec![
        Step::Chunk(openai_text("scripted-small", &["Before the crash"])[1].clone().into_bytes()),
        Step::Hang,
    ]));
    let core = Arc::new(t.core);
    let task = {
        let (core, ada) = (core.clone(), ada.clone());
        tokio::spawn(
            async move { core.chat().send(&ada, "crash", new_thread("Keep this"), &Recorder::default()).await },
        )
    };
    // Wait until the partial text is on disk, then stop the answer the hard way (no final write).
    let mut saved = String::new();
    for _ in 0..100 {
        saved = sqlx::query_scalar("SELECT content FROM messages WHERE role = 'assistant'")
            .fetch_optional(core.db().pool())
            .await
            .expect("query")
            .unwrap_or_default();
        if !saved.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(saved, "Before the crash");
    task.abort();
    let _ = task.await;
    let status: String = sqlx::query_scalar("SELECT status FROM messages WHERE role = 'assistant'")
        .fetch_one(core.db().pool())
        .await
        .expect("status");
    assert_eq!(status, "streaming", "left as a crash leaves it");

    // The next start finds it.
    let reopened =
        Core::open(kickstart_testkit::config(t.database_path.clone(), t.clock.clone())).await.expect("reopens");
    assert_eq!(reopened.chat().recover_interrupted().await.expect("recovered"), 1, "the app's start-up step");
    let threads = reopened.threads().list(&ada, ThreadQuery::default()).await.expect("threads");
    let page = reopened.threads().messages(&ada, &threads.threads[0].id, None, None).await.expect("messages");
    assert_eq!(page.messages[0].content, "Keep this");
    assert_eq!(
        (page.messages[1].status, page.messages[1].content.as_str()),
        (MessageStatus::Interrupted, "Before the crash")
    );
    let runs = reopened.threads().runs(&ada, &threads.threads[0].id).await.expect("runs");
    assert_eq!(runs[0].status, RunStatus::Interrupted);
}

#[tokio::test]
async fn threads_are_searched_pinned_paged_and_isolated() {
    let Fixture { t, server, ada } = fixture().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        server.push(text_reply(&[if i == 3 { "The ferret was curious" } else { "Plain answer" }]));
        t.clock.advance(chrono::Duration::minutes(1));
        let outcome =
            t.core.chat().send(&ada, "r", new_thread(&format!("Topic {i}")), &Recorder::default()).await.expect("ok");
        ids.push(outcome.answer.thread_id);
    }
    let threads = t.core.threads();
    let pinned = threads
        .update(&ada, &ids[0], ThreadPatch { pinned: Some(true), ..ThreadPatch::default() })
        .await
        .expect("pinned");
    assert!(pinned.pinned);

    // Pages of two: pinned first, then newest.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = threads
            .list(&ada, ThreadQuery { limit: Some(2), cursor: cursor.clone(), ..ThreadQuery::default() })
            .await
            .expect("page");
        seen.extend(page.threads.into_iter().map(|t| t.title));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["Topic 0", "Topic 4", "Topic 3", "Topic 2", "Topic 1"]);

    // Full-text search over messages, with a marked snippet; and over titles.
    let found = threads
        .list(&ada, ThreadQuery { search: Some("ferr".into()), ..ThreadQuery::default() })
        .await
        .expect("search");
    assert_eq!(found.threads.len(), 1);
    assert_eq!(found.threads[0].title, "Topic 3");
    assert!(
        found.threads[0].snippet.as_deref().is_some_and(|s| s.contains("\u{e000}ferret\u{e001}")),
        "{:?}",
        found.threads[0].snippet
    );
    let by_title = threads
        .list(&ada, ThreadQuery { search: Some("topic 2".into()), ..ThreadQuery::default() })
        .await
        .expect("search");
    assert_eq!(by_title.threads.len(), 1);

    // Rename, archive, delete and restore.
    let renamed = threads
        .update(&ada, &ids[1], ThreadPatch { title: Some("Renamed".into()), ..ThreadPatch::default() })
        .await
        .expect("renamed");
    assert_eq!(renamed.title, "Renamed");
    assert!(matches!(
        threads.update(&ada, &ids[1], ThreadPatch { title: Some(" ".into()), ..ThreadPatch::default() }).await,
        Err(CoreError::Validation { field: "title", .. })
    ));
    threads
        .update(&ada, &ids[2], ThreadPatch { archived: Some(true), ..ThreadPatch::default() })
        .await
        .expect("archived");
    threads.delete(&ada, &ids[4]).await.expect("deleted");
    let active = threads.list(&ada, ThreadQuery::default()).await.expect("list");
    assert_eq!(active.threads.len(), 3);
    let archive = threads.list(&ada, ThreadQuery { archived: true, ..ThreadQuery::default() }).await.expect("list");
    assert_eq!(archive.threads.len(), 1);
    assert!(matches!(threads.get(&ada, &ids[4]).await, Err(CoreError::NotFound { .. })));
    threads.restore(&ada, &ids[4]).await.expect("restored");

    // Another profile sees none of it and can touch none of it.
    t.register("bob").await;
    let bob = t.core.auth().session().expect("bob");
    assert!(threads.list(&bob, ThreadQuery::default()).await.expect("list").threads.is_empty());
    assert!(threads
        .list(&bob, ThreadQuery { search: Some("ferret".into()), ..ThreadQuery::default() })
        .await
        .expect("search")
        .threads
        .is_empty());
    assert!(matches!(threads.get(&bob, &ids[0]).await, Err(CoreError::NotFound { .. })));
    assert!(matches!(threads.messages(&bob, &ids[0], None, None).await, Err(CoreError::NotFound { .. })));
    assert!(matches!(threads.runs(&bob, &ids[0]).await, Err(CoreError::NotFound { .. })));
    assert!(matches!(threads.delete(&bob, &ids[0]).await, Err(CoreError::NotFound { .. })));
    assert!(matches!(threads.update(&bob, &ids[0], ThreadPatch::default()).await, Err(CoreError::NotFound { .. })));
    let into_ada = SendInput { thread_id: Some(ids[0].clone()), agent_id: None, text: "hi".into() };
    assert!(matches!(
        t.core.chat().send(&bob, "x", into_ada, &Recorder::default()).await,
        Err(CoreError::NotFound { .. })
    ));
    assert!(matches!(
        t.core.chat().regenerate(&bob, "x", &ids[0], &Recorder::default()).await,
        Err(CoreError::NotFound { .. })
    ));
    let ada_page = threads.messages(&ada, &ids[0], None, None).await.expect("messages");
    assert!(matches!(
        t.core.chat().edit(&bob, "x", &ada_page.messages[0].id, "mine", &Recorder::default()).await,
        Err(CoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn message_pages_go_back_in_time() {
    let Fixture { t, server, ada } = fixture().await;
    let mut thread_id = None;
    for i in 0..6 {
        server.push(text_reply(&[&format!("a{i}")]));
        let input = SendInput { thread_id: thread_id.clone(), agent_id: None, text: format!("q{i}") };
        thread_id =
            Some(t.core.chat().send(&ada, "r", input, &Recorder::default()).await.expect("ok").answer.thread_id);
    }
    let thread_id = thread_id.expect("thread");
    let threads = t.core.threads();
    let newest = threads.messages(&ada, &thread_id, None, Some(5)).await.expect("page");
    let texts: Vec<_> = newest.messages.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(texts, ["a3", "q4", "a4", "q5", "a5"]);
    let older = threads.messages(&ada, &thread_id, newest.older_cursor.as_deref(), Some(5)).await.expect("page");
    let texts: Vec<_> = older.messages.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(texts, ["q1", "a1", "q2", "a2", "q3"]);
    let oldest = threads.messages(&ada, &thread_id, older.older_cursor.as_deref(), Some(5)).await.expect("page");
    assert_eq!(oldest.messages.len(), 2);
    assert_eq!(oldest.older_cursor, None);
    assert!(matches!(
        threads.messages(&ada, &thread_id, Some("x"), None).await,
        Err(CoreError::Validation { field: "cursor", .. })
    ));
}

#[tokio::test]
async fn thread_pages_hold_every_thread_once_even_with_equal_times() {
    let Fixture { t, server, ada } = fixture().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        server.push(text_reply(&["ok"]));
        // The clock does not move: every thread has the same last activity; the id breaks ties.
        let outcome = t.core.chat().send(&ada, "r", new_thread(&format!("Same time {i}")), &Recorder::default()).await;
        ids.push(outcome.expect("answered").answer.thread_id);
    }
    let threads = t.core.threads();
    threads.update(&ada, &ids[2], ThreadPatch { pinned: Some(true), ..ThreadPatch::default() }).await.expect("pinned");
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let query = ThreadQuery { limit: Some(1), cursor: cursor.clone(), ..ThreadQuery::default() };
        let page = threads.list(&ada, query).await.expect("page");
        seen.extend(page.threads.into_iter().map(|thread| thread.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    // Pinned first, then by id, newest first (UUIDv7 ids grow with time).
    let mut expected = vec![ids[2].clone()];
    expected.extend(ids.iter().rev().filter(|id| **id != ids[2]).cloned());
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_shared_agent_answers_others_through_their_own_connection() {
    let Fixture { t, server, ada } = fixture().await;
    let ada_connection = t.core.providers().list(&ada).await.expect("list").remove(0);
    let mut shared = agent("Shared poet");
    shared.visibility = AgentVisibility::Shared;
    shared.connection_id = Some(ada_connection.id.clone());
    let shared = t.core.agents().create(&ada, shared).await.expect("shared");

    t.register("bob").await;
    let bob = t.core.auth().session().expect("bob");
    let to_shared = || SendInput { thread_id: None, agent_id: Some(shared.id.clone()), text: "A poem, please".into() };
    let refused = t.core.chat().send(&bob, "b1", to_shared(), &Recorder::default()).await;
    assert!(
        matches!(refused, Err(CoreError::Chat(ChatError::NoProvider(_)))),
        "Ada's connection is not Bob's: {refused:?}"
    );

    connect(&t.core, &bob, &server, "Bob's server").await;
    server.push(text_reply(&["Roses"]));
    let outcome = t.core.chat().send(&bob, "b2", to_shared(), &Recorder::default()).await.expect("answered");
    assert_eq!(outcome.run.provider_name, "Bob's server");
    let request = server.requests().into_iter().rev().find(|r| r.path.ends_with("/chat/completions")).expect("request");
    assert_eq!(request.body["messages"][0]["content"], "Answer in haiku.", "with the shared agent's prompt");
    // The thread is Bob's alone.
    assert!(t.core.threads().list(&ada, ThreadQuery::default()).await.expect("list").threads.is_empty());
    assert_eq!(t.core.threads().list(&bob, ThreadQuery::default()).await.expect("list").threads.len(), 1);
}

#[tokio::test]
async fn signing_out_stops_the_profiles_answers() {
    let Fixture { t, server, ada } = fixture().await;
    server.push(Reply::Stream(vec![
        Step::Chunk(openai_text("scripted-small", &["Started"])[1].clone().into_bytes()),
        Step::Hang,
    ]));
    let core = Arc::new(t.core);
    let sink = Arc::new(Recorder::default());
    let task = {
        let (core, sink, ada) = (core.clone(), sink.clone(), ada.clone());
        tokio::spawn(async move { core.chat().send(&ada, "out", new_thread("Go on"), &*sink).await })
    };
    for _ in 0..100 {
        if sink.text() == "Started" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    core.auth().logout();
    let outcome = tokio::time::timeout(Duration::from_secs(5), task).await.expect("stopped").expect("joined");
    let outcome = outcome.expect("ended");
    assert_eq!((outcome.answer.status, outcome.answer.content.as_str()), (MessageStatus::Cancelled, "Started"));
}

#[tokio::test]
async fn text_that_arrives_together_reaches_the_window_as_one_message() {
    let Fixture { t, server, ada } = fixture().await;
    let pieces: Vec<String> = (0..200).map(|i| format!("p{i} ")).collect();
    let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    // Every frame in one read, as a fast model's backlog arrives.
    server.push(Reply::Stream(vec![Step::Chunk(openai_text("scripted-small", &refs).concat().into_bytes())]));
    let sink = Recorder::default();
    let outcome = t.core.chat().send(&ada, "burst", new_thread("Fast, please"), &sink).await.expect("answered");
    assert_eq!(outcome.answer.content, pieces.concat());
    assert_eq!(sink.text(), pieces.concat(), "every piece, in order");
    let deltas = sink.events().iter().filter(|e| matches!(e, ChatEvent::Delta { .. })).count();
    assert!(deltas < 20, "200 pieces read together are sent together, not one by one: {deltas} messages");
}

#[tokio::test]
async fn a_fast_model_reading_token_by_token_reaches_the_window_about_once_a_frame() {
    let Fixture { t, server, ada } = fixture().await;
    let pieces: Vec<String> = (0..300).map(|i| format!("p{i} ")).collect();
    let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    // Each frame in its own read, a millisecond apart: about 300 ms of a 1 000 tokens/s model.
    let mut steps = Vec::new();
    for frame in openai_text("scripted-small", &refs) {
        steps.push(Step::Chunk(frame.into_bytes()));
        steps.push(Step::Delay(Duration::from_millis(1)));
    }
    server.push(Reply::Stream(steps));
    let sink = Recorder::default();
    let started = std::time::Instant::now();
    let outcome = t.core.chat().send(&ada, "fast", new_thread("Fast, please"), &sink).await.expect("answered");
    let frames = started.elapsed().as_millis() / kickstart_core::chat::DELTA_EVERY.as_millis() + 2;
    assert_eq!(outcome.answer.content, pieces.concat());
    assert_eq!(sink.text(), pieces.concat(), "every piece, in order");
    let deltas = sink.events().iter().filter(|e| matches!(e, ChatEvent::Delta { .. })).count();
    assert!(deltas > 1, "the text still arrives as it is written, not all at the end");
    assert!(
        u128::try_from(deltas).expect("small") <= frames,
        "at most one message a frame: {deltas} messages in {frames} frames for 300 pieces"
    );
}
