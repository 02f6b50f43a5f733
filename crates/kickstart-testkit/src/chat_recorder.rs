//! [`ChatRecorder`]: a chat listener that keeps every event, for tests of answers with tool calls.

use std::sync::Mutex;
use std::time::Duration;

use kickstart_core::chat::{ChatEvent, ChatSink, ListenerGone, ToolCallStatus, ToolCallView};

/// Keeps every event an answer sends, and finds its tool calls among them.
#[derive(Default)]
pub struct ChatRecorder {
    events: Mutex<Vec<ChatEvent>>,
}

impl ChatRecorder {
    /// Every state the answer's tool calls were shown in, in order.
    pub fn calls(&self) -> Vec<ToolCallView> {
        self.events
            .lock()
            .expect("events")
            .iter()
            .filter_map(|event| match event {
                ChatEvent::ToolCall { call } => Some((**call).clone()),
                _ => None,
            })
            .collect()
    }

    /// Waits (up to 5 s) until a call asks for approval and returns it; panics if none does.
    pub async fn awaiting_approval(&self) -> ToolCallView {
        for _ in 0..500 {
            if let Some(call) = self.calls().into_iter().find(|c| c.status == ToolCallStatus::AwaitingApproval) {
                return call;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no call asked for approval; events: {:?}", self.events.lock().expect("events"));
    }
}

impl ChatSink for ChatRecorder {
    fn send(&self, event: ChatEvent) -> Result<(), ListenerGone> {
        self.events.lock().expect("events").push(event);
        Ok(())
    }
}
