//! The tray's actions and the quick chat's commands on the mock runtime: which window each one
//! shows and tells, the settings round trip, and bad input (a malformed shortcut, another
//! profile's thread, a locked session).

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use support::TestApp;
use tauri::{Listener, WebviewWindow};

/// Collects the payloads of `event` delivered to `window` (events sent to another window are not).
fn record(window: &WebviewWindow<tauri::test::MockRuntime>, event: &str) -> Arc<Mutex<Vec<Value>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    window.listen(event, move |delivered| {
        let payload = serde_json::from_str(delivered.payload()).unwrap_or(Value::Null);
        sink.lock().expect("events").push(payload);
    });
    seen
}

/// Tauri delivers events asynchronously: waits a little for `count` of them.
fn wait_for(seen: &Arc<Mutex<Vec<Value>>>, count: usize) -> Vec<Value> {
    for _ in 0..100 {
        if seen.lock().expect("events").len() >= count {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    seen.lock().expect("events").clone()
}

#[test]
fn tray_actions_show_the_right_window_and_tell_only_it() {
    let app = TestApp::new();
    let quick = app.open_window("quick");
    app.register("ada");
    let main_opens = record(&app.window, "open-requested");
    let quick_opens = record(&quick, "open-requested");
    let quick_shown = record(&quick, "quick-chat-shown");
    let main_shown = record(&app.window, "quick-chat-shown");

    app.ok("desktop_perform", json!({ "action": "quickChat" }));
    assert_eq!(wait_for(&quick_shown, 1).len(), 1, "the quick chat is told it was shown");

    app.ok("desktop_perform", json!({ "action": "newTask" }));
    assert_eq!(wait_for(&main_opens, 1), [json!({ "kind": "newTask" })], "New task opens quick add in the main window");
    app.ok("desktop_perform", json!({ "action": "showWindow" }));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(main_opens.lock().expect("events").len(), 1, "Show window asks to open nothing");
    assert!(quick_opens.lock().expect("events").is_empty(), "open requests go to the main window only");
    assert!(main_shown.lock().expect("events").is_empty(), "quick-chat-shown goes to the quick chat only");

    // Lock: the session locks, every window hears it, and the quick chat's data is refused.
    let locked = record(&app.window, "session-locked");
    app.ok("desktop_perform", json!({ "action": "lock" }));
    assert_eq!(wait_for(&locked, 1).len(), 1);
    app.error("quick_chat_get", json!({}), "Locked");
    app.ok("auth_unlock", json!({ "password": support::PASSWORD }));
    app.ok("quick_chat_get", json!({}));

    // Unknown actions are refused before anything happens.
    assert!(app.invoke("desktop_perform", json!({ "action": "selfDestruct" })).is_err());
}

#[test]
fn the_quick_chat_continues_its_thread_in_the_main_window_and_not_another_profiles() {
    let app = TestApp::new();
    let _quick = app.open_window("quick");
    app.register("ada");
    assert_eq!(app.ok("quick_chat_get", json!({})), json!({ "agentId": null, "threadId": null }));

    // The offline Task assistant answers without a provider, and so makes a thread.
    let answer = app.ok(
        "chat_send",
        json!({ "requestId": "q1", "input": { "threadId": null, "agentId": null, "text": "what is due today?" },
            "onEvent": "__CHANNEL__:7" }),
    );
    let thread_id = answer["answer"]["threadId"].clone();
    let agents = app.ok("agents_list", json!({ "query": { "search": null, "includeArchived": false } }));
    let agent_id = agents[0]["id"].clone();
    let chosen = json!({ "agentId": agent_id, "threadId": thread_id });
    assert_eq!(app.ok("quick_chat_set", json!({ "quickChat": chosen })), chosen);
    assert_eq!(app.ok("quick_chat_get", json!({})), chosen);

    let opens = record(&app.window, "open-requested");
    app.ok("quick_chat_open_in_main", json!({ "threadId": thread_id }));
    assert_eq!(wait_for(&opens, 1), [json!({ "kind": "thread", "threadId": thread_id })]);

    // Bob can neither open nor remember Ada's thread; his quick chat starts empty.
    app.ok("auth_logout", json!({}));
    app.error("quick_chat_get", json!({}), "Unauthenticated");
    app.register("bob");
    app.error("quick_chat_open_in_main", json!({ "threadId": thread_id }), "NotFound");
    app.error("quick_chat_set", json!({ "quickChat": { "agentId": null, "threadId": thread_id } }), "NotFound");
    assert_eq!(app.ok("quick_chat_get", json!({})), json!({ "agentId": null, "threadId": null }));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(opens.lock().expect("events").len(), 1, "a refused open shows nothing");
}

#[test]
fn desktop_settings_round_trip_and_a_malformed_shortcut_is_refused_on_its_field() {
    let app = TestApp::new();
    let status = app.ok("desktop_status", json!({}));
    assert_eq!(status["settings"]["quickChatShortcut"], "CommandOrControl+Shift+Space");
    assert_eq!(status["shortcutError"], Value::Null);
    let mut settings = status["settings"].clone();

    settings["quickChatShortcut"] = json!("CommandOrControl+Alt+K");
    app.error("desktop_update", json!({ "settings": settings }), "Unauthenticated");
    app.register("ada");
    settings["closeToTray"] = json!(false);
    let saved = app.ok("desktop_update", json!({ "settings": settings }));
    assert_eq!(saved["settings"], settings);
    assert_eq!(app.ok("desktop_status", json!({}))["settings"], settings);

    for bad in ["CommandOrControl+Shift+NoSuchKey", "Shift+Shift", "Ctrl++"] {
        let mut wrong = settings.clone();
        wrong["quickChatShortcut"] = json!(bad);
        let error = app.error("desktop_update", json!({ "settings": wrong }), "Validation");
        assert_eq!(error["field"], "quickChatShortcut", "{bad}: {error}");
    }
    assert_eq!(app.ok("desktop_status", json!({}))["settings"], settings, "refusals changed nothing");

    // The update address: only https (or this computer), and checking needs the updater plugin,
    // which the mock runtime does not have (tests/e2e/test_desktop.py checks the real one).
    let mut plain_http = settings.clone();
    plain_http["updateEndpoint"] = json!("http://updates.example.com/latest.json");
    let error = app.error("desktop_update", json!({ "settings": plain_http }), "Validation");
    assert_eq!(error["field"], "updateEndpoint", "{error}");
    app.error("updates_check", json!({}), "UpdateFailed");

    // Off is allowed: no shortcut at all.
    settings["quickChatShortcut"] = Value::Null;
    assert_eq!(app.ok("desktop_update", json!({ "settings": settings }))["settings"]["quickChatShortcut"], Value::Null);
}
