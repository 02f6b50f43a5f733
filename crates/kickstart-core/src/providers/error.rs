//! What went wrong with a provider, in kinds the app can act on and words a person can read.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use serde::Serialize;

/// The kind of a provider failure: what the UI and the retry policy branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ProviderErrorKind {
    /// 401/403: the key is wrong or lacks access.
    Auth,
    /// 429: too many requests; `retry_after_secs` when the server said.
    RateLimited,
    /// 5xx or overloaded: the provider is having trouble.
    Unavailable,
    /// The server could not be reached, or the connection broke.
    Unreachable,
    /// No answer within the time limits.
    Timeout,
    /// The request was refused: bad request, unknown model, invalid settings.
    Rejected,
    /// The conversation is longer than the model accepts.
    ContextTooLong,
    /// The answer was not what the API promises (a web page, garbage, an unfinished stream).
    Malformed,
}

/// A provider failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ProviderError {
    pub kind: ProviderErrorKind,
    /// Plain words, naming the provider.
    pub message: String,
    /// For `RateLimited`: how long the server asked us to wait.
    pub retry_after_secs: Option<u32>,
    /// The HTTP status, when there was one.
    pub status: Option<u16>,
}

impl ProviderError {
    pub fn new(kind: ProviderErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), retry_after_secs: None, status: None }
    }

    /// Whether trying again (before any answer reached the user) may help.
    pub fn is_retryable(&self) -> bool {
        matches!(self.kind, ProviderErrorKind::RateLimited | ProviderErrorKind::Unavailable)
    }

    pub(crate) fn timeout(label: &str, what: &str) -> Self {
        Self::new(ProviderErrorKind::Timeout, format!("{label} did not answer in time ({what})."))
    }

    pub(crate) fn malformed(label: &str, what: impl std::fmt::Display) -> Self {
        Self::new(ProviderErrorKind::Malformed, format!("{label} sent an answer this app cannot read: {what}."))
    }

    /// A failure of the HTTP client: no connection, a broken one, or a timeout.
    pub(crate) fn transport(label: &str, error: &reqwest::Error, mid_answer: bool) -> Self {
        if error.is_timeout() {
            return Self::timeout(label, "the connection timed out");
        }
        if error.is_builder() {
            return Self::new(ProviderErrorKind::Rejected, format!("The address of {label} is not a valid URL."));
        }
        let message = if mid_answer {
            format!("The connection to {label} was lost before the answer finished.")
        } else if error.is_connect() {
            format!(
                "Could not connect to {label}. Check the address, that the server is running, and that you are online."
            )
        } else {
            format!("Could not talk to {label}: {}.", root_cause(error))
        };
        Self::new(ProviderErrorKind::Unreachable, message)
    }

    /// Classifies a non-success HTTP answer from its status, headers and body.
    pub(crate) fn from_status(label: &str, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let detail = error_detail(body);
        let looks_like_page = detail.is_none() && looks_like_html(body);
        let reason = detail.map(|detail| detail.trim_end_matches('.').to_owned()).unwrap_or_else(|| {
            if looks_like_page {
                "it answered with a web page instead of an API response".into()
            } else {
                status.canonical_reason().unwrap_or("no reason given").to_lowercase()
            }
        });
        let code = status.as_u16();
        let (kind, message) = match code {
            401 | 403 => (
                ProviderErrorKind::Auth,
                format!("{label} did not accept the API key ({code}: {reason}). Check the connection's key."),
            ),
            429 => {
                (ProviderErrorKind::RateLimited, format!("{label} is limiting requests ({reason}). Try again shortly."))
            }
            500..=599 => (ProviderErrorKind::Unavailable, format!("{label} is having trouble ({code}: {reason}).")),
            _ if is_context_too_long(&reason) => {
                (ProviderErrorKind::ContextTooLong, format!("The conversation is too long for this model ({reason})."))
            }
            _ if looks_like_page => (
                ProviderErrorKind::Malformed,
                format!("{label} answered {code} with a web page; is the address right?"),
            ),
            _ => (ProviderErrorKind::Rejected, format!("{label} refused the request ({code}: {reason}).")),
        };
        Self { kind, message, retry_after_secs: retry_after(headers).map(secs), status: Some(code) }
    }

    /// Classifies an error the provider reported inside a 200 stream (`type` as the API names it).
    pub(crate) fn from_stream_error(label: &str, error_type: &str, message: &str) -> Self {
        let kind = match error_type {
            "authentication_error" | "permission_error" | "invalid_api_key" => ProviderErrorKind::Auth,
            "rate_limit_error" | "rate_limit_exceeded" => ProviderErrorKind::RateLimited,
            "overloaded_error" | "api_error" | "server_error" => ProviderErrorKind::Unavailable,
            _ if is_context_too_long(message) => ProviderErrorKind::ContextTooLong,
            "invalid_request_error" | "not_found_error" => ProviderErrorKind::Rejected,
            _ => ProviderErrorKind::Unavailable,
        };
        Self::new(kind, format!("{label} stopped with an error: {message}"))
    }
}

fn secs(duration: Duration) -> u32 {
    u32::try_from(duration.as_secs().max(1)).unwrap_or(u32::MAX)
}

/// `Retry-After` as seconds (the HTTP-date form is rare from APIs and is ignored), or
/// OpenAI's `x-ratelimit-reset-requests`-style hints are not parsed: the bounded back-off covers them.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<f64>().ok().filter(|secs| secs.is_finite() && *secs >= 0.0).map(Duration::from_secs_f64)
}

/// The `error.message` (or `message`, or a string `error`) of a JSON error body.
fn error_detail(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = value
        .pointer("/error/message")
        .or_else(|| value.get("message"))
        .or_else(|| value.get("error").filter(|error| error.is_string()))
        .or_else(|| value.get("detail"))?;
    let text = text.as_str().map(str::to_owned).unwrap_or_else(|| text.to_string());
    Some(text.chars().take(300).collect())
}

fn looks_like_html(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(256)]).trim_start().to_ascii_lowercase();
    start.starts_with("<!doctype") || start.starts_with("<html") || start.starts_with('<')
}

fn is_context_too_long(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    ["context length", "context_length", "context window", "too many tokens", "prompt is too long", "maximum context"]
        .iter()
        .any(|needle| text.contains(needle))
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, body: &str) -> ProviderError {
        let status = StatusCode::from_u16(status).expect("a valid status");
        ProviderError::from_status("Test", status, &HeaderMap::new(), body.as_bytes())
    }

    #[test]
    fn statuses_become_kinds() {
        assert_eq!(classify(401, r#"{"error":{"message":"bad key"}}"#).kind, ProviderErrorKind::Auth);
        assert_eq!(classify(403, "").kind, ProviderErrorKind::Auth);
        assert_eq!(classify(429, "").kind, ProviderErrorKind::RateLimited);
        assert_eq!(
            classify(529, r#"{"type":"error","error":{"message":"Overloaded"}}"#).kind,
            ProviderErrorKind::Unavailable
        );
        assert_eq!(classify(404, r#"{"error":{"message":"model x not found"}}"#).kind, ProviderErrorKind::Rejected);
        let long = classify(400, r#"{"error":{"message":"This model's maximum context length is 8192 tokens"}}"#);
        assert_eq!(long.kind, ProviderErrorKind::ContextTooLong);
        let page = classify(404, "<!DOCTYPE html><html><body>Not here</body></html>");
        assert_eq!(page.kind, ProviderErrorKind::Malformed);
        assert!(page.message.contains("web page"), "{}", page.message);
        assert_eq!(classify(502, "<html>Bad gateway</html>").kind, ProviderErrorKind::Unavailable);
    }

    #[test]
    fn retry_after_in_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().expect("a header value"));
        let error = ProviderError::from_status("Test", StatusCode::TOO_MANY_REQUESTS, &headers, b"");
        assert_eq!(error.retry_after_secs, Some(7));
        assert_eq!(error.status, Some(429));
    }
}
