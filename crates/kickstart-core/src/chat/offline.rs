//! The Task assistant without an AI provider: an honest, rule-based reader of task commands
//! ("add call the bank tomorrow 9am", "show today", "complete call the bank", "move call the bank
//! to friday", "rename X to Y", "delete X") that speaks the [`Provider`] interface. It asks for the
//! same tool calls a model would — so the same tool layer runs them, the same approvals apply and
//! the transcript shows the same cards — and says plainly what it can't do offline.
//!
//! Each round is a pure function of the person's last message and the tool results since then:
//! round one asks for a tool (to act, or to find the task a command names); the next either acts
//! on the one task found, asks which one was meant, or reports the outcome.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt};
use serde_json::{json, Value};

use crate::providers::{
    ChatMessage, ChatRequest, ModelInfo, Provider, ProviderError, ProviderEvent, Role, StopReason, ToolCall,
};
use crate::tasks::quick_add;

/// Shown for anything it does not understand.
const HELP: &str = "I'm in **offline mode**: no AI provider is set up, so I understand only simple task \
commands. Try:\n\n- *add call the bank tomorrow 9am*\n- *show today* (or *show overdue*, *show #home*, \
*show all*)\n- *complete call the bank*\n- *move call the bank to friday*\n- *rename call the bank to call \
Anna*\n- *delete call the bank*\n\nFor anything else — questions, planning, writing — add an AI provider in \
Settings → Providers.";

/// What the person asked for.
#[derive(Debug, Clone, PartialEq)]
enum Command {
    Add(Vec<Value>),
    List(Value),
    /// A change to the task whose title matches `name`.
    Change {
        name: String,
        change: Change,
    },
    Help,
}

#[derive(Debug, Clone, PartialEq)]
enum Change {
    Complete,
    Delete,
    Due(String),
    Rename(String),
}

/// The rule-based assistant; `now` and `tz` read dates the way the Tasks page does.
pub struct OfflineAssistant {
    now: DateTime<Utc>,
    tz: Tz,
}

impl OfflineAssistant {
    pub fn new(now: DateTime<Utc>, tz: Tz) -> Self {
        Self { now, tz }
    }

    /// The next step for this conversation: a tool call, or the answer's text.
    fn reply(&self, messages: &[ChatMessage]) -> Reply {
        let Some(start) = messages.iter().rposition(|m| m.role == Role::User) else { return Reply::Text(HELP.into()) };
        let results: Vec<Value> = messages[start + 1..]
            .iter()
            .filter(|m| m.role == Role::Tool)
            .map(|m| serde_json::from_str(&m.content).unwrap_or_else(|_| json!({ "error": m.content })))
            .collect();
        let command = self.parse(&messages[start].content);
        match (command, results.as_slice()) {
            (Command::Help, _) => Reply::Text(HELP.into()),
            (Command::Add(tasks), []) => Reply::Call("add_task", json!({ "tasks": tasks })),
            (Command::List(filter), []) => Reply::Call("list_tasks", filter),
            (Command::Change { name, .. }, []) => Reply::Call("list_tasks", json!({ "text": name, "limit": 10 })),
            (Command::Change { name, change }, [found]) => self.act_on_match(&name, &change, found),
            (command, [.., last]) => Reply::Text(self.report(&command, last)),
        }
    }

    fn parse(&self, text: &str) -> Command {
        let text = text.trim().trim_end_matches(['.', '!', '?']).trim();
        let lower = text.to_lowercase();
        let rest = |prefix_len: usize| text[prefix_len..].trim().to_owned();
        for prefix in ["add ", "create ", "new task ", "remind me to ", "todo ", "todo: "] {
            if lower.starts_with(prefix) {
                let lines: Vec<Value> = rest(prefix.len())
                    .split(['\n', ';'])
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(|line| self.task_from_line(line))
                    .collect();
                return if lines.is_empty() { Command::Help } else { Command::Add(lines) };
            }
        }
        for prefix in ["show ", "list "] {
            if lower.starts_with(prefix) || lower == prefix.trim() {
                return Command::List(self.list_filter(&lower[prefix.len().min(lower.len())..]));
            }
        }
        // A question is about tasks only when it says so ("what's due today?", not "what's the
        // capital of France?").
        const ABOUT_TASKS: [&str; 9] = ["task", "todo", "to-do", "due", "overdue", "today", "tomorrow", "week", "#"];
        for prefix in ["what's ", "what is ", "what are ", "which ", "do i have "] {
            if lower.starts_with(prefix) && ABOUT_TASKS.iter().any(|word| lower.contains(word)) {
                return Command::List(self.list_filter(&lower[prefix.len()..]));
            }
        }
        if matches!(lower.as_str(), "show" | "list" | "tasks" | "my tasks" | "today" | "overdue") {
            return Command::List(self.list_filter(&lower));
        }
        let change = |name: String, change: Change| {
            if name.is_empty() {
                Command::Help
            } else {
                Command::Change { name, change }
            }
        };
        for prefix in ["complete ", "finish ", "done ", "check off ", "tick off ", "mark "] {
            if lower.starts_with(prefix) {
                let name = rest(prefix.len());
                let name =
                    strip_suffix_ci(&name, " as done").or_else(|| strip_suffix_ci(&name, " done")).unwrap_or(&name);
                return change(name.trim().to_owned(), Change::Complete);
            }
        }
        for prefix in ["delete ", "remove ", "drop ", "trash "] {
            if lower.starts_with(prefix) {
                return change(rest(prefix.len()), Change::Delete);
            }
        }
        for prefix in ["move ", "reschedule ", "postpone ", "push "] {
            if lower.starts_with(prefix) {
                if let Some((name, when)) = split_last_ci(&rest(prefix.len()), " to ") {
                    return change(name, Change::Due(when));
                }
            }
        }
        if lower.starts_with("rename ") {
            if let Some((name, title)) = split_last_ci(&rest("rename ".len()), " to ") {
                return change(name, Change::Rename(title));
            }
        }
        Command::Help
    }

    /// One line of "add …", read like quick add: "pay rent friday p1 #home".
    fn task_from_line(&self, line: &str) -> Value {
        let draft = quick_add::parse(line, &[], self.now, self.tz);
        let title = if draft.title.trim().is_empty() { line.to_owned() } else { draft.title.trim().to_owned() };
        let mut task = json!({ "title": title });
        if let Some(due) = draft.due {
            task["due"] = json!(match due.time {
                Some(time) => format!("{}T{time}", due.date),
                None => due.date,
            });
        }
        if let Some(priority) = draft.priority {
            task["priority"] = json!(match priority {
                crate::tasks::Priority::P1 => 1,
                crate::tasks::Priority::P2 => 2,
                crate::tasks::Priority::P3 => 3,
                crate::tasks::Priority::P4 => 4,
            });
        }
        if !draft.tags.is_empty() {
            task["tags"] = json!(draft.tags);
        }
        if let Some(recurrence) = draft.recurrence {
            task["repeat"] = json!(recurrence.rrule);
        }
        task
    }

    fn list_filter(&self, words: &str) -> Value {
        let mut filter = json!({ "limit": 25 });
        if words.contains("overdue") || words.contains("late") {
            filter["status"] = json!("overdue");
        } else if words.contains("done") || words.contains("completed") || words.contains("finished") {
            filter["status"] = json!("done");
        } else if words.contains("today") {
            filter["due_to"] = json!("today");
        } else if words.contains("tomorrow") {
            filter["due_from"] = json!("tomorrow");
            filter["due_to"] = json!("tomorrow");
        } else if words.contains("week") {
            let today = self.now.with_timezone(&self.tz).date_naive();
            filter["due_to"] = json!((today + chrono::Duration::days(6)).format("%Y-%m-%d").to_string());
        }
        if let Some(tag) = words.split_whitespace().find_map(|w| w.strip_prefix('#')).filter(|t| !t.is_empty()) {
            filter["tag"] = json!(tag);
        }
        filter
    }

    /// After the search for the task a command names: act on the one match, or ask.
    fn act_on_match(&self, name: &str, change: &Change, found: &Value) -> Reply {
        let tasks = found["tasks"].as_array().cloned().unwrap_or_default();
        let exact: Vec<&Value> = tasks
            .iter()
            .filter(|t| t["title"].as_str().is_some_and(|title| title.eq_ignore_ascii_case(name)))
            .collect();
        let chosen: &Value = match (exact.as_slice(), tasks.as_slice()) {
            ([one], _) => one,
            ([], [one]) => one,
            (_, []) => return Reply::Text(format!("I couldn't find an open task matching \"{name}\".")),
            _ => {
                let list: Vec<String> = tasks.iter().map(task_line).collect();
                return Reply::Text(format!(
                    "Several tasks match \"{name}\" — which one did you mean? Use its full title.\n\n{}",
                    list.join("\n")
                ));
            }
        };
        let id = chosen["id"].clone();
        match change {
            Change::Complete => Reply::Call("complete_task", json!({ "ids": [id] })),
            Change::Delete => Reply::Call("delete_task", json!({ "ids": [id] })),
            Change::Due(when) => Reply::Call("update_task", json!({ "id": id, "due": when })),
            Change::Rename(title) => Reply::Call("update_task", json!({ "id": id, "title": title })),
        }
    }

    /// The answer after the last tool result.
    fn report(&self, command: &Command, result: &Value) -> String {
        if let Some(error) = result.get("error").and_then(Value::as_str) {
            return if error.contains("declined") {
                "Okay, I left it as it was.".into()
            } else {
                format!("That didn't work: {error}")
            };
        }
        let failed: Vec<String> = result["failed"]
            .as_array()
            .map(|items| items.iter().filter_map(|f| f["error"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let listed = |key: &str| result[key].as_array().map(|tasks| tasks.iter().map(task_line).collect::<Vec<_>>());
        let mut text = match command {
            Command::Add(_) => match listed("created") {
                Some(lines) if !lines.is_empty() => format!("Added:\n\n{}", lines.join("\n")),
                _ => "Nothing was added.".into(),
            },
            Command::List(filter) => match listed("tasks") {
                Some(lines) if !lines.is_empty() => {
                    let more =
                        if result["next_cursor"].is_string() { "\n\n…and more on the Tasks page." } else { "" };
                    format!("{}:\n\n{}{more}", list_heading(filter), lines.join("\n"))
                }
                _ => format!("{}: nothing.", list_heading(filter)),
            },
            Command::Change { change, .. } => {
                let (key, verb) = match change {
                    Change::Complete => ("completed", "Done"),
                    Change::Delete => ("deleted", "Moved to the trash"),
                    Change::Due(_) | Change::Rename(_) => ("task", "Changed"),
                };
                let lines = match &result[key] {
                    Value::Array(tasks) => tasks.iter().map(task_line).collect::<Vec<_>>(),
                    task @ Value::Object(_) => vec![task_line(task)],
                    _ => Vec::new(),
                };
                if lines.is_empty() {
                    "Nothing changed.".into()
                } else {
                    format!("{verb}:\n\n{}", lines.join("\n"))
                }
            }
            Command::Help => HELP.into(),
        };
        if !failed.is_empty() {
            text.push_str(&format!("\n\nCouldn't do everything: {}", failed.join("; ")));
        }
        text
    }
}

/// A heading for a list, from its filter.
fn list_heading(filter: &Value) -> &'static str {
    match (filter["status"].as_str(), filter["due_to"].as_str(), filter["due_from"].as_str()) {
        (Some("overdue"), ..) => "Overdue",
        (Some("done"), ..) => "Completed",
        (_, Some("today"), _) => "Due today or earlier",
        (_, Some("tomorrow"), Some("tomorrow")) => "Due tomorrow",
        (_, Some(_), _) => "Due this week",
        _ => "Your open tasks",
    }
}

/// "- **Buy milk** — Tue 24 Nov, 17:00 · overdue · #errands"
fn task_line(task: &Value) -> String {
    let mut line = format!("- **{}**", task["title"].as_str().unwrap_or("(untitled)"));
    if let Some(due) = task["due"].as_str() {
        let (date, time) = due.split_once(' ').map_or((due, None), |(d, t)| (d, Some(t)));
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_or_else(|_| date.to_owned(), |d| d.format("%a %-d %b").to_string());
        line.push_str(&format!(" — {date}{}", time.map(|t| format!(", {t}")).unwrap_or_default()));
    }
    if task["overdue"].as_bool() == Some(true) {
        line.push_str(" · overdue");
    }
    if let Some(tags) = task["tags"].as_array() {
        for tag in tags.iter().filter_map(Value::as_str) {
            line.push_str(&format!(" · #{tag}"));
        }
    }
    line
}

fn strip_suffix_ci<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    (text.is_char_boundary(cut) && text[cut..].eq_ignore_ascii_case(suffix)).then(|| &text[..cut])
}

/// Splits at the last `separator` (any case): "move pay rent to friday" → ("pay rent", "friday").
fn split_last_ci(text: &str, separator: &str) -> Option<(String, String)> {
    let at = text.to_lowercase().rfind(separator)?;
    // Lowercasing can change byte lengths outside ASCII; fall back to no match then.
    if !text.is_char_boundary(at) || !text.is_char_boundary(at + separator.len()) {
        return None;
    }
    let (name, when) = (text[..at].trim(), text[at + separator.len()..].trim());
    (!name.is_empty() && !when.is_empty()).then(|| (name.to_owned(), when.to_owned()))
}

enum Reply {
    Call(&'static str, Value),
    Text(String),
}

impl Provider for OfflineAssistant {
    fn stream(&self, request: ChatRequest) -> BoxStream<'static, ProviderEvent> {
        let events = match self.reply(&request.messages) {
            Reply::Call(name, arguments) => {
                let round = request.messages.iter().filter(|m| m.role == Role::Tool).count();
                let call =
                    ToolCall { id: format!("offline-{round}"), name: name.into(), arguments: arguments.to_string() };
                vec![ProviderEvent::ToolCall { call }, ProviderEvent::Done { stop_reason: StopReason::ToolUse }]
            }
            Reply::Text(text) => {
                vec![ProviderEvent::TextDelta { text }, ProviderEvent::Done { stop_reason: StopReason::EndTurn }]
            }
        };
        stream::iter(events).boxed()
    }

    fn list_models(&self) -> BoxFuture<'static, Result<Vec<ModelInfo>, ProviderError>> {
        Box::pin(async { Ok(vec![ModelInfo { id: "offline".into(), owned_by: None }]) })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn assistant() -> OfflineAssistant {
        OfflineAssistant::new(
            Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().expect("date"),
            chrono_tz::Europe::Berlin,
        )
    }

    fn user(text: &str) -> Vec<ChatMessage> {
        vec![ChatMessage::new(Role::User, text)]
    }

    fn call(reply: Reply) -> (&'static str, Value) {
        match reply {
            Reply::Call(name, arguments) => (name, arguments),
            Reply::Text(text) => panic!("expected a call, got {text:?}"),
        }
    }

    fn text(reply: Reply) -> String {
        match reply {
            Reply::Text(text) => text,
            Reply::Call(name, _) => panic!("expected text, got a call to {name}"),
        }
    }

    #[test]
    fn add_reads_the_line_like_quick_add() {
        let (tool, arguments) = call(assistant().reply(&user("Add buy milk tomorrow 5pm p2 #errands")));
        assert_eq!(tool, "add_task");
        assert_eq!(
            arguments,
            json!({ "tasks": [{ "title": "buy milk", "due": "2026-11-24T17:00", "priority": 2, "tags": ["errands"] }] })
        );
        let (_, several) = call(assistant().reply(&user("add call the bank; water plants every monday")));
        assert_eq!(several["tasks"].as_array().map(Vec::len), Some(2));
        assert!(several["tasks"][1]["repeat"].as_str().is_some_and(|r| r.contains("FREQ=WEEKLY")));
    }

    #[test]
    fn lists_take_plain_filters() {
        let a = assistant();
        assert_eq!(call(a.reply(&user("show me today's tasks"))).1["due_to"], "today");
        assert_eq!(call(a.reply(&user("what's overdue?"))).1["status"], "overdue");
        assert_eq!(call(a.reply(&user("show #home"))).1["tag"], "home");
        assert_eq!(call(a.reply(&user("list"))).1, json!({ "limit": 25 }));
    }

    #[test]
    fn a_change_finds_the_task_first_then_acts_or_asks() {
        let a = assistant();
        let (tool, arguments) = call(a.reply(&user("move pay rent to friday")));
        assert_eq!((tool, arguments["text"].as_str()), ("list_tasks", Some("pay rent")));
        let mut conversation = user("move pay rent to friday");
        conversation
            .push(ChatMessage::new(Role::Tool, json!({ "tasks": [{ "id": "t1", "title": "Pay rent" }] }).to_string()));
        assert_eq!(call(a.reply(&conversation)), ("update_task", json!({ "id": "t1", "due": "friday" })));

        let mut ambiguous = user("complete report");
        ambiguous.push(ChatMessage::new(
            Role::Tool,
            json!({ "tasks": [{ "id": "a", "title": "Report A" }, { "id": "b", "title": "Report B" }] }).to_string(),
        ));
        assert!(text(a.reply(&ambiguous)).contains("which one"));
        let mut none = user("delete nothing like this");
        none.push(ChatMessage::new(Role::Tool, json!({ "tasks": [] }).to_string()));
        assert!(text(a.reply(&none)).contains("couldn't find"));
    }

    #[test]
    fn results_are_reported_and_a_denial_is_respected() {
        let a = assistant();
        let mut added = user("add buy milk tomorrow 5pm");
        added.push(ChatMessage::new(
            Role::Tool,
            json!({ "created": [{ "title": "buy milk", "due": "2026-11-24 17:00" }], "failed": [] }).to_string(),
        ));
        assert_eq!(text(a.reply(&added)), "Added:\n\n- **buy milk** — Tue 24 Nov, 17:00");
        let mut denied = user("delete pay rent");
        denied
            .push(ChatMessage::new(Role::Tool, json!({ "tasks": [{ "id": "t1", "title": "pay rent" }] }).to_string()));
        denied.push(ChatMessage::new(Role::Tool, "The person declined this call."));
        assert_eq!(text(a.reply(&denied)), "Okay, I left it as it was.");
    }

    #[test]
    fn anything_else_gets_an_honest_answer() {
        let answer = text(assistant().reply(&user("What's the capital of France?")));
        assert!(answer.contains("offline mode") && answer.contains("Settings → Providers"));
    }
}
