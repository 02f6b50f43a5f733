//! An API key goes through every provider command — saved, listed, checked against a scripted
//! server that demands it, replaced, refused — with logging at its most verbose. Then the test
//! searches every IPC result, every log file and the SQLite files for the key: it must not be in
//! any of them. (Its own binary, because the log subscriber is global to a process.)

mod support;

use serde_json::json;
use support::TestApp;

const KEY: &str = "sk-live-NEVER-LEAK-0b5e2d71";
const SECOND_KEY: &str = "sk-live-ALSO-SECRET-9c8d";

fn files_in(folder: &std::path::Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(folder).expect("a readable folder").flatten() {
        let path = entry.path();
        if path.is_file() {
            text.push_str(&String::from_utf8_lossy(&std::fs::read(&path).expect("a readable file")));
        }
    }
    text
}

#[test]
fn an_api_key_never_reaches_ipc_logs_or_the_database() {
    let logs = tempfile::tempdir().expect("a log folder");
    // Everything, from every crate (hyper, reqwest, sqlx included), goes to the log file.
    std::env::set_var("RUST_LOG", "trace");
    std::env::set_var("KICKSTART_LOG_STDERR", "0");
    let guard = kickstart_app::logging::init(Some(logs.path()));

    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the scripted server");
    let server = runtime.block_on(kickstart_testkit::llm_server::ScriptedLlm::start());
    server.require_key(Some(KEY.into()));

    let app = TestApp::new();
    app.register("ada");
    let created = app.ok(
        "providers_create",
        json!({ "input": {
            "kind": "openaiCompatible", "name": "Scripted", "baseUrl": server.base_url(),
            "defaultModel": null, "apiKey": KEY, "makeDefault": true,
        }}),
    );
    assert_eq!(created["hasKey"], true);
    assert_eq!(created["keyStorage"], "keychain");
    let id = created["id"].clone();
    app.ok("providers_list", json!({}));
    let check = app.ok("providers_check", json!({ "id": id }));
    assert!(check["message"].as_str().is_some_and(|message| message.starts_with("Connected")), "{check}");
    let models = app.ok("providers_models", json!({ "id": id }));
    assert_eq!(
        models,
        json!([{ "id": "scripted-large", "ownedBy": "scripted" }, { "id": "scripted-small", "ownedBy": "scripted" }])
    );
    assert!(server.requests().iter().any(|request| request.header("authorization") == Some(&format!("Bearer {KEY}"))));

    // A wrong key is refused by the server, and the error names the problem, not the key.
    app.ok(
        "providers_update",
        json!({ "id": id, "patch": {
            "name": null, "baseUrl": null, "defaultModel": "scripted-small", "apiKey": SECOND_KEY, "clearKey": false,
        }}),
    );
    let refused = app.error("providers_check", json!({ "id": id }), "ProviderAuth");
    assert!(refused["message"].as_str().is_some_and(|message| message.contains("API key")), "{refused}");

    // Bad input and someone else's id, through IPC: typed errors, nothing stored.
    let invalid = app.error(
        "providers_create",
        json!({ "input": { "kind": "openai", "name": "OpenAI", "baseUrl": "api.openai.com", "defaultModel": null, "apiKey": KEY } }),
        "Validation",
    );
    assert_eq!(invalid["field"], "baseUrl");
    app.error("providers_check", json!({ "id": "not-a-connection" }), "NotFound");
    let status = app.ok("secrets_status", json!({}));
    assert_eq!(status["keychain"], true);
    app.ok("providers_delete", json!({ "id": id }));
    assert_eq!(app.ok("providers_list", json!({})), json!([]));

    drop(guard); // flushes the log file
    let transcript = app.transcript.borrow().join("\n");
    let log_text = files_in(logs.path());
    let database = files_in(app.dir.path());
    assert!(log_text.contains("provider connection added"), "the log was written at all");
    assert!(transcript.contains("hasKey"), "the transcript was recorded at all");
    for key in [KEY, SECOND_KEY] {
        assert!(!transcript.contains(key), "an IPC result carried the key");
        assert!(!log_text.contains(key), "a log line carried the key");
        assert!(!database.contains(key), "the data folder holds the key in plain text");
    }
}
