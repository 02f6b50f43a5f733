//! One answer as a state machine: inputs in (provider events, the persistence tick, a cancel, a
//! vanished listener), effects out as data (emit to the listener, persist a snapshot, finish).
//! It does no I/O and reads no clock — the driver in [`super`] passes the elapsed time — so
//! every transition is testable without network, database or Tauri.

use crate::providers::{ProviderError, ProviderErrorKind, ProviderEvent, StopReason, Usage};
use crate::threads::MessageStatus;

use super::ChatEvent;

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// The provider's next event.
    Provider(ProviderEvent),
    /// The provider's stream ended without a last event (a provider bug; treated as malformed).
    ProviderEnded,
    /// The persistence timer: save the text if it changed.
    Tick,
    /// The person pressed Stop.
    Cancel,
    /// The window listening went away: the same as a cancel.
    ListenerGone,
}

/// What the driver must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send to the listener.
    Emit(ChatEvent),
    /// Write the answer so far to the database (the driver hands it to a writer task, so the
    /// stream never waits for the disk). Comes at least every [`PERSIST_EVERY_MS`] while text
    /// arrives: on a timer tick, or with a delta when the timer could not get a turn (a backlog
    /// of events keeps the driver busy).
    Persist { content: String },
    /// The answer is over: write its final state. Nothing follows.
    Finish(Finish),
}

/// The final state of an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Finish {
    pub status: MessageStatus,
    pub content: String,
    pub usage: Option<Usage>,
    pub stop_reason: Option<StopReason>,
    pub error: Option<ProviderError>,
    pub time_to_first_token_ms: Option<u64>,
    pub duration_ms: u64,
}

/// The longest the saved text may lag behind the streamed text, in milliseconds.
pub const PERSIST_EVERY_MS: u64 = 250;

/// The state of one answer being streamed.
#[derive(Debug, Default)]
pub struct Answer {
    content: String,
    /// Text arrived since the last `Persist`.
    dirty: bool,
    /// When the last `Persist` was asked for.
    persisted_at_ms: u64,
    usage: Option<Usage>,
    first_token_ms: Option<u64>,
    finished: bool,
}

impl Answer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the answer has finished (no input changes anything after that).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Feeds one input, `elapsed_ms` after the request started; returns what to do.
    pub fn handle(&mut self, input: Input, elapsed_ms: u64) -> Vec<Effect> {
        if self.finished {
            return Vec::new();
        }
        match input {
            Input::Provider(ProviderEvent::TextDelta { text }) => {
                if text.is_empty() {
                    return Vec::new();
                }
                self.first_token_ms.get_or_insert(elapsed_ms);
                self.content.push_str(&text);
                self.dirty = true;
                let mut effects = vec![Effect::Emit(ChatEvent::Delta { text })];
                effects.extend(self.persist_if_due(elapsed_ms));
                effects
            }
            Input::Provider(ProviderEvent::Usage { usage }) => {
                self.usage = Some(usage);
                vec![Effect::Emit(ChatEvent::Usage { usage })]
            }
            // Tools arrive with the tools issue; no tools are offered to the model yet, so a call
            // it makes anyway is only logged by the driver.
            Input::Provider(ProviderEvent::ToolCallDelta { .. } | ProviderEvent::ToolCall { .. }) => Vec::new(),
            Input::Provider(ProviderEvent::Done { stop_reason }) => {
                self.finish(MessageStatus::Complete, Some(stop_reason), None, elapsed_ms)
            }
            Input::Provider(ProviderEvent::Error { error }) => {
                self.finish(MessageStatus::Error, None, Some(error), elapsed_ms)
            }
            Input::ProviderEnded => {
                let error = ProviderError::new(ProviderErrorKind::Malformed, "The answer ended unexpectedly.");
                self.finish(MessageStatus::Error, None, Some(error), elapsed_ms)
            }
            Input::Tick if self.dirty => self.persist(elapsed_ms),
            Input::Tick => Vec::new(),
            Input::Cancel | Input::ListenerGone => self.finish(MessageStatus::Cancelled, None, None, elapsed_ms),
        }
    }

    fn persist(&mut self, elapsed_ms: u64) -> Vec<Effect> {
        self.dirty = false;
        self.persisted_at_ms = elapsed_ms;
        vec![Effect::Persist { content: self.content.clone() }]
    }

    fn persist_if_due(&mut self, elapsed_ms: u64) -> Vec<Effect> {
        if elapsed_ms.saturating_sub(self.persisted_at_ms) >= PERSIST_EVERY_MS {
            self.persist(elapsed_ms)
        } else {
            Vec::new()
        }
    }

    fn finish(
        &mut self,
        status: MessageStatus,
        stop_reason: Option<StopReason>,
        error: Option<ProviderError>,
        elapsed_ms: u64,
    ) -> Vec<Effect> {
        self.finished = true;
        self.dirty = false;
        vec![Effect::Finish(Finish {
            status,
            content: std::mem::take(&mut self.content),
            usage: self.usage,
            stop_reason,
            error,
            time_to_first_token_ms: self.first_token_ms,
            duration_ms: elapsed_ms,
        })]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Input {
        Input::Provider(ProviderEvent::TextDelta { text: t.to_owned() })
    }

    #[test]
    fn deltas_are_emitted_and_persisted_only_on_a_tick_after_a_change() {
        let mut answer = Answer::new();
        assert_eq!(answer.handle(Input::Tick, 0), vec![]);
        assert_eq!(answer.handle(text("Hel"), 120), vec![Effect::Emit(ChatEvent::Delta { text: "Hel".into() })]);
        assert_eq!(answer.handle(text("lo"), 130), vec![Effect::Emit(ChatEvent::Delta { text: "lo".into() })]);
        assert_eq!(answer.handle(Input::Tick, 250), vec![Effect::Persist { content: "Hello".into() }]);
        assert_eq!(answer.handle(Input::Tick, 500), vec![], "nothing new, nothing written");
        assert_eq!(answer.handle(text(""), 510), vec![], "empty deltas are dropped");
    }

    #[test]
    fn a_backlog_of_deltas_still_saves_every_250_ms_without_a_tick() {
        let mut answer = Answer::new();
        assert_eq!(answer.handle(text("a"), 100).len(), 1, "not due yet");
        assert_eq!(answer.handle(text("b"), 249).len(), 1);
        assert_eq!(
            answer.handle(text("c"), 250),
            vec![Effect::Emit(ChatEvent::Delta { text: "c".into() }), Effect::Persist { content: "abc".into() }]
        );
        assert_eq!(answer.handle(text("d"), 400).len(), 1, "the next save is 250 ms after the last");
        assert_eq!(answer.handle(Input::Tick, 450), vec![Effect::Persist { content: "abcd".into() }]);
        assert_eq!(answer.handle(text("e"), 600).len(), 1, "a tick's save restarts the interval");
        assert_eq!(answer.handle(text("f"), 700).len(), 2);
    }

    #[test]
    fn done_finishes_complete_with_usage_and_first_token_time() {
        let mut answer = Answer::new();
        answer.handle(text("Hi"), 40);
        let usage = Usage { input_tokens: 12, output_tokens: 2 };
        assert_eq!(
            answer.handle(Input::Provider(ProviderEvent::Usage { usage }), 50),
            vec![Effect::Emit(ChatEvent::Usage { usage })]
        );
        let effects = answer.handle(Input::Provider(ProviderEvent::Done { stop_reason: StopReason::EndTurn }), 60);
        assert_eq!(
            effects,
            vec![Effect::Finish(Finish {
                status: MessageStatus::Complete,
                content: "Hi".into(),
                usage: Some(usage),
                stop_reason: Some(StopReason::EndTurn),
                error: None,
                time_to_first_token_ms: Some(40),
                duration_ms: 60,
            })]
        );
        assert!(answer.is_finished());
        assert_eq!(answer.handle(text("late"), 70), vec![], "nothing after the end");
        assert_eq!(answer.handle(Input::Cancel, 80), vec![]);
    }

    #[test]
    fn an_error_keeps_the_partial_text() {
        let mut answer = Answer::new();
        answer.handle(text("Partial"), 10);
        let error = ProviderError::new(ProviderErrorKind::Unreachable, "lost");
        let effects = answer.handle(Input::Provider(ProviderEvent::Error { error: error.clone() }), 20);
        let [Effect::Finish(finish)] = effects.as_slice() else { panic!("one finish expected: {effects:?}") };
        assert_eq!(
            (finish.status, finish.content.as_str(), finish.error.as_ref()),
            (MessageStatus::Error, "Partial", Some(&error))
        );
    }

    #[test]
    fn cancel_and_a_vanished_listener_keep_the_text_as_cancelled() {
        for input in [Input::Cancel, Input::ListenerGone] {
            let mut answer = Answer::new();
            answer.handle(text("So far"), 5);
            let effects = answer.handle(input, 9);
            let [Effect::Finish(finish)] = effects.as_slice() else { panic!("one finish expected") };
            assert_eq!((finish.status, finish.content.as_str()), (MessageStatus::Cancelled, "So far"));
            assert_eq!(finish.time_to_first_token_ms, Some(5));
        }
    }

    #[test]
    fn a_stream_that_ends_without_done_is_an_error() {
        let mut answer = Answer::new();
        let effects = answer.handle(Input::ProviderEnded, 3);
        let [Effect::Finish(finish)] = effects.as_slice() else { panic!("one finish expected") };
        assert_eq!(finish.status, MessageStatus::Error);
        assert_eq!(finish.error.as_ref().map(|e| e.kind), Some(ProviderErrorKind::Malformed));
        assert_eq!(finish.time_to_first_token_ms, None);
    }

    #[test]
    fn tool_calls_are_ignored_until_tools_exist() {
        let mut answer = Answer::new();
        let call = crate::providers::ToolCall { id: "c1".into(), name: "x".into(), arguments: "{}".into() };
        assert_eq!(answer.handle(Input::Provider(ProviderEvent::ToolCall { call }), 1), vec![]);
        assert!(!answer.is_finished());
    }
}
