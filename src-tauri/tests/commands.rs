//! The real commands, invoked through Tauri's IPC on the mock runtime, against a real SQLite file:
//! what the UI sends and receives, including every error code.

mod support;

use serde_json::json;
use support::{TestApp, PASSWORD};

#[test]
fn first_run_registers_the_admin_and_shows_the_recovery_key_once() {
    let app = TestApp::new();
    let status = app.ok("auth_status", json!({}));
    assert_eq!(status, json!({ "hasProfiles": false, "session": null }));

    let registration = app.register("ada");
    assert_eq!(registration["session"]["profile"]["role"], "admin");
    assert_eq!(registration["session"]["locked"], false);
    assert_eq!(registration["recoveryKey"].as_str().map(str::len), Some(29));
    let status = app.ok("auth_status", json!({}));
    assert_eq!(status["session"]["profile"]["username"], "ada");
    assert!(status["session"].get("recoveryKey").is_none(), "the recovery key is never sent again");
    let serialized = serde_json::to_string(&status).expect("json");
    assert!(!serialized.contains("argon2"), "no hash ever reaches the UI: {serialized}");
}

#[test]
fn commands_refuse_signed_out_and_locked_callers() {
    let app = TestApp::new();
    app.error("profiles_list", json!({}), "Unauthenticated");
    app.error("auth_touch", json!({}), "Unauthenticated");
    app.error("auth_lock", json!({}), "Unauthenticated");

    app.register("ada");
    app.ok("auth_lock", json!({}));
    app.error("profiles_list", json!({}), "Locked");
    app.error("auth_set_idle_lock", json!({ "minutes": 0 }), "Locked");
    app.error(
        "auth_change_password",
        json!({ "currentPassword": PASSWORD, "newPassword": "another secret" }),
        "Locked",
    );
    assert_eq!(app.ok("auth_status", json!({}))["session"]["locked"], true);

    app.error("auth_unlock", json!({ "password": "wrong password" }), "InvalidCredentials");
    let unlocked = app.ok("auth_unlock", json!({ "password": PASSWORD }));
    assert_eq!(unlocked["locked"], false);
    app.ok("profiles_list", json!({}));

    app.ok("auth_logout", json!({}));
    app.error("profiles_list", json!({}), "Unauthenticated");
}

#[test]
fn login_errors_carry_codes_fields_and_wait_times() {
    let app = TestApp::new();
    let error = app.error(
        "auth_register",
        json!({ "input": { "username": "ada", "displayName": "", "password": "short" } }),
        "Validation",
    );
    assert_eq!(error["field"], "password");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("8 characters")), "the rule is stated: {error}");
    assert_eq!(app.ok("auth_status", json!({}))["hasProfiles"], false, "a refused registration writes nothing");

    app.register("ada");
    let error = app.error(
        "auth_register",
        json!({ "input": { "username": "Ada", "displayName": "", "password": PASSWORD } }),
        "Conflict",
    );
    assert_eq!(error["field"], "username");
    app.ok("auth_logout", json!({}));
    for _ in 0..3 {
        app.error("auth_login", json!({ "username": "ada", "password": "wrong password" }), "InvalidCredentials");
    }
    let error = app.error("auth_login", json!({ "username": "ada", "password": PASSWORD }), "Throttled");
    assert!(error["retryAfterSecs"].as_u64().is_some_and(|s| s >= 1), "the wait is given: {error}");
    let error = app.error(
        "auth_recover",
        json!({ "username": "nobody", "recoveryKey": "AAAAA", "newPassword": "brand new secret" }),
        "InvalidRecoveryKey",
    );
    assert_eq!(error["field"], "recoveryKey");
}

#[test]
fn members_are_kept_out_of_administration() {
    let app = TestApp::new();
    let admin = app.register("ada");
    let created = app.ok(
        "profiles_create",
        json!({ "input": { "username": "bob", "displayName": "Bob", "password": PASSWORD, "role": "member" } }),
    );
    assert_eq!(created["profile"]["role"], "member");
    assert!(created["recoveryKey"].is_string());
    app.error(
        "profiles_set_disabled",
        json!({ "profileId": admin["session"]["profile"]["id"], "disabled": true }),
        "Forbidden",
    );
    app.error("profiles_set_role", json!({ "profileId": "no-such-id", "role": "admin" }), "NotFound");

    app.ok("auth_logout", json!({}));
    let bob = app.ok("auth_login", json!({ "username": "bob", "password": PASSWORD }));
    assert_eq!(bob["profile"]["displayName"], "Bob");
    app.error("profiles_list", json!({}), "Forbidden");
    app.error("profiles_set_role", json!({ "profileId": bob["profile"]["id"], "role": "admin" }), "Forbidden");
    app.error(
        "profiles_reset_password",
        json!({ "profileId": admin["session"]["profile"]["id"], "newPassword": "taken over now" }),
        "Forbidden",
    );
}

#[test]
fn malformed_arguments_are_rejected_without_reaching_the_core() {
    let app = TestApp::new();
    let error = app.invoke("auth_register", json!({ "input": { "username": 42 } })).expect_err("bad shape");
    assert!(error.as_str().is_some_and(|m| m.contains("input")), "Tauri names the bad argument: {error}");
    let error = app.invoke("auth_set_idle_lock", json!({ "minutes": -5 })).expect_err("negative minutes");
    assert!(error.is_string(), "{error}");
    assert_eq!(app.ok("auth_status", json!({}))["hasProfiles"], false);
}

#[test]
fn profile_settings_update_the_session() {
    let app = TestApp::new();
    app.register("ada");
    let info = app.ok("auth_update_profile", json!({ "displayName": "  Ada Lovelace " }));
    assert_eq!(info["profile"]["displayName"], "Ada Lovelace");
    let info = app.ok("auth_set_idle_lock", json!({ "minutes": 30 }));
    assert_eq!(info["idleLockMinutes"], 30);
    let error = app.error("auth_update_profile", json!({ "displayName": "x".repeat(65) }), "Validation");
    assert_eq!(error["field"], "displayName");
    let error = app.error(
        "auth_change_password",
        json!({ "currentPassword": "not it at all", "newPassword": "another secret" }),
        "Validation",
    );
    assert_eq!(error["field"], "currentPassword");
    app.ok("auth_change_password", json!({ "currentPassword": PASSWORD, "newPassword": "another secret" }));
    app.ok("auth_logout", json!({}));
    app.ok("auth_login", json!({ "username": "ada", "password": "another secret" }));
}

#[test]
fn tasks_round_trip_over_ipc_and_announce_changes() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tauri::Listener;

    let app = TestApp::new();
    app.error("tasks_list", json!({ "query": { "view": "inbox" } }), "Unauthenticated");
    app.register("ada");
    let announced = Arc::new(AtomicUsize::new(0));
    let counter = announced.clone();
    app.window.listen_any("tasks-changed", move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });

    let draft = app.ok("tasks_parse", json!({ "text": "pay rent every month on the 1st p1 #home", "literal": [] }));
    assert_eq!(draft["title"], "pay rent");
    assert_eq!(draft["recurrence"]["rrule"], "FREQ=MONTHLY;BYMONTHDAY=1");
    let task = app.ok(
        "tasks_create",
        json!({ "input": {
            "title": draft["title"], "notes": null, "due": draft["due"], "priority": draft["priority"],
            "tags": draft["tags"], "recurrence": draft["recurrence"]["rrule"] } }),
    );
    assert_eq!(task["tags"], json!(["home"]));
    let id = task["id"].clone();
    let page = app.ok("tasks_list", json!({ "query": { "view": "upcoming" } }));
    assert_eq!(page["tasks"][0]["id"], id);
    assert_eq!(app.ok("tasks_counts", json!({}))["upcoming"], 1);

    let moved = app.ok("tasks_complete", json!({ "id": id }));
    assert_eq!(moved["status"], "open", "a recurring task moves on instead of closing");
    assert_ne!(moved["due"], task["due"]);
    app.ok("tasks_uncomplete", json!({ "id": id }));
    app.ok("tasks_delete", json!({ "id": id }));
    assert_eq!(app.ok("tasks_counts", json!({}))["trash"], 1);
    app.ok("tasks_bulk", json!({ "ids": [id], "action": { "type": "restore" } }));

    let error = app.error("tasks_create", json!({ "input": { "title": "  " } }), "Validation");
    assert_eq!(error["field"], "title");
    app.error("tasks_get", json!({ "id": "no-such-task" }), "NotFound");
    let error = app.error(
        "tasks_update",
        json!({ "id": id, "patch": { "title": null, "notes": null, "due": { "date": "2026-02-30", "time": null },
            "priority": null, "tags": null, "recurrence": null } }),
        "Validation",
    );
    assert_eq!(error["field"], "due");
    // Tauri delivers events asynchronously; give the listener a moment.
    for _ in 0..50 {
        if announced.load(Ordering::SeqCst) >= 5 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(
        announced.load(Ordering::SeqCst),
        5,
        "each of the five successful writes is announced once, failures are not"
    );

    app.ok("auth_lock", json!({}));
    app.error("tasks_parse", json!({ "text": "x", "literal": [] }), "Locked");
}

/// Settings → Tool servers over IPC: the wire shapes the UI sends and reads (a tagged transport,
/// variables whose values never come back), typed errors, and a connect that reports a server
/// failing to start as its status rather than as an error.
#[test]
fn tool_servers_round_trip_over_ipc() {
    let app = TestApp::new();
    app.error("mcp_servers_list", json!({}), "Unauthenticated");
    app.register("ada");
    let server = app.ok(
        "mcp_servers_create",
        json!({ "server": {
            "name": "broken",
            "transport": { "kind": "stdio", "command": "sh", "args": ["-c", "echo 'no token given' >&2; exit 2"] },
            "variables": [{ "name": "API_TOKEN", "value": "tok-123" }] } }),
    );
    assert_eq!(server["transport"]["kind"], "stdio");
    assert_eq!(server["variableNames"], json!(["API_TOKEN"]));
    assert_eq!(server["status"], json!({ "state": "stopped" }));
    assert!(!server.to_string().contains("tok-123"), "a variable's value never comes back: {server}");

    let connected = app.ok("mcp_servers_connect", json!({ "id": server["id"] }));
    assert_eq!(connected["status"]["state"], "failed", "{connected}");
    assert!(connected["status"]["stderr"].as_str().is_some_and(|s| s.contains("no token given")), "{connected}");

    let error = app.error(
        "mcp_servers_create",
        json!({ "server": { "name": "web", "transport": { "kind": "http", "url": "nope" }, "variables": [] } }),
        "Validation",
    );
    assert_eq!(error["field"], "url");
    let error = app.error(
        "mcp_servers_create",
        json!({ "server": { "name": "broken", "transport": { "kind": "stdio", "command": "x", "args": [] } } }),
        "Conflict",
    );
    assert_eq!(error["field"], "name");
    app.invoke("mcp_servers_create", json!({ "server": { "name": "x", "transport": { "kind": "ftp" } } }))
        .expect_err("an unknown transport is refused before the core");
    app.error("mcp_servers_delete", json!({ "id": "0190a5b2-0000-7000-8000-000000000999" }), "NotFound");
    let listed = app.ok("mcp_servers_list", json!({}));
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    app.ok("mcp_servers_delete", json!({ "id": server["id"] }));
    assert_eq!(app.ok("mcp_servers_list", json!({})), json!([]));
}
