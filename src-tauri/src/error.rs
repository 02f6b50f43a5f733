//! The one error type commands return. The UI branches on [`ErrorCode`] only; `message` is plain
//! words for people. Internal failures are logged here with their source and reach the UI as a
//! safe message.

use kickstart_core::auth::AuthError;
use kickstart_core::chat::ChatError;
use kickstart_core::providers::ProviderErrorKind;
use kickstart_core::secrets::SecretError;
use kickstart_core::CoreError;
use serde::Serialize;

/// What kind of failure, for the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub enum ErrorCode {
    /// No one is signed in: show the login screen.
    Unauthenticated,
    /// The session is locked: show the lock screen.
    Locked,
    /// The signed-in profile may not do this.
    Forbidden,
    /// Wrong username or password.
    InvalidCredentials,
    /// Wrong recovery key.
    InvalidRecoveryKey,
    /// The profile is disabled.
    ProfileDisabled,
    /// Too many attempts; `retryAfterSecs` says how long to wait.
    Throttled,
    /// An input broke a rule; `field` names it.
    Validation,
    /// The thing does not exist (for this profile).
    NotFound,
    /// Clashes with what is stored; `field` may name the input.
    Conflict,
    /// The provider refused the API key (401/403).
    ProviderAuth,
    /// The provider is limiting requests; `retryAfterSecs` when it said how long to wait.
    ProviderRateLimited,
    /// The provider is overloaded or failing (5xx).
    ProviderUnavailable,
    /// The provider could not be reached, or the connection broke.
    ProviderUnreachable,
    /// The provider did not answer in time.
    ProviderTimeout,
    /// The provider refused the request (bad request, unknown model).
    ProviderRejected,
    /// The conversation is longer than the model accepts.
    ContextTooLong,
    /// The provider's answer was not what its API promises.
    ProviderMalformed,
    /// No system keychain answers and the encrypted vault is off; the message says what to do.
    SecretStoreUnavailable,
    /// The key is in the encrypted vault, which is not open.
    VaultLocked,
    /// No provider connection to chat with (none configured, or the agent's was removed).
    NoProvider,
    /// Neither the agent nor its connection names a model.
    NoModel,
    /// An answer is already streaming in this thread.
    ThreadBusy,
    /// The agent is archived.
    AgentArchived,
    /// The file is not an export this app can import (damaged, or from a newer version);
    /// nothing was imported.
    ImportRefused,
    /// A backup could not be made or restored (a full disk, a damaged file); nothing changed.
    BackupFailed,
    /// The update address could not be reached, or did not offer a valid signed update.
    UpdateFailed,
    /// Something failed inside the app; details are in the log.
    Internal,
}

/// A failed command, as the UI receives it.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    /// The input the error is about (camelCase, as the UI names it).
    pub field: Option<String>,
    /// For [`ErrorCode::Throttled`]: seconds until the next attempt is allowed.
    pub retry_after_secs: Option<u32>,
}

impl IpcError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), field: None, retry_after_secs: None }
    }

    /// An error about one input of a command (camelCase, as the UI names it).
    pub(crate) fn on_field(code: ErrorCode, field: &str, message: impl Into<String>) -> Self {
        Self { field: Some(field.into()), ..Self::new(code, message) }
    }
}

impl From<CoreError> for IpcError {
    fn from(error: CoreError) -> Self {
        let message = error.to_string();
        match error {
            CoreError::Auth(auth) => match auth {
                AuthError::Unauthenticated => Self::new(ErrorCode::Unauthenticated, message),
                AuthError::Locked => Self::new(ErrorCode::Locked, message),
                AuthError::Forbidden(_) => Self::new(ErrorCode::Forbidden, message),
                AuthError::InvalidCredentials | AuthError::InvalidToken => {
                    Self::new(ErrorCode::InvalidCredentials, message)
                }
                AuthError::InvalidRecoveryKey => {
                    Self { field: Some("recoveryKey".into()), ..Self::new(ErrorCode::InvalidRecoveryKey, message) }
                }
                AuthError::ProfileDisabled => Self::new(ErrorCode::ProfileDisabled, message),
                AuthError::Throttled { retry_after_secs } => {
                    Self { retry_after_secs: Some(retry_after_secs), ..Self::new(ErrorCode::Throttled, message) }
                }
                AuthError::Hashing(_) | AuthError::HashingTask(_) => internal(&auth),
            },
            CoreError::Validation { field, .. } => {
                Self { field: Some(field.into()), ..Self::new(ErrorCode::Validation, message) }
            }
            CoreError::NotFound { .. } => Self::new(ErrorCode::NotFound, message),
            CoreError::Conflict { field, .. } => {
                Self { field: field.map(Into::into), ..Self::new(ErrorCode::Conflict, message) }
            }
            CoreError::Provider(provider) => {
                let code = match provider.kind {
                    ProviderErrorKind::Auth => ErrorCode::ProviderAuth,
                    ProviderErrorKind::RateLimited => ErrorCode::ProviderRateLimited,
                    ProviderErrorKind::Unavailable => ErrorCode::ProviderUnavailable,
                    ProviderErrorKind::Unreachable => ErrorCode::ProviderUnreachable,
                    ProviderErrorKind::Timeout => ErrorCode::ProviderTimeout,
                    ProviderErrorKind::Rejected => ErrorCode::ProviderRejected,
                    ProviderErrorKind::ContextTooLong => ErrorCode::ContextTooLong,
                    ProviderErrorKind::Malformed => ErrorCode::ProviderMalformed,
                };
                Self { retry_after_secs: provider.retry_after_secs, ..Self::new(code, message) }
            }
            CoreError::Secret(secret) => match secret {
                SecretError::Unavailable { .. } => {
                    Self { field: Some("apiKey".into()), ..Self::new(ErrorCode::SecretStoreUnavailable, message) }
                }
                SecretError::VaultLocked => Self::new(ErrorCode::VaultLocked, message),
                SecretError::Failed(_) => internal(&secret),
            },
            CoreError::Chat(chat) => match chat {
                ChatError::NoProvider(_) => Self::new(ErrorCode::NoProvider, message),
                ChatError::NoModel(_) => Self::new(ErrorCode::NoModel, message),
                ChatError::ThreadBusy => Self::new(ErrorCode::ThreadBusy, message),
                ChatError::AgentArchived => Self::new(ErrorCode::AgentArchived, message),
            },
            CoreError::Store(store) => internal(&store),
            CoreError::Import(_) => Self::new(ErrorCode::ImportRefused, message),
            CoreError::Backup(backup) => {
                tracing::warn!(error = %backup, "backup failed");
                Self::new(ErrorCode::BackupFailed, format!("The backup failed: {message}. Your data is unchanged."))
            }
            CoreError::Mcp(mcp) => internal(&mcp),
        }
    }
}

/// Logs an internal failure with its chain of sources and returns the safe UI message.
pub(crate) fn internal(error: &(dyn std::error::Error + 'static)) -> IpcError {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    tracing::error!(error = %chain, "internal error");
    IpcError::new(ErrorCode::Internal, "Something went wrong inside KickStartMyAI. The details are in the log file.")
}
