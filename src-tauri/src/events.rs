//! Typed broadcasts to every window. Rare events only; streams use channels.

use serde::{Deserialize, Serialize};

/// The session was locked (by the idle lock or from another window): show the lock screen.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SessionLocked;

/// Tasks changed (in any window): refresh the lists and counts.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct TasksChanged;

/// Provider connections changed (in any window): refresh the Providers settings and pickers.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct ProvidersChanged;
