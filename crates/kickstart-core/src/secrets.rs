//! API keys and other secrets: never in the database, never in a log, never in an IPC result.
//!
//! Keys go to the operating system's keychain through the [`SecretStore`] port (the keyring v4
//! family: macOS Keychain, Windows Credential Manager, the Secret Service on Linux). Where no
//! keychain is reachable, a profile may opt in to an encrypted [`vault`] file instead, whose key
//! is wrapped by one derived from the login password and so is usable only while signed in.

mod keychain;
mod sensitive;
pub mod vault;

use std::sync::Arc;

use serde::Serialize;

pub use keychain::KeyringStore;
pub use sensitive::Sensitive;

use crate::auth::Session;
use crate::{Core, CoreError};

/// Why a secret could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No keychain answers here; `help` says what to install or enable.
    #[error("No system keychain is available. {help}")]
    Unavailable { help: String },
    /// The secret is in the vault, and the vault is not open (sign in again).
    #[error("The encrypted vault is locked. Sign out and in again to open it.")]
    VaultLocked,
    /// The keychain or the vault failed in another way.
    #[error("The secret store failed: {0}")]
    Failed(String),
}

/// Where secrets are kept: the system keychain behind one small interface, so tests can use the
/// keyring mock store and one test can use a real Secret Service. Calls may block (D-Bus, a
/// keychain prompt): callers run them off the async executor.
pub trait SecretStore: Send + Sync + 'static {
    /// Stores or replaces the secret under `name`.
    fn set(&self, name: &str, secret: &Sensitive<String>) -> Result<(), SecretError>;
    /// The secret under `name`, `None` when there is none.
    fn get(&self, name: &str) -> Result<Option<Sensitive<String>>, SecretError>;
    /// Removes the secret under `name`; removing a missing one succeeds.
    fn delete(&self, name: &str) -> Result<(), SecretError>;
    /// Whether the store can be used at all right now.
    fn probe(&self) -> Result<(), SecretError>;
}

/// Where one connection's key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum KeyStorage {
    None,
    Keychain,
    Vault,
}

impl KeyStorage {
    pub(crate) fn as_db(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Keychain => "keychain",
            Self::Vault => "vault",
        }
    }

    pub(crate) fn from_db(value: &str) -> Self {
        match value {
            "keychain" => Self::Keychain,
            "vault" => Self::Vault,
            _ => Self::None,
        }
    }
}

/// The state of the vault for the signed-in profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum VaultState {
    /// The profile has no vault.
    Off,
    /// The vault is open for this session.
    Unlocked,
    /// The vault exists but could not be opened with this session's password (it was reset).
    Locked,
}

/// What the Providers settings show about where keys can go.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SecretsStatus {
    /// A system keychain is reachable.
    pub keychain: bool,
    /// When it is not: what to install or enable, in plain words.
    pub keychain_help: Option<String>,
    pub vault: VaultState,
}

/// The secrets of the signed-in profile.
pub struct Secrets<'a> {
    core: &'a Core,
}

/// Runs a blocking secret-store call off the async executor.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    tokio::task::spawn_blocking(work).await.map_err(|error| SecretError::Failed(error.to_string()))?
}

impl<'a> Secrets<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    fn store(&self) -> Arc<dyn SecretStore> {
        self.core.secret_store.clone()
    }

    /// Whether keys can be stored, and where.
    pub async fn status(&self, session: &Session) -> Result<SecretsStatus, CoreError> {
        let store = self.store();
        let probe = blocking(move || store.probe()).await;
        let keychain_help = match probe {
            Ok(()) => None,
            Err(SecretError::Unavailable { help }) => Some(help),
            Err(other) => Some(other.to_string()),
        };
        Ok(SecretsStatus {
            keychain: keychain_help.is_none(),
            keychain_help,
            vault: self.core.vault.state(&session.profile_id),
        })
    }

    /// Turns the encrypted vault on for this profile, after checking the login password.
    pub async fn enable_vault(&self, session: &Session, password: &str) -> Result<SecretsStatus, CoreError> {
        self.core.auth().verify_password(session, password).await?;
        self.core.vault.create(&session.profile_id, password, self.core.password_params).await?;
        self.status(session).await
    }

    /// Stores `secret` under `name`: in the keychain when one answers, else in the open vault.
    pub(crate) async fn put(
        &self,
        session: &Session,
        name: &str,
        secret: Sensitive<String>,
    ) -> Result<KeyStorage, CoreError> {
        let store = self.store();
        let owned_name = name.to_owned();
        let secret = Arc::new(secret);
        let for_keychain = secret.clone();
        match blocking(move || store.set(&owned_name, &for_keychain)).await {
            Ok(()) => Ok(KeyStorage::Keychain),
            Err(SecretError::Unavailable { help }) => match self.core.vault.state(&session.profile_id) {
                VaultState::Unlocked => {
                    self.core.vault.set(&session.profile_id, name, &secret).await?;
                    Ok(KeyStorage::Vault)
                }
                VaultState::Locked => Err(SecretError::VaultLocked.into()),
                VaultState::Off => Err(SecretError::Unavailable { help }.into()),
            },
            Err(other) => Err(other.into()),
        }
    }

    /// The secret under `name` from where it was stored.
    pub(crate) async fn get(
        &self,
        session: &Session,
        name: &str,
        storage: KeyStorage,
    ) -> Result<Option<Sensitive<String>>, CoreError> {
        match storage {
            KeyStorage::None => Ok(None),
            KeyStorage::Keychain => {
                let store = self.store();
                let name = name.to_owned();
                Ok(blocking(move || store.get(&name)).await?)
            }
            KeyStorage::Vault => Ok(self.core.vault.get(&session.profile_id, name)?),
        }
    }

    /// Removes the secret under `name` from where it was stored.
    pub(crate) async fn delete(&self, session: &Session, name: &str, storage: KeyStorage) -> Result<(), CoreError> {
        match storage {
            KeyStorage::None => Ok(()),
            KeyStorage::Keychain => {
                let store = self.store();
                let name = name.to_owned();
                Ok(blocking(move || store.delete(&name)).await?)
            }
            KeyStorage::Vault => Ok(self.core.vault.delete(&session.profile_id, name).await?),
        }
    }
}
