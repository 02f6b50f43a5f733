//! Desktop settings, the quick chat's memory and the tasks that fall due, on a real SQLite file.

use chrono::{Duration, TimeZone, Utc};
use kickstart_core::auth::Session;
use kickstart_core::chat::SendInput;
use kickstart_core::desktop::{DesktopSettings, QuickChat, DEFAULT_QUICK_CHAT_SHORTCUT};
use kickstart_core::tasks::{Due, NewTask};
use kickstart_core::threads::ThreadId;
use kickstart_core::{Core, CoreError};
use kickstart_testkit::{ChatRecorder, TestCore};

async fn profile(t: &TestCore, name: &str) -> Session {
    t.register(name).await;
    t.core.auth().session().expect("session")
}

/// A thread of the profile, made by the offline Task assistant (no provider needed).
async fn thread(t: &TestCore, session: &Session) -> ThreadId {
    let input = SendInput { thread_id: None, agent_id: None, text: "list my tasks".into() };
    t.core.chat().send(session, "q1", input, &ChatRecorder::default()).await.expect("offline answer").answer.thread_id
}

#[tokio::test]
async fn desktop_settings_default_then_save_tidied_and_survive_a_reopen() {
    let t = TestCore::new().await;
    let ada = profile(&t, "ada").await;
    let desktop = t.core.desktop();
    let defaults = desktop.settings().await.expect("settings");
    assert_eq!(defaults.quick_chat_shortcut.as_deref(), Some(DEFAULT_QUICK_CHAT_SHORTCUT));
    assert!(defaults.close_to_tray && defaults.due_notifications && !defaults.start_at_login);
    assert!(!defaults.close_to_tray_explained, "nobody was told about the tray yet");

    // A blank shortcut means none; the rest is kept as given.
    let saved = desktop
        .save_settings(
            &ada,
            DesktopSettings { quick_chat_shortcut: Some("  ".into()), close_to_tray: false, ..defaults.clone() },
        )
        .await
        .expect("save");
    assert_eq!(saved.quick_chat_shortcut, None);
    desktop.mark_close_to_tray_explained().await.expect("explained");

    t.core.close().await;
    let reopened =
        Core::open(kickstart_testkit::config(t.database_path.clone(), t.clock.clone())).await.expect("reopens");
    let after = reopened.desktop().settings().await.expect("settings");
    assert_eq!(after, DesktopSettings { close_to_tray_explained: true, ..saved });
}

#[tokio::test]
async fn malformed_shortcuts_are_refused_and_nothing_changes() {
    let t = TestCore::new().await;
    let ada = profile(&t, "ada").await;
    let desktop = t.core.desktop();
    for bad in ["Ctrl++", "+Space", &format!("Ctrl+{}", "K".repeat(70))] {
        let result = desktop
            .save_settings(&ada, DesktopSettings { quick_chat_shortcut: Some(bad.to_owned()), ..Default::default() })
            .await;
        assert!(
            matches!(result, Err(CoreError::Validation { field: "quickChatShortcut", .. })),
            "{bad:?} must be refused on its field, got {result:?}"
        );
    }
    assert_eq!(desktop.settings().await.expect("settings"), DesktopSettings::default(), "nothing was saved");
}

#[tokio::test]
async fn the_update_address_is_off_by_default_and_only_https_or_this_computer() {
    let t = TestCore::new().await;
    let ada = profile(&t, "ada").await;
    let desktop = t.core.desktop();
    assert_eq!(desktop.settings().await.expect("settings").update_endpoint, None, "no update calls by default");
    let with = |address: &str| DesktopSettings { update_endpoint: Some(address.to_owned()), ..Default::default() };

    for bad in [
        "http://updates.example.com/latest.json",
        "ftp://updates.example.com/latest.json",
        "updates.example.com/latest.json",
        "https://ada:secret@updates.example.com/latest.json",
        "file:///etc/passwd",
    ] {
        let result = desktop.save_settings(&ada, with(bad)).await;
        assert!(
            matches!(result, Err(CoreError::Validation { field: "updateEndpoint", .. })),
            "{bad:?} must be refused on its field, got {result:?}"
        );
    }
    assert_eq!(desktop.settings().await.expect("settings"), DesktopSettings::default(), "refusals saved nothing");

    for good in [
        "https://updates.example.com/{{target}}/{{arch}}/{{current_version}}",
        "http://127.0.0.1:8123/latest.json",
        "http://localhost/latest.json",
    ] {
        let saved = desktop.save_settings(&ada, with(&format!("  {good} "))).await.expect(good);
        assert_eq!(saved.update_endpoint.as_deref(), Some(good), "kept, trimmed");
    }
    let off = desktop.save_settings(&ada, with("   ")).await.expect("blank");
    assert_eq!(off.update_endpoint, None, "a blank address switches updates off");
}

#[tokio::test]
async fn the_quick_chat_remembers_its_agent_and_thread_per_profile() {
    let t = TestCore::new().await;
    let ada = profile(&t, "ada").await;
    let writer = t.core.agents().create(&ada, kickstart_testkit::plain_agent("Writer")).await.expect("agent");
    let ada_thread = thread(&t, &ada).await;
    let desktop = t.core.desktop();
    assert_eq!(desktop.quick_chat(&ada).await.expect("get"), QuickChat::default(), "a fresh start");

    let chosen = QuickChat { agent_id: Some(writer.id.clone()), thread_id: Some(ada_thread.clone()) };
    desktop.set_quick_chat(&ada, chosen.clone()).await.expect("set");
    assert_eq!(desktop.quick_chat(&ada).await.expect("get"), chosen);

    // Another profile has its own, and cannot point at Ada's agent or thread.
    let bob = profile(&t, "bob").await;
    assert_eq!(desktop.quick_chat(&bob).await.expect("get"), QuickChat::default());
    let steal_agent =
        desktop.set_quick_chat(&bob, QuickChat { agent_id: Some(writer.id.clone()), thread_id: None }).await;
    assert!(matches!(steal_agent, Err(CoreError::NotFound { .. })), "{steal_agent:?}");
    let steal_thread =
        desktop.set_quick_chat(&bob, QuickChat { agent_id: None, thread_id: Some(ada_thread.clone()) }).await;
    assert!(matches!(steal_thread, Err(CoreError::NotFound { .. })), "{steal_thread:?}");
    let unknown = desktop
        .set_quick_chat(
            &bob,
            QuickChat { agent_id: None, thread_id: Some(ThreadId("01900000-0000-7000-8000-000000000000".into())) },
        )
        .await;
    assert!(matches!(unknown, Err(CoreError::NotFound { .. })), "{unknown:?}");
    assert_eq!(desktop.quick_chat(&bob).await.expect("get"), QuickChat::default(), "refusals changed nothing");

    // A deleted thread and an archived agent are dropped, so the window starts afresh.
    t.core.auth().login("ada", kickstart_testkit::GOOD_PASSWORD).await.expect("login");
    t.core.threads().delete(&ada, &ada_thread).await.expect("delete");
    t.core.agents().set_archived(&ada, &writer.id, true).await.expect("archive");
    assert_eq!(desktop.quick_chat(&ada).await.expect("get"), QuickChat::default());
    let archived = desktop.set_quick_chat(&ada, QuickChat { agent_id: Some(writer.id), thread_id: None }).await;
    assert!(matches!(archived, Err(CoreError::Chat(_))), "an archived agent is refused: {archived:?}");
}

#[tokio::test]
async fn tasks_fall_due_once_in_their_minute_and_only_open_timed_ones_of_the_profile() {
    let t = TestCore::new().await; // the clock: 2026-11-23 09:00 UTC, 10:00 in Berlin
    let ada = profile(&t, "ada").await;
    let tasks = t.core.tasks();
    let add = |title: &str, time: Option<&str>| NewTask {
        title: title.into(),
        due: Some(Due { date: "2026-11-23".into(), time: time.map(Into::into) }),
        ..Default::default()
    };
    tasks.create(&ada, add("call the plumber", Some("10:30"))).await.expect("task");
    tasks.create(&ada, add("all day", None)).await.expect("task");
    let done = tasks.create(&ada, add("already done", Some("10:15"))).await.expect("task");
    tasks.complete(&ada, &done.id).await.expect("complete");
    let trashed = tasks.create(&ada, add("in the trash", Some("10:20"))).await.expect("task");
    tasks.delete(&ada, &trashed.id).await.expect("delete");
    tasks.create(&ada, add("later", Some("11:00"))).await.expect("task");
    let bob = profile(&t, "bob").await;
    tasks.create(&bob, add("bob's call", Some("10:30"))).await.expect("task");

    let at = |h: u32, m: u32| Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).single().expect("time");
    let desktop = t.core.desktop();
    let titles = |found: Vec<kickstart_core::tasks::Task>| found.into_iter().map(|task| task.title).collect::<Vec<_>>();
    // 09:30 UTC is 10:30 in Berlin: the window (09:00, 09:45] has Ada's plumber, and only it.
    assert_eq!(titles(desktop.fell_due(&ada, at(9, 0), at(9, 45)).await.expect("due")), ["call the plumber"]);
    // The next window starts where this one ended: nothing is announced twice.
    assert!(desktop.fell_due(&ada, at(9, 45), at(9, 59)).await.expect("due").is_empty());
    assert_eq!(titles(desktop.fell_due(&ada, at(9, 45), at(10, 0)).await.expect("due")), ["later"]);
    // The upper bound counts (a task due at exactly `until`), the lower one does not.
    assert_eq!(
        titles(desktop.fell_due(&ada, at(9, 30) - Duration::seconds(1), at(9, 30)).await.expect("due")).len(),
        1
    );
    assert!(desktop.fell_due(&ada, at(9, 30), at(9, 31)).await.expect("due").is_empty());
}
