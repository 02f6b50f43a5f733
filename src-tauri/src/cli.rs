//! The app's command line, for MCP clients and headless set-up. No window opens:
//!
//! - `kickstart mcp` serves the profile's tools over stdio (what Claude Desktop, Cursor and others
//!   start); the access token comes from `KICKSTART_MCP_TOKEN`.
//! - `kickstart mcp-http --port N` serves them over streamable HTTP on 127.0.0.1 (each request
//!   brings its token), like the app does when Settings switches it on.
//! - `kickstart profile create --username NAME` makes a profile (the password is read from
//!   `KICKSTART_PASSWORD` or the first line of stdin).
//! - `kickstart mcp-token create --username NAME --name LABEL` makes an MCP token for a profile
//!   (same password rule) and prints it.
//!
//! Every subcommand takes `--data-dir` like the app. stdout carries only the result (for `mcp`,
//! only the protocol); logs go to stderr and the log file.

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use kickstart_core::auth::RegisterInput;
use kickstart_core::{Core, CoreConfig};

/// The environment variable that carries the MCP access token.
pub const TOKEN_VARIABLE: &str = "KICKSTART_MCP_TOKEN";
/// The environment variable that can carry a password for headless set-up.
pub const PASSWORD_VARIABLE: &str = "KICKSTART_PASSWORD";

#[derive(Debug, Parser)]
#[command(name = "kickstart", version, about = "KickStartMyAI from the command line (no window opens).")]
struct Cli {
    /// The data folder (default: KICKSTART_DATA_DIR, else the app's folder).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the profile's task tools over MCP on stdin/stdout (token in KICKSTART_MCP_TOKEN).
    Mcp,
    /// Serve the task tools over MCP's streamable HTTP on 127.0.0.1 (each request brings its own
    /// token as `Authorization: Bearer …`). Prints the address once listening.
    McpHttp {
        /// 0 picks a free port.
        #[arg(long, default_value_t = kickstart_core::mcp::http::DEFAULT_PORT)]
        port: u16,
    },
    /// Profiles.
    Profile {
        #[command(subcommand)]
        action: ProfileAction,
    },
    /// MCP access tokens.
    McpToken {
        #[command(subcommand)]
        action: TokenAction,
    },
}

#[derive(Debug, Subcommand)]
enum ProfileAction {
    /// Create a profile (the first one is the administrator). Prints its recovery key.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "")]
        display_name: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenAction {
    /// Create an MCP access token for a profile and print it (it is not shown again).
    Create {
        #[arg(long)]
        username: String,
        /// What the token is for, e.g. "Claude Desktop".
        #[arg(long)]
        name: String,
    },
}

/// The subcommands' names: a first argument among these runs the command line, not the app.
const SUBCOMMANDS: [&str; 6] = ["mcp", "mcp-http", "profile", "mcp-token", "--help", "--version"];

/// Whether this process was started as a command (not as the app).
pub fn requested() -> bool {
    std::env::args().nth(1).is_some_and(|first| SUBCOMMANDS.contains(&first.as_str()))
}

/// Runs the command and returns the process's exit code.
pub fn run(identifier: &str) -> i32 {
    let cli = Cli::parse();
    let data_dir = cli
        .data_dir
        .clone()
        .or_else(|| std::env::var_os("KICKSTART_DATA_DIR").map(PathBuf::from))
        .or_else(|| dirs::data_dir().map(|dir| dir.join(identifier)));
    let Some(data_dir) = data_dir else {
        eprintln!("kickstart: no data folder; pass --data-dir");
        return 2;
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("kickstart: {error}");
            return 1;
        }
    };
    match runtime.block_on(execute(cli.command, data_dir)) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("kickstart: {message}");
            1
        }
    }
}

async fn execute(command: Command, data_dir: PathBuf) -> Result<(), String> {
    let database = data_dir.join("kickstart.db");
    if matches!(command, Command::Mcp | Command::McpHttp { .. } | Command::McpToken { .. }) && !database.exists() {
        // A mistyped folder must not quietly become an empty new database.
        return Err(format!("no KickStartMyAI data in {} (kickstart.db is not there)", data_dir.display()));
    }
    let core = Core::open(CoreConfig::new(data_dir.join("kickstart.db"))).await.map_err(|e| e.to_string())?;
    let core = Arc::new(core);
    let result = match command {
        Command::Mcp => {
            let token = std::env::var(TOKEN_VARIABLE)
                .map_err(|_| format!("set {TOKEN_VARIABLE} to an MCP token (Settings → MCP makes one)"))?;
            kickstart_core::mcp::serve_stdio(core.clone(), token).await.map_err(|e| e.to_string())
        }
        Command::McpHttp { port } => {
            let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| format!("port {port}: {e}"))?;
            let address = listener.local_addr().map_err(|e| e.to_string())?;
            println!("listening http://{address}/mcp");
            let stop = tokio_util::sync::CancellationToken::new();
            let on_signal = stop.clone();
            tokio::spawn(async move {
                let _ = tokio::signal::ctrl_c().await;
                on_signal.cancel();
            });
            kickstart_core::mcp::http::serve(core.clone(), listener, stop).await;
            Ok(())
        }
        Command::Profile { action: ProfileAction::Create { username, display_name } } => {
            let password = password()?;
            let input = RegisterInput { username, display_name, password };
            let registration = core.auth().register(input).await.map_err(|e| e.to_string())?;
            println!("Created profile \"{}\".", registration.session.profile.username);
            println!("Recovery key (keep it somewhere safe): {}", registration.recovery_key);
            Ok(())
        }
        Command::McpToken { action: TokenAction::Create { username, name } } => {
            let password = password()?;
            let auth = core.auth();
            auth.login(&username, &password).await.map_err(|e| e.to_string())?;
            let session = auth.session().map_err(|e| e.to_string())?;
            let token = core.mcp_tokens().create(&session, &name).await.map_err(|e| e.to_string())?;
            println!("{}", token.secret);
            Ok(())
        }
    };
    core.close().await;
    result
}

/// The password from the environment, else the first line of stdin.
fn password() -> Result<String, String> {
    if let Ok(password) = std::env::var(PASSWORD_VARIABLE) {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("could not read the password: {e}"))?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(format!("give the password on stdin or in {PASSWORD_VARIABLE}"));
    }
    Ok(password)
}
