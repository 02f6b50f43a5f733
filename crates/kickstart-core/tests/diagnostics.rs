//! Diagnostics on a real database and real answers from the scripted LLM server: usage per day
//! by agent and model, failed answers, tasks created and completed, counts scoped to the
//! profile for members; and no message text or task title anywhere in what it returns.

use chrono::Duration;
use kickstart_core::chat::SendInput;
use kickstart_core::tasks::NewTask;
use kickstart_core::CoreError;
use kickstart_testkit::{ChatRecorder, Reply, ScriptedLlm, TestCore};

#[tokio::test]
async fn usage_per_day_by_agent_and_model_with_failures_and_tasks() {
    let t = TestCore::new().await;
    t.register("ada").await;
    let ada = t.core.auth().session().expect("session");
    let server = ScriptedLlm::start().await;
    kickstart_testkit::connect_scripted(&t.core, &ada, &server, "Local", true).await;
    let writer = t.core.agents().create(&ada, kickstart_testkit::plain_agent("Writer")).await.expect("agent");
    let send = |agent_id, request: &'static str, text: &'static str| {
        let input = SendInput { thread_id: None, agent_id, text: text.into() };
        let (core, ada) = (t.core.clone(), ada.clone());
        async move { core.chat().send(&ada, request, input, &ChatRecorder::default()).await }
    };

    // Yesterday: one answer by the Task assistant; a task made and done.
    send(None, "r1", "secret plans for the weekend").await.expect("answer");
    let task = t
        .core
        .tasks()
        .create(&ada, NewTask { title: "private errand".into(), ..Default::default() })
        .await
        .expect("task");
    t.core.tasks().complete(&ada, &task.id).await.expect("done");
    t.clock.advance(Duration::days(1));
    // Today: one by the Writer, one that fails (the key is refused).
    send(Some(writer.id.clone()), "r2", "draft my letter").await.expect("answer");
    server.push(Reply::json(401, serde_json::json!({ "error": { "message": "bad key" } })));
    let _ = send(Some(writer.id.clone()), "r3", "again please").await;

    let usage = t.core.diagnostics().usage(&ada, 7).await.expect("usage");
    assert_eq!(usage.days.len(), 7, "every day, with or without activity");
    let [.., yesterday, today] = usage.days.as_slice() else { panic!("days") };
    assert_eq!((yesterday.runs, yesterday.failed_runs), (1, 0));
    assert_eq!((today.runs, today.failed_runs), (2, 1), "the refused key is a failed answer");
    assert_eq!((yesterday.tasks_created, yesterday.tasks_completed), (1, 1));
    assert!(yesterday.tokens_out > 0.0, "the scripted server reports usage");
    assert!(usage.days[..5].iter().all(|d| d.runs == 0 && d.tasks_created == 0), "quiet days are zeros");

    let agents: Vec<(&str, &str)> = usage.tokens_by_agent.iter().map(|r| (r.day.as_str(), r.name.as_str())).collect();
    assert_eq!(agents, [(yesterday.day.as_str(), "Task assistant"), (today.day.as_str(), "Writer")]);
    assert!(usage.tokens_by_model.iter().all(|r| r.name == "scripted-small" && r.tokens > 0.0));

    // Names and counts only: nothing the person wrote.
    let all = serde_json::to_string(&(
        &usage,
        t.core.diagnostics().database(&ada).await.expect("db"),
        t.core.diagnostics().connections(&ada).await.expect("connections"),
    ))
    .expect("json");
    for private in ["secret plans", "draft my letter", "private errand", "Hello from"] {
        assert!(!all.contains(private), "{private:?} must not be in diagnostics");
    }
    let connections = t.core.diagnostics().connections(&ada).await.expect("connections");
    assert!(connections[0].last_run_failed, "the connection's last answer failed");

    for days in [0, 366] {
        let refused = t.core.diagnostics().usage(&ada, days).await;
        assert!(matches!(refused, Err(CoreError::Validation { field: "days", .. })), "{days}: {refused:?}");
    }
}

#[tokio::test]
async fn members_see_their_own_counts_and_admins_the_whole_database() {
    let t = TestCore::new().await;
    t.register("ada").await;
    let ada = t.core.auth().session().expect("ada");
    for n in 0..3 {
        t.core.tasks().create(&ada, NewTask { title: format!("ada {n}"), ..Default::default() }).await.expect("task");
    }
    t.core.auth().logout();
    t.register("bob").await;
    let bob = t.core.auth().session().expect("bob");
    t.core.tasks().create(&bob, NewTask { title: "bob's".into(), ..Default::default() }).await.expect("task");

    let tasks = |info: &kickstart_core::diagnostics::DatabaseInfo| {
        info.counts.iter().find(|c| c.table == "tasks").map(|c| c.rows).expect("tasks")
    };
    let bobs = t.core.diagnostics().database(&bob).await.expect("bob");
    assert_eq!(tasks(&bobs), 1.0, "a member counts their own rows");
    assert!(bobs.size_bytes > 0.0);
    t.core.auth().logout();
    t.core.auth().login("ada", kickstart_testkit::GOOD_PASSWORD).await.expect("ada");
    let ada = t.core.auth().session().expect("ada");
    let whole = t.core.diagnostics().database(&ada).await.expect("ada");
    assert_eq!(tasks(&whole), 4.0, "an administrator sees the whole database");
    assert!(whole.schema_version.starts_with("2026"), "{}", whole.schema_version);
}
