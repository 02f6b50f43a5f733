//! Agents on a real SQLite file: the built-in Task assistant, create/edit/duplicate/archive/
//! search, export and import, bad input, and who may see, use and change a shared agent.

use kickstart_core::agents::{AgentInput, AgentQuery, AgentStarter, AgentVisibility};
use kickstart_core::auth::{AuthError, Session};
use kickstart_core::CoreError;
use kickstart_testkit::TestCore;

fn input(name: &str) -> AgentInput {
    AgentInput {
        name: name.into(),
        description: "Reviews code".into(),
        color: "green".into(),
        icon: "code".into(),
        system_prompt: "You review Rust code.".into(),
        connection_id: None,
        model: Some("gpt-4o-mini".into()),
        temperature: Some(0.3),
        max_tokens: Some(1_000),
        context_window: None,
        tools: vec!["list_tasks".into(), "add_task".into(), "list_tasks".into()],
        starters: vec![AgentStarter { title: "Review".into(), prompt: "Review {{file}} for {{concern}}.".into() }],
        visibility: AgentVisibility::Private,
    }
}

async fn profile(t: &TestCore, name: &str) -> Session {
    t.register(name).await;
    t.core.auth().session().expect("session")
}

fn field<T: std::fmt::Debug>(result: Result<T, CoreError>) -> &'static str {
    match result {
        Err(CoreError::Validation { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn every_profile_starts_with_its_own_task_assistant() {
    let t = TestCore::new().await;
    let ada = profile(&t, "ada").await;
    let bob = profile(&t, "bob").await;
    let agents = t.core.agents();
    let mine = agents.list(&ada, AgentQuery::default()).await.expect("list");
    assert_eq!(mine.len(), 1);
    assert!(mine[0].built_in && mine[0].is_own && mine[0].name == "Task assistant");
    let theirs = agents.task_assistant(&bob).await.expect("bob's");
    assert_ne!(mine[0].id, theirs.id, "one each, not shared");
    assert!(matches!(agents.get(&bob, &mine[0].id).await, Err(CoreError::NotFound { .. })));
    // It can be changed but not archived or shared.
    assert!(matches!(agents.set_archived(&ada, &mine[0].id, true).await, Err(CoreError::Conflict { .. })));
    let mut shared = input("Task assistant");
    shared.visibility = AgentVisibility::Shared;
    assert_eq!(field(agents.update(&ada, &mine[0].id, shared).await), "visibility");
    // Signing in again does not add a second one.
    t.core.auth().login("ada", kickstart_testkit::GOOD_PASSWORD).await.expect("login");
    assert_eq!(agents.list(&ada, AgentQuery::default()).await.expect("list").len(), 1);
}

#[tokio::test]
async fn agents_are_created_edited_duplicated_archived_and_searched() {
    let t = TestCore::new().await;
    let ada = profile(&t, "ada").await;
    let agents = t.core.agents();
    let made = agents.create(&ada, input("  Reviewer  ")).await.expect("created");
    assert_eq!(made.name, "Reviewer");
    assert_eq!(made.tools, ["add_task", "list_tasks"], "sorted, without duplicates");
    assert_eq!(made.starters.len(), 1);
    assert!(made.can_edit && made.is_own && !made.built_in);

    let mut changed = input("Strict reviewer");
    changed.temperature = None;
    let edited = agents.update(&ada, &made.id, changed).await.expect("edited");
    assert_eq!((edited.name.as_str(), edited.temperature), ("Strict reviewer", None));

    let copy = agents.duplicate(&ada, &made.id).await.expect("duplicated");
    assert_eq!(copy.name, "Strict reviewer (copy)");
    assert_ne!(copy.id, made.id);

    let found =
        agents.list(&ada, AgentQuery { search: Some("strict".into()), include_archived: false }).await.expect("search");
    assert_eq!(found.len(), 2);
    let found =
        agents.list(&ada, AgentQuery { search: Some("100%_".into()), include_archived: false }).await.expect("search");
    assert!(found.is_empty(), "LIKE wildcards are taken literally");

    agents.set_archived(&ada, &copy.id, true).await.expect("archived");
    let active = agents.list(&ada, AgentQuery::default()).await.expect("list");
    assert!(active.iter().all(|a| a.id != copy.id));
    let all = agents.list(&ada, AgentQuery { search: None, include_archived: true }).await.expect("list");
    assert!(all.iter().any(|a| a.id == copy.id && a.archived));
    let restored = agents.set_archived(&ada, &copy.id, false).await.expect("restored");
    assert!(!restored.archived);
}

#[tokio::test]
async fn bad_agents_are_refused_and_nothing_is_stored() {
    let t = TestCore::new().await;
    let ada = profile(&t, "ada").await;
    let agents = t.core.agents();
    type Change = Box<dyn Fn(&mut AgentInput)>;
    let cases: Vec<(&str, Change)> = vec![
        ("name", Box::new(|a| a.name = "   ".into())),
        ("name", Box::new(|a| a.name = "x".repeat(81))),
        ("description", Box::new(|a| a.description = "x".repeat(501))),
        ("color", Box::new(|a| a.color = "red; background:url(x)".into())),
        ("icon", Box::new(|a| a.icon = String::new())),
        ("temperature", Box::new(|a| a.temperature = Some(2.5))),
        ("temperature", Box::new(|a| a.temperature = Some(-0.1))),
        ("maxTokens", Box::new(|a| a.max_tokens = Some(0))),
        ("contextWindow", Box::new(|a| a.context_window = Some(10))),
        ("starters", Box::new(|a| a.starters = vec![AgentStarter { title: "t".into(), prompt: " ".into() }])),
        ("model", Box::new(|a| a.model = Some("m".repeat(201)))),
    ];
    for (expected, change) in cases {
        let mut bad = input("Bad");
        change(&mut bad);
        assert_eq!(field(agents.create(&ada, bad).await), expected);
    }
    assert_eq!(agents.list(&ada, AgentQuery { search: None, include_archived: true }).await.expect("list").len(), 1);
    assert!(matches!(
        agents.get(&ada, &kickstart_core::agents::AgentId("nope".into())).await,
        Err(CoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn an_agent_exports_and_imports_as_json_without_its_connection() {
    let t = TestCore::new().await;
    let ada = profile(&t, "ada").await;
    let agents = t.core.agents();
    let mut original = input("Exporter");
    original.connection_id = Some(kickstart_core::providers::ProviderConnectionId("conn-1".into()));
    let made = agents.create(&ada, original).await.expect("created");
    let json = agents.export(&ada, &made.id).await.expect("exported");
    assert!(json.contains("\"format\": \"kickstart.agent\"") && !json.contains("conn-1"));

    let bob = profile(&t, "bob").await;
    let imported = agents.import(&bob, &json).await.expect("imported");
    assert_eq!((imported.name.as_str(), imported.system_prompt.as_str()), ("Exporter", "You review Rust code."));
    assert_eq!(imported.starters, made.starters);
    assert_eq!(imported.connection_id, None);
    assert!(imported.is_own);
    // Round trip: exporting the import gives the same file.
    assert_eq!(agents.export(&bob, &imported.id).await.expect("exported"), json);

    for (bad, why) in [
        ("not json", "garbage"),
        ("{\"format\":\"kickstart.agent\",\"version\":1}", "no agent"),
        (&json.replace("kickstart.agent", "something.else"), "another format"),
        (&json.replace("\"version\": 1", "\"version\": 99"), "a newer version"),
        (&json.replace("\"name\": \"Exporter\"", "\"name\": \"\""), "an invalid agent"),
        (&json.replace("\"format\"", "\"surprise\": 1, \"format\""), "unknown fields"),
    ] {
        assert_eq!(
            field(agents.import(&bob, bad).await),
            if why == "an invalid agent" { "name" } else { "json" },
            "{why}"
        );
    }
    assert_eq!(agents.list(&bob, AgentQuery::default()).await.expect("list").len(), 2, "nothing else was written");
}

#[tokio::test]
async fn shared_agents_are_used_and_duplicated_by_others_but_changed_only_by_owner_or_admin() {
    let t = TestCore::new().await;
    let admin = profile(&t, "admin").await;
    let ada = profile(&t, "ada").await;
    let bob = profile(&t, "bob").await;
    let agents = t.core.agents();
    let mut shared = input("Shared helper");
    shared.visibility = AgentVisibility::Shared;
    let shared = agents.create(&ada, shared).await.expect("created");
    let private = agents.create(&ada, input("Private helper")).await.expect("created");

    let seen_by_bob = agents.list(&bob, AgentQuery::default()).await.expect("list");
    let names: Vec<_> = seen_by_bob.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Task assistant", "Shared helper"], "own first, others' shared next, never others' private");
    let as_bob = agents.get(&bob, &shared.id).await.expect("visible");
    assert!(!as_bob.is_own && !as_bob.can_edit);
    assert_eq!(as_bob.owner_name, "ada");
    assert!(matches!(agents.get(&bob, &private.id).await, Err(CoreError::NotFound { .. })));

    let forbidden = |r: Result<kickstart_core::agents::Agent, CoreError>| {
        matches!(r, Err(CoreError::Auth(AuthError::Forbidden(_))))
    };
    assert!(forbidden(agents.update(&bob, &shared.id, input("Hijacked")).await));
    assert!(forbidden(agents.set_archived(&bob, &shared.id, true).await));
    assert!(matches!(agents.update(&bob, &private.id, input("x")).await, Err(CoreError::NotFound { .. })));

    let copy = agents.duplicate(&bob, &shared.id).await.expect("duplicated");
    assert!(copy.is_own && copy.visibility == AgentVisibility::Private);

    // An administrator may change it.
    let as_admin = agents.get(&admin, &shared.id).await.expect("visible");
    assert!(as_admin.can_edit && !as_admin.is_own);
    let mut fixed = input("Shared helper v2");
    fixed.visibility = AgentVisibility::Shared;
    agents.update(&admin, &shared.id, fixed).await.expect("admin edits");
    assert_eq!(agents.get(&ada, &shared.id).await.expect("owner sees").name, "Shared helper v2");
}
