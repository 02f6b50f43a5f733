//! One answer as a state machine: inputs in (provider events, the persistence tick, a cancel, a
//! vanished listener, tool calls done), effects out as data (emit to the listener, persist a
//! snapshot, call tools, finish). An answer may take several rounds: the model asks for tools,
//! the driver runs them and streams the model's next round into the same answer.
//! It does no I/O and reads no clock — the driver in [`super`] passes the elapsed time — so
//! every transition is testable without network, database or Tauri.

use crate::providers::{ProviderError, ProviderErrorKind, ProviderEvent, StopReason, ToolCall, Usage};
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
    /// The driver ran the calls of the last [`Effect::CallTools`]; the model's next round streams.
    ToolsDone,
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
    /// The model asked for tools: run them, then feed [`Input::ToolsDone`] and stream the next
    /// round (the provider's current stream has ended).
    CallTools(ToolRound),
    /// The answer is over: write its final state. Nothing follows.
    Finish(Finish),
}

/// The tool calls of one round, and where they stand in the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolRound {
    /// 0 for the first round.
    pub round: u32,
    pub calls: Vec<ToolCall>,
    /// The text the model wrote in this round (sent back with its calls).
    pub text: String,
    /// Where the calls were made in the answer's text, in UTF-16 code units.
    pub position: u32,
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
/// Most rounds of tool calls in one answer: a model that keeps calling tools is stopped here.
pub const MAX_TOOL_ROUNDS: u32 = 8;

/// The state of one answer being streamed.
#[derive(Debug, Default)]
pub struct Answer {
    content: String,
    /// Text arrived since the last `Persist`.
    dirty: bool,
    /// When the last `Persist` was asked for.
    persisted_at_ms: u64,
    /// Totals over every round so far.
    usage: Option<Usage>,
    /// The totals of the rounds before this one (each round's usage counts from zero).
    usage_before_round: Usage,
    first_token_ms: Option<u64>,
    finished: bool,
    round: u32,
    /// Where this round's text begins in `content` (bytes).
    round_start: usize,
    /// `content`'s length in UTF-16 code units.
    utf16_len: u32,
    /// Calls the model made in this round.
    calls: Vec<ToolCall>,
    /// Waiting for the driver to run tools.
    awaiting_tools: bool,
    /// A new round's text starts a new paragraph.
    new_paragraph: bool,
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
            Input::Provider(ProviderEvent::TextDelta { mut text }) => {
                if text.is_empty() || self.awaiting_tools {
                    return Vec::new();
                }
                self.first_token_ms.get_or_insert(elapsed_ms);
                if std::mem::take(&mut self.new_paragraph) && !self.content.is_empty() && !self.content.ends_with('\n')
                {
                    text.insert_str(0, "\n\n");
                }
                self.utf16_len = self.utf16_len.saturating_add(text.encode_utf16().count() as u32);
                self.content.push_str(&text);
                self.dirty = true;
                let mut effects = vec![Effect::Emit(ChatEvent::Delta { text })];
                effects.extend(self.persist_if_due(elapsed_ms));
                effects
            }
            Input::Provider(ProviderEvent::Usage { usage }) => {
                let total = Usage {
                    input_tokens: self.usage_before_round.input_tokens.saturating_add(usage.input_tokens),
                    output_tokens: self.usage_before_round.output_tokens.saturating_add(usage.output_tokens),
                };
                self.usage = Some(total);
                vec![Effect::Emit(ChatEvent::Usage { usage: total })]
            }
            // The driver shows a call once it is recorded; its pieces are not shown forming.
            Input::Provider(ProviderEvent::ToolCallDelta { .. }) => Vec::new(),
            Input::Provider(ProviderEvent::ToolCall { call }) => {
                self.first_token_ms.get_or_insert(elapsed_ms);
                self.calls.push(call);
                Vec::new()
            }
            // Some servers end a round of calls with "stop" rather than "tool_calls": the calls decide.
            Input::Provider(ProviderEvent::Done { .. }) if !self.calls.is_empty() => self.call_tools(elapsed_ms),
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
            Input::ToolsDone => {
                self.awaiting_tools = false;
                self.round += 1;
                self.round_start = self.content.len();
                self.new_paragraph = true;
                Vec::new()
            }
            Input::Cancel | Input::ListenerGone => self.finish(MessageStatus::Cancelled, None, None, elapsed_ms),
        }
    }

    /// Ends the round: the calls go to the driver (after the text so far is saved), unless the
    /// answer has used all its rounds.
    fn call_tools(&mut self, elapsed_ms: u64) -> Vec<Effect> {
        if self.round + 1 >= MAX_TOOL_ROUNDS {
            let error = ProviderError::new(
                ProviderErrorKind::Rejected,
                format!(
                    "The model kept calling tools ({MAX_TOOL_ROUNDS} rounds) without answering, so it was stopped."
                ),
            );
            return self.finish(MessageStatus::Error, Some(StopReason::ToolUse), Some(error), elapsed_ms);
        }
        self.awaiting_tools = true;
        self.usage_before_round = self.usage.unwrap_or_default();
        let mut effects = if self.dirty { self.persist(elapsed_ms) } else { Vec::new() };
        effects.push(Effect::CallTools(ToolRound {
            round: self.round,
            calls: std::mem::take(&mut self.calls),
            text: self.content[self.round_start..].to_owned(),
            position: self.utf16_len,
        }));
        effects
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

    fn call(id: &str) -> Input {
        Input::Provider(ProviderEvent::ToolCall {
            call: ToolCall { id: id.into(), name: "add_task".into(), arguments: "{}".into() },
        })
    }

    fn done(stop_reason: StopReason) -> Input {
        Input::Provider(ProviderEvent::Done { stop_reason })
    }

    #[test]
    fn tool_calls_end_a_round_and_the_next_round_continues_the_same_answer() {
        let mut answer = Answer::new();
        answer.handle(text("Adding ✓"), 5);
        assert_eq!(answer.handle(call("c1"), 6), vec![]);
        assert_eq!(answer.handle(call("c2"), 7), vec![], "two calls in one turn");
        let effects = answer.handle(done(StopReason::ToolUse), 8);
        let [Effect::Persist { content }, Effect::CallTools(round)] = effects.as_slice() else {
            panic!("save, then call tools: {effects:?}")
        };
        assert_eq!(content, "Adding ✓");
        assert_eq!(
            (round.round, round.calls.len(), round.text.as_str(), round.position),
            (0, 2, "Adding ✓", 8),
            "position counts UTF-16 units"
        );
        assert!(!answer.is_finished());
        assert_eq!(answer.handle(text("ignored while tools run"), 9), vec![]);
        assert_eq!(answer.handle(Input::ToolsDone, 10), vec![]);
        answer.handle(Input::Provider(ProviderEvent::Usage { usage: Usage { input_tokens: 3, output_tokens: 1 } }), 11);
        assert_eq!(
            answer.handle(text("Done."), 12),
            vec![Effect::Emit(ChatEvent::Delta { text: "\n\nDone.".into() })],
            "the next round starts a paragraph"
        );
        let effects = answer.handle(done(StopReason::EndTurn), 13);
        let [Effect::Finish(finish)] = effects.as_slice() else { panic!("one finish expected") };
        assert_eq!((finish.status, finish.content.as_str()), (MessageStatus::Complete, "Adding ✓\n\nDone."));
    }

    #[test]
    fn usage_adds_up_over_rounds() {
        let mut answer = Answer::new();
        let usage = |i, o| Input::Provider(ProviderEvent::Usage { usage: Usage { input_tokens: i, output_tokens: o } });
        answer.handle(usage(10, 2), 1);
        answer.handle(call("c1"), 2);
        answer.handle(done(StopReason::EndTurn), 3);
        answer.handle(Input::ToolsDone, 4);
        assert_eq!(
            answer.handle(usage(15, 4), 5),
            vec![Effect::Emit(ChatEvent::Usage { usage: Usage { input_tokens: 25, output_tokens: 6 } })],
            "a call ending with \"stop\" still counts as a round of calls"
        );
    }

    #[test]
    fn a_model_that_never_stops_calling_tools_is_stopped() {
        let mut answer = Answer::new();
        for round in 0..MAX_TOOL_ROUNDS - 1 {
            answer.handle(call("c"), u64::from(round));
            let effects = answer.handle(done(StopReason::ToolUse), u64::from(round));
            assert!(matches!(effects.last(), Some(Effect::CallTools(_))), "round {round} runs its calls");
            answer.handle(Input::ToolsDone, u64::from(round));
        }
        answer.handle(call("c"), 99);
        let effects = answer.handle(done(StopReason::ToolUse), 100);
        let [Effect::Finish(finish)] = effects.as_slice() else { panic!("the last round finishes: {effects:?}") };
        assert_eq!(finish.status, MessageStatus::Error);
        assert!(finish.error.as_ref().is_some_and(|e| e.message.contains("kept calling tools")));
    }

    #[test]
    fn cancel_while_tools_run_keeps_the_text() {
        let mut answer = Answer::new();
        answer.handle(text("Let me check"), 1);
        answer.handle(call("c1"), 2);
        answer.handle(done(StopReason::ToolUse), 3);
        let effects = answer.handle(Input::Cancel, 4);
        let [Effect::Finish(finish)] = effects.as_slice() else { panic!("one finish expected") };
        assert_eq!((finish.status, finish.content.as_str()), (MessageStatus::Cancelled, "Let me check"));
    }
}
