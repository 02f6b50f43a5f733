//! The MCP server over streamable HTTP, for clients that connect rather than start a process.
//! Off by default; switched on in Settings → MCP. It listens on loopback only (127.0.0.1), and
//! every request must carry `Authorization: Bearer <token>` — checked on each request, so a
//! revoked token is refused at once. rmcp also refuses Host headers other than localhost (DNS
//! rebinding) and, here, any request a browser page sends (an `Origin` header).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::ToolServer;
use crate::auth::Session;
use crate::{Core, CoreError};

/// The port used unless the person picks another.
pub const DEFAULT_PORT: u16 = 39217;
const SETTINGS_KEY: &str = "mcpHttp";

/// Whether the HTTP server runs, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HttpSettings {
    pub enabled: bool,
    pub port: u16,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self { enabled: false, port: DEFAULT_PORT }
    }
}

/// The HTTP server as Settings shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HttpStatus {
    pub settings: HttpSettings,
    /// Where clients connect, while it runs.
    pub url: Option<String>,
    /// Why it is not running although switched on (the port is taken, say).
    pub error: Option<String>,
}

/// Reads the HTTP server's settings (an installation's, not a profile's).
pub async fn settings(core: &Core) -> Result<HttpSettings, CoreError> {
    crate::settings::read(core, SETTINGS_KEY).await
}

/// Saves the settings (administrators only); [`HttpServer::apply`] puts them into effect.
pub async fn save_settings(core: &Core, session: &Session, settings: HttpSettings) -> Result<(), CoreError> {
    core.auth().require_admin(session).await?;
    if settings.port < 1024 {
        return Err(CoreError::validation("port", "Use a port from 1024 to 65535."));
    }
    crate::settings::write(core, SETTINGS_KEY, &settings).await
}

/// The running server, if any: started and stopped as the settings say.
#[derive(Default)]
pub struct HttpServer {
    running: tokio::sync::Mutex<Option<Running>>,
    /// Why the last start failed (shown until the next one).
    last_error: std::sync::Mutex<Option<String>>,
}

struct Running {
    addr: SocketAddr,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl HttpServer {
    /// The settings and whether it runs, without changing anything.
    pub async fn status(&self, core: &Core) -> Result<HttpStatus, CoreError> {
        let settings = settings(core).await?;
        let url = self.running.lock().await.as_ref().map(|running| url(running.addr));
        let error = if url.is_none() && settings.enabled { self.error() } else { None };
        Ok(HttpStatus { settings, url, error })
    }

    fn error(&self) -> Option<String> {
        self.last_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn set_error(&self, error: Option<String>) {
        *self.last_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = error;
    }

    /// Starts, restarts or stops the server to match the saved settings; returns its status.
    pub async fn apply(&self, core: Arc<Core>) -> Result<HttpStatus, CoreError> {
        let settings = settings(&core).await?;
        let mut running = self.running.lock().await;
        if let Some(current) = running.take() {
            if settings.enabled && current.addr.port() == settings.port {
                let url = Some(url(current.addr));
                *running = Some(current);
                return Ok(HttpStatus { settings, url, error: None });
            }
            current.stop.cancel();
            let _ = current.task.await;
        }
        self.set_error(None);
        if !settings.enabled {
            return Ok(HttpStatus { settings, url: None, error: None });
        }
        match start(core, settings.port).await {
            Ok(started) => {
                let url = Some(url(started.addr));
                *running = Some(started);
                Ok(HttpStatus { settings, url, error: None })
            }
            Err(error) => {
                tracing::warn!(%error, port = settings.port, "the MCP HTTP server could not start");
                self.set_error(Some(error.clone()));
                Ok(HttpStatus { settings, url: None, error: Some(error) })
            }
        }
    }

    /// Stops the server (the app is closing).
    pub async fn stop(&self) {
        if let Some(current) = self.running.lock().await.take() {
            current.stop.cancel();
            let _ = current.task.await;
        }
    }
}

fn url(addr: SocketAddr) -> String {
    format!("http://{addr}/mcp")
}

async fn start(core: Arc<Core>, port: u16) -> Result<Running, String> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .map_err(|error| format!("Port {port} is not free ({error}). Choose another port."))?;
    let addr = listener.local_addr().map_err(|error| error.to_string())?;
    let stop = CancellationToken::new();
    let task = tokio::spawn(serve(core, listener, stop.clone()));
    tracing::info!(%addr, "MCP HTTP server listening");
    Ok(Running { addr, stop, task })
}

/// Serves MCP at `/mcp` on `listener` until `stop` is cancelled.
pub async fn serve(core: Arc<Core>, listener: tokio::net::TcpListener, stop: CancellationToken) {
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(["127.0.0.1", "localhost", "::1"])
        .enforce_origin_validation()
        .with_cancellation_token(stop.child_token());
    let tools_core = core.clone();
    let service = StreamableHttpService::new(
        move || Ok(ToolServer::per_request(tools_core.clone())),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let app = Router::new().nest_service("/mcp", service).layer(middleware::from_fn_with_state(core, require_token));
    let shutdown = stop.clone();
    if let Err(error) =
        axum::serve(listener, app).with_graceful_shutdown(async move { shutdown.cancelled().await }).await
    {
        tracing::warn!(%error, "the MCP HTTP server stopped");
    }
}

/// Lets a request through only with a valid bearer token, and tells the tools whose it is.
async fn require_token(State(core): State<Arc<Core>>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::to_owned);
    let session = match token {
        Some(token) => core.mcp_tokens().authenticate(&token).await,
        None => Err(crate::auth::AuthError::InvalidToken.into()),
    };
    match session {
        Ok(session) => {
            request.extensions_mut().insert(session);
            next.run(request).await
        }
        Err(CoreError::Auth(error)) => {
            (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], error.to_string()).into_response()
        }
        Err(other) => {
            tracing::warn!(error = %other, "could not check an MCP token");
            (StatusCode::SERVICE_UNAVAILABLE, "The token could not be checked just now.").into_response()
        }
    }
}
