//! Settings of this installation (not of one profile): JSON values under a key in `app_settings`.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{time, Core, CoreError};

/// The stored value, or the default when there is none (or it no longer decodes: a setting
/// must never stop the app from starting).
pub(crate) async fn read<T: DeserializeOwned + Default>(core: &Core, key: &str) -> Result<T, CoreError> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM app_settings WHERE key = ?1")
        .bind(key)
        .fetch_optional(core.db.pool())
        .await?;
    Ok(value.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
}

/// Stores the value, replacing the one before.
pub(crate) async fn write<T: Serialize>(core: &Core, key: &str, value: &T) -> Result<(), CoreError> {
    // Settings are plain structs: encoding them cannot fail.
    let value = serde_json::to_string(value).unwrap_or_default();
    sqlx::query(
        "INSERT INTO app_settings (key, value, updated_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(time::to_db(core.clock.now()))
    .execute(core.db.pool())
    .await?;
    Ok(())
}
