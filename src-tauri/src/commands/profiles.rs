//! Profile administration (administrators only; the core checks the role on every call).

use kickstart_core::ids::ProfileId;
use kickstart_core::profiles::{CreateProfileInput, Profile, ProfileCreated, Role};
use tauri::State;

use crate::{AppState, IpcError};

/// Every profile on this computer.
#[tauri::command]
#[specta::specta]
pub async fn profiles_list(state: State<'_, AppState>) -> Result<Vec<Profile>, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.profiles().list(&session).await?)
}

/// Creates a profile; its recovery key is returned once.
#[tauri::command]
#[specta::specta]
pub async fn profiles_create(
    state: State<'_, AppState>,
    input: CreateProfileInput,
) -> Result<ProfileCreated, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.profiles().create(&session, input).await?)
}

/// Disables or enables a profile.
#[tauri::command]
#[specta::specta]
pub async fn profiles_set_disabled(
    state: State<'_, AppState>,
    profile_id: ProfileId,
    disabled: bool,
) -> Result<Profile, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.profiles().set_disabled(&session, &profile_id, disabled).await?)
}

/// Makes a profile an administrator or a member.
#[tauri::command]
#[specta::specta]
pub async fn profiles_set_role(
    state: State<'_, AppState>,
    profile_id: ProfileId,
    role: Role,
) -> Result<Profile, IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.profiles().set_role(&session, &profile_id, role).await?)
}

/// Sets a new password for a profile.
#[tauri::command]
#[specta::specta]
pub async fn profiles_reset_password(
    state: State<'_, AppState>,
    profile_id: ProfileId,
    new_password: String,
) -> Result<(), IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.profiles().reset_password(&session, &profile_id, &new_password).await?)
}
