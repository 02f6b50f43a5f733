//! Local profiles signing in at this computer: registration, login, logout, lock and unlock,
//! the idle lock, password changes and the one-time recovery key.

mod desk;
pub(crate) mod password;
mod throttle;

pub use desk::{Desk, DeskView};
pub use password::{PasswordParams, PASSWORD_RULE};
pub use throttle::LoginThrottle;

use serde::{Deserialize, Serialize};

use crate::ids::ProfileId;
use crate::profiles::{self, NewProfile, Profile, ProfileRow, Role};
use crate::{time, Core, CoreError};

/// Why authentication or authorisation refused a call.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No one is signed in.
    #[error("Please sign in first.")]
    Unauthenticated,
    /// The session is locked; unlock it with the password.
    #[error("This profile is locked. Enter your password to unlock it.")]
    Locked,
    /// The signed-in profile may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Wrong username or password (deliberately not saying which).
    #[error("That username and password don't match.")]
    InvalidCredentials,
    /// The recovery key does not match this username.
    #[error("That recovery key doesn't match this username.")]
    InvalidRecoveryKey,
    /// An administrator disabled this profile.
    #[error("This profile has been disabled. Ask an administrator to enable it again.")]
    ProfileDisabled,
    /// Too many failed attempts for this username; wait before the next.
    #[error("Too many failed attempts. Try again in {retry_after_secs} s.")]
    Throttled { retry_after_secs: u32 },
    /// An MCP access token is wrong or revoked (which, is not said).
    #[error("That MCP access token is not valid: it is wrong or was revoked. Make a new one in Settings → MCP.")]
    InvalidToken,
    /// Argon2 failed (it does not for valid parameters).
    #[error("password hashing failed")]
    Hashing(#[source] argon2::password_hash::Error),
    /// The blocking task that hashes a password was lost.
    #[error("password hashing task failed")]
    HashingTask(#[source] tokio::task::JoinError),
}

/// The profile a command acts for. Only [`Desk`] hands these out; there is no way to build one
/// from what the UI sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The signed-in profile.
    pub profile_id: ProfileId,
}

/// What the UI may know about the current session.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// The signed-in profile.
    pub profile: Profile,
    /// True when the lock screen must be shown.
    pub locked: bool,
    /// Minutes of inactivity before the session locks itself; 0 = never.
    pub idle_lock_minutes: u32,
}

/// What the UI needs at start-up to choose its first screen.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    /// False on first run: the UI then asks for the administrator profile.
    pub has_profiles: bool,
    /// The current session, if any (possibly locked).
    pub session: Option<SessionInfo>,
}

/// A new profile registering itself (the first one on the computer becomes the administrator).
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RegisterInput {
    /// Login name.
    pub username: String,
    /// Name shown in the app; the username when empty.
    pub display_name: String,
    /// The new password.
    pub password: String,
}

/// The result of registering: the new session and the recovery key, shown this once.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    /// The new, signed-in session.
    pub session: SessionInfo,
    /// Resets the password if it is forgotten. Stored only as a hash.
    pub recovery_key: String,
}

/// Minutes the idle lock may be set to at most (a day).
pub const MAX_IDLE_LOCK_MINUTES: u32 = 1440;

/// Authentication operations; see [`Core::auth`].
pub struct Auth<'a> {
    core: &'a Core,
}

impl<'a> Auth<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    /// The signed-in, unlocked session; every command but register/login/status asks for it.
    pub fn session(&self) -> Result<Session, CoreError> {
        Ok(self.core.desk.require()?)
    }

    /// Locks the session when it has been idle too long; true when this call locked it.
    pub fn lock_if_idle(&self) -> bool {
        self.core.desk.lock_if_idle()
    }

    /// First screen: does any profile exist, and who is on the desk.
    pub async fn status(&self) -> Result<AppStatus, CoreError> {
        let has_profiles = profiles::any_exist(self.core.db.pool()).await?;
        let session = match self.core.desk.view() {
            DeskView::SignedOut => None,
            DeskView::SignedIn { session, locked } => {
                match profiles::find_by_id(self.core.db.pool(), &session.profile_id).await? {
                    Some(row) => Some(row.into_session_info(locked)),
                    None => {
                        // The profile vanished (restored backup, say): nothing to resume.
                        self.core.desk.sign_out();
                        None
                    }
                }
            }
        };
        Ok(AppStatus { has_profiles, session })
    }

    /// Creates a profile and signs it in. The first profile becomes the administrator.
    pub async fn register(&self, input: RegisterInput) -> Result<Registration, CoreError> {
        let new = NewProfile::validated(&input.username, &input.display_name, &input.password, None)?;
        let (row, recovery_key) = profiles::insert(self.core, new).await?;
        tracing::info!(profile = %row.id, role = ?row.role, "profile registered");
        self.core.desk.sign_in(Session { profile_id: row.id.clone() }, row.idle_lock_minutes());
        Ok(Registration { session: row.into_session_info(false), recovery_key })
    }

    /// Checks the password and signs the profile in.
    pub async fn login(&self, username: &str, password: &str) -> Result<SessionInfo, CoreError> {
        let username = profiles::normalize_username(username);
        let row = self.check_password(&username, password).await?;
        if row.disabled_at.is_some() {
            return Err(AuthError::ProfileDisabled.into());
        }
        let now = time::to_db(self.core.clock.now());
        sqlx::query("UPDATE profiles SET last_login_at = ?1 WHERE id = ?2")
            .bind(&now)
            .bind(&row.id)
            .execute(self.core.db.pool())
            .await?;
        let row = ProfileRow { last_login_at: Some(now), ..row };
        tracing::info!(profile = %row.id, "signed in");
        // Profiles made before agents existed get their built-in ones now.
        crate::agents::ensure_built_in(self.core, &row.id).await?;
        self.core.desk.sign_in(Session { profile_id: row.id.clone() }, row.idle_lock_minutes());
        // The password is at hand only now: open the profile's encrypted vault, if it has one.
        self.core.vault.close_all();
        if let Err(error) = self.core.vault.unlock(&row.id, password).await {
            tracing::warn!(%error, "could not open the vault");
        }
        Ok(row.into_session_info(false))
    }

    /// Checks the signed-in profile's password again (before a sensitive change), throttled like
    /// a sign-in.
    pub async fn verify_password(&self, session: &Session, password: &str) -> Result<(), CoreError> {
        let row = profiles::get(self.core.db.pool(), &session.profile_id).await?;
        self.check_password(&row.username, password).await.map(|_| ())
    }

    /// Signs out whoever is on the desk, and forgets any open vault key.
    pub fn logout(&self) {
        // Answers still streaming for this profile stop (their text so far is kept).
        if let DeskView::SignedIn { session, .. } = self.core.desk.view() {
            self.core.chats.cancel_profile(&session.profile_id);
            // Its external MCP servers stop too: they may hold its tokens.
            self.core.mcp_clients.stop_profile(&session.profile_id);
        }
        self.core.desk.sign_out();
        self.core.vault.close_all();
        tracing::info!("signed out");
    }

    /// Locks the session now.
    pub fn lock(&self) -> Result<(), CoreError> {
        self.core.desk.lock()?;
        tracing::info!("locked");
        Ok(())
    }

    /// Unlocks the locked session with its password.
    pub async fn unlock(&self, password: &str) -> Result<SessionInfo, CoreError> {
        let held = self.core.desk.held_session()?;
        let row =
            profiles::find_by_id(self.core.db.pool(), &held.profile_id).await?.ok_or(AuthError::Unauthenticated)?;
        let row = self.check_password(&row.username.clone(), password).await?;
        if row.disabled_at.is_some() {
            self.core.desk.sign_out();
            return Err(AuthError::ProfileDisabled.into());
        }
        self.core.desk.unlock(&held)?;
        Ok(row.into_session_info(false))
    }

    /// The current session's details.
    pub async fn current(&self, session: &Session) -> Result<SessionInfo, CoreError> {
        Ok(profiles::get(self.core.db.pool(), &session.profile_id).await?.into_session_info(false))
    }

    /// Changes the signed-in profile's password after checking the current one.
    pub async fn change_password(&self, session: &Session, current: &str, new_password: &str) -> Result<(), CoreError> {
        let row = profiles::get(self.core.db.pool(), &session.profile_id).await?;
        password::check_new_password("newPassword", new_password, &row.username)?;
        if !password::verify(row.password_hash.clone(), current.to_owned()).await {
            return Err(CoreError::validation("currentPassword", "Your current password is not right."));
        }
        profiles::set_password(self.core, &row.id, new_password).await?;
        self.core.vault.rewrap(&row.id, new_password, self.core.password_params).await.map_err(CoreError::from)?;
        tracing::info!(profile = %row.id, "password changed");
        Ok(())
    }

    /// Resets a forgotten password with the recovery key. The key is spent: a new one is
    /// returned, to be shown once.
    pub async fn recover(&self, username: &str, recovery_key: &str, new_password: &str) -> Result<String, CoreError> {
        let username = profiles::normalize_username(username);
        password::check_new_password("newPassword", new_password, &username)?;
        let now = self.core.clock.now();
        if let Some(retry_after_secs) = self.core.throttle.wait_secs(&username, now) {
            return Err(AuthError::Throttled { retry_after_secs }.into());
        }
        let key = password::normalize_recovery_key(recovery_key);
        let row = profiles::find_by_username(self.core.db.pool(), &username).await?;
        let matches = match &row {
            Some(row) => password::verify(row.recovery_key_hash.clone(), key).await,
            None => {
                password::spend_equal_effort(self.core.password_params, key).await;
                false
            }
        };
        let Some(row) = row.filter(|_| matches) else {
            self.core.throttle.record_failure(&username, now);
            return Err(AuthError::InvalidRecoveryKey.into());
        };
        self.core.throttle.clear(&username);
        profiles::set_password(self.core, &row.id, new_password).await?;
        let new_key = profiles::rotate_recovery_key(self.core, &row.id).await?;
        tracing::info!(profile = %row.id, "password reset with recovery key");
        Ok(new_key)
    }

    /// Sets how long the session may sit idle before it locks; 0 turns the idle lock off.
    pub async fn set_idle_lock(&self, session: &Session, minutes: u32) -> Result<SessionInfo, CoreError> {
        if minutes > MAX_IDLE_LOCK_MINUTES {
            return Err(CoreError::validation("minutes", "Choose at most 1440 minutes (a day)."));
        }
        sqlx::query("UPDATE profiles SET idle_lock_minutes = ?1, updated_at = ?2 WHERE id = ?3")
            .bind(minutes)
            .bind(time::to_db(self.core.clock.now()))
            .bind(&session.profile_id)
            .execute(self.core.db.pool())
            .await?;
        self.core.desk.set_idle_lock(minutes);
        self.current(session).await
    }

    /// Changes the signed-in profile's display name.
    pub async fn update_profile(&self, session: &Session, display_name: &str) -> Result<SessionInfo, CoreError> {
        let display_name = profiles::validate_display_name(display_name, "")?;
        sqlx::query("UPDATE profiles SET display_name = ?1, updated_at = ?2 WHERE id = ?3")
            .bind(display_name)
            .bind(time::to_db(self.core.clock.now()))
            .bind(&session.profile_id)
            .execute(self.core.db.pool())
            .await?;
        self.current(session).await
    }

    /// Verifies a password for a username, with throttling and equal effort for unknown names.
    async fn check_password(&self, username: &str, password: &str) -> Result<ProfileRow, CoreError> {
        let now = self.core.clock.now();
        if let Some(retry_after_secs) = self.core.throttle.wait_secs(username, now) {
            return Err(AuthError::Throttled { retry_after_secs }.into());
        }
        let row = profiles::find_by_username(self.core.db.pool(), username).await?;
        let matches = match &row {
            Some(row) => password::verify(row.password_hash.clone(), password.to_owned()).await,
            None => {
                password::spend_equal_effort(self.core.password_params, password.to_owned()).await;
                false
            }
        };
        match row.filter(|_| matches) {
            Some(row) => {
                self.core.throttle.clear(username);
                Ok(row)
            }
            None => {
                self.core.throttle.record_failure(username, now);
                tracing::info!("failed sign-in attempt");
                Err(AuthError::InvalidCredentials.into())
            }
        }
    }

    /// Fails with [`AuthError::Forbidden`] unless the session's profile is an enabled administrator
    /// now (read from the database, not remembered from sign-in).
    pub(crate) async fn require_admin(&self, session: &Session) -> Result<ProfileRow, CoreError> {
        let row =
            profiles::find_by_id(self.core.db.pool(), &session.profile_id).await?.ok_or(AuthError::Unauthenticated)?;
        if row.role != Role::Admin || row.disabled_at.is_some() {
            return Err(AuthError::Forbidden("Only administrators can manage profiles.").into());
        }
        Ok(row)
    }
}
