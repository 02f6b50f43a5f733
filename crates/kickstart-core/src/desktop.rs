//! How the app lives on the desktop: the installation's tray and shortcut settings, each
//! profile's quick chat (its agent and the thread it continues), and the tasks that fall due
//! for a notification. The shell puts these into effect; nothing here knows about windows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::agents::AgentId;
use crate::auth::Session;
use crate::tasks::{Task, TaskRow, TASK_COLUMNS};
use crate::threads::ThreadId;
use crate::{settings, time, Core, CoreError};

const SETTINGS_KEY: &str = "desktop";

/// The global shortcut for the quick chat unless the person chose another.
pub const DEFAULT_QUICK_CHAT_SHORTCUT: &str = "CommandOrControl+Shift+Space";

/// The longest shortcut text accepted ("CommandOrControl+Shift+Alt+ArrowDown" is 36).
const MAX_SHORTCUT_CHARS: usize = 64;

/// The installation's desktop settings: they apply before anyone signs in (the tray, closing
/// the window), so they belong to the computer, not to a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DesktopSettings {
    /// The global shortcut that shows or hides the quick chat, in the shortcut plugin's syntax
    /// ("CommandOrControl+Shift+Space"); `None` = no shortcut.
    pub quick_chat_shortcut: Option<String>,
    /// Closing the main window keeps the app running in the tray.
    pub close_to_tray: bool,
    /// The person was told once that closing keeps the app in the tray.
    pub close_to_tray_explained: bool,
    /// A desktop notification when a task with a time falls due.
    pub due_notifications: bool,
    /// Start the app (in the tray) when the person logs in to the computer.
    pub start_at_login: bool,
    /// Where the app asks for signed updates (an https address serving the updater's JSON);
    /// `None` = never asks. Off by default: the app calls nowhere the person did not choose.
    #[serde(default)]
    pub update_endpoint: Option<String>,
}

impl Default for DesktopSettings {
    fn default() -> Self {
        Self {
            quick_chat_shortcut: Some(DEFAULT_QUICK_CHAT_SHORTCUT.into()),
            close_to_tray: true,
            close_to_tray_explained: false,
            due_notifications: true,
            start_at_login: false,
            update_endpoint: None,
        }
    }
}

/// What the quick chat window continues with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct QuickChat {
    /// The agent it talks to; `None` = the Task assistant.
    pub agent_id: Option<AgentId>,
    /// The thread it continues; `None` = the next message starts a new one.
    pub thread_id: Option<ThreadId>,
}

/// Desktop settings and the quick chat's memory.
pub struct Desktop<'a> {
    core: &'a Core,
}

impl<'a> Desktop<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    /// The installation's settings (defaults until someone changes them).
    pub async fn settings(&self) -> Result<DesktopSettings, CoreError> {
        settings::read(self.core, SETTINGS_KEY).await
    }

    /// Checks and tidies settings before they are put into effect: a blank shortcut means none.
    pub fn tidy(mut input: DesktopSettings) -> Result<DesktopSettings, CoreError> {
        input.quick_chat_shortcut = match input.quick_chat_shortcut.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(shortcut) if shortcut.chars().count() > MAX_SHORTCUT_CHARS => {
                return Err(CoreError::validation("quickChatShortcut", "That shortcut is too long."));
            }
            Some(shortcut) if shortcut.split('+').any(|part| part.trim().is_empty()) => {
                return Err(CoreError::validation(
                    "quickChatShortcut",
                    "Write the shortcut as keys joined by +, such as CommandOrControl+Shift+Space.",
                ));
            }
            Some(shortcut) => Some(shortcut.to_owned()),
        };
        input.update_endpoint = match input.update_endpoint.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(address) => Some(Self::check_update_endpoint(address)?),
        };
        Ok(input)
    }

    /// An update address must be https (the updater refuses anything else in a release build),
    /// or http on this computer for a local update server; with no credentials in it. The
    /// updater's own placeholders (`{{target}}`, `{{arch}}`, `{{current_version}}`) may be used.
    fn check_update_endpoint(address: &str) -> Result<String, CoreError> {
        const FIELD: &str = "updateEndpoint";
        let url = url::Url::parse(address)
            .map_err(|_| CoreError::validation(FIELD, "Write the update address as a full https:// address."))?;
        let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(CoreError::validation(FIELD, "Updates are only fetched over https.")),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(CoreError::validation(FIELD, "The update address has no host."));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(CoreError::validation(FIELD, "Leave user names and passwords out of the update address."));
        }
        Ok(address.to_owned())
    }

    /// Saves the settings, tidied. Anyone signed in may change them (the session is the proof:
    /// they are the person at this computer); the shell checks that the shortcut can be
    /// registered before saving.
    pub async fn save_settings(
        &self,
        _session: &Session,
        input: DesktopSettings,
    ) -> Result<DesktopSettings, CoreError> {
        let input = Self::tidy(input)?;
        settings::write(self.core, SETTINGS_KEY, &input).await?;
        Ok(input)
    }

    /// Remembers that the person was told closing keeps the app in the tray (no session needed:
    /// the window can be closed on the login screen).
    pub async fn mark_close_to_tray_explained(&self) -> Result<(), CoreError> {
        let mut current = self.settings().await?;
        if !current.close_to_tray_explained {
            current.close_to_tray_explained = true;
            settings::write(self.core, SETTINGS_KEY, &current).await?;
        }
        Ok(())
    }

    /// The profile's quick chat. An agent or thread that is gone, archived or no longer visible
    /// is dropped here, so the window never opens onto something it cannot use.
    pub async fn quick_chat(&self, session: &Session) -> Result<QuickChat, CoreError> {
        let stored: Option<(Option<AgentId>, Option<ThreadId>)> =
            sqlx::query_as("SELECT agent_id, thread_id FROM quick_chat WHERE profile_id = ?1")
                .bind(&session.profile_id)
                .fetch_optional(self.core.db.pool())
                .await?;
        let Some((agent_id, thread_id)) = stored else { return Ok(QuickChat::default()) };
        let agent_id = match agent_id {
            Some(id) => match self.core.agents().get(session, &id).await {
                Ok(agent) if !agent.archived => Some(id),
                Ok(_) | Err(CoreError::NotFound { .. }) => None,
                Err(other) => return Err(other),
            },
            None => None,
        };
        let thread_id = match thread_id {
            Some(id) => match self.core.threads().get(session, &id).await {
                Ok(thread) if !thread.archived => Some(id),
                Ok(_) | Err(CoreError::NotFound { .. }) => None,
                Err(other) => return Err(other),
            },
            None => None,
        };
        Ok(QuickChat { agent_id, thread_id })
    }

    /// Chooses the quick chat's agent and thread. Another profile's agent or thread is not found.
    pub async fn set_quick_chat(&self, session: &Session, input: QuickChat) -> Result<QuickChat, CoreError> {
        if let Some(id) = &input.agent_id {
            if self.core.agents().get(session, id).await?.archived {
                return Err(CoreError::from(crate::chat::ChatError::AgentArchived));
            }
        }
        if let Some(id) = &input.thread_id {
            self.core.threads().get(session, id).await?;
        }
        sqlx::query(
            "INSERT INTO quick_chat (profile_id, agent_id, thread_id, updated_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (profile_id) DO UPDATE SET agent_id = excluded.agent_id, \
             thread_id = excluded.thread_id, updated_at = excluded.updated_at",
        )
        .bind(&session.profile_id)
        .bind(&input.agent_id)
        .bind(&input.thread_id)
        .bind(time::to_db(self.core.clock.now()))
        .execute(self.core.db.pool())
        .await?;
        Ok(input)
    }

    /// The profile's open tasks with a time that fell due in `(after, until]`, earliest first.
    /// All-day tasks have no moment to announce and are left to the Today view.
    pub async fn fell_due(
        &self,
        session: &Session,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Task>, CoreError> {
        let rows: Vec<TaskRow> = sqlx::query_as(&format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE profile_id = ?1 AND deleted_at IS NULL AND status = 'open' \
             AND due_time IS NOT NULL AND COALESCE(due_at, '~') > ?2 AND COALESCE(due_at, '~') <= ?3 \
             ORDER BY COALESCE(due_at, '~'), id LIMIT 20"
        ))
        .bind(&session.profile_id)
        .bind(time::to_db(after))
        .bind(time::to_db(until))
        .fetch_all(self.core.db.pool())
        .await?;
        let now = self.core.tasks().now();
        Ok(rows.into_iter().map(|row| row.into_task(now)).collect())
    }
}
