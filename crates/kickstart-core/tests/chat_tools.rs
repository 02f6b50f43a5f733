//! Agents calling tools: the chat loop against the scripted LLM server over real HTTP and a real
//! SQLite file — a tool call with its argument JSON cut in pieces, two calls in one turn,
//! approvals allowed, denied, remembered and interrupted by Stop, bad arguments answered to the
//! model, and a model that never stops calling tools.

use std::sync::Arc;

use kickstart_core::auth::Session;
use kickstart_core::chat::{ApprovalDecision, SendInput, ToolCallStatus};
use kickstart_core::tasks::{NewTask, TaskQuery, TaskView};
use kickstart_core::threads::{MessageStatus, RunStatus};
use kickstart_core::Core;
use kickstart_testkit::llm_server::script::{frames_as_steps, openai_text, openai_text_and_tool_calls, ScriptedCall};
use kickstart_testkit::{ChatRecorder, Reply, ScriptedLlm, TestCore};
use serde_json::Value;

struct Fixture {
    t: TestCore,
    server: ScriptedLlm,
    ada: Session,
}

async fn fixture() -> Fixture {
    let t = TestCore::new().await; // Monday 2026-11-23 09:00 UTC, Berlin
    t.register("ada").await;
    let ada = t.core.auth().session().expect("session");
    let server = ScriptedLlm::start().await;
    kickstart_testkit::connect_scripted(&t.core, &ada, &server, "Local", true).await;
    Fixture { t, server, ada }
}

fn calls(text: &[&str], calls: &[ScriptedCall<'_>]) -> Reply {
    Reply::Stream(frames_as_steps(openai_text_and_tool_calls("scripted-small", text, calls)))
}

fn text(pieces: &[&str]) -> Reply {
    Reply::Stream(frames_as_steps(openai_text("scripted-small", pieces)))
}

fn to_assistant(text: &str) -> SendInput {
    SendInput { thread_id: None, agent_id: None, text: text.into() }
}

/// The messages of the `n`th request the server received.
fn sent_messages(server: &ScriptedLlm, n: usize) -> Vec<Value> {
    let requests: Vec<_> = server.requests().into_iter().filter(|r| r.path.ends_with("/chat/completions")).collect();
    requests[n].body["messages"].as_array().expect("messages").clone()
}

async fn open_titles(core: &Core, session: &Session) -> Vec<String> {
    let page = core.tasks().list(session, TaskQuery::view(TaskView::Inbox)).await.expect("tasks");
    page.tasks.into_iter().map(|task| task.title).collect()
}

#[tokio::test]
async fn the_task_assistant_adds_a_task_through_a_tool_call_and_then_answers() {
    let Fixture { t, server, ada } = fixture().await;
    server.push(calls(
        &["On it."],
        &[ScriptedCall {
            id: "call_1",
            name: "add_task",
            arguments: &[r#"{"tasks": [{"ti"#, r#"tle": "Buy milk", "due": "tomor"#, r#"row 5pm"}]}"#],
        }],
    ));
    server.push(text(&["Added ", "\"Buy milk\" for tomorrow at 17:00."]));
    let sink = ChatRecorder::default();

    let outcome =
        t.core.chat().send(&ada, "r1", to_assistant("add buy milk tomorrow 5pm"), &sink).await.expect("answer");

    let tasks = t.core.tasks().list(&ada, TaskQuery::view(TaskView::Inbox)).await.expect("tasks").tasks;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].title, "Buy milk");
    assert_eq!(
        tasks[0].due.as_ref().map(|d| (d.date.as_str(), d.time.as_deref())),
        Some(("2026-11-24", Some("17:00")))
    );

    assert_eq!(outcome.answer.status, MessageStatus::Complete);
    assert_eq!(outcome.answer.content, "On it.\n\nAdded \"Buy milk\" for tomorrow at 17:00.");
    assert_eq!(outcome.run.status, RunStatus::Complete);
    assert_eq!(outcome.run.tokens_out, Some(4), "usage adds up over both rounds (2 + 2)");
    let [call] = outcome.answer.tool_calls.as_slice() else { panic!("one call: {:?}", outcome.answer.tool_calls) };
    assert_eq!((call.tool.as_str(), call.status, call.position), ("add_task", ToolCallStatus::Ok, 6));
    assert!(call.result.as_deref().is_some_and(|r| r.contains("Buy milk")));

    // The first request offered the five tools and today's date; the second carried the result.
    let requests = server.requests();
    let first = &requests[0].body;
    let offered: Vec<&str> =
        first["tools"].as_array().expect("tools").iter().filter_map(|t| t["function"]["name"].as_str()).collect();
    assert_eq!(offered, ["add_task", "list_tasks", "complete_task", "update_task", "delete_task"]);
    assert!(first["messages"][0]["content"].as_str().is_some_and(|s| s.contains("Monday 23 November 2026")));
    let second = sent_messages(&server, 1);
    let n = second.len();
    assert_eq!(second[n - 2]["tool_calls"][0]["id"], "call_1");
    assert_eq!(
        (second[n - 1]["role"].as_str(), second[n - 1]["tool_call_id"].as_str()),
        (Some("tool"), Some("call_1"))
    );
    assert!(second[n - 1]["content"].as_str().is_some_and(|c| c.contains("\"created\"")));

    // The transcript read back shows the call where it happened; the events showed it live.
    let page = t.core.threads().messages(&ada, &outcome.answer.thread_id, None, None).await.expect("messages");
    assert_eq!(page.messages[1].tool_calls, outcome.answer.tool_calls);
    let statuses: Vec<ToolCallStatus> = sink.calls().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [ToolCallStatus::Running, ToolCallStatus::Ok], "no approval for adding");
}

#[tokio::test]
async fn two_calls_in_one_turn_and_a_delete_waits_for_approval() {
    let Fixture { t, server, ada } = fixture().await;
    let core = t.core.clone();
    let old =
        core.tasks().create(&ada, NewTask { title: "Old chore".into(), ..NewTask::default() }).await.expect("task");
    let delete_args = format!(r#"{{"ids": ["{}"]}}"#, old.id.0);

    // Denied: the model is told, nothing is deleted.
    server.push(calls(
        &[],
        &[
            ScriptedCall { id: "c1", name: "list_tasks", arguments: &["{}"] },
            ScriptedCall { id: "c2", name: "delete_task", arguments: &[&delete_args] },
        ],
    ));
    server.push(text(&["Okay, I kept it."]));
    let sink = Arc::new(ChatRecorder::default());
    let answer = {
        let (core, ada, sink) = (core.clone(), ada.clone(), sink.clone());
        tokio::spawn(async move { core.chat().send(&ada, "r1", to_assistant("tidy up"), &*sink).await })
    };
    let waiting = sink.awaiting_approval().await;
    assert_eq!(waiting.tool, "delete_task");
    assert_eq!(open_titles(&core, &ada).await, ["Old chore"], "nothing deleted while waiting");
    let other = {
        t.register("bob").await;
        t.core.auth().session().expect("bob")
    };
    assert!(core.chat().decide(&other, &waiting.id, ApprovalDecision::AllowOnce).is_err(), "not Bob's to allow");
    core.chat().decide(&ada, &waiting.id, ApprovalDecision::Deny).expect("deny");
    let outcome = answer.await.expect("task").expect("answer");
    assert_eq!(open_titles(&core, &ada).await, ["Old chore"]);
    let statuses: Vec<_> = outcome.answer.tool_calls.iter().map(|c| (c.tool.as_str(), c.status)).collect();
    assert_eq!(statuses, [("list_tasks", ToolCallStatus::Ok), ("delete_task", ToolCallStatus::Denied)]);
    let told = sent_messages(&server, 1);
    assert!(told.last().and_then(|m| m["content"].as_str()).is_some_and(|c| c.contains("declined")));
    assert!(core.chat().decide(&ada, &waiting.id, ApprovalDecision::AllowOnce).is_err(), "decided already");

    // Always for this agent: deleted, and the next delete runs without asking.
    for (round, decision) in [(0, Some(ApprovalDecision::AlwaysForAgent)), (1, None)] {
        let chore = core
            .tasks()
            .create(&ada, NewTask { title: format!("Chore {round}"), ..NewTask::default() })
            .await
            .expect("task");
        let args = format!(r#"{{"ids": ["{}"]}}"#, chore.id.0);
        server.push(calls(&[], &[ScriptedCall { id: "d", name: "delete_task", arguments: &[&args] }]));
        server.push(text(&["Deleted."]));
        let sink = Arc::new(ChatRecorder::default());
        let answer = {
            let (core, ada, sink) = (core.clone(), ada.clone(), sink.clone());
            tokio::spawn(async move {
                core.chat().send(&ada, &format!("a{round}"), to_assistant("delete it"), &*sink).await
            })
        };
        if let Some(decision) = decision {
            let waiting = sink.awaiting_approval().await;
            core.chat().decide(&ada, &waiting.id, decision).expect("allow");
        }
        let outcome = answer.await.expect("task").expect("answer");
        assert_eq!(outcome.answer.tool_calls[0].status, ToolCallStatus::Ok);
        assert!(!open_titles(&core, &ada).await.contains(&chore.title), "{} deleted", chore.title);
        if decision.is_none() {
            assert!(
                sink.calls().iter().all(|c| c.status != ToolCallStatus::AwaitingApproval),
                "remembered: no question the second time"
            );
        }
    }
}

#[tokio::test]
async fn stop_while_a_call_waits_cancels_it_and_changes_nothing() {
    let Fixture { t, server, ada } = fixture().await;
    let core = t.core.clone();
    let task =
        core.tasks().create(&ada, NewTask { title: "Keep me".into(), ..NewTask::default() }).await.expect("task");
    let args = format!(r#"{{"ids": ["{}"]}}"#, task.id.0);
    server.push(calls(&["Deleting."], &[ScriptedCall { id: "d", name: "delete_task", arguments: &[&args] }]));
    let sink = Arc::new(ChatRecorder::default());
    let answer = {
        let (core, ada, sink) = (core.clone(), ada.clone(), sink.clone());
        tokio::spawn(async move { core.chat().send(&ada, "stop-me", to_assistant("delete"), &*sink).await })
    };
    sink.awaiting_approval().await;
    core.chat().cancel(&ada, "stop-me").expect("stop");
    let outcome = answer.await.expect("task").expect("answer");
    assert_eq!(outcome.answer.status, MessageStatus::Cancelled);
    assert_eq!(outcome.answer.content, "Deleting.");
    assert_eq!(outcome.answer.tool_calls[0].status, ToolCallStatus::Cancelled);
    assert_eq!(open_titles(&core, &ada).await, ["Keep me"]);
    assert_eq!(server.requests().len(), 1, "the model was not asked again");
}

#[tokio::test]
async fn bad_arguments_and_unknown_tools_are_answered_to_the_model() {
    let Fixture { t, server, ada } = fixture().await;
    server.push(calls(
        &[],
        &[
            ScriptedCall { id: "a", name: "add_task", arguments: &[r#"{"tasks": [{"title": 42}"#] },
            ScriptedCall { id: "b", name: "format_disk", arguments: &["{}"] },
        ],
    ));
    server.push(text(&["Sorry, that did not work."]));
    let outcome = t.core.chat().send(&ada, "r", to_assistant("add"), &ChatRecorder::default()).await.expect("answer");
    assert_eq!(outcome.answer.status, MessageStatus::Complete);
    let results: Vec<_> =
        outcome.answer.tool_calls.iter().map(|c| (c.status, c.result.clone().unwrap_or_default())).collect();
    assert_eq!(results[0].0, ToolCallStatus::Error);
    assert!(results[0].1.contains("not valid JSON"), "{}", results[0].1);
    assert_eq!(results[1].0, ToolCallStatus::Error);
    assert!(results[1].1.contains("no tool called \"format_disk\""), "{}", results[1].1);
    let told = sent_messages(&server, 1);
    assert_eq!(told.iter().filter(|m| m["role"] == "tool").count(), 2, "both calls are answered");
    assert!(open_titles(&t.core, &ada).await.is_empty());
}

#[tokio::test]
async fn a_model_that_keeps_calling_tools_is_stopped_after_eight_rounds() {
    let Fixture { t, server, ada } = fixture().await;
    for _ in 0..8 {
        server.push(calls(&[], &[ScriptedCall { id: "l", name: "list_tasks", arguments: &["{}"] }]));
    }
    let outcome =
        t.core.chat().send(&ada, "loop", to_assistant("loop"), &ChatRecorder::default()).await.expect("answer");
    assert_eq!(outcome.answer.status, MessageStatus::Error);
    assert!(outcome.answer.error_message.as_deref().is_some_and(|m| m.contains("kept calling tools")));
    assert_eq!(outcome.answer.tool_calls.len(), 7, "seven rounds ran, the eighth was refused");
    assert_eq!(server.requests().len(), 8);
}

#[tokio::test]
async fn without_a_provider_the_task_assistant_works_offline_through_the_same_tools() {
    let t = TestCore::new().await; // no provider connection at all
    t.register("ada").await;
    let ada = t.core.auth().session().expect("session");
    let core = t.core.clone();

    let added = core
        .chat()
        .send(&ada, "o1", to_assistant("add buy milk tomorrow 5pm"), &ChatRecorder::default())
        .await
        .expect("offline answer");
    assert!(added.answer.offline && added.run.offline, "labelled as offline");
    assert_eq!(added.answer.content, "Added:\n\n- **buy milk** — Tue 24 Nov, 17:00");
    assert_eq!(added.answer.tool_calls[0].tool, "add_task");
    assert_eq!(open_titles(&core, &ada).await, ["buy milk"]);

    let thread = Some(added.answer.thread_id.clone());
    let listed = core
        .chat()
        .send(
            &ada,
            "o2",
            SendInput { thread_id: thread.clone(), agent_id: None, text: "show tomorrow".into() },
            &ChatRecorder::default(),
        )
        .await
        .expect("list");
    assert!(
        listed.answer.content.starts_with("Due tomorrow:") && listed.answer.content.contains("buy milk"),
        "{}",
        listed.answer.content
    );

    // A delete finds the task, then asks first — like any agent's.
    let sink = Arc::new(ChatRecorder::default());
    let answer = {
        let (core, ada, sink) = (core.clone(), ada.clone(), sink.clone());
        let input = SendInput { thread_id: thread.clone(), agent_id: None, text: "delete buy milk".into() };
        tokio::spawn(async move { core.chat().send(&ada, "o3", input, &*sink).await })
    };
    let waiting = sink.awaiting_approval().await;
    assert_eq!(waiting.tool, "delete_task");
    core.chat().decide(&ada, &waiting.id, ApprovalDecision::AllowOnce).expect("allow");
    let deleted = answer.await.expect("task").expect("answer");
    assert!(deleted.answer.content.starts_with("Moved to the trash"), "{}", deleted.answer.content);
    assert!(open_titles(&core, &ada).await.is_empty());

    let other = core
        .chat()
        .send(
            &ada,
            "o4",
            SendInput { thread_id: thread, agent_id: None, text: "write me a poem".into() },
            &ChatRecorder::default(),
        )
        .await
        .expect("help");
    assert!(other.answer.content.contains("offline mode"), "says what it can't do");
}
