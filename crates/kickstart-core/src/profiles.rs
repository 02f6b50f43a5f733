//! Profiles: the people who share this computer, and their administration.
//!
//! The first profile is the administrator. Administrators list, create, disable and enable
//! profiles, reset their passwords and set their roles; members manage only themselves.

use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;

use crate::auth::{password, AuthError, Session, SessionInfo};
use crate::ids::ProfileId;
use crate::{time, Core, CoreError};

/// Longest username accepted.
pub const MAX_USERNAME_CHARS: usize = 32;
/// Longest display name accepted.
pub const MAX_DISPLAY_NAME_CHARS: usize = 64;
/// Idle-lock minutes a new profile starts with.
const DEFAULT_IDLE_LOCK_MINUTES: u32 = 15;

/// What a profile may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(rename_all = "lowercase")]
pub enum Role {
    /// Manages profiles as well as their own data.
    Admin,
    /// Manages only their own data.
    Member,
}

/// A profile as the UI sees it (never its hashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: ProfileId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC; none before the first sign-in.
    pub last_login_at: Option<String>,
}

/// An administrator creating a profile for someone.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CreateProfileInput {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
}

/// A created profile and its recovery key, to be handed to its owner once.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileCreated {
    pub profile: Profile,
    pub recovery_key: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ProfileRow {
    pub id: ProfileId,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub recovery_key_hash: String,
    pub role: Role,
    pub idle_lock_minutes: i64,
    pub disabled_at: Option<String>,
    pub last_login_at: Option<String>,
    pub created_at: String,
}

impl ProfileRow {
    pub(crate) fn idle_lock_minutes(&self) -> u32 {
        u32::try_from(self.idle_lock_minutes).unwrap_or(DEFAULT_IDLE_LOCK_MINUTES)
    }

    pub(crate) fn into_profile(self) -> Profile {
        Profile {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role: self.role,
            disabled: self.disabled_at.is_some(),
            created_at: self.created_at,
            last_login_at: self.last_login_at,
        }
    }

    pub(crate) fn into_session_info(self, locked: bool) -> SessionInfo {
        let idle_lock_minutes = self.idle_lock_minutes();
        SessionInfo { profile: self.into_profile(), locked, idle_lock_minutes }
    }
}

const SELECT_PROFILE: &str = "SELECT id, username, display_name, password_hash, recovery_key_hash, role, \
     idle_lock_minutes, disabled_at, last_login_at, created_at FROM profiles";

/// Usernames compare case-insensitively and ignore surrounding spaces.
pub(crate) fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

fn validate_username(username: &str) -> Result<String, CoreError> {
    let username = normalize_username(username);
    if username.is_empty() {
        return Err(CoreError::validation("username", "Choose a username."));
    }
    if username.chars().count() > MAX_USERNAME_CHARS {
        return Err(CoreError::validation("username", "Use at most 32 characters for the username."));
    }
    if !username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')) {
        return Err(CoreError::validation(
            "username",
            "Use only letters a–z, digits, dots, dashes and underscores in the username.",
        ));
    }
    Ok(username)
}

/// A trimmed display name of 1–64 characters; `fallback` when empty (if one is given).
pub(crate) fn validate_display_name(display_name: &str, fallback: &str) -> Result<String, CoreError> {
    let trimmed = display_name.trim();
    let name = if trimmed.is_empty() { fallback } else { trimmed };
    if name.is_empty() {
        return Err(CoreError::validation("displayName", "Enter a display name."));
    }
    if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(CoreError::validation("displayName", "Use at most 64 characters for the display name."));
    }
    Ok(name.to_owned())
}

/// A profile about to be inserted, with every field checked.
pub(crate) struct NewProfile {
    username: String,
    display_name: String,
    password: String,
    /// `None`: administrator if this is the first profile, member otherwise.
    role: Option<Role>,
}

impl NewProfile {
    pub(crate) fn validated(
        username: &str,
        display_name: &str,
        password: &str,
        role: Option<Role>,
    ) -> Result<Self, CoreError> {
        let username = validate_username(username)?;
        let display_name = validate_display_name(display_name, &username)?;
        password::check_new_password("password", password, &username)?;
        Ok(Self { username, display_name, password: password.to_owned(), role })
    }
}

pub(crate) async fn any_exist(pool: &SqlitePool) -> Result<bool, CoreError> {
    Ok(sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM profiles)").fetch_one(pool).await?)
}

pub(crate) async fn find_by_username(pool: &SqlitePool, username: &str) -> Result<Option<ProfileRow>, CoreError> {
    Ok(sqlx::query_as(&format!("{SELECT_PROFILE} WHERE username = ?1")).bind(username).fetch_optional(pool).await?)
}

pub(crate) async fn find_by_id(pool: &SqlitePool, id: &ProfileId) -> Result<Option<ProfileRow>, CoreError> {
    Ok(sqlx::query_as(&format!("{SELECT_PROFILE} WHERE id = ?1")).bind(id).fetch_optional(pool).await?)
}

pub(crate) async fn get(pool: &SqlitePool, id: &ProfileId) -> Result<ProfileRow, CoreError> {
    find_by_id(pool, id).await?.ok_or(CoreError::NotFound { what: "profile" })
}

/// Inserts a profile with a fresh recovery key. When no role is given, the first profile on the
/// computer becomes the administrator — decided inside the INSERT, so two racing registrations
/// cannot both become administrator.
pub(crate) async fn insert(core: &Core, new: NewProfile) -> Result<(ProfileRow, String), CoreError> {
    let recovery_key = password::new_recovery_key();
    let password_hash = password::hash(core.password_params, new.password).await?;
    let recovery_key_hash = password::hash(core.password_params, recovery_key.clone()).await?;
    let now = time::to_db(core.clock.now());
    let id = ProfileId::new();
    let role = new.role.map(|role| match role {
        Role::Admin => "admin",
        Role::Member => "member",
    });
    let inserted = sqlx::query(
        "INSERT INTO profiles (id, username, display_name, password_hash, recovery_key_hash, role, \
         idle_lock_minutes, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, \
                 COALESCE(?6, CASE WHEN EXISTS (SELECT 1 FROM profiles) THEN 'member' ELSE 'admin' END), \
                 ?7, ?8, ?8)",
    )
    .bind(&id)
    .bind(&new.username)
    .bind(&new.display_name)
    .bind(password_hash)
    .bind(recovery_key_hash)
    .bind(role)
    .bind(DEFAULT_IDLE_LOCK_MINUTES)
    .bind(&now)
    .execute(core.db.pool())
    .await;
    match inserted {
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            return Err(CoreError::Conflict {
                field: Some("username"),
                message: format!("The username \"{}\" is already taken.", new.username),
            })
        }
        other => other?,
    };
    crate::agents::ensure_built_in(core, &id).await?;
    Ok((get(core.db.pool(), &id).await?, recovery_key))
}

pub(crate) async fn set_password(core: &Core, id: &ProfileId, new_password: &str) -> Result<(), CoreError> {
    let hash = password::hash(core.password_params, new_password.to_owned()).await?;
    sqlx::query("UPDATE profiles SET password_hash = ?1, updated_at = ?2 WHERE id = ?3")
        .bind(hash)
        .bind(time::to_db(core.clock.now()))
        .bind(id)
        .execute(core.db.pool())
        .await?;
    Ok(())
}

/// Replaces the recovery key with a new one and returns it (the old one stops working).
pub(crate) async fn rotate_recovery_key(core: &Core, id: &ProfileId) -> Result<String, CoreError> {
    let key = password::new_recovery_key();
    let hash = password::hash(core.password_params, key.clone()).await?;
    sqlx::query("UPDATE profiles SET recovery_key_hash = ?1, updated_at = ?2 WHERE id = ?3")
        .bind(hash)
        .bind(time::to_db(core.clock.now()))
        .bind(id)
        .execute(core.db.pool())
        .await?;
    Ok(key)
}

/// Profile administration; every call requires an enabled administrator. See [`Core::profiles`].
pub struct Profiles<'a> {
    core: &'a Core,
}

impl<'a> Profiles<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    /// Every profile, oldest first.
    pub async fn list(&self, session: &Session) -> Result<Vec<Profile>, CoreError> {
        self.core.auth().require_admin(session).await?;
        let rows: Vec<ProfileRow> =
            sqlx::query_as(&format!("{SELECT_PROFILE} ORDER BY created_at, id")).fetch_all(self.core.db.pool()).await?;
        Ok(rows.into_iter().map(ProfileRow::into_profile).collect())
    }

    /// Creates a profile for someone else; returns its recovery key once.
    pub async fn create(&self, session: &Session, input: CreateProfileInput) -> Result<ProfileCreated, CoreError> {
        self.core.auth().require_admin(session).await?;
        let new = NewProfile::validated(&input.username, &input.display_name, &input.password, Some(input.role))?;
        let (row, recovery_key) = insert(self.core, new).await?;
        tracing::info!(profile = %row.id, by = %session.profile_id, "profile created");
        Ok(ProfileCreated { profile: row.into_profile(), recovery_key })
    }

    /// Disables (no sign-in) or enables a profile. An administrator cannot disable themself.
    pub async fn set_disabled(&self, session: &Session, id: &ProfileId, disabled: bool) -> Result<Profile, CoreError> {
        self.core.auth().require_admin(session).await?;
        if disabled && *id == session.profile_id {
            return Err(AuthError::Forbidden("You can't disable your own profile.").into());
        }
        let now = time::to_db(self.core.clock.now());
        let done = sqlx::query(
            "UPDATE profiles SET disabled_at = CASE WHEN ?1 THEN COALESCE(disabled_at, ?2) END, updated_at = ?2 \
             WHERE id = ?3",
        )
        .bind(disabled)
        .bind(&now)
        .bind(id)
        .execute(self.core.db.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(CoreError::NotFound { what: "profile" });
        }
        tracing::info!(profile = %id, disabled, by = %session.profile_id, "profile enabled state changed");
        Ok(get(self.core.db.pool(), id).await?.into_profile())
    }

    /// Sets a profile's role. The last enabled administrator cannot be demoted.
    pub async fn set_role(&self, session: &Session, id: &ProfileId, role: Role) -> Result<Profile, CoreError> {
        self.core.auth().require_admin(session).await?;
        let target = get(self.core.db.pool(), id).await?;
        // One statement, so the "another admin remains" check and the change cannot interleave
        // with a concurrent demotion.
        let done = sqlx::query(
            "UPDATE profiles SET role = ?1, updated_at = ?2 WHERE id = ?3 AND (?1 = 'admin' OR EXISTS \
             (SELECT 1 FROM profiles WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?3))",
        )
        .bind(role)
        .bind(time::to_db(self.core.clock.now()))
        .bind(&target.id)
        .execute(self.core.db.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(AuthError::Forbidden("There must always be at least one administrator.").into());
        }
        tracing::info!(profile = %id, ?role, by = %session.profile_id, "role changed");
        Ok(get(self.core.db.pool(), id).await?.into_profile())
    }

    /// Sets a new password for a profile (someone who lost theirs and their recovery key).
    pub async fn reset_password(&self, session: &Session, id: &ProfileId, new_password: &str) -> Result<(), CoreError> {
        self.core.auth().require_admin(session).await?;
        let target = get(self.core.db.pool(), id).await?;
        password::check_new_password("newPassword", new_password, &target.username)?;
        set_password(self.core, &target.id, new_password).await?;
        self.core.throttle.clear(&target.username);
        tracing::info!(profile = %id, by = %session.profile_id, "password reset by administrator");
        Ok(())
    }
}
