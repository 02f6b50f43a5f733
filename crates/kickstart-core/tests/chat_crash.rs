//! A real crash: a child process streams an answer and is killed (SIGKILL on Unix) in the middle.
//! The next start must find the person's message and the partial answer, marked interrupted.
//!
//! The child is this same test binary, started with `--ignored --exact` on the child test and
//! the database and server in environment variables.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use kickstart_core::chat::{ChatEvent, ChatSink, ListenerGone, SendInput};
use kickstart_core::clock::ManualClock;
use kickstart_core::threads::{MessageStatus, ThreadQuery};
use kickstart_core::Core;
use kickstart_testkit::llm_server::script::openai_text;
use kickstart_testkit::{Reply, ScriptedLlm, Step, TestCore, GOOD_PASSWORD};

const DB_VAR: &str = "KICKSTART_CRASH_TEST_DB";

struct Discard;

impl ChatSink for Discard {
    fn send(&self, _: ChatEvent) -> Result<(), ListenerGone> {
        Ok(())
    }
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().expect("date")))
}

/// The child: signs in and sends; the server never finishes the answer, so only the kill ends it.
#[tokio::test]
#[ignore = "started by killed_mid_answer_loses_neither_message_nor_partial_answer"]
async fn crash_child_streams_until_killed() {
    let Ok(path) = std::env::var(DB_VAR) else { return };
    let core = Core::open(kickstart_testkit::config(path.into(), clock())).await.expect("opens");
    core.auth().login("ada", GOOD_PASSWORD).await.expect("signs in");
    let session = core.auth().session().expect("session");
    let input = SendInput { thread_id: None, agent_id: None, text: "Remember this question".into() };
    let _ = core.chat().send(&session, "child", input, &Discard).await;
    panic!("the answer was meant to hang until the process is killed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_answer_loses_neither_message_nor_partial_answer() {
    let t = TestCore::new().await;
    t.register("ada").await;
    let session = t.core.auth().session().expect("session");
    let server = ScriptedLlm::start().await;
    kickstart_testkit::connect_scripted(&t.core, &session, &server, "Local", true).await;
    t.core.close().await;
    let frames = openai_text("scripted-small", &["Half ", "an ", "answer"]);
    server.push(Reply::Stream(vec![
        Step::Chunk(frames[1].clone().into_bytes()),
        Step::Chunk(frames[2].clone().into_bytes()),
        Step::Chunk(frames[3].clone().into_bytes()),
        Step::Hang,
    ]));

    let mut child = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--ignored", "--exact", "crash_child_streams_until_killed", "--nocapture"])
        .env(DB_VAR, &t.database_path)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the child starts");

    // Watch the file (not through Core::open, which would repair it) until the partial answer is saved.
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&t.database_path).read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.expect("read-only view");
    let mut saved = String::new();
    for _ in 0..200 {
        saved = sqlx::query_scalar("SELECT content FROM messages WHERE role = 'assistant' AND status = 'streaming'")
            .fetch_optional(&pool)
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        if saved == "Half an answer" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    child.kill().expect("killed");
    let status = child.wait().expect("reaped");
    assert!(!status.success(), "the child died by the kill, not by finishing: {status}");
    pool.close().await;
    assert_eq!(saved, "Half an answer", "the partial answer reached the file while streaming");

    let core = Core::open(kickstart_testkit::config(t.database_path.clone(), clock())).await.expect("reopens");
    assert_eq!(core.chat().recover_interrupted().await.expect("recovered"), 1, "the app's start-up step");
    let threads = core.threads().list(&session, ThreadQuery::default()).await.expect("threads");
    assert_eq!(threads.threads.len(), 1);
    let page = core.threads().messages(&session, &threads.threads[0].id, None, None).await.expect("messages");
    assert_eq!(page.messages.len(), 2);
    assert_eq!(
        (page.messages[0].content.as_str(), page.messages[0].status),
        ("Remember this question", MessageStatus::Complete)
    );
    assert_eq!(
        (page.messages[1].content.as_str(), page.messages[1].status),
        ("Half an answer", MessageStatus::Interrupted)
    );
    core.close().await;
    server.shutdown().await;
}
