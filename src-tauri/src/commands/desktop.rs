//! The tray, the quick chat window and Settings → Desktop.

use kickstart_core::desktop::{DesktopSettings, QuickChat};
use kickstart_core::threads::ThreadId;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::desktop::{self, DesktopAction, DesktopState, DesktopStatus, OpenTarget};
use crate::updates::{self, UpdateCheck};
use crate::{AppState, IpcError};

/// The desktop settings in effect, and whether the shortcut works.
#[tauri::command]
#[specta::specta]
pub async fn desktop_status(desktop: State<'_, DesktopState>) -> Result<DesktopStatus, IpcError> {
    Ok(desktop.status())
}

/// Changes the desktop settings; a shortcut another app holds is refused and nothing changes.
#[tauri::command]
#[specta::specta]
pub async fn desktop_update<R: Runtime>(
    app: AppHandle<R>,
    settings: DesktopSettings,
) -> Result<DesktopStatus, IpcError> {
    desktop::update(&app, settings).await
}

/// Does what a tray menu item does.
#[tauri::command]
#[specta::specta]
pub async fn desktop_perform<R: Runtime>(app: AppHandle<R>, action: DesktopAction) -> Result<(), IpcError> {
    desktop::perform(&app, action)
}

/// Hides the quick chat (Escape).
#[tauri::command]
#[specta::specta]
pub async fn quick_chat_hide<R: Runtime>(app: AppHandle<R>) -> Result<(), IpcError> {
    desktop::hide_quick_chat(&app)
}

/// Hides the quick chat and continues its thread in the main window.
#[tauri::command]
#[specta::specta]
pub async fn quick_chat_open_in_main<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    thread_id: ThreadId,
) -> Result<(), IpcError> {
    let session = state.core.auth().session()?;
    state.core.threads().get(&session, &thread_id).await?;
    desktop::hide_quick_chat(&app)?;
    desktop::show_main(&app, Some(OpenTarget::Thread { thread_id }))
}

/// The agent and thread the quick chat continues with.
#[tauri::command]
#[specta::specta]
pub async fn quick_chat_get(state: State<'_, AppState>) -> Result<QuickChat, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.desktop().quick_chat(&session).await?)
}

/// Chooses the quick chat's agent and thread (a new thread: none).
#[tauri::command]
#[specta::specta]
pub async fn quick_chat_set(state: State<'_, AppState>, quick_chat: QuickChat) -> Result<QuickChat, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.desktop().set_quick_chat(&session, quick_chat).await?)
}

/// Asks the update address (Settings → Desktop) for a newer version.
#[tauri::command]
#[specta::specta]
pub async fn updates_check<R: Runtime>(app: AppHandle<R>) -> Result<UpdateCheck, IpcError> {
    app.state::<AppState>().core.auth().session()?;
    updates::check(&app).await
}

/// Installs the newer version (its signature checked) and restarts into it.
#[tauri::command]
#[specta::specta]
pub async fn updates_install<R: Runtime>(app: AppHandle<R>) -> Result<(), IpcError> {
    app.state::<AppState>().core.auth().session()?;
    updates::install(&app).await
}
