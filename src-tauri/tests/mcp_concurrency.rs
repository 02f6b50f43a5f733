//! The app's core and a separate `kickstart mcp` process write the same database at the same
//! time — 10 000 operations between them — and nothing is lost and no "database is busy" reaches
//! anyone. The MCP process is the real binary, driven over its stdio by rmcp's client.

use std::time::Instant;

use kickstart_core::tasks::{NewTask, TaskPatch, TaskQuery, TaskStatus, TaskView};
use kickstart_testkit::TestCore;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use rmcp::ServiceExt;
use serde_json::{json, Value};

/// Operations on each side: adds, then changes to some of what was added.
const ADDS: usize = 4_000;
const CHANGES: usize = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_and_an_mcp_process_share_the_database_without_losing_a_write() {
    let t = TestCore::new().await;
    t.register("ada").await;
    let ada = t.core.auth().session().expect("session");
    let token = t.core.mcp_tokens().create(&ada, "concurrency").await.expect("token").secret;
    let data_dir = t.database_path.parent().expect("data folder").to_owned();
    let logs = tempfile::tempdir().expect("log folder");

    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_kickstart"));
    command
        .args(["mcp", "--data-dir"])
        .arg(&data_dir)
        .env("KICKSTART_MCP_TOKEN", &token)
        .env("KICKSTART_LOG_DIR", logs.path())
        .env("KICKSTART_LOG_STDERR", "0")
        .env("RUST_LOG", "warn");
    let transport = TokioChildProcess::new(command).expect("the MCP server starts");
    let client = ().serve(transport).await.expect("the MCP session opens");

    let started = Instant::now();
    let over_mcp = async {
        let mut ids = Vec::with_capacity(ADDS);
        for i in 0..ADDS {
            let arguments = json!({ "tasks": [{ "title": format!("mcp {i}") }] });
            let result = call(&client, "add_task", arguments).await;
            ids.push(result["created"][0]["id"].as_str().expect("an id").to_owned());
        }
        for id in ids.iter().take(CHANGES) {
            let result = call(&client, "complete_task", json!({ "ids": [id] })).await;
            assert_eq!(result["failed"], json!([]), "completing {id}");
        }
    };
    let in_the_app = async {
        let tasks = t.core.tasks();
        let mut ids = Vec::with_capacity(ADDS);
        for i in 0..ADDS {
            let task = tasks.create(&ada, NewTask { title: format!("app {i}"), ..NewTask::default() }).await;
            ids.push(task.unwrap_or_else(|error| panic!("the app's write {i} failed: {error}")).id);
        }
        for (i, id) in ids.iter().take(CHANGES).enumerate() {
            let patch = TaskPatch { title: Some(format!("app {i} (changed)")), ..TaskPatch::default() };
            tasks.update(&ada, id, patch).await.unwrap_or_else(|error| panic!("the app's change {i} failed: {error}"));
        }
    };
    tokio::join!(over_mcp, in_the_app);
    let elapsed = started.elapsed();
    client.cancel().await.expect("the session closes");

    // Every write is there.
    let all = |view| {
        let core = t.core.clone();
        let ada = ada.clone();
        async move {
            let mut tasks = Vec::new();
            let mut cursor = None;
            loop {
                let query = TaskQuery { cursor, limit: Some(200), ..TaskQuery::view(view) };
                let page = core.tasks().list(&ada, query).await.expect("list");
                tasks.extend(page.tasks);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => return tasks,
                }
            }
        }
    };
    let open = all(TaskView::Inbox).await;
    let done = all(TaskView::Completed).await;
    assert_eq!(open.len() + done.len(), 2 * ADDS, "no add was lost");
    assert_eq!(done.len(), CHANGES, "every completion over MCP stuck");
    assert!(done.iter().all(|task| task.title.starts_with("mcp ") && task.status == TaskStatus::Done));
    let changed = open.iter().filter(|task| task.title.ends_with("(changed)")).count();
    assert_eq!(changed, CHANGES, "every change in the app stuck");
    eprintln!("{} operations in {:.1} s", 2 * (ADDS + CHANGES), elapsed.as_secs_f64());
}

/// Calls a tool; a protocol error or a tool error fails the test with its message.
async fn call(client: &rmcp::service::RunningService<rmcp::RoleClient, ()>, tool: &str, arguments: Value) -> Value {
    let Value::Object(arguments) = arguments else { unreachable!("arguments are objects") };
    let result = client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments))
        .await
        .unwrap_or_else(|error| panic!("{tool} over MCP failed: {error}"));
    assert_ne!(result.is_error, Some(true), "{tool} reported an error: {:?}", result.content);
    result.structured_content.expect("a structured result")
}
