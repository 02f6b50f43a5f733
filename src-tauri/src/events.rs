//! Typed broadcasts to every window. Rare events only; streams use channels.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

/// Tells every window about a change, and passes the command's result through. A window that
/// misses it only refreshes later, so a failed emit is logged, not returned.
pub(crate) fn announce<R: Runtime, E: Event + Serialize + Clone, T>(app: &AppHandle<R>, event: E, result: T) -> T {
    if let Err(error) = event.emit(app) {
        tracing::warn!(%error, event = E::NAME, "could not announce a change");
    }
    result
}

/// The session was locked (by the idle lock or from another window): show the lock screen.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SessionLocked;

/// Tasks changed (in any window): refresh the lists and counts.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct TasksChanged;

/// Provider connections changed (in any window): refresh the Providers settings and pickers.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct ProvidersChanged;

/// Agents changed (in any window): refresh the agent list and pickers.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct AgentsChanged;

/// A thread changed: new, streaming, answered, renamed, pinned, archived or deleted. Windows
/// refresh their thread list and, when it is open, that thread.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ThreadChanged {
    pub thread_id: kickstart_core::threads::ThreadId,
    /// Set when an answer being streamed made the change (its start or its end): the window that
    /// asked for it follows the answer over its own channel and skips this event, which saves it
    /// reading the thread again in the frames of the answer.
    pub request_id: Option<String>,
}

impl ThreadChanged {
    pub fn new(thread_id: kickstart_core::threads::ThreadId) -> Self {
        Self { thread_id, request_id: None }
    }

    pub fn by_answer(thread_id: kickstart_core::threads::ThreadId, request_id: &str) -> Self {
        Self { thread_id, request_id: Some(request_id.to_owned()) }
    }
}
