//! Test helpers shared by KickStartMyAI's crates and end-to-end tests.
//!
//! [`TestCore`] is a real [`Core`] over a real SQLite file in a temporary folder, with a manual
//! clock and cheap password hashing. [`llm_server::ScriptedLlm`] is a real HTTP server that replays
//! scripted OpenAI- and Anthropic-format answers for provider tests.

mod chat_recorder;
pub mod llm_server;
pub mod seed;

pub use chat_recorder::ChatRecorder;

pub use llm_server::{RecordedRequest, Reply, ScriptedLlm, Step};

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kickstart_core::auth::Session;
use kickstart_core::auth::{PasswordParams, RegisterInput, Registration};
use kickstart_core::clock::ManualClock;
use kickstart_core::providers::{NewConnection, ProviderConnection, ProviderKind, ProviderLimits};
use kickstart_core::secrets::KeyringStore;
use kickstart_core::{Core, CoreConfig};
use tempfile::TempDir;

/// A password that meets the rules, for fixtures.
pub const GOOD_PASSWORD: &str = "correct horse battery";

/// A core over a fresh database file; the folder is removed when this is dropped.
pub struct TestCore {
    /// The core under test (shared, as the app and the MCP server hold it).
    pub core: Arc<Core>,
    /// Moves time for idle locks and throttling.
    pub clock: Arc<ManualClock>,
    /// The database file.
    pub database_path: PathBuf,
    _dir: TempDir,
}

impl TestCore {
    /// Opens a core on a new database in a new temporary folder.
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    /// Like [`TestCore::new`], with the test configuration changed first (another secret
    /// store, shorter provider limits …).
    pub async fn with_config(change: impl FnOnce(&mut CoreConfig)) -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder for the test database");
        let database_path = dir.path().join("kickstart.db");
        let clock =
            Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().expect("valid date")));
        let mut config = config(database_path.clone(), clock.clone());
        change(&mut config);
        let core = Arc::new(Core::open(config).await.expect("the test database opens"));
        Self { core, clock, database_path, _dir: dir }
    }

    /// Registers a profile with [`GOOD_PASSWORD`] (the first becomes the administrator); it is
    /// signed in afterwards.
    pub async fn register(&self, username: &str) -> Registration {
        self.core
            .auth()
            .register(RegisterInput {
                username: username.into(),
                display_name: String::new(),
                password: GOOD_PASSWORD.into(),
            })
            .await
            .expect("registration with valid input succeeds")
    }
}

/// Adds an OpenAI-compatible connection to the scripted server, with its model as the default.
pub async fn connect_scripted(
    core: &Core,
    session: &Session,
    server: &ScriptedLlm,
    name: &str,
    make_default: bool,
) -> ProviderConnection {
    let connection = NewConnection {
        kind: ProviderKind::OpenaiCompatible,
        name: name.into(),
        base_url: server.base_url(),
        default_model: Some(llm_server::DEFAULT_MODEL.into()),
        api_key: None,
        make_default,
    };
    core.providers().create(session, connection).await.expect("the connection is saved")
}

/// A private agent with this name and nothing else set (its connection and model: the
/// profile's defaults).
pub fn plain_agent(name: &str) -> kickstart_core::agents::AgentInput {
    kickstart_core::agents::AgentInput {
        name: name.into(),
        description: String::new(),
        color: "green".into(),
        icon: "pen".into(),
        system_prompt: String::new(),
        connection_id: None,
        model: None,
        temperature: None,
        max_tokens: None,
        context_window: None,
        tools: vec![],
        starters: vec![],
        visibility: kickstart_core::agents::AgentVisibility::Private,
    }
}

/// A test configuration: cheap hashing, the given clock, and keyring-core's in-memory mock store
/// so tests never touch the real keychain.
pub fn config(database_path: PathBuf, clock: Arc<ManualClock>) -> CoreConfig {
    CoreConfig {
        database_path,
        password_params: PasswordParams::fast_for_tests(),
        clock,
        time_zone: chrono_tz::Europe::Berlin,
        secret_store: Arc::new(KeyringStore::mock()),
        provider_limits: ProviderLimits::default(),
        mcp_client_limits: kickstart_core::mcp::McpClientLimits::default(),
    }
}
