//! The chat loop: send a message, stream the answer, stop it, regenerate it, edit and resend.
//!
//! Nothing is lost: the person's message, the empty answer (`streaming`) and its run are
//! committed before the provider is called; the answer's text is saved while it streams (a
//! writer task saves a snapshot at least every 250 ms, so the stream never waits for the disk);
//! the final state is written in one transaction. Whatever a crash leaves `streaming` becomes
//! `interrupted` with its text when the app next starts ([`Chat::recover_interrupted`]).
//!
//! The answer itself is a state machine ([`machine::Answer`]) that returns effects as data; this
//! module drives it with the provider's stream, a timer and the cancel token, and hands events
//! to a [`ChatSink`] (the shell wraps a Tauri channel as one).

pub mod context;
pub mod machine;
pub mod offline;
pub mod tool_calls;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{FutureExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::agents::{Agent, AgentId};
use crate::auth::Session;
use crate::ids::ProfileId;
use crate::providers::{ChatMessage, ChatRequest, Provider, ProviderConnection, Role, Usage};
use crate::threads::{
    self, enum_to_db, title_from_text, Message, MessageId, MessageStatus, Run, RunId, RunStatus, Thread, ThreadId,
};
use crate::{time, Core, CoreError};

use context::{fit, guess_context_window, Budget};
use machine::{Answer, Effect, Finish, Input};
pub use tool_calls::{Approval, ApprovalDecision, ToolCallId, ToolCallStatus, ToolCallView};
use tool_calls::{PendingApprovals, RunTools};

/// How often the answer so far is written while it streams.
pub const PERSIST_EVERY: Duration = Duration::from_millis(machine::PERSIST_EVERY_MS);
/// Longest message a person can send (the model's context usually refuses far less).
pub const MAX_MESSAGE_CHARS: usize = 400_000;
/// Most provider events handled (and their text sent) as one batch.
const MAX_BATCH: usize = 256;
/// Streamed text goes to the window at most this often (about one frame): each channel message
/// costs the window's main thread a script run, and a fast local model can send thousands of
/// tokens a second, each in its own read. The first text goes at once, so the time to the first
/// token is not changed; the rest waits at most this long.
pub const DELTA_EVERY: Duration = Duration::from_millis(16);
/// How much history is read to build a context (older messages never fit anyway).
const HISTORY_LIMIT: i64 = 2_000;
/// Most of a title suggestion read, in bytes. A title is one short line: reading stops at the end
/// of its first line or here, and the connection closes, so a server that ignores `max_tokens`
/// cannot make a title cost a whole answer.
const TITLE_READ_LIMIT: usize = 400;

/// Why the chat loop refused to start.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// No provider connection to use: none configured, or the agent's was removed.
    #[error("{0}")]
    NoProvider(String),
    /// Neither the agent nor its connection names a model.
    #[error("{0}")]
    NoModel(String),
    /// An answer is already streaming in this thread.
    #[error("An answer is still being written in this thread. Stop it or wait for it to finish.")]
    ThreadBusy,
    /// The agent is archived.
    #[error("This agent is archived. Restore it on the Agents page to chat with it.")]
    AgentArchived,
}

/// What the listener (the UI) receives while an answer is written.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ChatEvent {
    /// Everything is committed; the answer begins. `user_message` is the new or edited message
    /// (None when regenerating).
    #[serde(rename_all = "camelCase")]
    Started { thread: Box<Thread>, user_message: Option<Box<Message>>, answer: Box<Message>, run: Box<Run> },
    /// More answer text.
    Delta { text: String },
    /// Token counts so far (over every round of the answer).
    Usage { usage: Usage },
    /// A tool call was made or changed (waiting for approval, running, done): show or update its
    /// card, matched by id.
    ToolCall { call: Box<ToolCallView> },
    /// The answer's final state (complete, error or cancelled) and its run.
    Finished { answer: Box<Message>, run: Box<Run> },
}

/// The listener went away (the window closed); the answer stops as if cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerGone;

/// Where a streamed answer's events go: a Tauri channel in the app, a vector in tests.
pub trait ChatSink: Send + Sync {
    fn send(&self, event: ChatEvent) -> Result<(), ListenerGone>;
}

/// A message to send: to a thread, or to an agent in a new thread.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SendInput {
    /// None: start a new thread.
    pub thread_id: Option<ThreadId>,
    /// For a new thread; None: the Task assistant.
    pub agent_id: Option<AgentId>,
    pub text: String,
}

/// How an answer ended.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ChatOutcome {
    pub answer: Message,
    pub run: Run,
}

/// The answers streaming right now, by request id, so Stop can reach them and a thread gets
/// one answer at a time.
#[derive(Default)]
pub struct ActiveChats {
    inner: Mutex<HashMap<String, ActiveChat>>,
    /// Tool calls waiting for the person's decision.
    approvals: PendingApprovals,
}

struct ActiveChat {
    profile_id: ProfileId,
    thread_id: ThreadId,
    cancel: CancellationToken,
}

/// Removes its request from [`ActiveChats`] when the answer ends, however it ends.
struct ActiveGuard<'a> {
    chats: &'a ActiveChats,
    request_id: String,
    cancel: CancellationToken,
}

impl Drop for ActiveGuard<'_> {
    fn drop(&mut self) {
        self.chats.lock().remove(&self.request_id);
    }
}

impl ActiveChats {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, ActiveChat>> {
        // A panic while holding this lock leaves the map consistent; keep using it.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn begin(&self, session: &Session, request_id: &str, thread_id: &ThreadId) -> Result<ActiveGuard<'_>, CoreError> {
        if request_id.is_empty() || request_id.len() > 100 {
            return Err(CoreError::validation("requestId", "A request needs an id of 1 to 100 characters."));
        }
        let mut active = self.lock();
        if active.contains_key(request_id) {
            return Err(CoreError::Conflict {
                field: Some("requestId"),
                message: "That request is already running.".into(),
            });
        }
        if active.values().any(|chat| &chat.thread_id == thread_id) {
            return Err(ChatError::ThreadBusy.into());
        }
        let cancel = CancellationToken::new();
        active.insert(
            request_id.to_owned(),
            ActiveChat { profile_id: session.profile_id.clone(), thread_id: thread_id.clone(), cancel: cancel.clone() },
        );
        Ok(ActiveGuard { chats: self, request_id: request_id.to_owned(), cancel })
    }

    /// Whether any answer, of any profile, is streaming now.
    pub(crate) fn any_streaming(&self) -> bool {
        !self.lock().is_empty()
    }

    /// Stops every answer of a profile (it signed out).
    pub(crate) fn cancel_profile(&self, profile_id: &ProfileId) {
        for chat in self.lock().values().filter(|chat| &chat.profile_id == profile_id) {
            chat.cancel.cancel();
        }
    }
}

/// The provider, model and settings one answer uses.
struct Target {
    /// None for the offline Task assistant.
    connection: Option<ProviderConnection>,
    /// For the run's record.
    provider_name: String,
    provider_kind: String,
    model: String,
    client: Box<dyn Provider>,
    system: String,
    temperature: Option<f32>,
    max_tokens: Option<u32>,
    budget: Budget,
}

/// What to write before the provider is called.
enum Prepare {
    /// A new message (in a new thread when `new_thread` holds its agent).
    Send { text: String, new_thread: Option<AgentId> },
    /// Replace the last answer.
    Regenerate,
    /// Change a user message, drop what followed it.
    Edit { message_id: MessageId, text: String },
}

/// The chat loop for the signed-in profile.
pub struct Chat<'a> {
    core: &'a Core,
}

impl<'a> Chat<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    /// Sends a message and streams the answer to `sink`. Returns when the answer has ended
    /// (complete, failed or stopped). A refusal (bad input, no provider, a busy thread, a
    /// context too long) comes before anything is written.
    pub async fn send(
        &self,
        session: &Session,
        request_id: &str,
        input: SendInput,
        sink: &dyn ChatSink,
    ) -> Result<ChatOutcome, CoreError> {
        let text = clean_text(&input.text)?;
        let (thread_id, agent, new_thread) = match input.thread_id {
            Some(id) => {
                let thread = self.core.threads().get(session, &id).await?;
                (thread.id, self.core.agents().get(session, &thread.agent_id).await?, None)
            }
            None => {
                let agent = match input.agent_id {
                    Some(id) => self.core.agents().get(session, &id).await?,
                    None => self.core.agents().task_assistant(session).await?,
                };
                (ThreadId::new(), agent.clone(), Some(agent.id))
            }
        };
        self.answer(session, request_id, thread_id, agent, Prepare::Send { text, new_thread }, sink).await
    }

    /// Answers the last user message of the thread again, replacing the last answer (also the
    /// retry of a failed or interrupted answer).
    pub async fn regenerate(
        &self,
        session: &Session,
        request_id: &str,
        thread_id: &ThreadId,
        sink: &dyn ChatSink,
    ) -> Result<ChatOutcome, CoreError> {
        let thread = self.core.threads().get(session, thread_id).await?;
        let agent = self.core.agents().get(session, &thread.agent_id).await?;
        self.answer(session, request_id, thread.id, agent, Prepare::Regenerate, sink).await
    }

    /// Changes an earlier message of the person's, removes every later message, and answers again.
    pub async fn edit(
        &self,
        session: &Session,
        request_id: &str,
        message_id: &MessageId,
        text: &str,
        sink: &dyn ChatSink,
    ) -> Result<ChatOutcome, CoreError> {
        let text = clean_text(text)?;
        let found: Option<(ThreadId, String)> = sqlx::query_as(
            "SELECT m.thread_id, m.role FROM messages m JOIN threads t ON t.id = m.thread_id \
             WHERE m.id = ?1 AND t.profile_id = ?2 AND t.deleted_at IS NULL",
        )
        .bind(message_id)
        .bind(&session.profile_id)
        .fetch_optional(self.core.db.pool())
        .await?;
        let Some((thread_id, role)) = found else { return Err(CoreError::NotFound { what: "message" }) };
        if role != "user" {
            return Err(CoreError::validation("messageId", "Only your own messages can be edited."));
        }
        let thread = self.core.threads().get(session, &thread_id).await?;
        let agent = self.core.agents().get(session, &thread.agent_id).await?;
        let prepare = Prepare::Edit { message_id: message_id.clone(), text };
        self.answer(session, request_id, thread.id, agent, prepare, sink).await
    }

    /// Stops a streaming answer (its text so far is kept as `cancelled`). The provider
    /// connection closes when the answer's stream is dropped.
    pub fn cancel(&self, session: &Session, request_id: &str) -> Result<(), CoreError> {
        let active = self.core.chats.lock();
        match active.get(request_id) {
            Some(chat) if chat.profile_id == session.profile_id => {
                chat.cancel.cancel();
                Ok(())
            }
            _ => Err(CoreError::NotFound { what: "streaming answer" }),
        }
    }

    /// Allows or denies a tool call that waits for the person (NotFound when none of theirs waits
    /// under that id: it was decided already, or its answer stopped).
    pub fn decide(
        &self,
        session: &Session,
        tool_call_id: &ToolCallId,
        decision: ApprovalDecision,
    ) -> Result<(), CoreError> {
        self.core.chats.approvals.decide(session, tool_call_id, decision)
    }

    /// Marks answers a crash left `streaming` as `interrupted`, keeping their text (and their
    /// runs). The app calls this once at start-up, before any answer can stream; a second
    /// process on the same database (the MCP server) must not, as it would cut off the app's.
    pub async fn recover_interrupted(&self) -> Result<u64, CoreError> {
        threads::mark_interrupted(self.core).await
    }

    /// After the first answer of a thread, asks the model for a short title (a title the person
    /// chose is never replaced). Returns the renamed thread, or None when there was nothing to
    /// do or the model could not help (the title from the first message stays).
    pub async fn suggest_title(&self, session: &Session, thread_id: &ThreadId) -> Result<Option<Thread>, CoreError> {
        let thread = self.core.threads().get(session, thread_id).await?;
        // Only a thread still titled from its text, holding exactly one question and its
        // complete answer.
        let first_exchange: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT m.status, m.content, m.model FROM messages m JOIN threads t ON t.id = m.thread_id \
             WHERE m.thread_id = ?1 AND t.title_source = 'text' ORDER BY m.seq LIMIT 3",
        )
        .bind(thread_id)
        .fetch_all(self.core.db.pool())
        .await?;
        // An offline answer has no model to ask: the title from the first message stays.
        if first_exchange.len() != 2
            || first_exchange[1].0 != "complete"
            || first_exchange[1].2.as_deref() == Some(threads::OFFLINE_MODEL)
        {
            return Ok(None);
        }
        let agent = self.core.agents().get(session, &thread.agent_id).await?;
        let target = self.target(session, &agent).await?;
        let excerpt = |text: &str| text.chars().take(2_000).collect::<String>();
        let request = ChatRequest {
            model: target.model.clone(),
            system: Some(
                "Write a title of at most six words for this conversation. Reply with the title only, \
                 without quotes or punctuation at the end."
                    .into(),
            ),
            messages: vec![ChatMessage::new(
                Role::User,
                format!("Person: {}\n\nAssistant: {}", excerpt(&first_exchange[0].1), excerpt(&first_exchange[1].1)),
            )],
            temperature: Some(0.2),
            max_tokens: Some(24),
            ..ChatRequest::default()
        };
        let mut stream = target.client.stream(request);
        let mut title = String::new();
        while let Some(event) = stream.next().await {
            match event {
                crate::providers::ProviderEvent::TextDelta { text } => {
                    title.push_str(&text);
                    // `clean_title` keeps the first line only: the rest is not read.
                    if title.trim_start().contains('\n') || title.len() >= TITLE_READ_LIMIT {
                        break;
                    }
                }
                crate::providers::ProviderEvent::Error { error } => {
                    tracing::info!(%error, "no title suggestion");
                    return Ok(None);
                }
                _ => {}
            }
        }
        drop(stream); // closes the connection when the model had more to say
        let Some(title) = clean_title(&title) else { return Ok(None) };
        let renamed = sqlx::query(
            "UPDATE threads SET title = ?1, title_source = 'model', updated_at = ?2 \
             WHERE id = ?3 AND profile_id = ?4 AND title_source = 'text'",
        )
        .bind(&title)
        .bind(time::to_db(self.core.clock.now()))
        .bind(thread_id)
        .bind(&session.profile_id)
        .execute(self.core.db.pool())
        .await?;
        if renamed.rows_affected() == 0 {
            return Ok(None);
        }
        Ok(Some(self.core.threads().get(session, thread_id).await?))
    }

    /// The connection and model an agent answers with. Your own agents use the connection
    /// they name (or your default); shared agents of others use your default connection, since
    /// their owner's connections and keys are theirs. The Task assistant without a provider
    /// answers in offline mode.
    async fn target(&self, session: &Session, agent: &Agent) -> Result<Target, CoreError> {
        match self.provider_target(session, agent).await {
            Err(CoreError::Chat(ChatError::NoProvider(reason))) if agent.built_in => {
                tracing::info!(%reason, "no provider: the Task assistant answers offline");
                Ok(Target {
                    connection: None,
                    provider_name: "Offline assistant".into(),
                    provider_kind: threads::OFFLINE_KIND.into(),
                    model: threads::OFFLINE_MODEL.into(),
                    client: Box::new(offline::OfflineAssistant::new(self.core.clock.now(), self.core.time_zone)),
                    system: String::new(),
                    temperature: None,
                    max_tokens: None,
                    budget: Budget::new(guess_context_window(threads::OFFLINE_MODEL), None),
                })
            }
            other => other,
        }
    }

    async fn provider_target(&self, session: &Session, agent: &Agent) -> Result<Target, CoreError> {
        let providers = self.core.providers();
        let connection = match (&agent.connection_id, agent.is_own) {
            (Some(id), true) => providers.get(session, id).await.map_err(|error| match error {
                CoreError::NotFound { .. } => ChatError::NoProvider(format!(
                    "The provider connection \"{}\" uses was removed. Choose another one in the agent's settings.",
                    agent.name
                ))
                .into(),
                other => other,
            })?,
            _ => providers.list(session).await?.into_iter().find(|c| c.is_default).ok_or_else(|| {
                ChatError::NoProvider("Add an AI provider in Settings → Providers to start chatting.".into())
            })?,
        };
        let model = agent.model.clone().or_else(|| connection.default_model.clone()).ok_or_else(|| {
            ChatError::NoModel(format!(
                "Choose a model for \"{}\" in its settings, or a default model for the connection \"{}\".",
                agent.name, connection.name
            ))
        })?;
        let client = providers.client(session, &connection.id).await?;
        let window = agent.context_window.unwrap_or_else(|| guess_context_window(&model));
        Ok(Target {
            client,
            provider_name: connection.name.clone(),
            provider_kind: enum_to_db(connection.kind),
            budget: Budget::new(window, agent.max_tokens),
            system: agent.system_prompt.clone(),
            temperature: agent.temperature,
            max_tokens: agent.max_tokens,
            model,
            connection: Some(connection),
        })
    }

    /// The thread's messages before `before_seq` (all when None) as the model reads them.
    async fn history(&self, thread_id: &ThreadId, before_seq: Option<i64>) -> Result<Vec<ChatMessage>, CoreError> {
        let mut rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT role, content FROM messages WHERE thread_id = ?1 AND (?2 IS NULL OR seq < ?2) \
             AND content != '' ORDER BY seq DESC LIMIT ?3",
        )
        .bind(thread_id)
        .bind(before_seq)
        .bind(HISTORY_LIMIT)
        .fetch_all(self.core.db.pool())
        .await?;
        rows.reverse();
        Ok(rows
            .into_iter()
            .map(|(role, content)| ChatMessage::new(if role == "user" { Role::User } else { Role::Assistant }, content))
            .collect())
    }

    /// Checks, commits what the person wrote with an empty answer and its run, then streams.
    async fn answer(
        &self,
        session: &Session,
        request_id: &str,
        thread_id: ThreadId,
        agent: Agent,
        prepare: Prepare,
        sink: &dyn ChatSink,
    ) -> Result<ChatOutcome, CoreError> {
        if agent.archived {
            return Err(ChatError::AgentArchived.into());
        }
        // Registered first, so a Stop pressed while the key is read already reaches it.
        let guard = self.core.chats.begin(session, request_id, &thread_id)?;
        let target = self.target(session, &agent).await?;

        // What the model will read, checked before anything is written.
        let (history, user_text) = match &prepare {
            Prepare::Send { text, .. } => (self.history(&thread_id, None).await?, Some(text.clone())),
            Prepare::Edit { message_id, text } => {
                let seq: i64 = sqlx::query_scalar("SELECT seq FROM messages WHERE id = ?1")
                    .bind(message_id)
                    .fetch_one(self.core.db.pool())
                    .await?;
                (self.history(&thread_id, Some(seq)).await?, Some(text.clone()))
            }
            Prepare::Regenerate => {
                let last_user: Option<i64> = sqlx::query_scalar(
                    "SELECT seq FROM messages WHERE thread_id = ?1 AND role = 'user' ORDER BY seq DESC LIMIT 1",
                )
                .bind(&thread_id)
                .fetch_optional(self.core.db.pool())
                .await?;
                let Some(last_user) = last_user else {
                    return Err(CoreError::validation("threadId", "There is no message to answer in this thread."));
                };
                (self.history(&thread_id, Some(last_user + 1)).await?, None)
            }
        };
        let mut history = history;
        if let Some(text) = user_text {
            history.push(ChatMessage::new(Role::User, text));
        }
        let messages = fit(&target.system, &history, target.budget)?;

        let run_id = RunId::new();
        let correlation_id = crate::ids::new_id();
        let answer_id = MessageId::new();
        let user_message_id =
            self.commit_start(session, &thread_id, &prepare, &answer_id, &run_id, &correlation_id, &target).await?;

        let span = tracing::info_span!("chat_run", correlation = %correlation_id, run = %run_id);
        let offered = tool_calls::offered(self.core, session, &agent.tools).await;
        let tools = tool_calls::specs(&offered);
        let cancel = guard.cancel.clone();
        let request = ChatRequest {
            model: target.model.clone(),
            system: self.system_prompt(&target.system, !tools.is_empty()),
            messages,
            tools,
            temperature: target.temperature,
            max_tokens: target.max_tokens,
        };
        let run_tools = RunTools {
            core: self.core,
            session,
            agent_id: &agent.id,
            run_id: &run_id,
            answer_id: &answer_id,
            offered: &offered,
            cancel: &cancel,
            sink,
        };
        // From here on the answer exists: whatever happens, it ends with its final state written.
        async {
            tracing::info!(provider = %target.provider_name, model = %target.model, thread = %thread_id, "run started");
            let listener_gone = match self.started(session, &thread_id, user_message_id, &answer_id, &run_id).await {
                Ok(started) => sink.send(started).is_err(),
                Err(error) => {
                    tracing::warn!(%error, "could not read the new answer back; streaming it anyway");
                    false
                }
            };
            let finish = self.stream(&*target.client, request, &run_tools, listener_gone).await;
            let outcome = match self.commit_finish(&thread_id, &answer_id, &run_id, &target.model, &finish).await {
                Ok(outcome) => outcome,
                Err(error) => {
                    // One more try after a moment (a long write by another process, say). If that
                    // fails too, the last saved snapshot is recovered as interrupted at start-up.
                    tracing::warn!(%error, "could not write the answer's end; trying again");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    self.commit_finish(&thread_id, &answer_id, &run_id, &target.model, &finish).await?
                }
            };
            // Only now may the thread take its next answer: the final state is written.
            drop(guard);
            tracing::info!(
                status = ?finish.status,
                tokens_in = finish.usage.map(|u| u.input_tokens),
                tokens_out = finish.usage.map(|u| u.output_tokens),
                first_token_ms = finish.time_to_first_token_ms,
                duration_ms = finish.duration_ms,
                error = finish.error.as_ref().map(|e| e.message.as_str()),
                "run finished"
            );
            // The listener may be gone; the outcome is saved either way.
            let _ = sink.send(ChatEvent::Finished {
                answer: Box::new(outcome.answer.clone()),
                run: Box::new(outcome.run.clone()),
            });
            Ok(outcome)
        }
        .instrument(span)
        .await
    }

    /// The `Started` event: the thread, the person's message, the empty answer and its run.
    async fn started(
        &self,
        session: &Session,
        thread_id: &ThreadId,
        user_message_id: Option<MessageId>,
        answer_id: &MessageId,
        run_id: &RunId,
    ) -> Result<ChatEvent, CoreError> {
        let user_message = match user_message_id {
            Some(id) => Some(Box::new(threads::message(self.core, &id).await?)),
            None => None,
        };
        Ok(ChatEvent::Started {
            thread: Box::new(self.core.threads().get(session, thread_id).await?),
            user_message,
            answer: Box::new(threads::message(self.core, answer_id).await?),
            run: Box::new(threads::run(self.core, run_id).await?),
        })
    }

    /// One transaction: the thread (when new), the person's message (new or edited, dropping
    /// what followed), the empty answer and its run. Returns the person's message id.
    #[allow(clippy::too_many_arguments)]
    async fn commit_start(
        &self,
        session: &Session,
        thread_id: &ThreadId,
        prepare: &Prepare,
        answer_id: &MessageId,
        run_id: &RunId,
        correlation_id: &str,
        target: &Target,
    ) -> Result<Option<MessageId>, CoreError> {
        let now = time::to_db(self.core.clock.now());
        // IMMEDIATE: take the write lock at once, so the reads below can't meet a busy writer
        // (SQLite's busy timeout does not cover upgrading a read to a write).
        let mut tx = self.core.db.write().await?;
        let user_message_id = match prepare {
            Prepare::Send { text, new_thread } => {
                if let Some(agent_id) = new_thread {
                    sqlx::query(
                        "INSERT INTO threads (id, profile_id, agent_id, title, title_source, last_activity_at, \
                         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'text', ?5, ?5, ?5)",
                    )
                    .bind(thread_id)
                    .bind(&session.profile_id)
                    .bind(agent_id)
                    .bind(title_from_text(text))
                    .bind(&now)
                    .execute(&mut *tx)
                    .await?;
                }
                let id = MessageId::new();
                sqlx::query(
                    "INSERT INTO messages (id, thread_id, role, content, status, created_at, updated_at) \
                     VALUES (?1, ?2, 'user', ?3, 'complete', ?4, ?4)",
                )
                .bind(&id)
                .bind(thread_id)
                .bind(text)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                Some(id)
            }
            Prepare::Edit { message_id, text } => {
                let seq: i64 = sqlx::query_scalar("SELECT seq FROM messages WHERE id = ?1")
                    .bind(message_id)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query("UPDATE messages SET content = ?1, updated_at = ?2 WHERE id = ?3")
                    .bind(text)
                    .bind(&now)
                    .bind(message_id)
                    .execute(&mut *tx)
                    .await?;
                forget_answers_after(&mut tx, thread_id, seq).await?;
                Some(message_id.clone())
            }
            Prepare::Regenerate => {
                let last_user: i64 = sqlx::query_scalar(
                    "SELECT seq FROM messages WHERE thread_id = ?1 AND role = 'user' ORDER BY seq DESC LIMIT 1",
                )
                .bind(thread_id)
                .fetch_one(&mut *tx)
                .await?;
                forget_answers_after(&mut tx, thread_id, last_user).await?;
                None
            }
        };
        sqlx::query(
            "INSERT INTO messages (id, thread_id, role, content, status, model, run_id, created_at, updated_at) \
             VALUES (?1, ?2, 'assistant', '', 'streaming', ?3, ?4, ?5, ?5)",
        )
        .bind(answer_id)
        .bind(thread_id)
        .bind(&target.model)
        .bind(run_id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO runs (id, profile_id, thread_id, message_id, status, connection_id, provider_name, \
             provider_kind, model, correlation_id, started_at) \
             VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .bind(run_id)
        .bind(&session.profile_id)
        .bind(thread_id)
        .bind(answer_id)
        .bind(target.connection.as_ref().map(|c| &c.id))
        .bind(&target.provider_name)
        .bind(&target.provider_kind)
        .bind(&target.model)
        .bind(correlation_id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        touch_thread(&mut tx, thread_id, &now).await?;
        tx.commit().await?;
        Ok(user_message_id)
    }

    /// The agent's system prompt; with tools, today's date and time too, so the model can reason
    /// about "tomorrow" and "overdue" the way the person means them.
    fn system_prompt(&self, prompt: &str, with_tools: bool) -> Option<String> {
        let prompt = prompt.trim();
        if !with_tools {
            return Some(prompt.to_owned()).filter(|p| !p.is_empty());
        }
        let now = self.core.clock.now().with_timezone(&self.core.time_zone);
        let today = format!("It is now {} ({}).", now.format("%A %-d %B %Y, %H:%M"), self.core.time_zone.name());
        Some(if prompt.is_empty() { today } else { format!("{prompt}\n\n{today}") })
    }

    /// Drives the answer's state machine until it finishes, running tool calls between rounds.
    async fn stream(
        &self,
        client: &dyn Provider,
        mut request: ChatRequest,
        tools: &RunTools<'_>,
        mut listener_gone: bool,
    ) -> Finish {
        let (cancel, sink) = (tools.cancel, tools.sink);
        let writer = Writer::spawn(self.core, tools.answer_id.clone());
        let started = Instant::now();
        let mut events = client.stream(request.clone());
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + PERSIST_EVERY, PERSIST_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut answer = Answer::new();
        let mut batch = Vec::with_capacity(MAX_BATCH);
        // Text handled but not sent yet, and when it may be sent (see DELTA_EVERY).
        let mut text = String::new();
        let mut text_due = tokio::time::Instant::now();
        let finish = loop {
            batch.clear();
            let input = if listener_gone {
                Some(Input::ListenerGone)
            } else {
                tokio::select! {
                    biased;
                    () = cancel.cancelled() => Some(Input::Cancel),
                    event = events.next() => Some(event.map_or(Input::ProviderEnded, Input::Provider)),
                    _ = tick.tick() => Some(Input::Tick),
                    () = tokio::time::sleep_until(text_due), if !text.is_empty() => None,
                }
            };
            let Some(input) = input else {
                // The model paused with text not sent yet: it goes now.
                listener_gone |= flush(sink, &mut text).is_err();
                text_due = tokio::time::Instant::now() + DELTA_EVERY;
                continue;
            };
            batch.push(input);
            // Events that have already arrived (a fast model fills a read with many) are taken
            // together, so their text reaches the window as one message instead of hundreds: each
            // channel message costs the window's main thread a script run.
            if matches!(batch[0], Input::Provider(_)) {
                while batch.len() < MAX_BATCH {
                    match events.next().now_or_never() {
                        Some(Some(event)) => batch.push(Input::Provider(event)),
                        Some(None) => {
                            batch.push(Input::ProviderEnded);
                            break;
                        }
                        None => break,
                    }
                }
            }
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let mut finished = None;
            let mut tool_round = None;
            for input in batch.drain(..) {
                for effect in answer.handle(input, elapsed_ms) {
                    match effect {
                        Effect::Emit(ChatEvent::Delta { text: delta }) => text.push_str(&delta),
                        Effect::Emit(event) => {
                            listener_gone |= flush(sink, &mut text).is_err() | sink.send(event).is_err();
                        }
                        Effect::Persist { content } => writer.save(content),
                        Effect::CallTools(round) => tool_round = Some(round),
                        Effect::Finish(finish) => finished = Some(finish),
                    }
                }
                if finished.is_some() || tool_round.is_some() {
                    break;
                }
            }
            if let Some(round) = tool_round {
                listener_gone |= flush(sink, &mut text).is_err();
                let outcome = tools.run(&round, &mut listener_gone).await;
                let input = match outcome {
                    Ok(messages) => {
                        request.messages.extend(messages);
                        events = client.stream(request.clone());
                        Input::ToolsDone
                    }
                    Err(tool_calls::Stopped) => Input::Cancel,
                };
                let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                finished = answer.handle(input, elapsed_ms).into_iter().find_map(|effect| match effect {
                    Effect::Finish(finish) => Some(finish),
                    _ => None,
                });
            }
            if finished.is_some() || tokio::time::Instant::now() >= text_due {
                let sent_some = !text.is_empty();
                listener_gone |= flush(sink, &mut text).is_err();
                if sent_some {
                    text_due = tokio::time::Instant::now() + DELTA_EVERY;
                }
            }
            if let Some(finish) = finished {
                break finish;
            }
        };
        // Dropping the stream closes the provider connection (a Stop really stops the model).
        drop(events);
        writer.finish().await;
        finish
    }

    /// Writes the answer's final state, its run and the thread's activity in one transaction.
    async fn commit_finish(
        &self,
        thread_id: &ThreadId,
        answer_id: &MessageId,
        run_id: &RunId,
        model: &str,
        finish: &Finish,
    ) -> Result<ChatOutcome, CoreError> {
        let now = time::to_db(self.core.clock.now());
        let run_status = match finish.status {
            MessageStatus::Complete => RunStatus::Complete,
            MessageStatus::Cancelled => RunStatus::Cancelled,
            MessageStatus::Interrupted => RunStatus::Interrupted,
            MessageStatus::Error | MessageStatus::Streaming => RunStatus::Error,
        };
        let error_kind = finish.error.as_ref().map(|e| enum_to_db(e.kind));
        let error_message = finish.error.as_ref().map(|e| e.message.clone());
        let (tokens_in, tokens_out) = (finish.usage.map(|u| u.input_tokens), finish.usage.map(|u| u.output_tokens));
        let mut tx = self.core.db.write().await?;
        sqlx::query(
            "UPDATE messages SET content = ?1, status = ?2, model = ?3, tokens_in = ?4, tokens_out = ?5, \
             error_kind = ?6, error_message = ?7, updated_at = ?8 WHERE id = ?9",
        )
        .bind(&finish.content)
        .bind(enum_to_db(finish.status))
        .bind(model)
        .bind(tokens_in)
        .bind(tokens_out)
        .bind(&error_kind)
        .bind(&error_message)
        .bind(&now)
        .bind(answer_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE runs SET status = ?1, tokens_in = ?2, tokens_out = ?3, time_to_first_token_ms = ?4, \
             duration_ms = ?5, error_kind = ?6, error_message = ?7, finished_at = ?8 WHERE id = ?9",
        )
        .bind(enum_to_db(run_status))
        .bind(tokens_in)
        .bind(tokens_out)
        .bind(finish.time_to_first_token_ms.and_then(|ms| i64::try_from(ms).ok()))
        .bind(i64::try_from(finish.duration_ms).unwrap_or(i64::MAX))
        .bind(&error_kind)
        .bind(&error_message)
        .bind(&now)
        .bind(run_id)
        .execute(&mut *tx)
        .await?;
        touch_thread(&mut tx, thread_id, &now).await?;
        tx.commit().await?;
        Ok(ChatOutcome {
            answer: threads::message(self.core, answer_id).await?,
            run: threads::run(self.core, run_id).await?,
        })
    }
}

/// Moves the thread to the top of the list.
async fn touch_thread(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    thread_id: &ThreadId,
    now: &str,
) -> Result<(), CoreError> {
    sqlx::query("UPDATE threads SET last_activity_at = ?1, updated_at = ?1 WHERE id = ?2")
        .bind(now)
        .bind(thread_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sends the text gathered from a batch of deltas as one `Delta`.
fn flush(sink: &dyn ChatSink, text: &mut String) -> Result<(), ListenerGone> {
    if text.is_empty() {
        return Ok(());
    }
    sink.send(ChatEvent::Delta { text: std::mem::take(text) })
}

/// Removes the messages after `seq` (answers being replaced); their runs stay in the activity
/// list without a message.
async fn forget_answers_after(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    thread_id: &ThreadId,
    seq: i64,
) -> Result<(), CoreError> {
    for table in ["runs", "tool_calls"] {
        sqlx::query(&format!(
            "UPDATE {table} SET message_id = NULL WHERE message_id IN \
             (SELECT id FROM messages WHERE thread_id = ?1 AND seq > ?2)"
        ))
        .bind(thread_id)
        .bind(seq)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("DELETE FROM messages WHERE thread_id = ?1 AND seq > ?2")
        .bind(thread_id)
        .bind(seq)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Saves snapshots of a streaming answer off the stream's path: the loop hands over the latest
/// text without waiting; the writer writes whatever is newest when it gets to it.
struct Writer {
    latest: tokio::sync::watch::Sender<Option<Arc<str>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Writer {
    fn spawn(core: &Core, answer_id: MessageId) -> Self {
        let (latest, mut receiver) = tokio::sync::watch::channel::<Option<Arc<str>>>(None);
        let pool = core.db.pool().clone();
        let clock = core.clock.clone();
        let task = tokio::spawn(async move {
            while receiver.changed().await.is_ok() {
                let Some(content) = receiver.borrow_and_update().clone() else { continue };
                let saved = sqlx::query(
                    "UPDATE messages SET content = ?1, updated_at = ?2 WHERE id = ?3 AND status = 'streaming'",
                )
                .bind(&*content)
                .bind(time::to_db(clock.now()))
                .bind(&answer_id)
                .execute(&pool)
                .await;
                if let Err(error) = saved {
                    tracing::warn!(%error, "could not save the answer so far; it is saved when it ends");
                }
            }
        });
        Self { latest, task }
    }

    fn save(&self, content: String) {
        self.latest.send_replace(Some(content.into()));
    }

    /// Waits for the last snapshot to be written, so it can't land after the final state.
    async fn finish(self) {
        drop(self.latest);
        if let Err(error) = self.task.await {
            tracing::warn!(%error, "the answer writer stopped");
        }
    }
}

fn clean_text(text: &str) -> Result<String, CoreError> {
    if text.trim().is_empty() {
        return Err(CoreError::validation("text", "Write a message first."));
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(CoreError::validation("text", "That message is too long to send."));
    }
    Ok(text.trim_end().to_owned())
}

/// A model's title suggestion, tidied: first line, no quotes or Markdown, at most 60 characters.
fn clean_title(raw: &str) -> Option<String> {
    let line = raw.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = line.trim_start_matches(['#', '*', ' ']).trim_start_matches("Title:").trim();
    let line = line.trim_matches(['"', '\'', '“', '”', '*', '`', ' ']).trim_end_matches(['.', '!', ' ']);
    let title: String = line.chars().filter(|c| !c.is_control()).take(60).collect();
    (!title.trim().is_empty()).then(|| title.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_models_are_tidied() {
        assert_eq!(clean_title("\"Planning the trip.\"\nmore"), Some("Planning the trip".into()));
        assert_eq!(clean_title("# Title: Budget review"), Some("Budget review".into()));
        assert_eq!(clean_title("   \n  "), None);
    }

    #[test]
    fn empty_messages_are_refused() {
        assert!(matches!(clean_text(" \n\t"), Err(CoreError::Validation { field: "text", .. })));
        assert_eq!(clean_text("hi  \n").ok(), Some("hi".into()));
    }
}
