//! Signed updates with the updater plugin, from the address set in Settings → Desktop (none by
//! default: the app asks nobody for updates until the person chooses where). The plugin checks
//! every download against the public key in `tauri.conf.json`, so an address can offer only
//! builds signed with the project's private key.

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::desktop::DesktopState;
use crate::{ErrorCode, IpcError};

/// What "Check for updates" found.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCheck {
    /// The version running now.
    pub current_version: String,
    /// A newer version the address offers, if any.
    pub available: Option<AvailableUpdate>,
}

/// A newer version on offer.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AvailableUpdate {
    pub version: String,
    /// The release notes, as the update server wrote them.
    pub notes: Option<String>,
}

fn failed(error: tauri_plugin_updater::Error) -> IpcError {
    tracing::warn!(%error, "update check failed");
    IpcError::on_field(ErrorCode::UpdateFailed, "updateEndpoint", format!("Could not get the update: {error}."))
}

/// Asks the settings' update address for a newer version.
async fn find<R: Runtime>(app: &AppHandle<R>) -> Result<Option<Update>, IpcError> {
    // The plugin refuses to start without its configuration section, so the section tells whether
    // it runs (the command tests' mock runtime has neither).
    if !app.config().plugins.0.contains_key("updater") {
        return Err(IpcError::new(ErrorCode::UpdateFailed, "Updates are not available in this build."));
    }
    let endpoint = app.state::<DesktopState>().settings().update_endpoint.ok_or_else(|| {
        IpcError::on_field(ErrorCode::Validation, "updateEndpoint", "Updates are off: set an update address first.")
    })?;
    let url = url::Url::parse(&endpoint)
        .map_err(|_| IpcError::on_field(ErrorCode::Validation, "updateEndpoint", "The update address is not valid."))?;
    let updater = app.updater_builder().endpoints(vec![url]).map_err(failed)?.build().map_err(failed)?;
    updater.check().await.map_err(failed)
}

/// Checks for a newer version.
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> Result<UpdateCheck, IpcError> {
    let update = find(app).await?;
    Ok(UpdateCheck {
        current_version: app.package_info().version.to_string(),
        available: update.map(|update| AvailableUpdate { version: update.version, notes: update.body }),
    })
}

/// Downloads the newer version, checks its signature, installs it and restarts into it.
pub async fn install<R: Runtime>(app: &AppHandle<R>) -> Result<(), IpcError> {
    let Some(update) = find(app).await? else {
        return Err(IpcError::on_field(ErrorCode::NotFound, "updateEndpoint", "There is no newer version to install."));
    };
    tracing::info!(version = %update.version, "installing an update");
    update.download_and_install(|_, _| {}, || {}).await.map_err(failed)?;
    app.restart()
}
