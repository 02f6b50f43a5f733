//! A chat run's log lines, at the app's own level (info): every line of the run carries its
//! correlation id, and neither the person's message nor the model's answer is in the log.
//! (Its own binary, because the log subscriber is global to a process.)

mod support;

use serde_json::json;
use support::TestApp;

const QUESTION: &str = "my bank PIN is 4711 and my doctor said";
const ANSWER_WORD: &str = "scripted"; // in the scripted server's default answer

#[test]
fn a_run_logs_its_correlation_id_and_no_message_text() {
    let logs = tempfile::tempdir().expect("a log folder");
    std::env::remove_var("RUST_LOG"); // the app's default filter: info
    std::env::set_var("KICKSTART_LOG_STDERR", "0");
    let guard = kickstart_app::logging::init(Some(logs.path()));

    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the scripted server");
    let server = runtime.block_on(kickstart_testkit::llm_server::ScriptedLlm::start());
    let app = TestApp::new();
    app.register("ada");
    app.ok(
        "providers_create",
        json!({ "input": {
            "kind": "openaiCompatible", "name": "Scripted", "baseUrl": server.base_url(),
            "defaultModel": "scripted-small", "apiKey": null, "makeDefault": true,
        }}),
    );
    let outcome = app.ok(
        "chat_send",
        json!({ "requestId": "r1", "input": { "threadId": null, "agentId": null, "text": QUESTION },
            "onEvent": "__CHANNEL__:7" }),
    );
    assert_eq!(outcome["answer"]["status"], "complete", "{outcome}");
    assert!(outcome["answer"]["content"].as_str().is_some_and(|text| text.contains(ANSWER_WORD)));
    let correlation = outcome["run"]["correlationId"].as_str().expect("a correlation id").to_owned();
    drop(app);
    drop(guard); // flushes the log file

    let mut log = String::new();
    for entry in std::fs::read_dir(logs.path()).expect("the log folder").flatten() {
        log.push_str(&std::fs::read_to_string(entry.path()).expect("a log file"));
    }
    let run_lines: Vec<&str> = log.lines().filter(|line| line.contains(&correlation)).collect();
    assert!(run_lines.len() >= 2, "the run's start and end are logged with its id:\n{log}");
    assert!(!log.contains("4711") && !log.contains("doctor"), "the message is not in the log:\n{log}");
    assert!(!log.contains("Hello from the scripted server"), "the answer is not in the log:\n{log}");
}
