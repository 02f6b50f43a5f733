//! Taking a profile's data out and putting it back, on real SQLite files: an export imported on
//! another computer exports the same again; importing twice adds nothing; importing into another
//! profile of the same computer gives new ids and leaves the first profile alone; damaged,
//! hand-edited and newer files are refused with nothing changed; Markdown and CSV.

use kickstart_core::agents::{AgentInput, AgentStarter};
use kickstart_core::auth::Session;
use kickstart_core::chat::SendInput;
use kickstart_core::exports::{ImportError, ProfileExport};
use kickstart_core::providers::{NewConnection, ProviderKind};
use kickstart_core::tasks::{NewTask, Priority, TaskQuery, TaskView};
use kickstart_core::threads::{ThreadId, ThreadQuery};
use kickstart_core::CoreError;
use kickstart_testkit::{ChatRecorder, TestCore};
use serde_json::Value;

/// A profile with some of everything: tasks (tagged, repeating, done, in the trash), a provider
/// connection, an agent with a starter, and conversations with the offline Task assistant,
/// whose tool calls are recorded under their runs.
async fn full_profile(t: &TestCore, username: &str) -> (Session, ThreadId) {
    t.register(username).await;
    let s = t.core.auth().session().expect("session");
    let tasks = t.core.tasks();
    let rent = NewTask {
        title: "pay rent, \"on time\"".into(),
        notes: Some("=SUM(A1) by transfer".into()),
        priority: Some(Priority::P1),
        tags: Some(vec!["home".into()]),
        recurrence: Some("FREQ=MONTHLY;BYMONTHDAY=1".into()),
        due: None,
    };
    tasks.create(&s, rent).await.expect("task");
    let done =
        tasks.create(&s, NewTask { title: "water the plants".into(), ..Default::default() }).await.expect("task");
    tasks.complete(&s, &done.id).await.expect("complete");
    let gone = tasks.create(&s, NewTask { title: "old idea".into(), ..Default::default() }).await.expect("task");
    tasks.delete(&s, &gone.id).await.expect("trash");
    // Before any provider: the offline Task assistant answers, through its tools.
    let chat = t.core.chat();
    let first = SendInput { thread_id: None, agent_id: None, text: "add call the bank tomorrow 9am".into() };
    let outcome = chat.send(&s, "r1", first, &ChatRecorder::default()).await.expect("offline answer");
    let thread = outcome.answer.thread_id;
    let again = SendInput { thread_id: Some(thread.clone()), agent_id: None, text: "show today".into() };
    chat.send(&s, "r2", again, &ChatRecorder::default()).await.expect("offline answer");
    let connection = NewConnection {
        kind: ProviderKind::OpenaiCompatible,
        name: "Local Ollama".into(),
        base_url: "http://127.0.0.1:11434/v1".into(),
        default_model: Some("llama3.2".into()),
        api_key: None,
        make_default: true,
    };
    t.core.providers().create(&s, connection).await.expect("connection");
    let writer = AgentInput {
        description: "Edits drafts".into(),
        system_prompt: "Be brief.".into(),
        temperature: Some(0.4),
        max_tokens: Some(800),
        starters: vec![AgentStarter { title: "Shorten".into(), prompt: "Shorten {{text}}".into() }],
        ..kickstart_testkit::plain_agent("Writer")
    };
    t.core.agents().create(&s, writer).await.expect("agent");
    (s, thread)
}

fn rows<'a>(export: &'a ProfileExport, table: &str) -> &'a Vec<Value> {
    export.tables.get(table).and_then(Value::as_array).expect("table")
}

/// The export's tables with the built-in Task assistant's id (different on every computer)
/// replaced by a placeholder, and its own row left out.
fn comparable(export: &ProfileExport) -> serde_json::Map<String, Value> {
    let builtin = rows(export, "agents")
        .iter()
        .find(|a| !a["built_in"].is_null())
        .and_then(|a| a["id"].as_str())
        .expect("a Task assistant")
        .to_owned();
    let text = serde_json::to_string(&export.tables).expect("json").replace(&builtin, "TASK-ASSISTANT");
    let mut tables: serde_json::Map<String, Value> = serde_json::from_str(&text).expect("json");
    if let Some(Value::Array(agents)) = tables.get_mut("agents") {
        agents.retain(|a| a["built_in"].is_null());
    }
    tables
}

async fn count(t: &TestCore, s: &Session) -> (usize, usize) {
    let tasks = t.core.tasks().list(s, TaskQuery::view(TaskView::Inbox)).await.expect("tasks").tasks.len();
    let threads = t.core.threads().list(s, ThreadQuery::default()).await.expect("threads").threads.len();
    (tasks, threads)
}

#[tokio::test]
async fn an_export_imported_on_another_computer_exports_the_same_again() {
    let here = TestCore::new().await;
    let (ada, _) = full_profile(&here, "ada").await;
    let first = here.core.exports().profile(&ada).await.expect("export");
    assert_eq!(first.version, 1);
    assert_eq!(first.profile.username, "ada");
    assert_eq!(rows(&first, "tasks").len(), 4, "open, done, trashed and the one the assistant added");
    assert!(!rows(&first, "tool_calls").is_empty(), "the assistant's tool calls are in it");
    assert!(!rows(&first, "runs").is_empty() && rows(&first, "messages").len() == 4);
    let text = serde_json::to_string_pretty(&first).expect("json");
    assert!(!text.contains("password") && !text.contains("argon2"), "no secrets in an export");

    let there = TestCore::new().await;
    there.register("ada").await;
    let ada_there = there.core.auth().session().expect("session");
    let summary = there.core.exports().import(&ada_there, &text).await.expect("import");
    assert!(summary.added.iter().any(|a| a.kind == "messages" && a.count == 4), "{summary:?}");
    let second = there.core.exports().profile(&ada_there).await.expect("export again");
    assert_eq!(comparable(&second), comparable(&first), "export → import → export gives the same content");
    // And it works there: the conversation, its search, the tasks and their search.
    let found = there
        .core
        .threads()
        .list(&ada_there, ThreadQuery { search: Some("bank".into()), ..Default::default() })
        .await
        .expect("search");
    assert_eq!(found.threads.len(), 1);
    let search = TaskQuery { text: Some("transfer".into()), ..TaskQuery::view(TaskView::Inbox) };
    assert_eq!(there.core.tasks().list(&ada_there, search).await.expect("search").tasks.len(), 1);
}

#[tokio::test]
async fn importing_the_same_file_twice_adds_nothing_the_second_time() {
    let here = TestCore::new().await;
    let (ada, _) = full_profile(&here, "ada").await;
    let text = serde_json::to_string(&here.core.exports().profile(&ada).await.expect("export")).expect("json");

    let there = TestCore::new().await;
    there.register("ada").await;
    let s = there.core.auth().session().expect("session");
    there.core.exports().import(&s, &text).await.expect("first import");
    let after_first = count(&there, &s).await;
    let again = there.core.exports().import(&s, &text).await.expect("second import");
    assert!(again.added.is_empty(), "nothing new: {again:?}");
    assert!(again.already_there > 10, "{again:?}");
    assert_eq!(count(&there, &s).await, after_first);
    // Into the very profile it came from: everything is already there.
    let home = here.core.exports().import(&ada, &text).await.expect("same profile");
    assert!(home.added.is_empty(), "{home:?}");
}

#[tokio::test]
async fn importing_into_another_profile_of_this_computer_copies_and_leaves_the_first_alone() {
    let t = TestCore::new().await;
    let (ada, ada_thread) = full_profile(&t, "ada").await;
    let export = t.core.exports().profile(&ada).await.expect("export");
    let text = serde_json::to_string(&export).expect("json");
    let before = count(&t, &ada).await;

    t.core.auth().logout();
    t.register("bob").await;
    let bob = t.core.auth().session().expect("bob");
    assert_eq!(count(&t, &bob).await, (0, 0));
    t.core.exports().import(&bob, &text).await.expect("import into bob");
    assert_eq!(count(&t, &bob).await, before, "bob has the same tasks and conversations");
    let bobs = t.core.threads().list(&bob, ThreadQuery::default()).await.expect("threads").threads;
    assert_ne!(bobs[0].id, ada_thread, "a copy with its own id, not ada's conversation");
    let messages = t.core.threads().messages(&bob, &bobs[0].id, None, None).await.expect("messages");
    assert_eq!(messages.messages.len(), 4);
    assert!(t.core.threads().get(&bob, &ada_thread).await.is_err(), "ada's thread stays ada's");

    let again = t.core.exports().import(&bob, &text).await.expect("again");
    assert!(again.added.is_empty(), "idempotent with mapped ids too: {again:?}");
    assert_eq!(count(&t, &bob).await, before);

    t.core.auth().logout();
    t.core.auth().login("ada", kickstart_testkit::GOOD_PASSWORD).await.expect("ada");
    let ada = t.core.auth().session().expect("ada");
    let unchanged = t.core.exports().profile(&ada).await.expect("export");
    assert_eq!(unchanged.tables, export.tables, "ada's data is untouched");
}

#[tokio::test]
async fn damaged_hand_edited_and_newer_files_are_refused_and_nothing_changes() {
    let here = TestCore::new().await;
    let (ada, _) = full_profile(&here, "ada").await;
    let good: Value = serde_json::to_value(here.core.exports().profile(&ada).await.expect("export")).expect("json");
    let text = good.to_string();

    let there = TestCore::new().await;
    there.register("eve").await;
    let s = there.core.auth().session().expect("session");
    let before = count(&there, &s).await;

    let edit = |change: &dyn Fn(&mut Value)| {
        let mut file = good.clone();
        change(&mut file);
        file.to_string()
    };
    let cases: Vec<(&str, String)> = vec![
        ("not JSON", "a shopping list".to_owned()),
        ("truncated", text[..text.len() / 2].to_owned()),
        ("another program's JSON", r#"{"items": []}"#.to_owned()),
        ("newer", edit(&|f| f["version"] = Value::from(2))),
        ("an unknown table", edit(&|f| f["tables"]["passwords"] = Value::Array(vec![]))),
        (
            "a missing column",
            edit(&|f| {
                f["tables"]["tasks"][0].as_object_mut().expect("row").remove("title");
            }),
        ),
        ("an extra column", edit(&|f| f["tables"]["tasks"][0]["owner"] = Value::from("mallory"))),
        ("a priority of 9", edit(&|f| f["tables"]["tasks"][3]["priority"] = Value::from(9))),
        ("an empty title", edit(&|f| f["tables"]["tasks"][2]["title"] = Value::from(""))),
        ("a list where text goes", edit(&|f| f["tables"]["tasks"][0]["title"] = serde_json::json!(["x"]))),
        ("a message of no thread", edit(&|f| f["tables"]["messages"][0]["thread_id"] = Value::from("nope"))),
        (
            "an id twice",
            edit(&|f| {
                let id = f["tables"]["tasks"][0]["id"].clone();
                f["tables"]["tasks"][1]["id"] = id;
            }),
        ),
    ];
    for (what, file) in cases {
        let refused = there.core.exports().import(&s, &file).await;
        match (&refused, what) {
            (Err(CoreError::Import(ImportError::Newer(2))), "newer") => {}
            (
                Err(CoreError::Import(ImportError::NotAnExport(_))),
                "not JSON" | "truncated" | "another program's JSON",
            ) => {}
            (Err(CoreError::Import(ImportError::Damaged(_))), _) if what != "newer" => {}
            _ => panic!("{what}: expected a refusal of its kind, got {refused:?}"),
        }
        assert!(refused.as_ref().is_err_and(|e| !e.to_string().is_empty()), "{what}: says why");
        assert_eq!(count(&there, &s).await, before, "{what}: nothing was imported");
    }
    // The untouched file still imports.
    there.core.exports().import(&s, &text).await.expect("the good file");
}

#[tokio::test]
async fn a_thread_as_markdown_and_tasks_as_csv() {
    let t = TestCore::new().await;
    let (ada, thread) = full_profile(&t, "ada").await;
    let markdown = t.core.exports().thread_markdown(&ada, &thread).await.expect("markdown");
    assert!(markdown.starts_with("# "), "{markdown}");
    assert!(markdown.contains("## You") && markdown.contains("add call the bank tomorrow 9am"), "{markdown}");
    assert!(markdown.contains("## Task assistant"), "{markdown}");

    let csv = t.core.exports().tasks_csv(&ada).await.expect("csv");
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "title,notes,due date,due time,priority,tags,status,completed at,repeats,created at");
    assert_eq!(lines.len(), 4, "header and three tasks (not the trashed one): {csv}");
    assert!(
        lines[1].starts_with("\"pay rent, \"\"on time\"\"\",'=SUM(A1) by transfer,"),
        "quoted, formula defused: {}",
        lines[1]
    );
    assert!(!csv.contains("old idea"), "the trash is not exported");

    t.core.auth().logout();
    t.register("bob").await;
    let bob = t.core.auth().session().expect("bob");
    assert!(matches!(t.core.exports().thread_markdown(&bob, &thread).await, Err(CoreError::NotFound { .. })));
    assert!(t.core.exports().tasks_csv(&bob).await.expect("csv").lines().count() == 1, "bob has no tasks");
}
