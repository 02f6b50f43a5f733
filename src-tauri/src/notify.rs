//! Desktop notifications: tasks falling due, and the one-time "still running in the tray".
//!
//! On Linux (and the BSDs) a notification is sent with `notify-rust`, the notification
//! plugin's own backend, because the plugin cannot report a click there and clicking a due
//! task's notification must open the task. Elsewhere the notification plugin sends it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tauri::{AppHandle, Manager, Runtime};

use crate::desktop::{self, DesktopState, OpenTarget};
use crate::AppState;

/// How often the due-task watch looks for tasks that fell due. Due times are whole minutes, so
/// a notification comes at most this long after its minute starts.
const DUE_CHECK_INTERVAL: Duration = Duration::from_secs(10);

/// After a long lock or sleep, only tasks that fell due this recently are announced (a burst of
/// stale reminders helps no one; the Today view lists them all).
const DUE_LOOKBACK: chrono::Duration = chrono::Duration::hours(1);

/// Shows a notification; a click on it (where the platform reports clicks) shows the main
/// window opening `on_click`. Failing to notify is logged, never an error for the caller.
pub fn show<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str, on_click: Option<OpenTarget>) {
    tracing::info!(kind = if on_click.is_some() { "due task" } else { "app" }, "notification");
    #[cfg(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    ))]
    {
        let app = app.clone();
        let (title, body) = (title.to_owned(), body.to_owned());
        // Showing talks to the session bus and waiting for the click blocks: its own thread.
        std::thread::spawn(move || {
            let mut notification = notify_rust::Notification::new();
            notification.appname("KickStartMyAI").summary(&title).body(&body).icon("kickstart");
            if on_click.is_some() {
                notification.action("default", "Open");
            }
            match notification.show() {
                Ok(handle) => {
                    if let Some(target) = on_click {
                        handle.wait_for_action(|action| {
                            if action == "default" {
                                if let Err(error) = desktop::show_main(&app, Some(target)) {
                                    tracing::warn!(error = %error.message, "could not open the notified task");
                                }
                            }
                        });
                    }
                }
                Err(error) => tracing::warn!(%error, "could not show a notification"),
            }
        });
    }
    #[cfg(not(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    )))]
    {
        use tauri_plugin_notification::NotificationExt;
        let _ = on_click; // the plugin reports no clicks on desktop: the notification only informs
        if let Err(error) = app.notification().builder().title(title).body(body).show() {
            tracing::warn!(%error, "could not show a notification");
        }
    }
}

/// Watches for tasks of the signed-in profile that fall due, while the setting is on and the
/// session is unlocked (a locked screen shows no task titles).
pub fn spawn_due_watch<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut checked_until: DateTime<Utc> = Utc::now();
        let mut ticker = tokio::time::interval(DUE_CHECK_INTERVAL);
        loop {
            ticker.tick().await;
            let now = Utc::now();
            if !app.state::<DesktopState>().settings().due_notifications {
                checked_until = now;
                continue;
            }
            let core = app.state::<AppState>().core.clone();
            let Ok(session) = core.auth().session() else { continue };
            let after = checked_until.max(now - DUE_LOOKBACK);
            match core.desktop().fell_due(&session, after, now).await {
                Ok(tasks) => {
                    checked_until = now;
                    for task in tasks {
                        let when = task.due.as_ref().and_then(|due| due.time.clone()).unwrap_or_default();
                        show(&app, &task.title, &format!("Due {when}"), Some(OpenTarget::Task { task_id: task.id }));
                    }
                }
                Err(error) => tracing::warn!(%error, "could not look for tasks falling due"),
            }
        }
    });
}
