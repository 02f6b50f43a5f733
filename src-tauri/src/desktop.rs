//! The app on the desktop: the quick chat window, the main window's manners (close to the tray,
//! a second launch), the global shortcut and start at login. The tray menu, the shortcut, the
//! commands and a second launch all go through [`perform`], so each way in behaves the same.
//!
//! The plugins (global shortcut, autostart) are only registered in the real app; on the mock
//! runtime of the command tests their state is absent and the settings are validated and saved
//! without being put into effect.

use std::str::FromStr;
use std::sync::{Mutex, RwLock};

use kickstart_core::desktop::DesktopSettings;
use kickstart_core::tasks::TaskId;
use kickstart_core::threads::ThreadId;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcut, Shortcut};
use tauri_specta::Event;

use crate::events::{announce, SessionLocked};
use crate::{notify, AppState, ErrorCode, IpcError};

/// The main window's label.
pub const MAIN: &str = "main";
/// The quick chat window's label. The window is made hidden by [`ensure_quick_chat`] shortly
/// after someone signs in, or at once when it is summoned before that.
pub const QUICK: &str = "quick";
/// The quick chat's page: the main window's page, told by its address which app to run (the
/// page reads it before anything else loads; `ui/src/main.tsx`).
const QUICK_PAGE: &str = "index.html?window=quick";
/// How long after a sign-in the hidden quick chat is made: late enough that its page does not
/// share the CPU with the first page after signing in, soon enough that a summon finds it ready.
pub const QUICK_CHAT_DELAY: std::time::Duration = std::time::Duration::from_secs(2);

/// What the tray menu and the shortcut can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum DesktopAction {
    /// Show the quick chat, or hide it when it is in front.
    QuickChat,
    /// Show the main window on the Tasks page with the quick-add field focused.
    NewTask,
    /// Show and focus the main window.
    ShowWindow,
    /// Lock the session in every window.
    Lock,
    /// Quit the app (closing the main window only hides it).
    Quit,
}

/// What the main window should open when it is asked to show something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum OpenTarget {
    /// A conversation (the quick chat's "Open in main window").
    #[serde(rename_all = "camelCase")]
    Thread { thread_id: ThreadId },
    /// A task (a due-task notification was clicked).
    #[serde(rename_all = "camelCase")]
    Task { task_id: TaskId },
    /// The quick-add field of the Tasks page (the tray's "New task").
    NewTask,
}

/// Sent to the main window: show this.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct OpenRequested(pub OpenTarget);

/// Sent to the quick chat window each time it is shown: focus the input, catch up.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct QuickChatShown;

/// The desktop settings as Settings → Desktop shows them.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DesktopStatus {
    pub settings: DesktopSettings,
    /// Why the shortcut is not working (taken by another app, say), if it is not.
    pub shortcut_error: Option<String>,
}

/// The settings in effect, kept in memory for the window events that must answer at once.
pub struct DesktopState {
    settings: RwLock<DesktopSettings>,
    /// The shortcut registered now, and why the wanted one is not (if it is not).
    shortcut: Mutex<ShortcutSlot>,
}

#[derive(Default)]
struct ShortcutSlot {
    registered: Option<Shortcut>,
    error: Option<String>,
}

impl DesktopState {
    pub fn new(settings: DesktopSettings) -> Self {
        Self { settings: RwLock::new(settings), shortcut: Mutex::new(ShortcutSlot::default()) }
    }

    /// The settings in effect.
    pub fn settings(&self) -> DesktopSettings {
        self.settings.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn set_settings(&self, settings: DesktopSettings) {
        *self.settings.write().unwrap_or_else(std::sync::PoisonError::into_inner) = settings;
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, ShortcutSlot> {
        self.shortcut.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What Settings → Desktop shows.
    pub fn status(&self) -> DesktopStatus {
        DesktopStatus { settings: self.settings(), shortcut_error: self.slot().error.clone() }
    }
}

/// Does one desktop action (from the tray menu, the shortcut, a command).
pub fn perform<R: Runtime>(app: &AppHandle<R>, action: DesktopAction) -> Result<(), IpcError> {
    match action {
        DesktopAction::QuickChat => toggle_quick_chat(app).map(|_| ()),
        DesktopAction::NewTask => show_main(app, Some(OpenTarget::NewTask)),
        DesktopAction::ShowWindow => show_main(app, None),
        DesktopAction::Lock => {
            let state = app.state::<AppState>();
            // Nobody signed in: there is nothing to lock, and nothing to say about it.
            if state.core.auth().lock().is_ok() {
                announce(app, SessionLocked, ());
            }
            Ok(())
        }
        DesktopAction::Quit => {
            app.exit(0);
            Ok(())
        }
    }
}

fn window<R: Runtime>(app: &AppHandle<R>, label: &str) -> Result<tauri::WebviewWindow<R>, IpcError> {
    app.get_webview_window(label)
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, format!("The {label} window is not open.")))
}

fn window_error(error: tauri::Error) -> IpcError {
    crate::error::internal(&error)
}

/// Shows the quick chat in front with its input focused, or hides it when it already is in
/// front. Returns whether it is shown now.
pub fn toggle_quick_chat<R: Runtime>(app: &AppHandle<R>) -> Result<bool, IpcError> {
    let Some(quick) = app.get_webview_window(QUICK) else {
        // Summoned before it was made (within the first seconds): make it now and show it.
        ensure_quick_chat(app, true)?;
        return Ok(true);
    };
    if quick.is_visible().map_err(window_error)? && quick.is_focused().map_err(window_error)? {
        quick.hide().map_err(window_error)?;
        return Ok(false);
    }
    show_quick_chat(app, &quick)?;
    Ok(true)
}

fn show_quick_chat<R: Runtime>(app: &AppHandle<R>, quick: &tauri::WebviewWindow<R>) -> Result<(), IpcError> {
    quick.center().map_err(window_error)?;
    quick.show().map_err(window_error)?;
    quick.set_focus().map_err(window_error)?;
    if let Err(error) = QuickChatShown.emit_to(app, QUICK) {
        tracing::warn!(%error, "could not tell the quick chat it was shown");
    }
    Ok(())
}

/// Makes the hidden quick chat window unless it exists, and shows it once made when `show`.
///
/// It is made by code rather than listed in `tauri.conf.json`, so that it costs nothing until
/// it can be used: not at the sign-in screen (where it could only ask to sign in), not while the
/// first screen loads. And on Linux its page is a related view of the main window's, so
/// WebKitGTK runs both pages in one web process instead of starting a second one (about
/// 110 MiB). `docs/BENCHMARKS.md` has what each step saved.
pub fn ensure_quick_chat<R: Runtime>(app: &AppHandle<R>, show: bool) -> Result<(), IpcError> {
    if app.get_webview_window(QUICK).is_some() {
        return Ok(());
    }
    let main = window(app, MAIN)?;
    let handle = app.clone();
    // Runs on the main thread, where GTK objects live; the window is built right there.
    main.with_webview(move |_main_page| {
        if handle.get_webview_window(QUICK).is_some() {
            return; // two requests raced; the first one made it
        }
        let builder = tauri::WebviewWindowBuilder::new(&handle, QUICK, tauri::WebviewUrl::App(QUICK_PAGE.into()))
            .title("KickStartMyAI quick chat")
            .inner_size(600.0, 520.0)
            .min_inner_size(420.0, 320.0)
            .visible(false)
            .decorations(false)
            .always_on_top(true)
            .skip_taskbar(true)
            .resizable(true)
            .focused(false)
            .center();
        #[cfg(target_os = "linux")]
        let builder = builder.with_related_view(_main_page.inner());
        match builder.build() {
            Ok(quick) if show => {
                if let Err(error) = show_quick_chat(&handle, &quick) {
                    tracing::warn!(error = %error.message, "could not show the new quick chat");
                }
            }
            Ok(_) => tracing::debug!("quick chat ready"),
            Err(error) => tracing::warn!(%error, "could not make the quick chat window"),
        }
    })
    .map_err(window_error)
}

/// Makes the hidden quick chat [`QUICK_CHAT_DELAY`] from now (after a sign-in).
pub fn spawn_quick_chat_warm_up<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(QUICK_CHAT_DELAY).await;
        if let Err(error) = ensure_quick_chat(&app, false) {
            tracing::warn!(error = %error.message, "could not make the quick chat window");
        }
    });
}

/// Hides the quick chat; the desktop gives the focus back to the window before it.
pub fn hide_quick_chat<R: Runtime>(app: &AppHandle<R>) -> Result<(), IpcError> {
    match app.get_webview_window(QUICK) {
        Some(quick) => quick.hide().map_err(window_error),
        None => Ok(()), // not made yet: nothing shows
    }
}

/// Shows, restores and focuses the main window, and asks it to open `target`.
pub fn show_main<R: Runtime>(app: &AppHandle<R>, target: Option<OpenTarget>) -> Result<(), IpcError> {
    let main = window(app, MAIN)?;
    main.unminimize().map_err(window_error)?;
    main.show().map_err(window_error)?;
    main.set_focus().map_err(window_error)?;
    if let Some(target) = target {
        OpenRequested(target).emit_to(app, MAIN).map_err(window_error)?;
    }
    Ok(())
}

/// The main window was asked to close. With "keep running in the tray" it hides instead (the
/// first time, a notification says where the app went) and `true` is returned; otherwise the
/// whole app quits, hidden quick chat included.
pub fn on_main_close_requested<R: Runtime>(app: &AppHandle<R>) -> bool {
    let desktop = app.state::<DesktopState>();
    let settings = desktop.settings();
    if !settings.close_to_tray {
        app.exit(0);
        return false;
    }
    if let Some(main) = app.get_webview_window(MAIN) {
        if let Err(error) = main.hide() {
            tracing::warn!(%error, "could not hide the main window");
        }
    }
    if !settings.close_to_tray_explained {
        notify::show(
            app,
            "KickStartMyAI is still running",
            "It stays in the tray so the quick chat and reminders keep working. Quit from the tray menu; \
             Settings → Desktop can change this.",
            None,
        );
        desktop.set_settings(DesktopSettings { close_to_tray_explained: true, ..settings });
        let core = app.state::<AppState>().core.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(error) = core.desktop().mark_close_to_tray_explained().await {
                tracing::warn!(%error, "could not save that the tray was explained");
            }
        });
    }
    true
}

/// Shortcut text as people read it ("Ctrl+Shift+Space"), for messages.
fn readable(shortcut: &str) -> String {
    let control = if cfg!(target_os = "macos") { "Cmd" } else { "Ctrl" };
    shortcut.replace("CommandOrControl", control).replace("CmdOrCtrl", control)
}

fn parse_shortcut(text: &str) -> Result<Shortcut, IpcError> {
    Shortcut::from_str(text).map_err(|error| {
        IpcError::on_field(
            ErrorCode::Validation,
            "quickChatShortcut",
            format!("“{text}” is not a shortcut this app understands ({error}). Try CommandOrControl+Shift+Space."),
        )
    })
}

/// Registers the settings' shortcut in place of the current one. When the new one cannot be
/// had (another app holds it), the old one stays registered and the error says so.
fn apply_shortcut<R: Runtime>(app: &AppHandle<R>, wanted: Option<&str>) -> Result<(), IpcError> {
    let wanted = wanted.map(parse_shortcut).transpose()?;
    let desktop = app.state::<DesktopState>();
    let Some(plugin) = app.try_state::<GlobalShortcut<R>>() else {
        return Ok(()); // the command tests' mock runtime: nothing to register with
    };
    let mut slot = desktop.slot();
    if slot.registered == wanted {
        slot.error = None;
        return Ok(());
    }
    if let Some(new) = wanted {
        if let Err(error) = plugin.register(new) {
            let text = readable(&new.into_string());
            tracing::warn!(shortcut = %text, %error, "could not register the quick chat shortcut");
            let message = format!("{text} is taken by another app. Choose another shortcut.");
            // Keep whatever worked before; at start-up (nothing before) the error is shown in Settings.
            if slot.registered.is_none() {
                slot.error = Some(message.clone());
            }
            return Err(IpcError::on_field(ErrorCode::Conflict, "quickChatShortcut", message));
        }
    }
    if let Some(old) = slot.registered.take() {
        if let Err(error) = plugin.unregister(old) {
            tracing::warn!(%error, "could not unregister the old quick chat shortcut");
        }
    }
    slot.registered = wanted;
    slot.error = None;
    Ok(())
}

/// Switches start at login on or off with the autostart plugin (when it is there).
fn apply_start_at_login<R: Runtime>(app: &AppHandle<R>, enabled: bool) -> Result<(), IpcError> {
    use tauri_plugin_autostart::ManagerExt;
    if app.try_state::<tauri_plugin_autostart::AutoLaunchManager>().is_none() {
        return Ok(());
    }
    let launcher = app.autolaunch();
    let result = if enabled { launcher.enable() } else { launcher.disable() };
    result.map_err(|error| {
        tracing::warn!(%error, "could not change start at login");
        IpcError::on_field(ErrorCode::Internal, "startAtLogin", format!("Could not change start at login: {error}"))
    })
}

/// Puts saved settings into effect at start-up. A shortcut that cannot be had is reported in
/// Settings, not fatal.
pub fn apply_at_start<R: Runtime>(app: &AppHandle<R>) {
    let settings = app.state::<DesktopState>().settings();
    if let Err(error) = apply_shortcut(app, settings.quick_chat_shortcut.as_deref()) {
        tracing::warn!(error = %error.message, "the quick chat shortcut is not active");
    }
}

/// Validates, puts into effect and saves new settings. Nothing is saved when the shortcut
/// cannot be registered.
pub async fn update<R: Runtime>(app: &AppHandle<R>, settings: DesktopSettings) -> Result<DesktopStatus, IpcError> {
    let state = app.state::<AppState>();
    let session = state.core.auth().session()?;
    let desktop = app.state::<DesktopState>();
    let before = desktop.settings();
    let tidy = kickstart_core::desktop::Desktop::tidy(settings)?;
    apply_shortcut(app, tidy.quick_chat_shortcut.as_deref())?;
    if tidy.start_at_login != before.start_at_login {
        if let Err(error) = apply_start_at_login(app, tidy.start_at_login) {
            // Put the old shortcut back so what runs matches what is saved.
            let _ = apply_shortcut(app, before.quick_chat_shortcut.as_deref());
            return Err(error);
        }
    }
    let saved = state.core.desktop().save_settings(&session, tidy).await?;
    desktop.set_settings(saved);
    Ok(desktop.status())
}
