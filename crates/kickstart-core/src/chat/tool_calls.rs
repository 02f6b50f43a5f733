//! Tool calls inside an answer: each is recorded under its run (arguments, result, status,
//! duration), shown to the listener as it changes, and — when the tool may overwrite or remove
//! something — held until the person allows or denies it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::agents::AgentId;
use crate::auth::Session;
use crate::ids::{string_id, ProfileId};
use crate::mcp::servers::{server_of, ServerRow};
use crate::providers::{ChatMessage, Role, ToolCall, ToolSpec};
use crate::threads::{enum_from_db, enum_to_db, MessageId, RunId};
use crate::tools::{parse_json_arguments, ToolFailureKind, ToolHints, ToolOutput, Tools};
use crate::{time, Core, CoreError};

use super::machine::ToolRound;
use super::{ChatEvent, ChatSink};

string_id!(
    /// The id of one recorded tool call.
    ToolCallId
);

/// How long a call waits for the person's decision before it is treated as denied.
const APPROVAL_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The longest result text kept and sent back to the model.
const MAX_RESULT_CHARS: usize = 50_000;

/// Where a tool call is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ToolCallStatus {
    /// Waiting for the person to allow or deny it.
    AwaitingApproval,
    Running,
    /// It ran and worked.
    Ok,
    /// It ran and failed, or could not run (bad arguments, no such tool).
    Error,
    /// The person denied it; the model was told.
    Denied,
    /// The answer was stopped before it ran.
    Cancelled,
    /// The app closed before it finished.
    Interrupted,
}

/// How a call came to run (or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Approval {
    /// The tool changes nothing that can't be changed back: no question asked.
    NotNeeded,
    /// Waiting for the person.
    Pending,
    /// Allowed this time.
    Once,
    /// Allowed for this agent from now on (or earlier).
    Always,
    Denied,
}

/// The person's answer to an approval request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ApprovalDecision {
    AllowOnce,
    /// Allow this tool for this agent without asking again.
    AlwaysForAgent,
    Deny,
}

/// A tool call as the transcript shows it (a card in the answer).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolCallView {
    pub id: ToolCallId,
    pub run_id: RunId,
    pub message_id: Option<MessageId>,
    /// The tool's name (`add_task`).
    pub tool: String,
    /// Its name for people ("Add tasks").
    pub title: String,
    /// The arguments as the model sent them (JSON text).
    pub arguments: String,
    /// What the model was told: the result as JSON, or why it failed or did not run.
    pub result: Option<String>,
    pub status: ToolCallStatus,
    pub approval: Approval,
    /// Where the call stands in the answer's text (UTF-16 code units).
    pub position: u32,
    pub round: u32,
    pub duration_ms: Option<u32>,
    pub started_at: String,
}

#[derive(sqlx::FromRow)]
struct ToolCallRow {
    id: ToolCallId,
    run_id: RunId,
    message_id: Option<MessageId>,
    tool: String,
    arguments: String,
    result: Option<String>,
    status: String,
    approval: String,
    position: i64,
    round: i64,
    duration_ms: Option<i64>,
    started_at: String,
}

impl From<ToolCallRow> for ToolCallView {
    fn from(row: ToolCallRow) -> Self {
        Self {
            title: title_of(&row.tool),
            id: row.id,
            run_id: row.run_id,
            message_id: row.message_id,
            tool: row.tool,
            arguments: row.arguments,
            result: row.result,
            status: enum_from_db(&row.status).unwrap_or(ToolCallStatus::Error),
            approval: enum_from_db(&row.approval).unwrap_or(Approval::NotNeeded),
            position: u32::try_from(row.position).unwrap_or(0),
            round: u32::try_from(row.round).unwrap_or(0),
            duration_ms: row.duration_ms.and_then(|ms| u32::try_from(ms).ok()),
            started_at: row.started_at,
        }
    }
}

/// A call's name for people: a built-in tool's title, or a server's tool by its own name.
fn title_of(tool: &str) -> String {
    match (Tools::definition(tool), server_of(tool)) {
        (Some(definition), _) => definition.title.to_owned(),
        (None, Some(server)) => tool[server.len()..].trim_start_matches('_').to_owned(),
        (None, None) => tool.to_owned(),
    }
}

const COLUMNS: &str =
    "id, run_id, message_id, tool, arguments, result, status, approval, position, round, duration_ms, started_at";

/// The tool calls of some answers, oldest first, grouped by answer.
pub(crate) async fn for_messages(
    core: &Core,
    message_ids: &[&MessageId],
) -> Result<HashMap<MessageId, Vec<ToolCallView>>, CoreError> {
    let mut grouped: HashMap<MessageId, Vec<ToolCallView>> = HashMap::new();
    if message_ids.is_empty() {
        return Ok(grouped);
    }
    let ids = serde_json::to_string(&message_ids).unwrap_or_else(|_| "[]".into());
    let rows: Vec<ToolCallRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM tool_calls WHERE message_id IN (SELECT value FROM json_each(?1)) \
         ORDER BY position, started_at, id"
    ))
    .bind(ids)
    .fetch_all(core.db.pool())
    .await?;
    for row in rows {
        if let Some(message_id) = row.message_id.clone() {
            grouped.entry(message_id).or_default().push(row.into());
        }
    }
    Ok(grouped)
}

/// Decisions awaited right now, by tool call.
#[derive(Default)]
pub(crate) struct PendingApprovals {
    inner: Mutex<HashMap<ToolCallId, (ProfileId, oneshot::Sender<ApprovalDecision>)>>,
}

impl PendingApprovals {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ToolCallId, (ProfileId, oneshot::Sender<ApprovalDecision>)>> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wait(&self, profile_id: &ProfileId, id: &ToolCallId) -> oneshot::Receiver<ApprovalDecision> {
        let (sender, receiver) = oneshot::channel();
        self.lock().insert(id.clone(), (profile_id.clone(), sender));
        receiver
    }

    fn forget(&self, id: &ToolCallId) {
        self.lock().remove(id);
    }

    /// Hands the person's decision to the waiting call; NotFound when no call of theirs waits.
    pub(crate) fn decide(
        &self,
        session: &Session,
        id: &ToolCallId,
        decision: ApprovalDecision,
    ) -> Result<(), CoreError> {
        let mut pending = self.lock();
        match pending.get(id) {
            Some((owner, _)) if owner == &session.profile_id => {}
            _ => return Err(CoreError::NotFound { what: "tool call awaiting approval" }),
        }
        let Some((_, sender)) = pending.remove(id) else { return Err(CoreError::NotFound { what: "tool call" }) };
        // The answer may have been stopped a moment ago; then the decision has nowhere to go.
        let _ = sender.send(decision);
        Ok(())
    }
}

/// Where an offered tool runs.
enum Source {
    /// One of the app's own tools ([`Tools`]).
    BuiltIn,
    /// A tool of one of the profile's external MCP servers, by the server's own name for it.
    External { server: Box<ServerRow>, tool: String },
}

/// A tool an answer may call: one of the app's own, or one of the profile's external servers'.
pub(crate) struct OfferedTool {
    /// The name the model calls it by.
    name: String,
    description: String,
    parameters: serde_json::Value,
    hints: ToolHints,
    source: Source,
}

/// The tools an agent has enabled that can be offered now: its built-in ones, and those of the
/// person's own enabled servers as they were last listed (a server is started only when a call
/// needs it).
pub(crate) async fn offered(core: &Core, session: &Session, enabled: &[String]) -> Vec<OfferedTool> {
    let is_enabled = |name: &str| enabled.iter().any(|item| item == name);
    let mut offered: Vec<OfferedTool> = Tools::definitions()
        .iter()
        .filter(|tool| is_enabled(tool.name))
        .map(|tool| OfferedTool {
            name: tool.name.to_owned(),
            description: tool.description.to_owned(),
            parameters: serde_json::Value::Object(tool.input_schema.clone()),
            hints: tool.hints,
            source: Source::BuiltIn,
        })
        .collect();
    if enabled.iter().any(|name| server_of(name).is_some()) {
        match core.mcp_servers().offered(session).await {
            Ok(external) => offered.extend(external.into_iter().filter(|(_, tool)| is_enabled(&tool.qualified)).map(
                |(server, tool)| OfferedTool {
                    description: if tool.description.is_empty() {
                        tool.title.clone()
                    } else {
                        tool.description.clone()
                    },
                    parameters: serde_json::Value::Object(tool.input_schema.clone()),
                    hints: tool.hints,
                    name: tool.qualified,
                    source: Source::External { server: Box::new(server), tool: tool.tool },
                },
            )),
            Err(error) => tracing::warn!(%error, "could not read the MCP servers' tools; offering the app's own"),
        }
    }
    offered
}

/// The offered tools as the provider request carries them.
pub(crate) fn specs(offered: &[OfferedTool]) -> Vec<ToolSpec> {
    offered
        .iter()
        .map(|tool| ToolSpec {
            name: tool.name.clone(),
            description: tool.description.clone(),
            parameters: tool.parameters.clone(),
        })
        .collect()
}

/// Everything a round of tool calls needs to know about its answer.
pub(crate) struct RunTools<'a> {
    pub core: &'a Core,
    pub session: &'a Session,
    pub agent_id: &'a AgentId,
    pub run_id: &'a RunId,
    pub answer_id: &'a MessageId,
    /// The tools offered to the model; a call to any other is refused.
    pub offered: &'a [OfferedTool],
    pub cancel: &'a CancellationToken,
    pub sink: &'a dyn ChatSink,
}

/// The round was stopped (Stop, sign-out, or the listener went away).
pub(crate) struct Stopped;

impl RunTools<'_> {
    /// Runs the round's calls in order and returns what the model reads next: its own message
    /// with the calls, then one result per call.
    pub(crate) async fn run(&self, round: &ToolRound, listener_gone: &mut bool) -> Result<Vec<ChatMessage>, Stopped> {
        let mut messages = vec![ChatMessage {
            role: Role::Assistant,
            content: round.text.clone(),
            tool_calls: round.calls.clone(),
            tool_call_id: None,
        }];
        let mut stopped = false;
        for call in &round.calls {
            // After a stop, the remaining calls are recorded as cancelled, never run.
            let result = if stopped {
                self.record_cancelled(round, call).await;
                String::new()
            } else {
                match self.run_one(round, call, listener_gone).await {
                    Ok(result) => result,
                    Err(Stopped) => {
                        stopped = true;
                        String::new()
                    }
                }
            };
            messages.push(ChatMessage {
                role: Role::Tool,
                content: result,
                tool_calls: Vec::new(),
                tool_call_id: Some(call.id.clone()),
            });
        }
        if stopped {
            Err(Stopped)
        } else {
            Ok(messages)
        }
    }

    async fn run_one(&self, round: &ToolRound, call: &ToolCall, listener_gone: &mut bool) -> Result<String, Stopped> {
        let started = Instant::now();
        let id = ToolCallId::new();
        let tool = self.offered.iter().find(|tool| tool.name == call.name);
        let Some(tool) = tool else {
            let result = format!("There is no tool called \"{}\" available here.", call.name);
            self.insert(&id, round, call, ToolCallStatus::Error, Approval::NotNeeded).await;
            self.finish(&id, ToolCallStatus::Error, None, &result, started, listener_gone).await;
            return Ok(result);
        };
        let approval = if !tool.hints.destructive {
            Approval::NotNeeded
        } else if self.always_allowed(&tool.name).await {
            Approval::Always
        } else {
            Approval::Pending
        };
        let status =
            if approval == Approval::Pending { ToolCallStatus::AwaitingApproval } else { ToolCallStatus::Running };
        self.insert(&id, round, call, status, approval).await;
        self.emit(&id, listener_gone).await;

        if approval == Approval::Pending {
            let decision = self.ask(&id, listener_gone).await;
            let decision = match decision {
                Ok(decision) => decision,
                Err(Stopped) => {
                    self.finish(&id, ToolCallStatus::Cancelled, None, "", started, listener_gone).await;
                    return Err(Stopped);
                }
            };
            let approval = match decision {
                ApprovalDecision::AllowOnce => Approval::Once,
                ApprovalDecision::AlwaysForAgent => {
                    self.allow_always(&tool.name).await;
                    Approval::Always
                }
                ApprovalDecision::Deny => {
                    let result = "The person declined this call. Do not try it again unless they ask you to.";
                    self.finish(&id, ToolCallStatus::Denied, Some(Approval::Denied), result, started, listener_gone)
                        .await;
                    return Ok(result.to_owned());
                }
            };
            self.set_running(&id, approval).await;
            self.emit(&id, listener_gone).await;
        }

        let output = tokio::select! {
            biased;
            () = self.cancel.cancelled() => None,
            output = self.execute(tool, &call.arguments) => Some(output),
        };
        let Some(output) = output else {
            self.finish(&id, ToolCallStatus::Cancelled, None, "", started, listener_gone).await;
            return Err(Stopped);
        };
        let status = if output.is_failure() { ToolCallStatus::Error } else { ToolCallStatus::Ok };
        let mut result = output.text();
        if result.chars().count() > MAX_RESULT_CHARS {
            result = result.chars().take(MAX_RESULT_CHARS).collect::<String>() + " …(cut)";
        }
        self.finish(&id, status, None, &result, started, listener_gone).await;
        Ok(result)
    }

    /// Runs the tool where it lives: in-process, or on its MCP server.
    async fn execute(&self, tool: &OfferedTool, arguments: &str) -> ToolOutput {
        match &tool.source {
            Source::BuiltIn => {
                self.core.tools().call_json(self.session, &tool.name, arguments).await.unwrap_or_else(|unknown| {
                    ToolOutput::Failure { kind: ToolFailureKind::InvalidArguments, message: unknown.to_string() }
                })
            }
            Source::External { server, tool: own_name } => {
                let arguments = match parse_json_arguments(arguments) {
                    Ok(arguments) => arguments,
                    Err(refused) => return refused,
                };
                let launch = match self.core.mcp_servers().launch(self.session, (**server).clone()).await {
                    Ok(launch) => launch,
                    Err(error) => {
                        return ToolOutput::Failure {
                            kind: ToolFailureKind::Failed,
                            message: format!("The server \"{}\" could not be prepared: {error}", server.name),
                        }
                    }
                };
                self.core.mcp_clients.call(self.core, launch, own_name, arguments).await
            }
        }
    }

    /// Waits for the person's decision, a stop, or the timeout (which denies).
    async fn ask(&self, id: &ToolCallId, listener_gone: &mut bool) -> Result<ApprovalDecision, Stopped> {
        let pending = &self.core.chats.approvals;
        let receiver = pending.wait(&self.session.profile_id, id);
        let decision = tokio::select! {
            () = self.cancel.cancelled() => Err(Stopped),
            () = tokio::time::sleep(APPROVAL_TIMEOUT) => Ok(ApprovalDecision::Deny),
            decision = receiver => decision.map_err(|_| Stopped),
        };
        pending.forget(id);
        if *listener_gone {
            return Err(Stopped);
        }
        decision
    }

    async fn always_allowed(&self, tool: &str) -> bool {
        let found: Result<Option<i64>, _> =
            sqlx::query_scalar("SELECT 1 FROM tool_approvals WHERE profile_id = ?1 AND agent_id = ?2 AND tool = ?3")
                .bind(&self.session.profile_id)
                .bind(self.agent_id)
                .bind(tool)
                .fetch_optional(self.core.db.pool())
                .await;
        matches!(found, Ok(Some(_)))
    }

    async fn allow_always(&self, tool: &str) {
        let saved = sqlx::query(
            "INSERT INTO tool_approvals (profile_id, agent_id, tool, created_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&self.session.profile_id)
        .bind(self.agent_id)
        .bind(tool)
        .bind(time::to_db(self.core.clock.now()))
        .execute(self.core.db.pool())
        .await;
        if let Err(error) = saved {
            tracing::warn!(%error, "could not remember the approval; it applies to this call only");
        }
    }

    async fn insert(
        &self,
        id: &ToolCallId,
        round: &ToolRound,
        call: &ToolCall,
        status: ToolCallStatus,
        approval: Approval,
    ) {
        let saved = sqlx::query(
            "INSERT INTO tool_calls (id, run_id, message_id, call_id, position, round, tool, arguments, status, \
             approval, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .bind(id)
        .bind(self.run_id)
        .bind(self.answer_id)
        .bind(&call.id)
        .bind(i64::from(round.position))
        .bind(i64::from(round.round))
        .bind(&call.name)
        .bind(&call.arguments)
        .bind(enum_to_db(status))
        .bind(enum_to_db(approval))
        .bind(time::to_db(self.core.clock.now()))
        .execute(self.core.db.pool())
        .await;
        if let Err(error) = saved {
            tracing::warn!(%error, tool = %call.name, "could not record a tool call");
        }
    }

    async fn set_running(&self, id: &ToolCallId, approval: Approval) {
        let saved = sqlx::query("UPDATE tool_calls SET status = 'running', approval = ?1 WHERE id = ?2")
            .bind(enum_to_db(approval))
            .bind(id)
            .execute(self.core.db.pool())
            .await;
        if let Err(error) = saved {
            tracing::warn!(%error, "could not record a tool call's approval");
        }
    }

    async fn record_cancelled(&self, round: &ToolRound, call: &ToolCall) {
        let id = ToolCallId::new();
        self.insert(&id, round, call, ToolCallStatus::Cancelled, Approval::NotNeeded).await;
    }

    async fn finish(
        &self,
        id: &ToolCallId,
        status: ToolCallStatus,
        approval: Option<Approval>,
        result: &str,
        started: Instant,
        listener_gone: &mut bool,
    ) {
        let saved = sqlx::query(
            "UPDATE tool_calls SET status = ?1, approval = COALESCE(?2, approval), result = ?3, finished_at = ?4, \
             duration_ms = ?5 WHERE id = ?6",
        )
        .bind(enum_to_db(status))
        .bind(approval.map(enum_to_db))
        .bind(Some(result).filter(|r| !r.is_empty()))
        .bind(time::to_db(self.core.clock.now()))
        .bind(i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX))
        .bind(id)
        .execute(self.core.db.pool())
        .await;
        if let Err(error) = saved {
            tracing::warn!(%error, "could not record a tool call's result");
        }
        self.emit(id, listener_gone).await;
    }

    /// Sends the call's current state to the listener.
    async fn emit(&self, id: &ToolCallId, listener_gone: &mut bool) {
        let row: Result<ToolCallRow, _> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM tool_calls WHERE id = ?1"))
            .bind(id)
            .fetch_one(self.core.db.pool())
            .await;
        match row {
            Ok(row) => *listener_gone |= self.sink.send(ChatEvent::ToolCall { call: Box::new(row.into()) }).is_err(),
            Err(error) => tracing::warn!(%error, "could not read a tool call back"),
        }
    }
}
