//! AI providers: the connections a profile keeps (OpenAI, Anthropic, OpenAI-compatible servers),
//! and the streaming layer that talks to them ([`Provider`], [`ProviderEvent`]).
//!
//! A connection row holds where and what (kind, base URL, default model); its API key is never in
//! the database — it goes to the keychain (or the vault) through [`crate::secrets`], and no type
//! this module returns can carry it.

mod anthropic;
mod error;
mod http;
mod openai;
mod sse;
mod stream;

use std::time::Instant;

use serde::{Deserialize, Serialize};

pub use anthropic::Anthropic;
pub use error::{ProviderError, ProviderErrorKind};
pub use http::{Http, ProviderLimits};
pub use openai::OpenAi;
pub use sse::{SseEvent, SseParser};
pub use stream::{ChatMessage, ChatRequest, Provider, ProviderEvent, Role, StopReason, ToolCall, ToolSpec, Usage};

use crate::auth::Session;
use crate::secrets::{KeyStorage, Sensitive};
use crate::{time, Core, CoreError};

/// The id of a provider connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, sqlx::Type)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct ProviderConnectionId(pub String);

impl std::fmt::Display for ProviderConnectionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which API a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ProviderKind {
    /// OpenAI's own API.
    Openai,
    /// Anthropic's Messages API.
    Anthropic,
    /// Any server speaking OpenAI's Chat Completions (Ollama, LM Studio, OpenRouter, vLLM …).
    OpenaiCompatible,
}

impl ProviderKind {
    fn as_db(self) -> &'static str {
        match self {
            Self::Openai => "openai",
            Self::Anthropic => "anthropic",
            Self::OpenaiCompatible => "openaiCompatible",
        }
    }

    fn from_db(value: &str) -> Self {
        match value {
            "openai" => Self::Openai,
            "anthropic" => Self::Anthropic,
            _ => Self::OpenaiCompatible,
        }
    }

    /// OpenAI's and Anthropic's own APIs refuse every request without a key.
    fn needs_key(self) -> bool {
        !matches!(self, Self::OpenaiCompatible)
    }
}

/// A saved connection, as the UI sees it: whether it has a key, never the key.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProviderConnection {
    pub id: ProviderConnectionId,
    pub kind: ProviderKind,
    pub name: String,
    pub base_url: String,
    pub default_model: Option<String>,
    /// The profile's default connection (at most one).
    pub is_default: bool,
    pub has_key: bool,
    pub key_storage: KeyStorage,
    pub created_at: String,
    pub updated_at: String,
}

/// A starting point in the "Add provider" dialog.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProviderPreset {
    pub id: String,
    pub label: String,
    pub kind: ProviderKind,
    /// Empty for "Other OpenAI-compatible".
    pub base_url: String,
    pub key_required: bool,
    pub suggested_model: Option<String>,
}

/// A new connection.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NewConnection {
    pub kind: ProviderKind,
    pub name: String,
    pub base_url: String,
    pub default_model: Option<String>,
    /// `None` or empty: no key.
    #[specta(type = Option<String>)]
    pub api_key: Option<Sensitive<String>>,
    #[serde(default)]
    pub make_default: bool,
}

/// A change to a connection: only the fields given change.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionPatch {
    pub name: Option<String>,
    pub base_url: Option<String>,
    /// An empty string clears it.
    pub default_model: Option<String>,
    /// A new key replaces the stored one.
    #[specta(type = Option<String>)]
    pub api_key: Option<Sensitive<String>>,
    /// Removes the stored key.
    #[serde(default)]
    pub clear_key: bool,
}

/// A model a server offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    pub id: String,
    pub owned_by: Option<String>,
}

/// The result of "Test connection".
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionCheck {
    pub latency_ms: u32,
    /// The models, when the server lists them.
    pub models: Option<Vec<ModelInfo>>,
    pub message: String,
}

/// The presets the "Add provider" dialog offers.
pub fn presets() -> Vec<ProviderPreset> {
    let preset = |id: &str, label: &str, kind, base_url: &str, key_required, model: Option<&str>| ProviderPreset {
        id: id.into(),
        label: label.into(),
        kind,
        base_url: base_url.into(),
        key_required,
        suggested_model: model.map(Into::into),
    };
    use ProviderKind::*;
    vec![
        preset("openai", "OpenAI", Openai, "https://api.openai.com/v1", true, Some("gpt-4o-mini")),
        preset("anthropic", "Anthropic", Anthropic, "https://api.anthropic.com/v1", true, Some("claude-sonnet-4-5")),
        preset("ollama", "Ollama", OpenaiCompatible, "http://localhost:11434/v1", false, Some("llama3.2")),
        preset("lmStudio", "LM Studio", OpenaiCompatible, "http://localhost:1234/v1", false, None),
        preset("openRouter", "OpenRouter", OpenaiCompatible, "https://openrouter.ai/api/v1", true, None),
        preset("vllm", "vLLM", OpenaiCompatible, "http://localhost:8000/v1", false, None),
        preset("custom", "Other OpenAI-compatible", OpenaiCompatible, "", false, None),
    ]
}

#[derive(sqlx::FromRow)]
struct ConnectionRow {
    id: String,
    kind: String,
    name: String,
    base_url: String,
    default_model: Option<String>,
    is_default: bool,
    key_storage: String,
    created_at: String,
    updated_at: String,
}

impl From<ConnectionRow> for ProviderConnection {
    fn from(row: ConnectionRow) -> Self {
        let key_storage = KeyStorage::from_db(&row.key_storage);
        Self {
            id: ProviderConnectionId(row.id),
            kind: ProviderKind::from_db(&row.kind),
            name: row.name,
            base_url: row.base_url,
            default_model: row.default_model,
            is_default: row.is_default,
            has_key: key_storage != KeyStorage::None,
            key_storage,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

const COLUMNS: &str = "id, kind, name, base_url, default_model, is_default, key_storage, created_at, updated_at";

/// The keychain entry name of a connection's key.
fn secret_name(id: &ProviderConnectionId) -> String {
    format!("provider/{id}")
}

fn clean_name(name: &str) -> Result<String, CoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::validation("name", "Give the connection a name."));
    }
    if name.chars().count() > 80 {
        return Err(CoreError::validation("name", "Keep the name under 80 characters."));
    }
    Ok(name.to_owned())
}

/// An http(s) URL with a host and nothing after the path; stored without a trailing slash.
fn clean_base_url(url: &str) -> Result<String, CoreError> {
    let trimmed = url.trim();
    let invalid = || {
        CoreError::validation(
            "baseUrl",
            "Enter the server's address, like http://localhost:11434/v1 or https://api.openai.com/v1.",
        )
    };
    let parsed = url::Url::parse(trimmed).map_err(|_| invalid())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid());
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || !parsed.username().is_empty() {
        return Err(CoreError::validation(
            "baseUrl",
            "The address must not contain a query, a fragment or credentials (the key has its own field).",
        ));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

fn clean_model(model: Option<String>) -> Result<Option<String>, CoreError> {
    let model = model.map(|model| model.trim().to_owned()).filter(|model| !model.is_empty());
    if model.as_ref().is_some_and(|model| model.chars().count() > 200) {
        return Err(CoreError::validation("defaultModel", "That model name is too long."));
    }
    Ok(model)
}

fn present_key(key: Option<Sensitive<String>>) -> Option<Sensitive<String>> {
    key.map(|key| Sensitive::new(key.expose().trim().to_owned())).filter(|key| !key.expose().is_empty())
}

fn name_taken(name: &str) -> CoreError {
    CoreError::Conflict { field: Some("name"), message: format!("You already have a connection named \"{name}\".") }
}

/// The provider connections of the signed-in profile.
pub struct Providers<'a> {
    core: &'a Core,
}

impl<'a> Providers<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    /// The profile's connections: the default first, then by name.
    pub async fn list(&self, session: &Session) -> Result<Vec<ProviderConnection>, CoreError> {
        let rows: Vec<ConnectionRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM provider_connections WHERE profile_id = ?1 ORDER BY is_default DESC, name"
        ))
        .bind(&session.profile_id)
        .fetch_all(self.core.db.pool())
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// One connection of the profile (another profile's id is simply not found).
    pub async fn get(&self, session: &Session, id: &ProviderConnectionId) -> Result<ProviderConnection, CoreError> {
        let row: Option<ConnectionRow> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM provider_connections WHERE id = ?1 AND profile_id = ?2"))
                .bind(id)
                .bind(&session.profile_id)
                .fetch_optional(self.core.db.pool())
                .await?;
        row.map(Into::into).ok_or(CoreError::NotFound { what: "provider connection" })
    }

    /// Saves a new connection. The key is stored first; if the row then cannot be written the
    /// key is removed again, so nothing is left half-way.
    pub async fn create(&self, session: &Session, input: NewConnection) -> Result<ProviderConnection, CoreError> {
        let name = clean_name(&input.name)?;
        let base_url = clean_base_url(&input.base_url)?;
        let default_model = clean_model(input.default_model)?;
        let api_key = present_key(input.api_key);
        if api_key.is_none() && input.kind.needs_key() {
            return Err(CoreError::validation("apiKey", "This provider needs an API key."));
        }
        let id = ProviderConnectionId(crate::ids::new_id());
        let secrets = self.core.secrets();
        let key_storage = match api_key {
            Some(key) => secrets.put(session, &secret_name(&id), key).await?,
            None => KeyStorage::None,
        };
        let now = time::to_db(self.core.clock.now());
        let inserted = async {
            let mut tx = self.core.db.write().await?;
            let has_default: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM provider_connections WHERE profile_id = ?1 AND is_default = 1)",
            )
            .bind(&session.profile_id)
            .fetch_one(&mut *tx)
            .await?;
            if input.make_default && has_default {
                sqlx::query("UPDATE provider_connections SET is_default = 0 WHERE profile_id = ?1 AND is_default = 1")
                    .bind(&session.profile_id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO provider_connections \
                 (id, profile_id, kind, name, base_url, default_model, is_default, key_storage, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            )
            .bind(&id)
            .bind(&session.profile_id)
            .bind(input.kind.as_db())
            .bind(&name)
            .bind(&base_url)
            .bind(&default_model)
            .bind(input.make_default || !has_default)
            .bind(key_storage.as_db())
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        }
        .await;
        if let Err(error) = inserted {
            if let Err(cleanup) = secrets.delete(session, &secret_name(&id), key_storage).await {
                tracing::warn!(%cleanup, "could not remove the key of a connection that was not saved");
            }
            return Err(match error {
                sqlx::Error::Database(database) if database.is_unique_violation() => name_taken(&name),
                other => other.into(),
            });
        }
        tracing::info!(connection = %id, kind = input.kind.as_db(), "provider connection added");
        self.get(session, &id).await
    }

    /// Changes a connection. A new key replaces the old one in place (same entry name).
    pub async fn update(
        &self,
        session: &Session,
        id: &ProviderConnectionId,
        patch: ConnectionPatch,
    ) -> Result<ProviderConnection, CoreError> {
        let current = self.get(session, id).await?;
        let name = patch.name.as_deref().map(clean_name).transpose()?;
        let base_url = patch.base_url.as_deref().map(clean_base_url).transpose()?;
        let default_model = patch.default_model.map(|model| clean_model(Some(model))).transpose()?;
        let api_key = present_key(patch.api_key);
        if patch.clear_key && current.kind.needs_key() {
            return Err(CoreError::validation("apiKey", "This provider needs an API key; enter a new one instead."));
        }
        let secrets = self.core.secrets();
        let key_storage = match (api_key, patch.clear_key) {
            (Some(key), _) => {
                let storage = secrets.put(session, &secret_name(id), key).await?;
                // A key moving between keychain and vault must not stay behind in the old place.
                if current.key_storage != storage && current.key_storage != KeyStorage::None {
                    secrets.delete(session, &secret_name(id), current.key_storage).await?;
                }
                storage
            }
            (None, true) => {
                secrets.delete(session, &secret_name(id), current.key_storage).await?;
                KeyStorage::None
            }
            (None, false) => current.key_storage,
        };
        let updated = sqlx::query(
            "UPDATE provider_connections SET name = COALESCE(?1, name), base_url = COALESCE(?2, base_url), \
             default_model = CASE WHEN ?3 THEN ?4 ELSE default_model END, key_storage = ?5, updated_at = ?6 \
             WHERE id = ?7 AND profile_id = ?8",
        )
        .bind(&name)
        .bind(&base_url)
        .bind(default_model.is_some())
        .bind(default_model.flatten())
        .bind(key_storage.as_db())
        .bind(time::to_db(self.core.clock.now()))
        .bind(id)
        .bind(&session.profile_id)
        .execute(self.core.db.pool())
        .await;
        match updated {
            Err(sqlx::Error::Database(database)) if database.is_unique_violation() => {
                return Err(name_taken(name.as_deref().unwrap_or_default()))
            }
            other => other?,
        };
        self.get(session, id).await
    }

    /// Removes a connection and its key. When it was the default, the oldest remaining one
    /// becomes the default.
    pub async fn delete(&self, session: &Session, id: &ProviderConnectionId) -> Result<(), CoreError> {
        let current = self.get(session, id).await?;
        if let Err(error) = self.core.secrets().delete(session, &secret_name(id), current.key_storage).await {
            tracing::warn!(%error, connection = %id, "could not remove a deleted connection's key");
        }
        let mut tx = self.core.db.write().await?;
        sqlx::query("DELETE FROM provider_connections WHERE id = ?1 AND profile_id = ?2")
            .bind(id)
            .bind(&session.profile_id)
            .execute(&mut *tx)
            .await?;
        if current.is_default {
            sqlx::query(
                "UPDATE provider_connections SET is_default = 1 WHERE id = \
                 (SELECT id FROM provider_connections WHERE profile_id = ?1 ORDER BY created_at, id LIMIT 1)",
            )
            .bind(&session.profile_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        tracing::info!(connection = %id, "provider connection removed");
        Ok(())
    }

    /// Makes this the profile's default connection.
    pub async fn set_default(
        &self,
        session: &Session,
        id: &ProviderConnectionId,
    ) -> Result<ProviderConnection, CoreError> {
        self.get(session, id).await?;
        let mut tx = self.core.db.write().await?;
        sqlx::query("UPDATE provider_connections SET is_default = 0 WHERE profile_id = ?1 AND is_default = 1")
            .bind(&session.profile_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE provider_connections SET is_default = 1 WHERE id = ?1 AND profile_id = ?2")
            .bind(id)
            .bind(&session.profile_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.get(session, id).await
    }

    /// A client for the connection, with its key read from where it is kept.
    pub async fn client(&self, session: &Session, id: &ProviderConnectionId) -> Result<Box<dyn Provider>, CoreError> {
        let connection = self.get(session, id).await?;
        self.client_for(session, &connection).await
    }

    async fn client_for(
        &self,
        session: &Session,
        connection: &ProviderConnection,
    ) -> Result<Box<dyn Provider>, CoreError> {
        let key = self.core.secrets().get(session, &secret_name(&connection.id), connection.key_storage).await?;
        if key.is_none() && connection.has_key {
            tracing::warn!(connection = %connection.id, "the stored key is missing from the keychain");
        }
        let http = self.core.http.clone();
        let label = connection.name.clone();
        Ok(match connection.kind {
            ProviderKind::Anthropic => Box::new(Anthropic::new(http, label, &connection.base_url, key)),
            ProviderKind::Openai => Box::new(OpenAi::new(http, label, &connection.base_url, key, true)),
            ProviderKind::OpenaiCompatible => Box::new(OpenAi::new(http, label, &connection.base_url, key, false)),
        })
    }

    /// The models the connection's server offers.
    pub async fn models(&self, session: &Session, id: &ProviderConnectionId) -> Result<Vec<ModelInfo>, CoreError> {
        Ok(self.client(session, id).await?.list_models().await?)
    }

    /// "Test connection": lists the models (which needs a valid key on every hosted API). A server
    /// without a models endpoint is asked for a one-token answer from the default model instead.
    pub async fn check(&self, session: &Session, id: &ProviderConnectionId) -> Result<ConnectionCheck, CoreError> {
        let connection = self.get(session, id).await?;
        let client = self.client_for(session, &connection).await?;
        let started = Instant::now();
        let elapsed_ms = |started: Instant| u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        match client.list_models().await {
            Ok(models) => {
                let message = match models.len() {
                    0 => "Connected — the server lists no models.".to_owned(),
                    1 => "Connected — 1 model available.".to_owned(),
                    count => format!("Connected — {count} models available."),
                };
                Ok(ConnectionCheck { latency_ms: elapsed_ms(started), models: Some(models), message })
            }
            Err(error) if error.status == Some(404) => {
                let Some(model) = connection.default_model else {
                    return Err(ProviderError::new(
                        ProviderErrorKind::Rejected,
                        format!("{} has no model list; set a default model to test it with.", connection.name),
                    )
                    .into());
                };
                let started = Instant::now();
                let request = ChatRequest {
                    model: model.clone(),
                    messages: vec![ChatMessage::new(Role::User, "Reply with OK.")],
                    max_tokens: Some(1),
                    ..ChatRequest::default()
                };
                let mut answer = client.stream(request);
                while let Some(event) = futures_util::StreamExt::next(&mut answer).await {
                    if let ProviderEvent::Error { error } = event {
                        return Err(error.into());
                    }
                }
                Ok(ConnectionCheck {
                    latency_ms: elapsed_ms(started),
                    models: None,
                    message: format!("Connected — {model} answered."),
                })
            }
            Err(error) => Err(error.into()),
        }
    }
}
