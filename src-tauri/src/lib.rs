//! The KickStartMyAI desktop shell: a thin Tauri layer over `kickstart-core`.
//!
//! [`run`] starts the real app; [`build_app`] is generic over the runtime so tests can build the
//! same app on `tauri::test::mock_builder()` and invoke real commands through IPC.

pub mod cli;
pub mod commands;
pub mod desktop;
mod error;
pub mod events;
pub mod logging;
mod notify;
mod rendering;
mod state;
mod tray;
mod updates;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use kickstart_core::auth::PasswordParams;
use kickstart_core::secrets::{KeyringStore, SecretStore};
use kickstart_core::{Core, CoreConfig};
use tauri::{Manager, Runtime};
use tauri_specta::Event;

pub use error::{ErrorCode, IpcError};
pub use state::AppState;

/// Builds the tauri-specta builder (commands and events) for a concrete runtime.
///
/// A macro because `collect_commands!` cannot name a generic parameter of an enclosing
/// function: the app uses `tauri::Wry`, the tests `tauri::test::MockRuntime`.
#[macro_export]
macro_rules! specta_builder {
    ($runtime:ty) => {
        tauri_specta::Builder::<$runtime>::new()
            // One TypeScript type per Rust type (not separate serialize/deserialize shapes).
            .disable_serde_phases()
            .commands(tauri_specta::collect_commands![
                $crate::commands::auth::auth_status,
                $crate::commands::auth::auth_register::<$runtime>,
                $crate::commands::auth::auth_login::<$runtime>,
                $crate::commands::auth::auth_logout,
                $crate::commands::auth::auth_lock::<$runtime>,
                $crate::commands::auth::auth_unlock,
                $crate::commands::auth::auth_touch,
                $crate::commands::auth::auth_change_password,
                $crate::commands::auth::auth_recover,
                $crate::commands::auth::auth_set_idle_lock,
                $crate::commands::auth::auth_update_profile,
                $crate::commands::profiles::profiles_list,
                $crate::commands::profiles::profiles_create,
                $crate::commands::profiles::profiles_set_disabled,
                $crate::commands::profiles::profiles_set_role,
                $crate::commands::profiles::profiles_reset_password,
                $crate::commands::tasks::tasks_parse,
                $crate::commands::tasks::tasks_create::<$runtime>,
                $crate::commands::tasks::tasks_get,
                $crate::commands::tasks::tasks_update::<$runtime>,
                $crate::commands::tasks::tasks_complete::<$runtime>,
                $crate::commands::tasks::tasks_uncomplete::<$runtime>,
                $crate::commands::tasks::tasks_delete::<$runtime>,
                $crate::commands::tasks::tasks_restore::<$runtime>,
                $crate::commands::tasks::tasks_empty_trash::<$runtime>,
                $crate::commands::tasks::tasks_list,
                $crate::commands::tasks::tasks_counts,
                $crate::commands::tasks::tasks_tags,
                $crate::commands::tasks::tasks_bulk::<$runtime>,
                $crate::commands::providers::providers_presets,
                $crate::commands::providers::providers_list,
                $crate::commands::providers::providers_create::<$runtime>,
                $crate::commands::providers::providers_update::<$runtime>,
                $crate::commands::providers::providers_delete::<$runtime>,
                $crate::commands::providers::providers_set_default::<$runtime>,
                $crate::commands::providers::providers_check,
                $crate::commands::providers::providers_models,
                $crate::commands::providers::secrets_status,
                $crate::commands::providers::secrets_enable_vault,
                $crate::commands::agents::agents_list,
                $crate::commands::agents::agents_get,
                $crate::commands::agents::agents_create::<$runtime>,
                $crate::commands::agents::agents_update::<$runtime>,
                $crate::commands::agents::agents_duplicate::<$runtime>,
                $crate::commands::agents::agents_set_archived::<$runtime>,
                $crate::commands::agents::agents_export,
                $crate::commands::agents::agents_import::<$runtime>,
                $crate::commands::threads::threads_list,
                $crate::commands::threads::threads_get,
                $crate::commands::threads::threads_update::<$runtime>,
                $crate::commands::threads::threads_delete::<$runtime>,
                $crate::commands::threads::threads_restore::<$runtime>,
                $crate::commands::threads::messages_list,
                $crate::commands::threads::runs_list,
                $crate::commands::chat::chat_send::<$runtime>,
                $crate::commands::chat::chat_regenerate::<$runtime>,
                $crate::commands::chat::chat_edit::<$runtime>,
                $crate::commands::chat::chat_cancel,
                $crate::commands::chat::chat_decide_tool,
                $crate::commands::mcp::mcp_tokens_list,
                $crate::commands::mcp::mcp_tokens_create,
                $crate::commands::mcp::mcp_tokens_revoke,
                $crate::commands::mcp::mcp_launch,
                $crate::commands::mcp::mcp_http_status,
                $crate::commands::mcp::mcp_http_set,
                $crate::commands::mcp::mcp_servers_list,
                $crate::commands::mcp::mcp_servers_create,
                $crate::commands::mcp::mcp_servers_update,
                $crate::commands::mcp::mcp_servers_delete,
                $crate::commands::mcp::mcp_servers_connect,
                $crate::commands::tools::tools_list,
                $crate::commands::desktop::desktop_status,
                $crate::commands::desktop::desktop_update::<$runtime>,
                $crate::commands::desktop::desktop_perform::<$runtime>,
                $crate::commands::desktop::quick_chat_hide::<$runtime>,
                $crate::commands::desktop::quick_chat_open_in_main::<$runtime>,
                $crate::commands::desktop::quick_chat_get,
                $crate::commands::desktop::quick_chat_set,
                $crate::commands::desktop::updates_check::<$runtime>,
                $crate::commands::desktop::updates_install::<$runtime>,
                $crate::commands::backups::backups_list,
                $crate::commands::backups::backups_settings,
                $crate::commands::backups::backups_settings_set,
                $crate::commands::backups::backups_create,
                $crate::commands::backups::backups_restore::<$runtime>,
                $crate::commands::exports::exports_profile,
                $crate::commands::exports::exports_thread_markdown,
                $crate::commands::exports::exports_tasks_csv,
                $crate::commands::exports::exports_import::<$runtime>,
                $crate::commands::diagnostics::diagnostics_report::<$runtime>,
                $crate::commands::diagnostics::diagnostics_usage,
            ])
            .events(tauri_specta::collect_events![
                $crate::events::SessionLocked,
                $crate::events::TasksChanged,
                $crate::events::ProvidersChanged,
                $crate::events::AgentsChanged,
                $crate::events::ThreadChanged,
                $crate::desktop::OpenRequested,
                $crate::desktop::QuickChatShown
            ])
    };
}

/// Where the app keeps its data and secrets, and how hard it hashes passwords.
#[derive(Clone)]
pub struct AppOptions {
    /// The data folder; `None` = the platform's app data folder (or `KICKSTART_DATA_DIR`).
    pub data_dir: Option<PathBuf>,
    /// Argon2id cost; production in the app, cheap in tests.
    pub password_params: PasswordParams,
    /// Where API keys go: the system keychain in the app, the keyring mock store in tests.
    pub secret_store: Arc<dyn SecretStore>,
    /// Start in the tray with the main window hidden (`--hidden`: start at login does this).
    pub start_hidden: bool,
}

impl Default for AppOptions {
    /// `--data-dir PATH` on the command line, else `KICKSTART_DATA_DIR`, else the platform's folder.
    fn default() -> Self {
        let mut args = std::env::args_os().skip(1);
        let mut from_args = None;
        let mut start_hidden = false;
        while let Some(arg) = args.next() {
            if arg == "--data-dir" {
                from_args = args.next().map(PathBuf::from);
            } else if arg == "--hidden" {
                start_hidden = true;
            }
        }
        Self {
            data_dir: from_args.or_else(|| std::env::var_os("KICKSTART_DATA_DIR").map(PathBuf::from)),
            password_params: PasswordParams::production(),
            secret_store: Arc::new(KeyringStore::system()),
            start_hidden,
        }
    }
}

/// How often the shell checks for an idle session to lock.
const IDLE_CHECK_INTERVAL: Duration = Duration::from_secs(5);
/// How often the daily backup looks whether a day has passed since the newest backup.
const DAILY_BACKUP_CHECK_INTERVAL: Duration = Duration::from_secs(60 * 60);
/// How long after start the daily backup first looks.
const DAILY_BACKUP_FIRST_CHECK: Duration = Duration::from_secs(60);

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Tauri could not build the app or resolve its folders.
    #[error(transparent)]
    Tauri(#[from] tauri::Error),
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Core(#[from] kickstart_core::CoreError),
}

/// Builds the app with KickStartMyAI's commands, events, state and background work.
///
/// The core is opened here, after `build` and before the event loop starts, so the state is
/// managed completely before any window exists — and tests on the mock runtime (whose event
/// loop never runs `setup`) get exactly the same app.
pub fn build_app<R: Runtime>(
    builder: tauri::Builder<R>,
    context: tauri::Context<R>,
    specta: tauri_specta::Builder<R>,
    options: AppOptions,
) -> Result<tauri::App<R>, StartError> {
    let app = builder.invoke_handler(specta.invoke_handler()).build(context)?;
    specta.mount_events(&app);
    let data_dir = match options.data_dir {
        Some(dir) => dir,
        None => app.path().app_data_dir()?,
    };
    let config = CoreConfig {
        password_params: options.password_params,
        secret_store: options.secret_store,
        ..CoreConfig::new(data_dir.join("kickstart.db"))
    };
    let (core, desktop_settings) = tauri::async_runtime::block_on(async {
        // A backup chosen in Settings → Data replaces the database before anything opens it.
        match kickstart_core::backups::apply_pending_restore(&config.database_path).await {
            Ok(Some(name)) => tracing::info!(backup = %name, "restored a backup"),
            Ok(None) => {}
            Err(error) => tracing::error!(%error, "could not restore the chosen backup; the data is unchanged"),
        }
        let core = Core::open(config).await?;
        // Nothing streams yet: an answer marked streaming was cut off by the last shutdown.
        core.chat().recover_interrupted().await?;
        let desktop_settings = core.desktop().settings().await?;
        Ok::<_, kickstart_core::CoreError>((Arc::new(core), desktop_settings))
    })?;
    tracing::info!(data_dir = %data_dir.display(), "core ready");
    app.manage(desktop::DesktopState::new(desktop_settings));
    let mcp_http = Arc::new(kickstart_core::mcp::http::HttpServer::default());
    app.manage(AppState { core: core.clone(), mcp_http: mcp_http.clone() });
    spawn_mcp_http(core.clone(), mcp_http);
    spawn_daily_backup(core.clone());
    spawn_idle_lock(app.handle().clone(), core);
    Ok(app)
}

/// Starts the MCP HTTP server when Settings switched it on.
fn spawn_mcp_http(core: Arc<Core>, server: Arc<kickstart_core::mcp::http::HttpServer>) {
    tauri::async_runtime::spawn(async move {
        if let Err(error) = server.apply(core).await {
            tracing::warn!(%error, "could not read the MCP HTTP settings");
        }
    });
}

/// Makes the daily backup: a minute after start when the newest is a day old (not at once, so the
/// copy does not compete with the first screen), then checks every hour.
fn spawn_daily_backup(core: Arc<Core>) {
    tauri::async_runtime::spawn(async move {
        let first_check = tokio::time::Instant::now() + DAILY_BACKUP_FIRST_CHECK;
        let mut ticker = tokio::time::interval_at(first_check, DAILY_BACKUP_CHECK_INTERVAL);
        loop {
            ticker.tick().await;
            if let Err(error) = core.backups().daily_if_due().await {
                tracing::warn!(%error, "the daily backup failed");
            }
        }
    });
}

/// Locks an idle session even when the UI sends nothing, and tells every window.
fn spawn_idle_lock<R: Runtime>(app: tauri::AppHandle<R>, core: Arc<Core>) {
    tauri::async_runtime::spawn(async move {
        let mut ticker = tokio::time::interval(IDLE_CHECK_INTERVAL);
        loop {
            ticker.tick().await;
            if core.auth().lock_if_idle() {
                if let Err(error) = events::SessionLocked.emit(&app) {
                    tracing::warn!(%error, "could not announce the idle lock");
                }
            }
        }
    });
}

/// The plugins of the real app. Not in the command tests: the global shortcut needs a display,
/// single-instance a session bus.
fn with_desktop_plugins(builder: tauri::Builder<tauri::Wry>) -> tauri::Builder<tauri::Wry> {
    use tauri_plugin_global_shortcut::ShortcutState;
    use tauri_plugin_window_state::StateFlags;
    builder
        // First, so a second launch is handed over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Err(error) = desktop::perform(app, desktop::DesktopAction::ShowWindow) {
                tracing::warn!(error = %error.message, "could not show the window for a second launch");
            }
        }))
        .plugin(
            tauri_plugin_window_state::Builder::new()
                // Size and place only: whether the window shows is the app's decision (--hidden).
                .with_state_flags(StateFlags::all() - StateFlags::VISIBLE)
                .with_denylist(&[desktop::QUICK])
                .build(),
        )
        .plugin(
            tauri_plugin_global_shortcut::Builder::new()
                .with_handler(|app, _shortcut, event| {
                    if event.state == ShortcutState::Pressed {
                        if let Err(error) = desktop::perform(app, desktop::DesktopAction::QuickChat) {
                            tracing::warn!(error = %error.message, "the quick chat shortcut failed");
                        }
                    }
                })
                .build(),
        )
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_autostart::Builder::new().args(["--hidden"]).app_name("KickStartMyAI").build())
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                let keep_running = match window.label() {
                    desktop::MAIN => desktop::on_main_close_requested(window.app_handle()),
                    desktop::QUICK => window.hide().is_ok(),
                    _ => false,
                };
                if keep_running {
                    api.prevent_close();
                }
            }
        })
}

/// Starts the desktop app.
pub fn run() {
    // Before anything else starts a thread (it sets an environment variable).
    let webkit_compositing_off = rendering::paint_without_compositing_when_there_is_no_gpu();
    let context = tauri::generate_context!();
    let log_dir = logging::log_dir(&context.config().identifier);
    let log_guard = logging::init(log_dir.as_deref());
    if cli::requested() {
        let code = cli::run(&context.config().identifier);
        drop(log_guard); // flushes the log file; `exit` would skip it
        std::process::exit(code);
    }
    let painted_without_compositing = rendering::paints_without_compositing();
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        webkit_compositing_off,
        painted_without_compositing,
        "starting"
    );
    let options = AppOptions::default();
    let start_hidden = options.start_hidden;
    let mut builder = with_desktop_plugins(tauri::Builder::default());
    if painted_without_compositing {
        builder = builder.plugin(rendering::software_paint_hint());
    }
    match build_app(builder, context, specta_builder!(tauri::Wry), options) {
        Ok(app) => app.run(move |app, event| {
            let _ = &log_guard; // kept alive as long as the app runs
            if let tauri::RunEvent::Ready = event {
                on_ready(app, start_hidden);
            }
        }),
        Err(error) => {
            tracing::error!(%error, "could not start");
            eprintln!("KickStartMyAI could not start: {error}");
            std::process::exit(1);
        }
    }
}

/// How long after the main window is shown the tray icon and the shortcut are put in place.
/// Both take 40–70 ms of the main thread (D-Bus for the icon, X11 key grabs for the shortcut),
/// and the main thread is also what serves the page its files and IPC answers and puts its
/// frames on screen: done first, they held the sign-in screen back by as much
/// (docs/BENCHMARKS.md, "The tray and the shortcut after the first screen").
const DESKTOP_SET_UP_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

/// Once the event loop runs: the due-task watch, the main window (created hidden so a start at
/// login stays in the tray), and the tray icon and the shortcut — at once when the app starts in
/// the tray, where they are all there is; a moment after the window otherwise.
fn on_ready(app: &tauri::AppHandle, start_hidden: bool) {
    notify::spawn_due_watch(app.clone());
    if start_hidden {
        set_up_desktop(app);
        return;
    }
    if let Err(error) = desktop::show_main(app, None) {
        tracing::warn!(error = %error.message, "could not show the main window");
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(DESKTOP_SET_UP_DELAY).await;
        let handle = app.clone();
        if let Err(error) = app.run_on_main_thread(move || set_up_desktop(&handle)) {
            tracing::warn!(%error, "could not put the tray icon and the shortcut in place");
        }
    });
}

/// The tray icon and the quick chat shortcut.
fn set_up_desktop(app: &tauri::AppHandle) {
    if let Err(error) = tray::create(app) {
        tracing::warn!(%error, "could not put the icon in the tray");
    }
    desktop::apply_at_start(app);
}
