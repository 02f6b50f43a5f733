//! KickStartMyAI's domain, with no knowledge of Tauri.
//!
//! [`Core`] owns the database and every domain service. Each service call takes the acting
//! profile (a [`auth::Session`]) and scopes its SQL by it, so isolation between profiles is
//! enforced here, once, whatever the shell or the UI send.

pub mod agents;
pub mod auth;
pub mod backups;
pub mod chat;
pub mod clock;
pub mod desktop;
pub mod diagnostics;
mod error;
pub mod exports;
pub mod ids;
pub mod mcp;
mod net;
pub mod profiles;
pub mod providers;
pub mod secrets;
mod settings;
pub mod store;
pub mod tasks;
pub mod threads;
mod time;
pub mod tools;

use std::path::PathBuf;
use std::sync::Arc;

pub use error::CoreError;
pub use net::http_client;

use agents::Agents;
use auth::{Auth, Desk, LoginThrottle, PasswordParams};
use chat::{ActiveChats, Chat};
use clock::{Clock, SystemClock};
use profiles::Profiles;
use providers::{Http, ProviderLimits, Providers};
use secrets::vault::Vaults;
use secrets::{KeyringStore, SecretStore, Secrets};
use tasks::Tasks;
use threads::Threads;
use tools::Tools;

/// Everything [`Core::open`] needs to know.
#[derive(Clone)]
pub struct CoreConfig {
    /// The SQLite database file; created with its folder when missing.
    pub database_path: PathBuf,
    /// Argon2id cost. [`PasswordParams::production`] in the app; small values in tests.
    pub password_params: PasswordParams,
    /// Where "now" comes from, so idle locks and throttling are testable.
    pub clock: Arc<dyn Clock>,
    /// The user's time zone: what "today" and "5pm" mean.
    pub time_zone: chrono_tz::Tz,
    /// Where API keys go: the system keychain in the app, a mock store in tests.
    pub secret_store: Arc<dyn SecretStore>,
    /// Time limits and retries for AI provider calls.
    pub provider_limits: ProviderLimits,
    /// Time limits for external MCP servers.
    pub mcp_client_limits: mcp::McpClientLimits,
}

impl CoreConfig {
    /// The app's configuration: production password cost and the system clock.
    pub fn new(database_path: impl Into<PathBuf>) -> Self {
        Self {
            database_path: database_path.into(),
            password_params: PasswordParams::production(),
            clock: Arc::new(SystemClock),
            time_zone: system_time_zone(),
            secret_store: Arc::new(KeyringStore::system()),
            provider_limits: ProviderLimits::default(),
            mcp_client_limits: mcp::McpClientLimits::default(),
        }
    }
}

/// The computer's time zone (`KICKSTART_TZ` or `TZ` override it), UTC when unknown.
pub fn system_time_zone() -> chrono_tz::Tz {
    ["KICKSTART_TZ", "TZ"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .chain(iana_time_zone::get_timezone().ok())
        .find_map(|name| name.trim_start_matches(':').parse().ok())
        .unwrap_or(chrono_tz::UTC)
}

/// The one value that owns the database and the in-memory session of this process.
pub struct Core {
    db: store::Db,
    clock: Arc<dyn Clock>,
    password_params: PasswordParams,
    desk: Desk,
    throttle: LoginThrottle,
    time_zone: chrono_tz::Tz,
    secret_store: Arc<dyn SecretStore>,
    vault: Vaults,
    http: Http,
    chats: ActiveChats,
    mcp_clients: mcp::client::McpClients,
    data_dir: PathBuf,
}

impl Core {
    /// Opens (or creates) the database, applies pending migrations and returns the core.
    pub async fn open(config: CoreConfig) -> Result<Self, CoreError> {
        let db = store::Db::open(&config.database_path).await?;
        let data_dir = config.database_path.parent().map(PathBuf::from).unwrap_or_default();
        Ok(Self {
            vault: Vaults::new(data_dir.join("vaults")),
            http: Http::new(config.provider_limits),
            secret_store: config.secret_store,
            db,
            desk: Desk::new(config.clock.clone()),
            throttle: LoginThrottle::default(),
            clock: config.clock,
            password_params: config.password_params,
            time_zone: config.time_zone,
            chats: ActiveChats::default(),
            mcp_clients: mcp::client::McpClients::new(config.mcp_client_limits),
            data_dir,
        })
    }

    /// Registration, login, lock and the session of the person at this computer.
    pub fn auth(&self) -> Auth<'_> {
        Auth::new(self)
    }

    /// Administration of profiles (admins only).
    pub fn profiles(&self) -> Profiles<'_> {
        Profiles::new(self)
    }

    /// The profile's to-do list.
    pub fn tasks(&self) -> Tasks<'_> {
        Tasks::new(self)
    }

    /// The profile's AI provider connections and clients for them.
    pub fn providers(&self) -> Providers<'_> {
        Providers::new(self)
    }

    /// The agents the profile owns or may use.
    pub fn agents(&self) -> Agents<'_> {
        Agents::new(self)
    }

    /// The profile's threads, their messages and runs.
    pub fn threads(&self) -> Threads<'_> {
        Threads::new(self)
    }

    /// Sending messages and streaming answers.
    pub fn chat(&self) -> Chat<'_> {
        Chat::new(self)
    }

    /// The tools agents and MCP clients call.
    pub fn tools(&self) -> Tools<'_> {
        Tools::new(self)
    }

    /// The profile's access tokens for the MCP server.
    pub fn mcp_tokens(&self) -> mcp::McpTokens<'_> {
        mcp::McpTokens::new(self)
    }

    /// The external MCP servers whose tools the profile's agents may use.
    pub fn mcp_servers(&self) -> mcp::McpServers<'_> {
        mcp::McpServers::new(self)
    }

    /// Backups of the database: daily, before migrations, by hand; restoring one.
    pub fn backups(&self) -> backups::Backups<'_> {
        backups::Backups::new(self)
    }

    /// Database size and counts, connections and usage per day (Settings → Diagnostics).
    pub fn diagnostics(&self) -> diagnostics::Diagnostics<'_> {
        diagnostics::Diagnostics::new(self)
    }

    /// Exports of a profile's data (JSON, a thread as Markdown, tasks as CSV) and imports.
    pub fn exports(&self) -> exports::Exports<'_> {
        exports::Exports::new(self)
    }

    /// The installation's desktop settings and each profile's quick chat.
    pub fn desktop(&self) -> desktop::Desktop<'_> {
        desktop::Desktop::new(self)
    }

    /// Where the profile's API keys are kept.
    pub fn secrets(&self) -> Secrets<'_> {
        Secrets::new(self)
    }

    /// The folder that holds the database (and the vault files).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// The database, for services and diagnostics.
    pub fn db(&self) -> &store::Db {
        &self.db
    }

    /// Closes the pool cleanly (checkpointing the WAL).
    pub async fn close(&self) {
        self.db.close().await;
    }
}
