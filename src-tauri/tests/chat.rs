//! Agents, threads and chat through Tauri's IPC on the mock runtime, against a real SQLite file
//! and the scripted LLM server over real HTTP: the answer comes back, every window hears
//! `ThreadChanged` (naming the request when an answer made the change), and each refusal carries
//! the code the UI branches on.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kickstart_testkit::llm_server::script::{frames_as_steps, openai_text};
use kickstart_testkit::{Reply, ScriptedLlm};
use serde_json::json;
use support::TestApp;
use tauri::Listener;

/// How the UI passes a channel: the id of a JavaScript callback (the mock webview drops what is
/// sent to it; the events themselves are checked in the shell's unit tests).
const CHANNEL: &str = "__CHANNEL__:7";

#[test]
fn a_chat_over_ipc_answers_records_and_announces() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the scripted server");
    let server = runtime.block_on(ScriptedLlm::start());
    let app = TestApp::new();
    app.register("ada");
    let changes = Arc::new(Mutex::new(Vec::<serde_json::Value>::new()));
    let heard = changes.clone();
    app.window.listen_any("thread-changed", move |event| {
        let payload = serde_json::from_str(event.payload()).unwrap_or_default();
        heard.lock().expect("the events heard").push(payload);
    });
    let heard_for = |thread: &serde_json::Value| -> Vec<serde_json::Value> {
        let changes = changes.lock().expect("the events heard");
        changes.iter().filter(|c| &c["threadId"] == thread).map(|c| c["requestId"].clone()).collect()
    };

    let send = |text: &str, thread: serde_json::Value| json!({ "requestId": format!("req-{text}"), "input": { "threadId": thread, "agentId": null, "text": text }, "onEvent": CHANNEL });
    // Without a provider the Task assistant answers in offline mode (rule-based, labelled).
    let offline = app.ok("chat_send", send("hello", json!(null)));
    assert_eq!((offline["answer"]["offline"].clone(), offline["run"]["offline"].clone()), (json!(true), json!(true)));
    assert!(offline["answer"]["content"].as_str().is_some_and(|m| m.contains("Settings → Providers")), "{offline}");

    app.ok(
        "providers_create",
        json!({ "input": { "kind": "openaiCompatible", "name": "Local", "baseUrl": server.base_url(),
            "defaultModel": "scripted-small", "apiKey": null, "makeDefault": true } }),
    );
    let error = app.error("chat_send", send("   ", json!(null)), "Validation");
    assert_eq!(error["field"], "text");

    server.push(Reply::Stream(frames_as_steps(openai_text("scripted-small", &["Hi ", "there"]))));
    let outcome = app.ok("chat_send", send("hello", json!(null)));
    assert_eq!(outcome["answer"]["content"], "Hi there");
    assert_eq!(outcome["answer"]["status"], "complete");
    assert_eq!(outcome["run"]["status"], "complete");
    assert_eq!(outcome["run"]["providerKind"], "openaiCompatible");
    let thread_id = outcome["answer"]["threadId"].clone();
    // After the first answer a title is asked for in the background (it gets the server's default
    // answer). Waiting for it keeps it from taking a reply queued below for another request.
    let mut title = json!(null);
    for _ in 0..500 {
        title = app.ok("threads_get", json!({ "id": thread_id }))["title"].clone();
        if title == "Hello from the scripted server" {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(title, "Hello from the scripted server", "the model's title replaced the one from the text");

    let page = app.ok("messages_list", json!({ "threadId": thread_id, "cursor": null, "limit": null }));
    assert_eq!(page["messages"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["messages"][0]["role"], "user");
    let runs = app.ok("runs_list", json!({ "threadId": thread_id }));
    assert_eq!(runs[0]["id"], outcome["run"]["id"]);
    let found = app.ok(
        "threads_list",
        json!({ "query": { "search": "there", "archived": false, "cursor": null, "limit": null } }),
    );
    assert_eq!(found["threads"][0]["id"], thread_id);
    assert!(found["threads"][0]["snippet"].as_str().is_some_and(|s| s.contains('\u{e000}')));
    let renamed = app.ok(
        "threads_update",
        json!({ "id": thread_id, "patch": { "title": "Greetings", "pinned": true, "archived": null } }),
    );
    assert_eq!((renamed["title"].as_str(), renamed["pinned"].as_bool()), (Some("Greetings"), Some(true)));

    server.push(Reply::json(429, json!({ "error": { "message": "slow down" } })));
    server.push(Reply::json(429, json!({ "error": { "message": "slow down" } })));
    server.push(Reply::json(429, json!({ "error": { "message": "slow down" } })));
    let limited = app.ok("chat_regenerate", json!({ "requestId": "again", "threadId": thread_id, "onEvent": CHANNEL }));
    assert_eq!(limited["answer"]["status"], "error", "a provider error is an answer's state, not a failed command");
    assert_eq!(limited["answer"]["errorKind"], "rateLimited");

    let user_message = page["messages"][0]["id"].clone();
    server.push(Reply::Stream(frames_as_steps(openai_text("scripted-small", &["Edited"]))));
    let edited = app.ok(
        "chat_edit",
        json!({ "requestId": "edit", "messageId": user_message, "text": "hello again", "onEvent": CHANNEL }),
    );
    assert_eq!(edited["answer"]["content"], "Edited");

    app.error("chat_cancel", json!({ "requestId": "no-such-request" }), "NotFound");
    app.error("threads_get", json!({ "id": "no-such-thread" }), "NotFound");
    app.error(
        "chat_regenerate",
        json!({ "requestId": "x", "threadId": "no-such-thread", "onEvent": CHANNEL }),
        "NotFound",
    );
    let malformed = app
        .invoke("chat_send", json!({ "requestId": "x", "input": { "text": 5 }, "onEvent": CHANNEL }))
        .expect_err("a malformed message is refused");
    assert!(malformed.as_str().is_some_and(|m| m.contains("invalid args")), "{malformed}");

    // Every window heard about the new thread, the answers, the title and the rename. The start
    // and the end of an answer name its request (the window that asked skips them); the title
    // and the rename name none, so that window refreshes too. (Sorted: the title's event races
    // the rename's.)
    let expected = [
        json!("again"),
        json!("again"),
        json!("edit"),
        json!("edit"),
        json!("req-hello"),
        json!("req-hello"),
        json!(null),
        json!(null),
    ];
    let mut heard = Vec::new();
    for _ in 0..100 {
        heard = heard_for(&thread_id);
        heard.sort_by_key(|request| request.as_str().map_or_else(|| "~".to_owned(), str::to_owned));
        if heard.len() >= expected.len() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(heard, expected, "ThreadChanged for the thread, in order, by request");
    runtime.block_on(server.shutdown());
}

#[test]
fn agents_over_ipc_with_shared_permissions() {
    let app = TestApp::new();
    app.register("ada");
    let agents = app.ok("agents_list", json!({ "query": { "search": null, "includeArchived": false } }));
    assert_eq!(agents[0]["name"], "Task assistant");
    assert_eq!(agents[0]["builtIn"], true);

    let input = json!({ "name": "Poet", "description": "", "color": "violet", "icon": "pen", "systemPrompt": "Rhyme.",
        "connectionId": null, "model": null, "temperature": null, "maxTokens": null, "contextWindow": null,
        "tools": [], "starters": [{ "title": "Poem", "prompt": "A poem about {{topic}}" }], "visibility": "shared" });
    let poet = app.ok("agents_create", json!({ "input": input }));
    let error = app.error("agents_create", json!({ "input": { "name": "" } }), "Validation");
    assert_eq!(error["field"], "name");
    let exported = app.ok("agents_export", json!({ "id": poet["id"] }));
    let imported = app.ok("agents_import", json!({ "json": exported }));
    assert_eq!(imported["name"], "Poet");
    assert_eq!(imported["visibility"], "private");
    let error = app.error("agents_import", json!({ "json": "{}" }), "Validation");
    assert_eq!(error["field"], "json");
    let copy = app.ok("agents_duplicate", json!({ "id": poet["id"] }));
    assert_eq!(copy["name"], "Poet (copy)");
    let archived = app.ok("agents_set_archived", json!({ "id": copy["id"], "archived": true }));
    assert_eq!(archived["archived"], true);

    // Bob may use and duplicate Ada's shared agent, not change it; her private ones don't exist for him.
    app.ok("auth_logout", json!({}));
    app.register("bob");
    let seen = app.ok("agents_get", json!({ "id": poet["id"] }));
    assert_eq!((seen["canEdit"].as_bool(), seen["ownerName"].as_str()), (Some(false), Some("ada")));
    app.error("agents_update", json!({ "id": poet["id"], "input": input }), "Forbidden");
    app.error("agents_get", json!({ "id": imported["id"] }), "NotFound");
    app.ok("agents_duplicate", json!({ "id": poet["id"] }));
    app.error(
        "chat_send",
        json!({ "requestId": "b", "input": { "threadId": null, "agentId": copy["id"], "text": "hi" }, "onEvent": CHANNEL }),
        "NotFound",
    );
}
