//! The only place a tracing subscriber is installed: stderr plus a rolling file in the app's log
//! folder. `RUST_LOG` overrides the default filter. Nothing secret and no message text is logged
//! at info level.
//!
//! The file is `kickstart.log`. It rolls over each day and whenever it reaches
//! [`LogLimits::max_file_bytes`]; the older ones are `kickstart.log.1` (the newest) to
//! `kickstart.log.N`, and beyond [`LogLimits::keep_files`] the oldest is deleted. So the folder
//! never holds more than `(keep_files + 1) × max_file_bytes`, however chatty a day was.

use std::path::{Path, PathBuf};

use rolling_file::{BasicRollingFileAppender, RollingConditionBasic};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// The current log file's name in the log folder.
pub const LOG_FILE: &str = "kickstart.log";

/// Lines that may wait for the log file's writer thread. tracing-appender's default, 128 000,
/// is a queue of 32-byte slots that it allocates and writes in full at start: 4 MiB of the app's
/// memory, for a backlog that builds only while the disk stalls. 8 192 lines take 256 KiB;
/// beyond them lines are dropped (tracing-appender's lossy default) rather than the app waiting
/// on the disk.
const LOG_BACKLOG_LINES: usize = 8_192;

/// How much log the folder keeps.
#[derive(Debug, Clone, Copy)]
pub struct LogLimits {
    /// A file rolls over when it reaches this size (and at midnight).
    pub max_file_bytes: u64,
    /// Rolled-over files kept besides the current one.
    pub keep_files: usize,
}

impl LogLimits {
    /// The app's: at most 15 files of 5 MiB, two weeks of ordinary days.
    pub const DEFAULT: Self = Self { max_file_bytes: 5 * 1024 * 1024, keep_files: 14 };
}

/// The log file writer: rolls daily and by size, keeps `limits.keep_files` older files.
pub fn rolling_file(dir: &Path, limits: LogLimits) -> std::io::Result<BasicRollingFileAppender> {
    std::fs::create_dir_all(dir)?;
    let condition = RollingConditionBasic::new().daily().max_size(limits.max_file_bytes);
    BasicRollingFileAppender::new(dir.join(LOG_FILE), condition, limits.keep_files)
}

/// The log folder: `KICKSTART_LOG_DIR`, else the platform's log folder for the app
/// (`$XDG_DATA_HOME/<identifier>/logs` on Linux), resolved without a running app so logging can
/// start before anything else.
pub fn log_dir(identifier: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KICKSTART_LOG_DIR") {
        return Some(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if cfg!(target_os = "macos") {
        return home.map(|h| h.join("Library/Logs").join(identifier));
    }
    if cfg!(windows) {
        return std::env::var_os("LOCALAPPDATA").map(|d| PathBuf::from(d).join(identifier).join("logs"));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home.map(|h| h.join(".local/share")))?;
    Some(data.join(identifier).join("logs"))
}

/// Installs the subscriber. Keep the guard alive for the app's lifetime (it flushes the file).
pub fn init(log_dir: Option<&Path>) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tao=warn,wry=warn,rmcp=warn"));
    // KICKSTART_LOG_STDERR=0 keeps the terminal quiet (tests that log everything to a file).
    let stderr = (std::env::var_os("KICKSTART_LOG_STDERR").is_none_or(|value| value != "0")).then(|| {
        // Colours only for a person at a terminal, not for an MCP client reading stderr.
        let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
        fmt::layer().with_writer(std::io::stderr).with_target(false).with_ansi(ansi)
    });
    let file = log_dir.and_then(|dir| {
        rolling_file(dir, LogLimits::DEFAULT).map_err(|error| eprintln!("logging to a file is off: {error}")).ok()
    });
    let (file_layer, guard) = match file {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                .buffered_lines_limit(LOG_BACKLOG_LINES)
                .finish(appender);
            (Some(fmt::layer().with_writer(writer).with_ansi(false)), Some(guard))
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry().with(filter).with(stderr).with(file_layer).try_init();
    guard
}
