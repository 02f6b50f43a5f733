//! Our MCP client against servers we did not write: `@modelcontextprotocol/server-everything`
//! (npm) and a server made with the official Python SDK (`tests/mcp/servers/probe_server.py`)
//! over stdio, and our own server over streamable HTTP behind a bearer token. Agents call their
//! tools in real runs against the scripted LLM server; registrations are checked and private.
//!
//! The servers come from `scripts/setup.sh test` (which `make test` runs first): the npm package
//! in `tests/mcp/node_modules`, the SDK in `.venv`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kickstart_core::agents::{AgentInput, AgentVisibility};
use kickstart_core::auth::Session;
use kickstart_core::chat::{Approval, ApprovalDecision, SendInput, ToolCallStatus, ToolCallView};
use kickstart_core::mcp::{
    self, McpClientLimits, McpServer, McpServerPatch, McpServerTransport, McpServerVariable, NewMcpServer, ServerStatus,
};
use kickstart_core::secrets::Sensitive;
use kickstart_core::tasks::{TaskQuery, TaskView};
use kickstart_core::{Core, CoreError};
use kickstart_testkit::llm_server::script::{frames_as_steps, openai_text, openai_text_and_tool_calls, ScriptedCall};
use kickstart_testkit::{ChatRecorder, Reply, ScriptedLlm, TestCore};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A program the tests need, or a panic that says how to get it.
fn installed(relative: &str) -> String {
    let path = repo().join(relative);
    assert!(path.exists(), "{} is missing: run `scripts/setup.sh test` (make test does)", path.display());
    path.to_string_lossy().into_owned()
}

fn everything() -> McpServerTransport {
    McpServerTransport::Stdio {
        command: installed("tests/mcp/node_modules/.bin/mcp-server-everything"),
        args: Vec::new(),
    }
}

fn probe(flag: Option<&str>) -> McpServerTransport {
    let mut args = vec![repo().join("tests/mcp/servers/probe_server.py").to_string_lossy().into_owned()];
    args.extend(flag.map(str::to_owned));
    McpServerTransport::Stdio { command: installed(".venv/bin/python"), args }
}

fn variable(name: &str, value: Option<&str>) -> McpServerVariable {
    McpServerVariable { name: name.into(), value: value.map(|v| Sensitive::new(v.to_owned())) }
}

fn new_server(name: &str, transport: McpServerTransport, variables: Vec<McpServerVariable>) -> NewMcpServer {
    NewMcpServer { name: name.into(), transport, variables }
}

struct Fixture {
    t: TestCore,
    llm: ScriptedLlm,
    ada: Session,
}

async fn fixture_with(limits: McpClientLimits) -> Fixture {
    let t = TestCore::with_config(|config| config.mcp_client_limits = limits).await;
    t.register("ada").await;
    let ada = t.core.auth().session().expect("session");
    let llm = ScriptedLlm::start().await;
    kickstart_testkit::connect_scripted(&t.core, &ada, &llm, "Local", true).await;
    Fixture { t, llm, ada }
}

async fn fixture() -> Fixture {
    fixture_with(McpClientLimits::default()).await
}

async fn agent_with(
    core: &Core,
    session: &Session,
    tools: &[&str],
) -> Result<kickstart_core::agents::Agent, CoreError> {
    core.agents()
        .create(
            session,
            AgentInput {
                name: "Helper".into(),
                description: String::new(),
                color: "teal".into(),
                icon: "pen".into(),
                system_prompt: "Use your tools.".into(),
                connection_id: None,
                model: None,
                temperature: None,
                max_tokens: None,
                context_window: None,
                tools: tools.iter().map(|t| (*t).to_owned()).collect(),
                starters: Vec::new(),
                visibility: AgentVisibility::Private,
            },
        )
        .await
}

fn tool_call(name: &str, arguments: &str) -> Reply {
    Reply::Stream(frames_as_steps(openai_text_and_tool_calls(
        "scripted-small",
        &[],
        &[ScriptedCall { id: "call_1", name, arguments: &[arguments] }],
    )))
}

fn text(pieces: &[&str]) -> Reply {
    Reply::Stream(frames_as_steps(openai_text("scripted-small", pieces)))
}

/// Sends `text` to a new thread of `agent` and returns the answer's tool calls.
async fn run(f: &Fixture, agent: &kickstart_core::agents::Agent, request: &str) -> Vec<ToolCallView> {
    let sink = ChatRecorder::default();
    let input = SendInput { thread_id: None, agent_id: Some(agent.id.clone()), text: "go".into() };
    let outcome = f.t.core.chat().send(&f.ada, request, input, &sink).await.expect("an answer");
    outcome.answer.tool_calls
}

fn tool_names(server: &McpServer) -> Vec<&str> {
    server.tools.iter().map(|tool| tool.name.as_str()).collect()
}

#[tokio::test]
async fn an_agent_calls_server_everythings_tools_over_stdio_and_its_environment_stays_out_of_the_database() {
    let f = fixture().await;
    let core = &f.t.core;
    let server = core
        .mcp_servers()
        .create(
            &f.ada,
            new_server("everything", everything(), vec![variable("KICKSTART_PROBE", Some("value-from-the-keychain"))]),
        )
        .await
        .expect("registered");
    assert_eq!(server.status, ServerStatus::Stopped, "not started until asked");
    assert_eq!(server.variable_names, ["KICKSTART_PROBE"]);

    let server = core.mcp_servers().connect(&f.ada, &server.id).await.expect("connect");
    assert_eq!(server.status, ServerStatus::Running, "{server:?}");
    let names = tool_names(&server);
    assert!(names.contains(&"everything__echo") && names.contains(&"everything__get-env"), "{names:?}");
    let echo = server.tools.iter().find(|tool| tool.name == "everything__echo").expect("echo");
    assert_eq!((echo.title.as_str(), echo.hints.read_only, echo.hints.destructive), ("Echo Tool", true, false));
    assert_eq!(echo.server.as_deref(), Some("everything"));
    let available = core.tools().available(&f.ada).await.expect("tools");
    assert!(
        available.iter().any(|tool| tool.name == "add_task")
            && available.iter().any(|tool| tool.name == "everything__echo")
    );

    let agent = agent_with(core, &f.ada, &["everything__echo", "everything__get-env"]).await.expect("agent");
    f.llm.push(tool_call("everything__echo", r#"{"message": "hello from the model"}"#));
    f.llm.push(text(&["It echoed."]));
    let calls = run(&f, &agent, "r1").await;
    let [call] = calls.as_slice() else { panic!("one call: {calls:?}") };
    assert_eq!((call.status, call.approval), (ToolCallStatus::Ok, Approval::NotNeeded), "read-only: no question");
    assert_eq!(call.result.as_deref(), Some("Echo: hello from the model"));

    // The model was offered exactly the two tools, with the server's own schema.
    let first = &f.llm.requests()[0].body;
    let offered: Vec<&str> =
        first["tools"].as_array().expect("tools").iter().filter_map(|t| t["function"]["name"].as_str()).collect();
    assert_eq!(offered, ["everything__echo", "everything__get-env"]);
    assert_eq!(first["tools"][0]["function"]["parameters"]["properties"]["message"]["type"], "string");
    // The result went back to the model under the call's id.
    let second = f.llm.requests()[1].body["messages"].as_array().expect("messages").clone();
    assert_eq!(second.last().map(|m| m["content"].clone()), Some("Echo: hello from the model".into()));

    // The variable's value is in the secret store, not in the database (nor its WAL) …
    let mut found = Vec::new();
    for entry in std::fs::read_dir(f.t.database_path.parent().expect("folder")).expect("data folder") {
        let path = entry.expect("entry").path();
        if path.to_string_lossy().contains("kickstart.db") {
            let bytes = std::fs::read(&path).expect("read");
            if bytes.windows(23).any(|w| w == b"value-from-the-keychain") {
                found.push(path);
            }
        }
    }
    assert!(found.is_empty(), "the variable's value is in {found:?}");
    // … and it reached the server's environment.
    f.llm.push(tool_call("everything__get-env", "{}"));
    f.llm.push(text(&["Done."]));
    let calls = run(&f, &agent, "r2").await;
    assert!(calls[0].result.as_deref().is_some_and(|r| r.contains("value-from-the-keychain")), "{calls:?}");
}

#[tokio::test]
async fn a_server_that_fails_to_start_shows_what_it_wrote_and_a_missing_program_says_so() {
    let f = fixture().await;
    let servers = f.t.core.mcp_servers();
    let failing = servers.create(&f.ada, new_server("probe", probe(Some("--fail")), vec![])).await.expect("registered");
    let failing = servers.connect(&f.ada, &failing.id).await.expect("connect answers");
    let ServerStatus::Failed { message, stderr } = &failing.status else { panic!("failed: {failing:?}") };
    assert!(message.contains("did not start"), "{message}");
    assert!(stderr.as_deref().is_some_and(|s| s.contains("PROBE_TOKEN is not set")), "{stderr:?}");
    assert!(failing.tools.is_empty());

    let missing = McpServerTransport::Stdio { command: "/nonexistent/mcp-server".into(), args: vec![] };
    let missing = servers.create(&f.ada, new_server("missing", missing, vec![])).await.expect("registered");
    let missing = servers.connect(&f.ada, &missing.id).await.expect("connect answers");
    let ServerStatus::Failed { message, .. } = &missing.status else { panic!("failed: {missing:?}") };
    assert!(message.contains("Could not start \"/nonexistent/mcp-server\""), "{message}");
}

#[tokio::test]
async fn a_server_that_hangs_costs_its_time_limit_and_nothing_else() {
    let f = fixture_with(McpClientLimits { connect: Duration::from_secs(5), call: Duration::from_secs(5) }).await;
    let core = f.t.core.clone();
    let servers = core.mcp_servers();
    let hanging = servers.create(&f.ada, new_server("hangs", probe(Some("--hang")), vec![])).await.expect("registered");

    let started = Instant::now();
    let connecting = {
        let (core, ada, id) = (core.clone(), f.ada.clone(), hanging.id.clone());
        tokio::spawn(async move { core.mcp_servers().connect(&ada, &id).await })
    };
    // Meanwhile the rest of the core answers at once.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let listed = Instant::now();
    core.tasks().list(&f.ada, TaskQuery::view(TaskView::Inbox)).await.expect("tasks");
    core.mcp_servers().list(&f.ada).await.expect("servers list while one starts");
    assert!(listed.elapsed() < Duration::from_secs(1), "the core waited on the hanging server");
    let hanging = connecting.await.expect("task").expect("connect answers");
    assert!(started.elapsed() < Duration::from_secs(15));
    let ServerStatus::Failed { message, stderr } = &hanging.status else { panic!("failed: {hanging:?}") };
    assert!(message.contains("did not answer within 5 seconds"), "{message}");
    assert!(stderr.as_deref().is_some_and(|s| s.contains("waiting forever")), "{stderr:?}");

    // A call that takes longer than its limit is answered to the model as such.
    let probe_server = servers.create(&f.ada, new_server("probe", probe(None), vec![])).await.expect("registered");
    servers.connect(&f.ada, &probe_server.id).await.expect("connect");
    let agent = agent_with(&core, &f.ada, &["probe__slow"]).await.expect("agent");
    f.llm.push(tool_call("probe__slow", r#"{"seconds": 30}"#));
    f.llm.push(text(&["It was slow."]));
    let calls = run(&f, &agent, "r1").await;
    assert_eq!(calls[0].status, ToolCallStatus::Error);
    assert!(calls[0].result.as_deref().is_some_and(|r| r.contains("did not answer within 5 seconds")), "{calls:?}");
}

#[tokio::test]
async fn a_server_that_dies_is_started_again_on_the_next_call() {
    let f = fixture().await;
    let servers = f.t.core.mcp_servers();
    let server = servers.create(&f.ada, new_server("probe", probe(None), vec![])).await.expect("registered");
    servers.connect(&f.ada, &server.id).await.expect("connect");
    let agent = agent_with(&f.t.core, &f.ada, &["probe__process_id", "probe__crash"]).await.expect("agent");

    for (call, arguments) in [("probe__process_id", "{}"), ("probe__crash", "{}"), ("probe__process_id", "{}")] {
        f.llm.push(tool_call(call, arguments));
    }
    f.llm.push(text(&["Done."]));
    let sink = ChatRecorder::default();
    let input = SendInput { thread_id: None, agent_id: Some(agent.id.clone()), text: "go".into() };
    let crash_approval = {
        let core = f.t.core.clone();
        let ada = f.ada.clone();
        let sink = Arc::new(sink);
        let answer = {
            let sink = sink.clone();
            tokio::spawn(async move { core.chat().send(&ada, "r1", input, &*sink).await })
        };
        // `crash` has no annotations, so it asks first (MCP's defaults: it may destroy things).
        let waiting = sink.awaiting_approval().await;
        f.t.core.chat().decide(&f.ada, &waiting.id, ApprovalDecision::AllowOnce).expect("allow");
        answer.await.expect("task").expect("answer")
    };
    let calls = crash_approval.answer.tool_calls;
    let statuses: Vec<_> = calls.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [ToolCallStatus::Ok, ToolCallStatus::Error, ToolCallStatus::Ok], "{calls:?}");
    let crash = calls[1].result.as_deref().unwrap_or_default();
    assert!(crash.contains("stopped while answering") && crash.contains("started again"), "{crash}");
    assert!(crash.contains("crashing on purpose"), "its stderr is quoted: {crash}");
    let (first, second) = (calls[0].result.clone(), calls[2].result.clone());
    assert!(first.is_some() && second.is_some() && first != second, "a new process: {first:?} then {second:?}");
    assert_eq!(servers.get(&f.ada, &server.id).await.expect("server").status, ServerStatus::Running);
}

#[tokio::test]
async fn an_unannotated_tool_asks_first_and_a_denial_reaches_the_model() {
    let f = fixture().await;
    let servers = f.t.core.mcp_servers();
    let server = servers.create(&f.ada, new_server("probe", probe(None), vec![])).await.expect("registered");
    let server = servers.connect(&f.ada, &server.id).await.expect("connect");
    let remove = server.tools.iter().find(|t| t.name == "probe__remove_note").expect("remove_note");
    assert!(remove.hints.destructive && !remove.hints.read_only, "MCP's defaults: {remove:?}");
    let agent = agent_with(&f.t.core, &f.ada, &["probe__remove_note"]).await.expect("agent");

    f.llm.push(tool_call("probe__remove_note", r#"{"title": "groceries"}"#));
    f.llm.push(text(&["I left it."]));
    let sink = Arc::new(ChatRecorder::default());
    let answer = {
        let (core, ada, sink) = (f.t.core.clone(), f.ada.clone(), sink.clone());
        let input = SendInput { thread_id: None, agent_id: Some(agent.id.clone()), text: "remove it".into() };
        tokio::spawn(async move { core.chat().send(&ada, "r1", input, &*sink).await })
    };
    let waiting = sink.awaiting_approval().await;
    assert_eq!(waiting.arguments, r#"{"title": "groceries"}"#, "the person sees the arguments");
    f.t.core.chat().decide(&f.ada, &waiting.id, ApprovalDecision::Deny).expect("deny");
    let outcome = answer.await.expect("task").expect("answer");
    assert_eq!(outcome.answer.tool_calls[0].status, ToolCallStatus::Denied);
    let told = f.llm.requests()[1].body["messages"].as_array().expect("messages").clone();
    assert!(told.last().and_then(|m| m["content"].as_str()).is_some_and(|c| c.contains("declined")));
}

/// Over streamable HTTP, with the token in a header: our own MCP server plays the external one,
/// so an agent adds a task through a tool reached over the network.
#[tokio::test]
async fn an_http_server_is_reached_with_its_headers_and_refuses_without_them() {
    let f = fixture().await;
    let core = &f.t.core;
    let token = core.mcp_tokens().create(&f.ada, "loopback").await.expect("token").secret;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}/mcp", listener.local_addr().expect("address"));
    let stop = tokio_util::sync::CancellationToken::new();
    let http = tokio::spawn(mcp::http::serve(core.clone(), listener, stop.clone()));
    let servers = core.mcp_servers();

    let without = servers
        .create(&f.ada, new_server("no-token", McpServerTransport::Http { url: url.clone() }, vec![]))
        .await
        .expect("registered");
    let without = servers.connect(&f.ada, &without.id).await.expect("connect answers");
    assert!(matches!(without.status, ServerStatus::Failed { .. }), "refused without a token: {without:?}");

    let bearer = format!("Bearer {token}");
    let with = servers
        .create(
            &f.ada,
            new_server("tasks", McpServerTransport::Http { url }, vec![variable("Authorization", Some(&bearer))]),
        )
        .await
        .expect("registered");
    let with = servers.connect(&f.ada, &with.id).await.expect("connect");
    assert_eq!(with.status, ServerStatus::Running, "{with:?}");
    assert!(tool_names(&with).contains(&"tasks__add_task"));
    let agent = agent_with(core, &f.ada, &["tasks__add_task"]).await.expect("agent");
    f.llm.push(tool_call("tasks__add_task", r#"{"tasks": [{"title": "Water the plants"}]}"#));
    f.llm.push(text(&["Added."]));
    let calls = run(&f, &agent, "r1").await;
    assert_eq!(calls[0].status, ToolCallStatus::Ok, "{calls:?}");
    let tasks = core.tasks().list(&f.ada, TaskQuery::view(TaskView::Inbox)).await.expect("tasks").tasks;
    assert_eq!(tasks.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(), ["Water the plants"]);
    stop.cancel();
    let _ = http.await;
}

#[tokio::test]
async fn registrations_are_checked_kept_private_and_edited_without_losing_secrets() {
    let f = fixture().await;
    let core = &f.t.core;
    let servers = core.mcp_servers();
    let stdio = |command: &str| McpServerTransport::Stdio { command: command.into(), args: vec![] };
    let http = |url: &str| McpServerTransport::Http { url: url.into() };
    let refused: Vec<(NewMcpServer, &str)> = vec![
        (new_server("", stdio("npx"), vec![]), "name"),
        (new_server("Has Spaces", stdio("npx"), vec![]), "name"),
        (new_server("ok", stdio("  "), vec![]), "command"),
        (new_server("ok", http("ftp://example.com"), vec![]), "url"),
        (new_server("ok", http("not a url"), vec![]), "url"),
        (new_server("ok", http("https://user:pw@example.com/mcp"), vec![]), "url"),
        (new_server("ok", stdio("npx"), vec![variable("1BAD", Some("x"))]), "variables"),
        (new_server("ok", stdio("npx"), vec![variable("TOKEN", None)]), "variables"),
        (new_server("ok", http("https://example.com/mcp"), vec![variable("Accept", Some("x"))]), "variables"),
        (new_server("ok", http("https://example.com/mcp"), vec![variable("X-Key", Some("a\nb"))]), "variables"),
        (new_server("ok", stdio("npx"), vec![variable("A", Some("1")), variable("A", Some("2"))]), "variables"),
    ];
    for (input, field) in refused {
        let debug = format!("{input:?}");
        match servers.create(&f.ada, input).await {
            Err(CoreError::Validation { field: got, .. }) => assert_eq!(got, field, "{debug}"),
            other => panic!("{debug} was not refused on {field}: {other:?}"),
        }
    }
    assert!(servers.list(&f.ada).await.expect("list").is_empty(), "nothing refused was stored");

    let server = servers
        .create(&f.ada, new_server("everything", everything(), vec![variable("TOKEN", Some("first"))]))
        .await
        .expect("registered");
    assert!(matches!(
        servers.create(&f.ada, new_server("everything", stdio("npx"), vec![])).await,
        Err(CoreError::Conflict { field: Some("name"), .. })
    ));
    // An edit that names the variable without a value keeps it; one left out is removed.
    let patch = |variables| McpServerPatch { transport: everything(), variables, enabled: true };
    let kept = servers
        .update(&f.ada, &server.id, patch(vec![variable("TOKEN", None), variable("EXTRA", Some("2"))]))
        .await
        .expect("edited");
    assert_eq!(kept.variable_names, ["EXTRA", "TOKEN"]);
    let connected = servers.connect(&f.ada, &server.id).await.expect("connect");
    assert_eq!(connected.status, ServerStatus::Running);
    let agent = agent_with(core, &f.ada, &["everything__get-env"]).await.expect("agent");
    f.llm.push(tool_call("everything__get-env", "{}"));
    f.llm.push(text(&["Done."]));
    let env = run(&f, &agent, "r1").await[0].result.clone().unwrap_or_default();
    assert!(env.contains("\"TOKEN\": \"first\"") || env.contains("\"TOKEN\":\"first\""), "kept: {env}");
    // Switched off: not offered, and not started.
    let off = McpServerPatch { transport: everything(), variables: vec![], enabled: false };
    let off = servers.update(&f.ada, &server.id, off).await.expect("switched off");
    assert_eq!(off.status, ServerStatus::Stopped);
    assert!(!core.tools().available(&f.ada).await.expect("tools").iter().any(|t| t.server.is_some()));
    assert!(matches!(servers.connect(&f.ada, &server.id).await, Err(CoreError::Validation { field: "enabled", .. })));

    // Another profile sees none of it and can't give its agents these tools.
    f.t.register("bob").await;
    let bob = core.auth().session().expect("bob");
    assert!(servers.list(&bob).await.expect("list").is_empty());
    assert!(matches!(servers.get(&bob, &server.id).await, Err(CoreError::NotFound { .. })));
    assert!(matches!(servers.connect(&bob, &server.id).await, Err(CoreError::NotFound { .. })));
    assert!(matches!(servers.update(&bob, &server.id, patch(vec![])).await, Err(CoreError::NotFound { .. })));
    assert!(matches!(servers.delete(&bob, &server.id).await, Err(CoreError::NotFound { .. })));
    assert!(matches!(
        agent_with(core, &bob, &["everything__echo"]).await,
        Err(CoreError::Validation { field: "tools", .. })
    ));
    assert!(matches!(agent_with(core, &bob, &["Not A Tool"]).await, Err(CoreError::Validation { field: "tools", .. })));

    // Ada removes it: gone, with its variables.
    core.auth().logout();
    core.auth().login("ada", kickstart_testkit::GOOD_PASSWORD).await.expect("ada again");
    let ada = core.auth().session().expect("ada");
    servers.delete(&ada, &server.id).await.expect("deleted");
    assert!(servers.list(&ada).await.expect("list").is_empty());
}
