//! The error every core call returns: one variant per module's own error enum, plus the few
//! kinds every module shares (validation, not found, conflict).

use crate::auth::AuthError;
use crate::backups::BackupError;
use crate::chat::ChatError;
use crate::exports::ImportError;
use crate::mcp::McpError;
use crate::providers::ProviderError;
use crate::secrets::SecretError;
use crate::store::StoreError;

/// Any failure of a core operation.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Authentication or authorisation refused the call.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// An input broke a rule; `field` names the input (camelCase, as the UI names it).
    #[error("{message}")]
    Validation { field: &'static str, message: String },
    /// The thing asked for does not exist for this profile.
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The change clashes with what is stored (a duplicate name, say).
    #[error("{message}")]
    Conflict { field: Option<&'static str>, message: String },
    /// The keychain or the vault could not keep or give a secret.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// An AI provider refused or failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The chat loop could not start an answer.
    #[error(transparent)]
    Chat(#[from] ChatError),
    /// The MCP server could not serve a client.
    #[error(transparent)]
    Mcp(#[from] McpError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An export file could not be imported; nothing was changed.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// A backup could not be made or restored; the database in use is unchanged.
    #[error(transparent)]
    Backup(#[from] BackupError),
}

impl CoreError {
    pub(crate) fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation { field, message: message.into() }
    }
}

impl From<sqlx::Error> for CoreError {
    /// The one place a missing row becomes [`CoreError::NotFound`].
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => Self::NotFound { what: "record" },
            other => Self::Store(StoreError::Database(other)),
        }
    }
}
