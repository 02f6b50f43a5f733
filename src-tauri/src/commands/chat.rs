//! Chat: each answer streams over its own `Channel<ChatEvent>`; `chat_cancel` stops it by the
//! request id the UI chose. The core drives the answer; this module only wires its events to
//! the channel, tells every window when a thread changes, and asks for a title afterwards.

use std::sync::Arc;

use kickstart_core::auth::Session;
use kickstart_core::chat::{
    ApprovalDecision, ChatEvent, ChatOutcome, ChatSink, ListenerGone, SendInput, ToolCallId, ToolCallStatus,
};
use kickstart_core::threads::{MessageId, MessageStatus, ThreadId};
use kickstart_core::tools::Tools;
use kickstart_core::Core;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::events::{announce, TasksChanged, ThreadChanged};
use crate::{AppState, IpcError};

/// The channel as the core's sink. A failed send means the window went away: the core stops
/// the answer as if cancelled.
struct ChannelSink<R: Runtime> {
    app: AppHandle<R>,
    request_id: String,
    channel: Channel<ChatEvent>,
}

impl<R: Runtime> ChatSink for ChannelSink<R> {
    fn send(&self, event: ChatEvent) -> Result<(), ListenerGone> {
        match &event {
            // Other windows show the thread (new, or streaming now) at once.
            ChatEvent::Started { thread, .. } => {
                announce(&self.app, ThreadChanged::by_answer(thread.id.clone(), &self.request_id), ())
            }
            // A tool changed the to-do list: the Tasks page (in any window) shows it at once.
            ChatEvent::ToolCall { call }
                if call.status == ToolCallStatus::Ok
                    && Tools::definition(&call.tool).is_some_and(|tool| !tool.hints.read_only) =>
            {
                announce(&self.app, TasksChanged, ())
            }
            _ => {}
        }
        self.channel.send(event).map_err(|_| ListenerGone)
    }
}

/// Tells every window the answer ended and, after a thread's first answer, asks the model for
/// a title in the background (announced to every window, the one that asked too).
fn after_answer<R: Runtime>(
    app: &AppHandle<R>,
    core: &Arc<Core>,
    session: Session,
    request_id: &str,
    outcome: &ChatOutcome,
) {
    let thread_id = outcome.answer.thread_id.clone();
    announce(app, ThreadChanged::by_answer(thread_id.clone(), request_id), ());
    if outcome.answer.status != MessageStatus::Complete {
        return;
    }
    let (app, core) = (app.clone(), core.clone());
    tauri::async_runtime::spawn(async move {
        match core.chat().suggest_title(&session, &thread_id).await {
            Ok(Some(_)) => announce(&app, ThreadChanged::new(thread_id), ()),
            Ok(None) => {}
            Err(error) => tracing::info!(%error, "no title suggestion"),
        }
    });
}

/// Sends a message (to a thread, or to an agent in a new thread) and streams the answer.
/// Resolves when the answer has ended; errors before `started` leave nothing written.
#[tauri::command]
#[specta::specta]
pub async fn chat_send<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request_id: String,
    input: SendInput,
    on_event: Channel<ChatEvent>,
) -> Result<ChatOutcome, IpcError> {
    let session = state.core.auth().session()?;
    let sink = ChannelSink { app: app.clone(), request_id: request_id.clone(), channel: on_event };
    let outcome = state.core.chat().send(&session, &request_id, input, &sink).await?;
    after_answer(&app, &state.core, session, &request_id, &outcome);
    Ok(outcome)
}

/// Answers the thread's last message again, replacing the last answer (also "Retry").
#[tauri::command]
#[specta::specta]
pub async fn chat_regenerate<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request_id: String,
    thread_id: ThreadId,
    on_event: Channel<ChatEvent>,
) -> Result<ChatOutcome, IpcError> {
    let session = state.core.auth().session()?;
    let sink = ChannelSink { app: app.clone(), request_id: request_id.clone(), channel: on_event };
    let outcome = state.core.chat().regenerate(&session, &request_id, &thread_id, &sink).await?;
    after_answer(&app, &state.core, session, &request_id, &outcome);
    Ok(outcome)
}

/// Changes one of the person's messages, removes everything after it, and answers again.
#[tauri::command]
#[specta::specta]
pub async fn chat_edit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request_id: String,
    message_id: MessageId,
    text: String,
    on_event: Channel<ChatEvent>,
) -> Result<ChatOutcome, IpcError> {
    let session = state.core.auth().session()?;
    let sink = ChannelSink { app: app.clone(), request_id: request_id.clone(), channel: on_event };
    let outcome = state.core.chat().edit(&session, &request_id, &message_id, &text, &sink).await?;
    after_answer(&app, &state.core, session, &request_id, &outcome);
    Ok(outcome)
}

/// Stops a streaming answer; its text so far is kept. NotFound when nothing runs under that id.
#[tauri::command]
#[specta::specta]
pub async fn chat_cancel(state: State<'_, AppState>, request_id: String) -> Result<(), IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.chat().cancel(&session, &request_id)?)
}

/// Allows or denies a tool call that waits for the person. NotFound when none of theirs waits
/// under that id (already decided, or its answer stopped).
#[tauri::command]
#[specta::specta]
pub async fn chat_decide_tool(
    state: State<'_, AppState>,
    tool_call_id: ToolCallId,
    decision: ApprovalDecision,
) -> Result<(), IpcError> {
    let session = state.core.auth().session()?;
    Ok(state.core.chat().decide(&session, &tool_call_id, decision)?)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tauri::ipc::InvokeResponseBody;

    use super::*;

    #[test]
    fn events_reach_the_channel_as_tagged_json_and_a_closed_channel_is_a_gone_listener() {
        let app = tauri::test::mock_app();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let channel = Channel::new(move |body| {
            if let InvokeResponseBody::Json(json) = body {
                log.lock().expect("log").push(json);
            }
            Ok(())
        });
        let sink = ChannelSink { app: app.handle().clone(), request_id: "r1".into(), channel };
        assert_eq!(sink.send(ChatEvent::Delta { text: "Hel".into() }), Ok(()));
        let usage = kickstart_core::providers::Usage { input_tokens: 3, output_tokens: 1 };
        assert_eq!(sink.send(ChatEvent::Usage { usage }), Ok(()));
        assert_eq!(
            *received.lock().expect("log"),
            [
                r#"{"type":"delta","text":"Hel"}"#.to_owned(),
                r#"{"type":"usage","usage":{"inputTokens":3,"outputTokens":1}}"#.to_owned()
            ]
        );

        let closed = Channel::new(|_| Err(tauri::Error::WebviewNotFound));
        let sink = ChannelSink { app: app.handle().clone(), request_id: "r2".into(), channel: closed };
        assert_eq!(sink.send(ChatEvent::Delta { text: "x".into() }), Err(ListenerGone));
    }
}
