//! What every command can reach: the core (which also holds the in-memory session).

use std::sync::Arc;

use kickstart_core::Core;

/// Managed once, complete, in `setup`.
pub struct AppState {
    /// The domain.
    pub core: Arc<Core>,
}
