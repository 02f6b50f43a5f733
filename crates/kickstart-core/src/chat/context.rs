//! What is sent to the model: the system prompt plus as much recent history as fits the model's
//! context budget. Tokens are estimated (no tokenizer per provider): three characters a token,
//! which over-counts English and most European languages a little. Scripts with more tokens
//! than that per character (Chinese, Japanese) can be under-counted; the provider then answers
//! "context too long", which is shown as such.

use crate::providers::{ChatMessage, ProviderError, ProviderErrorKind};

/// Tokens a message costs beyond its text (role markers, separators).
const PER_MESSAGE_TOKENS: u32 = 4;

/// Estimated tokens of a text.
pub fn estimate_tokens(text: &str) -> u32 {
    u32::try_from(text.chars().count().div_ceil(3)).unwrap_or(u32::MAX)
}

fn message_tokens(message: &ChatMessage) -> u32 {
    estimate_tokens(&message.content).saturating_add(PER_MESSAGE_TOKENS)
}

/// The context size of well-known models, by name; 8 192 tokens for models this table doesn't
/// know (a safe size for local models; an agent can set its own).
pub fn guess_context_window(model: &str) -> u32 {
    let model = model.to_ascii_lowercase();
    let known: &[(&str, u32)] = &[
        ("claude", 200_000),
        ("gpt-4.1", 1_000_000),
        ("gpt-5", 400_000),
        ("gpt-4o", 128_000),
        ("gpt-4-turbo", 128_000),
        ("o1", 128_000),
        ("o3", 200_000),
        ("o4", 200_000),
        ("gpt-4", 8_192),
        ("gpt-3.5", 16_385),
        ("gemini", 1_000_000),
        ("qwen", 32_768),
        ("mistral", 32_768),
        ("llama3", 8_192),
        ("llama-3", 8_192),
    ];
    known
        .iter()
        .find(|(prefix, _)| model.starts_with(prefix) || model.contains(&format!("/{prefix}")))
        .map_or(8_192, |(_, size)| *size)
}

/// How the budget is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The model's context window in tokens.
    pub window: u32,
    /// Kept free for the answer.
    pub answer: u32,
}

impl Budget {
    /// The answer gets `max_tokens`, or a quarter of the window up to 4 096 tokens.
    pub fn new(window: u32, max_tokens: Option<u32>) -> Self {
        let answer = max_tokens.unwrap_or((window / 4).min(4_096)).min(window / 2);
        Self { window, answer }
    }
}

/// The newest messages that fit beside the system prompt, oldest first. Fails when even the
/// newest message (the one just written) does not fit.
pub fn fit(system: &str, history: &[ChatMessage], budget: Budget) -> Result<Vec<ChatMessage>, ProviderError> {
    let available = budget.window.saturating_sub(budget.answer).saturating_sub(estimate_tokens(system));
    let mut used = 0u32;
    let mut kept = 0usize;
    for message in history.iter().rev() {
        let cost = message_tokens(message);
        if used.saturating_add(cost) > available {
            break;
        }
        used += cost;
        kept += 1;
    }
    if kept == 0 && !history.is_empty() {
        if available == 0 {
            return Err(ProviderError::new(
                ProviderErrorKind::ContextTooLong,
                "The agent's system prompt fills the model's whole context window. Shorten it, or choose a model \
                 with a larger context window in the agent's settings.",
            ));
        }
        return Err(ProviderError::new(
            ProviderErrorKind::ContextTooLong,
            format!(
                "This message is too long for the model (about {} tokens; the model takes about {available} here). \
                 Shorten it, or choose a model with a larger context window in the agent's settings.",
                history.last().map_or(0, message_tokens)
            ),
        ));
    }
    let mut messages = history[history.len() - kept..].to_vec();
    // A conversation sent to a model starts with the person speaking.
    while messages.first().is_some_and(|m| m.role != crate::providers::Role::User) {
        messages.remove(0);
    }
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Role;

    fn msg(role: Role, chars: usize) -> ChatMessage {
        ChatMessage::new(role, "x".repeat(chars))
    }

    #[test]
    fn everything_fits_in_a_large_window() {
        let history = vec![msg(Role::User, 30), msg(Role::Assistant, 30), msg(Role::User, 30)];
        assert_eq!(fit("be brief", &history, Budget::new(8_192, None)).map(|m| m.len()), Ok(3));
    }

    #[test]
    fn the_oldest_messages_are_dropped_first_and_the_context_starts_with_the_user() {
        // Each message costs 100 + 4 tokens; 1 000 - 500 (answer) leaves room for four.
        let history: Vec<ChatMessage> =
            (0..9).map(|i| msg(if i % 2 == 0 { Role::User } else { Role::Assistant }, 300)).collect();
        let kept = fit("", &history, Budget { window: 1_000, answer: 500 }).expect("fits");
        assert_eq!(kept.len(), 3, "four fit, but the first would be an assistant message");
        assert_eq!(kept[0].role, Role::User);
        assert_eq!(kept.last(), history.last());
    }

    #[test]
    fn the_system_prompt_takes_its_share() {
        let history = vec![msg(Role::User, 300), msg(Role::Assistant, 300), msg(Role::User, 300)];
        let system = "s".repeat(900);
        assert_eq!(fit(&system, &history, Budget { window: 1_000, answer: 500 }).map(|m| m.len()), Ok(1));
    }

    #[test]
    fn a_message_that_alone_is_too_long_is_refused() {
        let history = vec![msg(Role::User, 3_000)];
        let error = fit("", &history, Budget::new(1_000, None)).expect_err("too long");
        assert_eq!(error.kind, ProviderErrorKind::ContextTooLong);
    }

    #[test]
    fn known_models_have_their_windows() {
        assert_eq!(guess_context_window("claude-sonnet-4-5"), 200_000);
        assert_eq!(guess_context_window("gpt-4o-mini"), 128_000);
        assert_eq!(guess_context_window("openai/gpt-4o"), 128_000);
        assert_eq!(guess_context_window("my-local-model"), 8_192);
        assert_eq!(Budget::new(8_192, None).answer, 2_048);
        assert_eq!(Budget::new(200_000, None).answer, 4_096);
        assert_eq!(Budget::new(1_000, Some(10_000)).answer, 500, "the answer never takes more than half");
    }
}
