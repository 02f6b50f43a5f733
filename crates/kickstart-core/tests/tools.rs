//! The task tools through a real MCP client (rmcp's, over an in-memory pipe) talking to our MCP
//! server on a real SQLite file: every tool, every kind of bad input, two profiles kept apart,
//! and tokens (wrong, revoked).

use std::sync::Arc;

use kickstart_core::auth::Session;
use kickstart_core::mcp::{self, ToolServer};
use kickstart_core::tasks::{NewTask, TaskQuery, TaskView};
use kickstart_core::tools::{ToolOutput, Tools};
use kickstart_core::Core;
use kickstart_testkit::TestCore;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{json, Value};

type Client = RunningService<RoleClient, ()>;

async fn profile(t: &TestCore, name: &str) -> (Session, String) {
    t.register(name).await;
    let session = t.core.auth().session().expect("session");
    let token = t.core.mcp_tokens().create(&session, "tests").await.expect("token").secret;
    (session, token)
}

/// An MCP client connected to our server for `token`, over an in-memory pipe.
async fn connect(core: Arc<Core>, token: String) -> Client {
    let (server_io, client_io) = tokio::io::duplex(256 * 1024);
    tokio::spawn(async move {
        if let Err(error) = mcp::serve(ToolServer::new(core, token), server_io).await {
            eprintln!("server: {error}");
        }
    });
    ().serve(client_io).await.expect("the client connects")
}

async fn call(client: &Client, tool: &str, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else { panic!("arguments must be an object") };
    client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments))
        .await
        .unwrap_or_else(|error| panic!("{tool} answered with a protocol error: {error}"))
}

fn structured(result: &CallToolResult) -> &Value {
    assert_ne!(result.is_error, Some(true), "expected success: {result:?}");
    result.structured_content.as_ref().expect("a structured result")
}

fn error_text(result: &CallToolResult) -> String {
    assert_eq!(result.is_error, Some(true), "expected a tool error: {result:?}");
    result.content.iter().filter_map(|block| block.as_text().map(|t| t.text.clone())).collect()
}

#[tokio::test]
async fn the_tools_are_listed_with_schemas_and_hints() {
    let t = TestCore::new().await;
    let (_, token) = profile(&t, "ada").await;
    let client = connect(t.core.clone(), token).await;
    let info = client.peer_info().expect("server info");
    assert_eq!(info.server_info.as_ref().map(|server| server.name.as_str()), Some("kickstart"));
    let tools = client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    assert_eq!(names, ["add_task", "list_tasks", "complete_task", "update_task", "delete_task"]);
    for tool in &tools {
        let schema = &tool.input_schema;
        assert_eq!(schema.get("type"), Some(&json!("object")), "{}: an object schema", tool.name);
        assert!(!schema.contains_key("$schema") && !schema.contains_key("$defs"), "{}: inline", tool.name);
        assert_eq!(schema.get("additionalProperties"), Some(&json!(false)), "{}: unknown fields refused", tool.name);
        assert!(tool.output_schema.is_some(), "{}: an output schema", tool.name);
        assert!(tool.description.as_deref().is_some_and(|d| d.len() > 40), "{}: described", tool.name);
    }
    let hints = |name: &str| tools.iter().find(|t| t.name == name).and_then(|t| t.annotations.clone()).expect("hints");
    assert_eq!(hints("list_tasks").read_only_hint, Some(true));
    assert_eq!(hints("delete_task").destructive_hint, Some(true));
    assert_eq!(hints("add_task").destructive_hint, Some(false));
    assert_eq!(hints("complete_task").idempotent_hint, Some(true));
    let add_schema = serde_json::to_string(&tools[0].input_schema).expect("json");
    assert!(add_schema.contains("tomorrow 5pm"), "the due field explains plain words: {add_schema}");
    client.cancel().await.expect("closes");
}

#[tokio::test]
async fn every_tool_works_with_plain_words_and_iso_dates() {
    let t = TestCore::new().await; // 2026-11-23 09:00 UTC, Berlin
    let (ada, token) = profile(&t, "ada").await;
    let client = connect(t.core.clone(), token).await;

    let added = call(
        &client,
        "add_task",
        json!({ "tasks": [
            { "title": "Buy milk", "due": "tomorrow 5pm", "tags": ["#errands"], "priority": 2 },
            { "title": "File taxes", "due": "2026-11-20", "notes": "Forms in the drawer" },
            { "title": "Water plants", "repeat": "every monday" },
            { "title": "Call Mum", "due": "2026-11-23T18:30" }
        ]}),
    )
    .await;
    let added = structured(&added);
    assert_eq!(added["failed"], json!([]));
    let created = added["created"].as_array().expect("created");
    assert_eq!(created.len(), 4);
    assert_eq!(created[0]["due"], "2026-11-24 17:00");
    assert_eq!((created[0]["priority"].clone(), created[0]["tags"].clone()), (json!(2), json!(["errands"])));
    assert_eq!(
        (created[1]["overdue"].clone(), created[1]["notes"].clone()),
        (json!(true), json!("Forms in the drawer"))
    );
    assert_eq!(
        created[2]["due"], "2026-11-23",
        "a repeat without a date starts at its first occurrence (today, a Monday)"
    );
    assert!(created[2]["repeat"].as_str().is_some_and(|r| r.contains("Monday")), "{}", created[2]);
    assert_eq!(created[3]["due"], "2026-11-23 18:30");

    // Today's tasks: due today or earlier.
    let today = call(&client, "list_tasks", json!({ "due_to": "today" })).await;
    let titles: Vec<&str> =
        structured(&today)["tasks"].as_array().expect("tasks").iter().filter_map(|t| t["title"].as_str()).collect();
    assert_eq!(titles, ["File taxes", "Water plants", "Call Mum"]);
    let overdue = call(&client, "list_tasks", json!({ "status": "overdue" })).await;
    assert_eq!(structured(&overdue)["tasks"].as_array().map(Vec::len), Some(1));
    let tagged = call(&client, "list_tasks", json!({ "tag": "errands", "text": "milk" })).await;
    assert_eq!(structured(&tagged)["tasks"][0]["title"], "Buy milk");
    let page = call(&client, "list_tasks", json!({ "limit": 2 })).await;
    let cursor = structured(&page)["next_cursor"].as_str().expect("a second page").to_owned();
    let rest = call(&client, "list_tasks", json!({ "limit": 2, "cursor": cursor })).await;
    assert_eq!(structured(&rest)["tasks"].as_array().map(Vec::len), Some(2));

    let milk = created[0]["id"].as_str().expect("id").to_owned();
    let taxes = created[1]["id"].as_str().expect("id").to_owned();
    let changed = call(
        &client,
        "update_task",
        json!({ "id": milk, "title": "Buy oat milk", "due": "friday 9am", "notes": "2 litres", "priority": 1 }),
    )
    .await;
    let task = &structured(&changed)["task"];
    assert_eq!((task["title"].as_str(), task["due"].as_str()), (Some("Buy oat milk"), Some("2026-11-27 09:00")));
    assert_eq!(task["notes"], "2 litres");
    let cleared = call(&client, "update_task", json!({ "id": milk, "due": "", "notes": "" })).await;
    assert_eq!(
        (structured(&cleared)["task"]["due"].clone(), structured(&cleared)["task"]["notes"].clone()),
        (Value::Null, json!(""))
    );

    let done = call(&client, "complete_task", json!({ "ids": [taxes, "no-such-id"] })).await;
    let done = structured(&done);
    assert_eq!(done["completed"][0]["status"], "done");
    assert_eq!(done["failed"][0]["item"], "no-such-id");
    assert!(done["failed"][0]["error"].as_str().is_some_and(|e| e.contains("No task")), "{done}");
    let reopened = call(&client, "update_task", json!({ "id": taxes, "status": "open" })).await;
    assert_eq!(structured(&reopened)["task"]["status"], "open");

    let deleted = call(&client, "delete_task", json!({ "ids": [milk] })).await;
    assert_eq!(structured(&deleted)["deleted"][0]["status"], "deleted");
    let trash = t.core.tasks().list(&ada, TaskQuery::view(TaskView::Trash)).await.expect("trash");
    assert_eq!(trash.tasks.len(), 1, "deleted means in the trash, restorable");
    // A task in the trash is left alone: a model changing it would do so unseen.
    let trashed = call(&client, "complete_task", json!({ "ids": [milk] })).await;
    assert!(structured(&trashed)["failed"][0]["error"].as_str().is_some_and(|e| e.contains("in the trash")));
    let renamed = call(&client, "update_task", json!({ "id": milk, "title": "sneaky" })).await;
    assert!(error_text(&renamed).contains("in the trash"));
    let again = call(&client, "delete_task", json!({ "ids": [milk] })).await;
    assert_eq!(structured(&again)["failed"], json!([]), "deleting twice is harmless");
    client.cancel().await.expect("closes");
}

#[tokio::test]
async fn bad_arguments_are_tool_errors_and_change_nothing() {
    let t = TestCore::new().await;
    let (ada, token) = profile(&t, "ada").await;
    let client = connect(t.core.clone(), token).await;
    let cases = [
        ("add_task", json!({ "tasks": [{ "title": 5 }] }), "invalid type"),
        ("add_task", json!({ "tasks": [{ "title": "x", "priority": "high" }] }), "at `tasks[0].priority`"),
        ("add_task", json!({ "tasks": [{}] }), "missing field `title`"),
        ("add_task", json!({ "title": "no list" }), "unknown field `title`"),
        ("add_task", json!({ "tasks": [] }), "1 to 50"),
        ("list_tasks", json!({ "status": "someday" }), "unknown variant"),
        ("list_tasks", json!({ "due_to": "whenever" }), "not a date"),
        ("complete_task", json!({ "ids": "abc" }), "invalid type"),
        ("update_task", json!({ "title": "no id" }), "missing field `id`"),
        ("update_task", json!({ "id": "x", "priority": 9 }), "Priority 9"),
    ];
    for (tool, arguments, expected) in cases {
        let message = error_text(&call(&client, tool, arguments.clone()).await);
        assert!(message.contains(expected), "{tool} {arguments}: {message:?} should say {expected:?}");
    }
    // Per-item failures in a batch: the good one is added, the bad ones are reported.
    let huge = "x".repeat(600);
    let mixed = call(
        &client,
        "add_task",
        json!({ "tasks": [{ "title": "Fine" }, { "title": huge }, { "title": "Bad date", "due": "the 45th" }, { "title": " " }] }),
    )
    .await;
    let mixed = structured(&mixed);
    assert_eq!(mixed["created"].as_array().map(Vec::len), Some(1));
    let failed: Vec<&str> =
        mixed["failed"].as_array().expect("failed").iter().filter_map(|f| f["item"].as_str()).collect();
    assert_eq!(failed, ["1", "2", "3"]);
    let all = t.core.tasks().list(&ada, TaskQuery::view(TaskView::Inbox)).await.expect("list");
    assert_eq!(all.tasks.len(), 1, "only the valid task was saved");

    // An unknown tool is a protocol error (the request can't be routed).
    let unknown =
        client.call_tool(CallToolRequestParams::new("drop_tables").with_arguments(serde_json::Map::new())).await;
    assert!(unknown.is_err(), "unknown tools are refused: {unknown:?}");
    client.cancel().await.expect("closes");

    // In-process, as the chat loop calls them: not JSON, too long.
    let tools = t.core.tools();
    let not_json = tools.call_json(&ada, "add_task", "{\"tasks\": [").await.expect("known tool");
    assert!(matches!(&not_json, ToolOutput::Failure { message, .. } if message.contains("not valid JSON")));
    let long = format!("{{\"tasks\": [{{\"title\": \"{}\"}}]}}", "y".repeat(200_000));
    let too_long = tools.call_json(&ada, "add_task", &long).await.expect("known tool");
    assert!(matches!(&too_long, ToolOutput::Failure { message, .. } if message.contains("too long")));
    assert!(Tools::definition("add_task").is_some());
}

#[tokio::test]
async fn profiles_see_only_their_own_tasks_and_tokens_can_be_revoked() {
    let t = TestCore::new().await;
    let (ada, ada_token) = profile(&t, "ada").await;
    let (bob, bob_token) = profile(&t, "bob").await;
    let adas = t
        .core
        .tasks()
        .create(&ada, NewTask { title: "Ada's secret".into(), ..NewTask::default() })
        .await
        .expect("task");

    let bob_client = connect(t.core.clone(), bob_token.clone()).await;
    let listed = call(&bob_client, "list_tasks", json!({})).await;
    assert_eq!(structured(&listed)["tasks"], json!([]), "Bob sees none of Ada's tasks");
    for tool in ["complete_task", "delete_task"] {
        let result = call(&bob_client, tool, json!({ "ids": [adas.id.0] })).await;
        assert!(structured(&result)["failed"][0]["error"].as_str().is_some_and(|e| e.contains("No task")));
    }
    let update = call(&bob_client, "update_task", json!({ "id": adas.id.0, "title": "mine now" })).await;
    assert!(error_text(&update).contains("No task"));
    let still = t.core.tasks().get(&ada, &adas.id).await.expect("Ada's task");
    assert_eq!((still.title.as_str(), still.deleted_at.is_none()), ("Ada's secret", true), "untouched");

    // Revoked: the next request is refused, though the session was open.
    let bobs_tokens = t.core.mcp_tokens().list(&bob).await.expect("tokens");
    assert_eq!(bobs_tokens.len(), 1);
    assert!(bobs_tokens[0].last_used_at.is_some(), "use is recorded");
    assert!(!bob_token.ends_with(&bobs_tokens[0].hint) || bobs_tokens[0].hint.len() == 4);
    t.core.mcp_tokens().revoke(&bob, &bobs_tokens[0].id).await.expect("revoke");
    let refused = bob_client.list_all_tools().await;
    assert!(refused.is_err(), "a revoked token is refused at once");
    // Ada can't revoke Bob's tokens, and wrong tokens are refused the same way.
    assert!(t.core.mcp_tokens().revoke(&ada, &bobs_tokens[0].id).await.is_err());
    for wrong in [bob_token.as_str(), "ksm_0000", "not-a-token", ""] {
        assert!(t.core.mcp_tokens().authenticate(wrong).await.is_err(), "{wrong:?} is refused");
    }
    assert!(t.core.mcp_tokens().authenticate(&ada_token).await.is_ok());
    assert!(t.core.mcp_tokens().create(&ada, "  ").await.is_err(), "a token needs a name");
}

/// The HTTP transport's door: no token, a wrong or revoked one, a browser's Origin, a foreign
/// Host — all refused before any tool runs; a valid token gets a session.
#[tokio::test]
async fn the_http_server_lets_in_only_valid_tokens_from_this_machine() {
    let t = TestCore::new().await;
    let (ada, token) = profile(&t, "ada").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}/mcp", listener.local_addr().expect("address"));
    let stop = tokio_util::sync::CancellationToken::new();
    let server = tokio::spawn(mcp::http::serve(t.core.clone(), listener, stop.clone()));
    let http = kickstart_core::http_client().build().expect("an HTTP client");
    let initialize = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "test", "version": "1" } } });
    let post = |bearer: Option<&str>| {
        let mut request = http
            .post(&url)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .body(initialize.to_string());
        if let Some(bearer) = bearer {
            request = request.header("authorization", format!("Bearer {bearer}"));
        }
        request
    };

    let ok = post(Some(&token)).send().await.expect("answered");
    assert_eq!(ok.status(), 200, "a valid token opens a session");
    assert!(ok.headers().contains_key("mcp-session-id"));
    for bearer in [None, Some("ksm_wrong"), Some("")] {
        let refused = post(bearer).send().await.expect("answered");
        assert_eq!(refused.status(), 401, "{bearer:?} is refused");
        assert!(refused.text().await.unwrap_or_default().contains("not valid"));
    }
    let from_a_page = post(Some(&token)).header("origin", "https://evil.example").send().await.expect("answered");
    assert_eq!(from_a_page.status(), 403, "a web page can't reach it");
    let rebound = post(Some(&token)).header("host", "evil.example").send().await.expect("answered");
    assert_eq!(rebound.status(), 403, "DNS rebinding is refused");

    let tokens = t.core.mcp_tokens().list(&ada).await.expect("tokens");
    t.core.mcp_tokens().revoke(&ada, &tokens[0].id).await.expect("revoke");
    assert_eq!(post(Some(&token)).send().await.expect("answered").status(), 401, "revoked at once");
    stop.cancel();
    server.await.expect("the server stops");
}
