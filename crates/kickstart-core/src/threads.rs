//! Threads (conversations), their messages and their runs, as the profile reads and arranges
//! them. Writing messages is the chat loop's job ([`crate::chat`]).
//!
//! Lists are keyset-paginated: threads by (pinned, last activity, id), messages by their
//! sequence number, so a page costs the same however long the history is.

use serde::{Deserialize, Serialize};

use crate::agents::AgentId;
use crate::auth::Session;
use crate::chat::ToolCallView;
use crate::providers::{ProviderErrorKind, ProviderKind};
use crate::store::{fts_query, like_pattern};
use crate::{time, Core, CoreError};

crate::ids::string_id!(
    /// The id of a thread.
    ThreadId
);
crate::ids::string_id!(
    /// The id of a message.
    MessageId
);
crate::ids::string_id!(
    /// The id of a run (one answer).
    RunId
);

/// A conversation in the thread list.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Thread {
    pub id: ThreadId,
    pub agent_id: AgentId,
    pub agent_name: String,
    pub agent_color: String,
    pub agent_icon: String,
    pub title: String,
    pub pinned: bool,
    pub archived: bool,
    /// An answer is being written right now.
    pub streaming: bool,
    pub last_activity_at: String,
    pub created_at: String,
    /// Search results only: the matching text, the match between U+E000 and U+E001.
    pub snippet: Option<String>,
}

/// Which threads to list.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ThreadQuery {
    /// Words in the title or any message.
    pub search: Option<String>,
    /// The archive instead of the active threads.
    #[serde(default)]
    pub archived: bool,
    pub cursor: Option<String>,
    /// 50 when not given, 200 at most.
    pub limit: Option<u32>,
}

/// One page of threads: pinned first, then the most recently active.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ThreadPage {
    pub threads: Vec<Thread>,
    pub next_cursor: Option<String>,
}

/// A change to a thread: only the fields given change.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ThreadPatch {
    pub title: Option<String>,
    pub pinned: Option<bool>,
    pub archived: Option<bool>,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MessageRole {
    User,
    Assistant,
}

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MessageStatus {
    /// Being written by the model now.
    Streaming,
    Complete,
    /// The provider failed; `error_kind` says how.
    Error,
    /// Stopped by the person; the text so far is kept.
    Cancelled,
    /// The app stopped (a crash, power loss) while it streamed; the text so far is kept.
    Interrupted,
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: MessageId,
    pub thread_id: ThreadId,
    pub role: MessageRole,
    /// Markdown (from the model); the UI renders it without raw HTML.
    pub content: String,
    pub status: MessageStatus,
    pub model: Option<String>,
    pub tokens_in: Option<u32>,
    pub tokens_out: Option<u32>,
    pub run_id: Option<RunId>,
    pub error_kind: Option<ProviderErrorKind>,
    pub error_message: Option<String>,
    pub created_at: String,
    /// The tools the answer called, in order (empty for the person's messages).
    pub tool_calls: Vec<ToolCallView>,
    /// Written by the offline Task assistant (simple rules, no AI provider).
    pub offline: bool,
}

/// Messages oldest first; `older_cursor` loads the page before.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    pub messages: Vec<Message>,
    pub older_cursor: Option<String>,
}

/// Where a run is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RunStatus {
    Running,
    Complete,
    Error,
    Cancelled,
    Interrupted,
}

/// One answer to one user message: what it cost and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub id: RunId,
    pub thread_id: ThreadId,
    /// The answer it wrote (None once a regenerate or an edit replaced it).
    pub message_id: Option<MessageId>,
    pub status: RunStatus,
    pub provider_name: String,
    pub provider_kind: ProviderKind,
    pub model: String,
    pub tokens_in: Option<u32>,
    pub tokens_out: Option<u32>,
    pub time_to_first_token_ms: Option<u32>,
    pub duration_ms: Option<u32>,
    pub error_kind: Option<ProviderErrorKind>,
    pub error_message: Option<String>,
    /// Also on every log line of the run.
    pub correlation_id: String,
    /// Answered by the offline Task assistant (simple rules, no AI provider).
    pub offline: bool,
    pub started_at: String,
    pub finished_at: Option<String>,
}

pub const MAX_TITLE_CHARS: usize = 120;
/// The model name on answers of the offline Task assistant.
pub(crate) const OFFLINE_MODEL: &str = "offline";
/// The provider kind stored on its runs.
pub(crate) const OFFLINE_KIND: &str = "offline";

pub(crate) fn enum_from_db<T: for<'de> Deserialize<'de>>(value: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).ok()
}

pub(crate) fn enum_to_db<T: Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

fn count(value: Option<i64>) -> Option<u32> {
    value.and_then(|n| u32::try_from(n).ok())
}

#[derive(sqlx::FromRow)]
pub(crate) struct ThreadRow {
    id: ThreadId,
    agent_id: AgentId,
    agent_name: String,
    agent_color: String,
    agent_icon: String,
    title: String,
    pinned: bool,
    archived_at: Option<String>,
    streaming: bool,
    last_activity_at: String,
    created_at: String,
    snippet: Option<String>,
}

impl From<ThreadRow> for Thread {
    fn from(row: ThreadRow) -> Self {
        Self {
            id: row.id,
            agent_id: row.agent_id,
            agent_name: row.agent_name,
            agent_color: row.agent_color,
            agent_icon: row.agent_icon,
            title: row.title,
            pinned: row.pinned,
            archived: row.archived_at.is_some(),
            streaming: row.streaming,
            last_activity_at: row.last_activity_at,
            created_at: row.created_at,
            snippet: row.snippet,
        }
    }
}

const THREAD_COLUMNS: &str = "t.id, t.agent_id, a.name AS agent_name, a.color AS agent_color, a.icon AS agent_icon, \
    t.title, t.pinned, t.archived_at, \
    EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.status = 'streaming') AS streaming, \
    t.last_activity_at, t.created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    seq: i64,
    id: MessageId,
    thread_id: ThreadId,
    role: String,
    content: String,
    status: String,
    model: Option<String>,
    tokens_in: Option<i64>,
    tokens_out: Option<i64>,
    run_id: Option<RunId>,
    error_kind: Option<String>,
    error_message: Option<String>,
    created_at: String,
}

pub(crate) const MESSAGE_COLUMNS: &str = "seq, id, thread_id, role, content, status, model, tokens_in, tokens_out, \
    run_id, error_kind, error_message, created_at";

impl From<MessageRow> for Message {
    fn from(row: MessageRow) -> Self {
        let offline = row.model.as_deref() == Some(OFFLINE_MODEL);
        Self {
            id: row.id,
            thread_id: row.thread_id,
            role: enum_from_db(&row.role).unwrap_or(MessageRole::Assistant),
            content: row.content,
            status: enum_from_db(&row.status).unwrap_or(MessageStatus::Error),
            model: row.model,
            tokens_in: count(row.tokens_in),
            tokens_out: count(row.tokens_out),
            run_id: row.run_id,
            error_kind: row.error_kind.as_deref().and_then(enum_from_db),
            error_message: row.error_message,
            created_at: row.created_at,
            tool_calls: Vec::new(),
            offline,
        }
    }
}

/// Messages from rows, each answer with its tool calls.
async fn with_tool_calls(core: &Core, rows: Vec<MessageRow>) -> Result<Vec<Message>, CoreError> {
    let answer_ids: Vec<&MessageId> = rows.iter().filter(|row| row.role == "assistant").map(|row| &row.id).collect();
    let mut calls = crate::chat::tool_calls::for_messages(core, &answer_ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut message = Message::from(row);
            message.tool_calls = calls.remove(&message.id).unwrap_or_default();
            message
        })
        .collect())
}

#[derive(sqlx::FromRow)]
pub(crate) struct RunRow {
    id: RunId,
    thread_id: ThreadId,
    message_id: Option<MessageId>,
    status: String,
    provider_name: String,
    provider_kind: String,
    model: String,
    tokens_in: Option<i64>,
    tokens_out: Option<i64>,
    time_to_first_token_ms: Option<i64>,
    duration_ms: Option<i64>,
    error_kind: Option<String>,
    error_message: Option<String>,
    correlation_id: String,
    started_at: String,
    finished_at: Option<String>,
}

pub(crate) const RUN_COLUMNS: &str = "id, thread_id, message_id, status, provider_name, provider_kind, model, \
    tokens_in, tokens_out, time_to_first_token_ms, duration_ms, error_kind, error_message, correlation_id, \
    started_at, finished_at";

impl From<RunRow> for Run {
    fn from(row: RunRow) -> Self {
        Self {
            id: row.id,
            thread_id: row.thread_id,
            message_id: row.message_id,
            status: enum_from_db(&row.status).unwrap_or(RunStatus::Error),
            provider_name: row.provider_name,
            provider_kind: enum_from_db(&row.provider_kind).unwrap_or(ProviderKind::OpenaiCompatible),
            offline: row.provider_kind == OFFLINE_KIND,
            model: row.model,
            tokens_in: count(row.tokens_in),
            tokens_out: count(row.tokens_out),
            time_to_first_token_ms: count(row.time_to_first_token_ms),
            duration_ms: count(row.duration_ms),
            error_kind: row.error_kind.as_deref().and_then(enum_from_db),
            error_message: row.error_message,
            correlation_id: row.correlation_id,
            started_at: row.started_at,
            finished_at: row.finished_at,
        }
    }
}

fn bad_cursor() -> CoreError {
    CoreError::validation("cursor", "That page cursor belongs to another list; start again from the first page.")
}

/// A title from the first message: its first line, cut at a word near 60 characters.
pub(crate) fn title_from_text(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("New chat");
    let line: String = line.chars().filter(|c| !c.is_control()).collect();
    if line.chars().count() <= 60 {
        return line;
    }
    let cut: String = line.chars().take(60).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > 30 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':', ' ']))
}

/// The profile's threads and what is in them.
pub struct Threads<'a> {
    core: &'a Core,
}

impl<'a> Threads<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    /// A page of threads, pinned first, then by last activity; with `search`, only threads whose
    /// title or messages contain every word (as prefixes), each with a snippet.
    pub async fn list(&self, session: &Session, query: ThreadQuery) -> Result<ThreadPage, CoreError> {
        let limit = query.limit.unwrap_or(50).clamp(1, 200);
        let search = query.search.as_deref().and_then(fts_query);
        let like = query.search.as_deref().and_then(like_pattern);
        let (after_pinned, after_activity, after_id) = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(cursor) => {
                let (pinned, activity, id): (bool, String, String) =
                    serde_json::from_str(cursor).map_err(|_| bad_cursor())?;
                (Some(pinned), Some(activity), Some(id))
            }
            None => (None, None, None),
        };
        let snippet = "(SELECT snippet(messages_fts, 0, char(57344), char(57345), '…', 12) \
             FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid \
             WHERE messages_fts MATCH ?3 AND m.thread_id = t.id ORDER BY m.seq DESC LIMIT 1)";
        let sql = format!(
            "SELECT {THREAD_COLUMNS}, CASE WHEN ?3 IS NULL THEN NULL ELSE {snippet} END AS snippet \
             FROM threads t JOIN agents a ON a.id = t.agent_id \
             WHERE t.profile_id = ?1 AND t.deleted_at IS NULL AND ((t.archived_at IS NOT NULL) = ?2) \
             AND (?4 IS NULL OR t.title LIKE ?4 ESCAPE '\\' OR (?3 IS NOT NULL AND t.id IN ( \
                  SELECT m.thread_id FROM messages m WHERE m.seq IN \
                  (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?3)))) \
             AND (?5 IS NULL OR (t.pinned, t.last_activity_at, t.id) < (?5, ?6, ?7)) \
             ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC LIMIT ?8"
        );
        let mut rows: Vec<ThreadRow> = sqlx::query_as(&sql)
            .bind(&session.profile_id)
            .bind(query.archived)
            .bind(&search)
            .bind(&like)
            .bind(after_pinned)
            .bind(after_activity)
            .bind(after_id)
            .bind(i64::from(limit) + 1)
            .fetch_all(self.core.db.pool())
            .await?;
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|last| serde_json::json!([last.pinned, last.last_activity_at, last.id.0]).to_string())
        } else {
            None
        };
        Ok(ThreadPage { threads: rows.into_iter().map(Into::into).collect(), next_cursor })
    }

    /// One thread of the profile (deleted ones are not found).
    pub async fn get(&self, session: &Session, id: &ThreadId) -> Result<Thread, CoreError> {
        let row: Option<ThreadRow> = sqlx::query_as(&format!(
            "SELECT {THREAD_COLUMNS}, NULL AS snippet FROM threads t JOIN agents a ON a.id = t.agent_id \
             WHERE t.id = ?1 AND t.profile_id = ?2 AND t.deleted_at IS NULL"
        ))
        .bind(id)
        .bind(&session.profile_id)
        .fetch_optional(self.core.db.pool())
        .await?;
        row.map(Into::into).ok_or(CoreError::NotFound { what: "thread" })
    }

    /// Renames, pins or archives a thread. A title set here is never replaced by a suggestion.
    pub async fn update(&self, session: &Session, id: &ThreadId, patch: ThreadPatch) -> Result<Thread, CoreError> {
        self.get(session, id).await?;
        let title = match patch.title.as_deref().map(str::trim) {
            Some("") => return Err(CoreError::validation("title", "A thread needs a title.")),
            Some(title) if title.chars().count() > MAX_TITLE_CHARS => {
                return Err(CoreError::validation(
                    "title",
                    format!("Keep the title under {MAX_TITLE_CHARS} characters."),
                ))
            }
            other => other.map(str::to_owned),
        };
        let now = time::to_db(self.core.clock.now());
        sqlx::query(
            "UPDATE threads SET title = COALESCE(?1, title), \
             title_source = CASE WHEN ?1 IS NULL THEN title_source ELSE 'user' END, \
             pinned = COALESCE(?2, pinned), \
             archived_at = CASE WHEN ?3 IS NULL THEN archived_at WHEN ?3 THEN COALESCE(archived_at, ?4) END, \
             updated_at = ?4 WHERE id = ?5 AND profile_id = ?6",
        )
        .bind(title)
        .bind(patch.pinned)
        .bind(patch.archived)
        .bind(&now)
        .bind(id)
        .bind(&session.profile_id)
        .execute(self.core.db.pool())
        .await?;
        self.get(session, id).await
    }

    /// Moves a thread out of sight (undo with [`Self::restore`]). A thread with an answer still
    /// streaming can't be deleted.
    pub async fn delete(&self, session: &Session, id: &ThreadId) -> Result<(), CoreError> {
        let thread = self.get(session, id).await?;
        if thread.streaming {
            return Err(crate::chat::ChatError::ThreadBusy.into());
        }
        sqlx::query("UPDATE threads SET deleted_at = ?1, updated_at = ?1 WHERE id = ?2 AND profile_id = ?3")
            .bind(time::to_db(self.core.clock.now()))
            .bind(id)
            .bind(&session.profile_id)
            .execute(self.core.db.pool())
            .await?;
        Ok(())
    }

    /// Brings back a deleted thread.
    pub async fn restore(&self, session: &Session, id: &ThreadId) -> Result<Thread, CoreError> {
        let restored = sqlx::query(
            "UPDATE threads SET deleted_at = NULL, updated_at = ?1 \
             WHERE id = ?2 AND profile_id = ?3 AND deleted_at IS NOT NULL",
        )
        .bind(time::to_db(self.core.clock.now()))
        .bind(id)
        .bind(&session.profile_id)
        .execute(self.core.db.pool())
        .await?;
        if restored.rows_affected() == 0 {
            return Err(CoreError::NotFound { what: "deleted thread" });
        }
        self.get(session, id).await
    }

    /// The newest `limit` messages before `cursor` (50 by default), oldest first.
    pub async fn messages(
        &self,
        session: &Session,
        thread_id: &ThreadId,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<MessagePage, CoreError> {
        self.get(session, thread_id).await?;
        let limit = limit.unwrap_or(50).clamp(1, 500);
        let before = match cursor.filter(|c| !c.is_empty()) {
            Some(cursor) => Some(cursor.parse::<i64>().map_err(|_| bad_cursor())?),
            None => None,
        };
        let mut rows: Vec<MessageRow> = sqlx::query_as(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE thread_id = ?1 AND (?2 IS NULL OR seq < ?2) \
             ORDER BY seq DESC LIMIT ?3"
        ))
        .bind(thread_id)
        .bind(before)
        .bind(i64::from(limit) + 1)
        .fetch_all(self.core.db.pool())
        .await?;
        let older_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|oldest| oldest.seq.to_string())
        } else {
            None
        };
        rows.reverse();
        Ok(MessagePage { messages: with_tool_calls(self.core, rows).await?, older_cursor })
    }

    /// The thread's runs, newest first (its activity panel).
    pub async fn runs(&self, session: &Session, thread_id: &ThreadId) -> Result<Vec<Run>, CoreError> {
        self.get(session, thread_id).await?;
        let rows: Vec<RunRow> = sqlx::query_as(&format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE thread_id = ?1 AND profile_id = ?2 \
             ORDER BY started_at DESC, id DESC LIMIT 500"
        ))
        .bind(thread_id)
        .bind(&session.profile_id)
        .fetch_all(self.core.db.pool())
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

/// Read helpers the chat loop shares.
pub(crate) async fn message(core: &Core, id: &MessageId) -> Result<Message, CoreError> {
    let row: MessageRow = sqlx::query_as(&format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1"))
        .bind(id)
        .fetch_one(core.db.pool())
        .await?;
    with_tool_calls(core, vec![row]).await?.into_iter().next().ok_or(CoreError::NotFound { what: "message" })
}

pub(crate) async fn run(core: &Core, id: &RunId) -> Result<Run, CoreError> {
    let row: RunRow = sqlx::query_as(&format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1"))
        .bind(id)
        .fetch_one(core.db.pool())
        .await?;
    Ok(row.into())
}

/// Answers a crash left `streaming` become `interrupted`, keeping their text; their runs too.
/// Called when the core opens, before anything can be streaming.
pub(crate) async fn mark_interrupted(core: &Core) -> Result<u64, CoreError> {
    let now = time::to_db(core.clock.now());
    let mut tx = core.db.write().await?;
    let messages =
        sqlx::query("UPDATE messages SET status = 'interrupted', updated_at = ?1 WHERE status = 'streaming'")
            .bind(&now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    sqlx::query(
        "UPDATE runs SET status = 'interrupted', finished_at = ?1, error_message = 'The app closed while this answer was being written.' \
         WHERE status = 'running'",
    )
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE tool_calls SET status = 'interrupted', finished_at = ?1 WHERE status IN ('awaitingApproval', 'running')",
    )
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if messages > 0 {
        tracing::warn!(messages, "answers interrupted by the last shutdown were kept as interrupted");
    }
    Ok(messages)
}
