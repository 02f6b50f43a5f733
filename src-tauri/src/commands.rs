//! Tauri commands, one module per domain. Each is a few lines: take the state, ask the core for
//! the session (every command except status, register, login and recover), call the core,
//! convert the error.

pub mod agents;
pub mod auth;
pub mod backups;
pub mod chat;
pub mod desktop;
pub mod diagnostics;
pub mod exports;
pub mod mcp;
pub mod profiles;
pub mod providers;
pub mod tasks;
pub mod threads;
pub mod tools;
