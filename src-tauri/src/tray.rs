//! The tray icon and its menu. Every item is a [`DesktopAction`], done by `desktop::perform`.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Runtime};

use crate::desktop::{self, DesktopAction};

/// The menu's items in order; `None` is a separator.
const ITEMS: [Option<(DesktopAction, &str)>; 7] = [
    Some((DesktopAction::QuickChat, "Quick chat")),
    Some((DesktopAction::NewTask, "New task")),
    None,
    Some((DesktopAction::ShowWindow, "Show window")),
    Some((DesktopAction::Lock, "Lock")),
    None,
    Some((DesktopAction::Quit, "Quit KickStartMyAI")),
];

fn menu_id(action: DesktopAction) -> String {
    serde_json::to_value(action).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn action_of(id: &str) -> Option<DesktopAction> {
    serde_json::from_value(serde_json::Value::String(id.to_owned())).ok()
}

/// Puts the icon in the tray. Where the desktop has no tray (a bare X server, some GNOME set-ups)
/// the icon is simply not seen; the app still works from its windows and a second launch.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let menu = Menu::new(app)?;
    for item in ITEMS {
        match item {
            Some((action, label)) => {
                menu.append(&MenuItem::with_id(app, menu_id(action), label, true, None::<&str>)?)?
            }
            None => menu.append(&PredefinedMenuItem::separator(app)?)?,
        }
    }
    let mut tray = TrayIconBuilder::with_id("main")
        .tooltip("KickStartMyAI")
        .menu(&menu)
        // Left click shows the window (where the platform reports it; Linux always opens the menu).
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| {
            if let Some(action) = action_of(event.id().as_ref()) {
                if let Err(error) = desktop::perform(app, action) {
                    tracing::warn!(?action, error = %error.message, "tray action failed");
                }
            }
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } = event {
                if let Err(error) = desktop::perform(tray.app_handle(), DesktopAction::ShowWindow) {
                    tracing::warn!(error = %error.message, "could not show the window from the tray");
                }
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_menu_item_maps_back_to_its_action() {
        for (action, _) in ITEMS.into_iter().flatten() {
            assert_eq!(action_of(&menu_id(action)), Some(action), "menu id {:?} must decode", menu_id(action));
        }
    }
}
