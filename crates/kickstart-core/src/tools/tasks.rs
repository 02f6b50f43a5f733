//! The task tools: add, list, complete, change and delete tasks. Dates may be ISO or plain words
//! ("tomorrow 5pm", "next friday"): they go through the same quick-add parser as the Tasks page.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{failure, parse_arguments, schema_of, success, ToolDefinition, ToolHints, ToolOutput};
use crate::auth::Session;
use crate::tasks::{Due, NewTask, Priority, Task, TaskId, TaskPatch, TaskQuery, TaskStatus, TaskView};
use crate::Core;

/// Most tasks one `add_task` call creates.
const MAX_NEW_TASKS: usize = 50;
/// Most ids one `complete_task` or `delete_task` call takes.
const MAX_IDS: usize = 100;

pub(super) fn definitions() -> Vec<ToolDefinition> {
    vec![
        ToolDefinition {
            name: "add_task",
            title: "Add tasks",
            description: "Adds one or more tasks to the to-do list. Give each task a short title; put a due \
                date in `due` (an ISO date or date-time, or words such as \"tomorrow 5pm\" or \"next friday\"), \
                not in the title. Returns the tasks as saved, and any that could not be added with the reason.",
            input_schema: schema_of::<AddTaskArgs>(),
            output_schema: schema_of::<AddedTasks>(),
            hints: ToolHints { read_only: false, destructive: false, idempotent: false, open_world: false },
        },
        ToolDefinition {
            name: "list_tasks",
            title: "List tasks",
            description: "Lists tasks, soonest due first. By default the open tasks; filter by status, due \
                range (\"today\" and \"overdue\" are easy: due_to \"today\" gives everything due today or \
                earlier), tag or text. Returns at most `limit` tasks and a cursor for the next page.",
            input_schema: schema_of::<ListTasksArgs>(),
            output_schema: schema_of::<TaskList>(),
            hints: ToolHints { read_only: true, destructive: false, idempotent: true, open_world: false },
        },
        ToolDefinition {
            name: "complete_task",
            title: "Complete tasks",
            description: "Marks tasks done, by id (from list_tasks or add_task). A repeating task moves to its \
                next date instead. Returns the tasks afterwards, and any ids that failed with the reason.",
            input_schema: schema_of::<TaskIdsArgs>(),
            output_schema: schema_of::<CompletedTasks>(),
            hints: ToolHints { read_only: false, destructive: false, idempotent: true, open_world: false },
        },
        ToolDefinition {
            name: "update_task",
            title: "Change a task",
            description: "Changes a task's title, notes, due date, priority, tags or repetition; fields left \
                out stay as they are. An empty string for `notes`, `due` or `repeat` removes it. `status` \
                \"open\" reopens a done task.",
            input_schema: schema_of::<UpdateTaskArgs>(),
            output_schema: schema_of::<UpdatedTask>(),
            hints: ToolHints { read_only: false, destructive: true, idempotent: true, open_world: false },
        },
        ToolDefinition {
            name: "delete_task",
            title: "Delete tasks",
            description: "Moves tasks to the trash, by id (the person can restore them from the trash). \
                Returns the deleted tasks, and any ids that failed with the reason.",
            input_schema: schema_of::<TaskIdsArgs>(),
            output_schema: schema_of::<DeletedTasks>(),
            hints: ToolHints { read_only: false, destructive: true, idempotent: true, open_world: false },
        },
    ]
}

/// Runs the task tool `name`; None when there is no such tool.
pub(super) async fn call(core: &Core, session: &Session, name: &str, arguments: Value) -> Option<ToolOutput> {
    let output = match name {
        "add_task" => run(name, arguments, |args| add(core, session, args)).await,
        "list_tasks" => run(name, arguments, |args| list(core, session, args)).await,
        "complete_task" => run(name, arguments, |args| complete(core, session, args)).await,
        "update_task" => run(name, arguments, |args| update(core, session, args)).await,
        "delete_task" => run(name, arguments, |args| delete(core, session, args)).await,
        _ => return None,
    };
    Some(output)
}

async fn run<A: serde::de::DeserializeOwned>(
    name: &str,
    arguments: Value,
    tool: impl AsyncFnOnce(A) -> ToolOutput,
) -> ToolOutput {
    match parse_arguments::<A>(name, arguments) {
        Ok(args) => tool(args).await,
        Err(output) => output,
    }
}

// ---- arguments ----

/// A task to add.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewTaskArgs {
    /// What to do, in a few words (no date or tags in here).
    #[schemars(length(min = 1, max = 500))]
    title: String,
    /// Longer notes (Markdown).
    notes: Option<String>,
    /// When it is due: "2026-05-01", "2026-05-01T17:00", or words like "tomorrow 5pm", "in 3 days",
    /// "next monday".
    due: Option<String>,
    /// 1 (most urgent) to 4 (the default).
    #[schemars(range(min = 1, max = 4))]
    priority: Option<u8>,
    /// Tags, without "#".
    tags: Option<Vec<String>>,
    /// How it repeats: words like "every monday", "every 2 weeks", "every month on the 1st", or an
    /// RRULE such as "FREQ=WEEKLY;BYDAY=MO".
    repeat: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AddTaskArgs {
    /// The tasks to add (1 to 50).
    #[schemars(length(min = 1, max = 50))]
    tasks: Vec<NewTaskArgs>,
}

/// Which tasks, by state.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum ListStatus {
    /// Not done yet (the default).
    #[default]
    Open,
    /// Open and past due.
    Overdue,
    /// Done, most recently completed first.
    Done,
    /// In the trash.
    Deleted,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListTasksArgs {
    /// "open" (default), "overdue", "done" or "deleted".
    status: Option<ListStatus>,
    /// Only tasks due on or after this day: "2026-05-01" or words like "today", "monday".
    due_from: Option<String>,
    /// Only tasks due on or before this day: "2026-05-01" or words like "today", "friday", "in 2 weeks".
    due_to: Option<String>,
    /// Only tasks with this tag (without "#").
    tag: Option<String>,
    /// Only tasks whose title, notes or tags contain these words.
    text: Option<String>,
    /// How many tasks at most (1 to 200; default 50).
    #[schemars(range(min = 1, max = 200))]
    limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TaskIdsArgs {
    /// The tasks' ids (1 to 100).
    #[schemars(length(min = 1, max = 100))]
    ids: Vec<String>,
}

/// Open or done.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum UpdateStatus {
    Open,
    Done,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpdateTaskArgs {
    /// The task's id.
    id: String,
    /// A new title.
    #[schemars(length(min = 1, max = 500))]
    title: Option<String>,
    /// New notes; "" removes them.
    notes: Option<String>,
    /// A new due date (ISO or words like "friday 9am"); "" removes it (and any repetition).
    due: Option<String>,
    /// 1 (most urgent) to 4.
    #[schemars(range(min = 1, max = 4))]
    priority: Option<u8>,
    /// The task's tags from now on (replaces the old ones).
    tags: Option<Vec<String>>,
    /// How it repeats from now on (words or an RRULE); "" stops it repeating.
    repeat: Option<String>,
    /// "done" completes it; "open" reopens a done task.
    status: Option<UpdateStatus>,
}

// ---- results ----

/// A task as tools report it.
#[derive(Debug, Serialize, JsonSchema)]
struct TaskItem {
    id: String,
    title: String,
    /// Empty when there are none.
    notes: String,
    /// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" (local time); null when undated.
    due: Option<String>,
    /// 1 (most urgent) to 4.
    #[schemars(range(min = 1, max = 4))]
    priority: u8,
    tags: Vec<String>,
    /// "open", "done" or "deleted".
    status: &'static str,
    /// How it repeats, in words; null when it does not.
    repeat: Option<String>,
    /// Open and past due.
    overdue: bool,
}

impl From<Task> for TaskItem {
    fn from(task: Task) -> Self {
        Self {
            due: task.due.map(|due| match due.time {
                Some(time) => format!("{} {time}", due.date),
                None => due.date,
            }),
            priority: match task.priority {
                Priority::P1 => 1,
                Priority::P2 => 2,
                Priority::P3 => 3,
                Priority::P4 => 4,
            },
            status: match (&task.deleted_at, task.status) {
                (Some(_), _) => "deleted",
                (None, TaskStatus::Done) => "done",
                (None, TaskStatus::Open) => "open",
            },
            repeat: task.recurrence.map(|r| r.label),
            overdue: task.overdue,
            id: task.id.0,
            title: task.title,
            notes: task.notes,
            tags: task.tags,
        }
    }
}

/// One item of a batch that failed.
#[derive(Debug, Serialize, JsonSchema)]
struct ItemFailure {
    /// The position in `tasks` (for add_task) or the id (for the others).
    item: String,
    error: String,
}

#[derive(Debug, Serialize, JsonSchema)]
struct AddedTasks {
    created: Vec<TaskItem>,
    failed: Vec<ItemFailure>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct TaskList {
    tasks: Vec<TaskItem>,
    /// Pass as `cursor` for the next page; null on the last page.
    next_cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct CompletedTasks {
    completed: Vec<TaskItem>,
    failed: Vec<ItemFailure>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct UpdatedTask {
    task: TaskItem,
}

#[derive(Debug, Serialize, JsonSchema)]
struct DeletedTasks {
    deleted: Vec<TaskItem>,
    failed: Vec<ItemFailure>,
}

// ---- the tools ----

async fn add(core: &Core, session: &Session, args: AddTaskArgs) -> ToolOutput {
    if args.tasks.is_empty() || args.tasks.len() > MAX_NEW_TASKS {
        return ToolOutput::invalid(format!("Give 1 to {MAX_NEW_TASKS} tasks in `tasks`."));
    }
    let mut result = AddedTasks { created: Vec::new(), failed: Vec::new() };
    for (index, task) in args.tasks.into_iter().enumerate() {
        let item = index.to_string();
        let new_task = match new_task(core, task) {
            Ok(new_task) => new_task,
            Err(error) => {
                result.failed.push(ItemFailure { item, error });
                continue;
            }
        };
        match core.tasks().create(session, new_task).await {
            Ok(task) => result.created.push(task.into()),
            Err(error) => result.failed.push(ItemFailure { item, error: failure(error, "task").text() }),
        }
    }
    success(result)
}

fn new_task(core: &Core, task: NewTaskArgs) -> Result<NewTask, String> {
    let mut due = task.due.as_deref().map(|text| parse_due(core, text)).transpose()?;
    let recurrence = match task.repeat.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(repeat) => {
            let (rule, first) = parse_repeat(core, repeat)?;
            due = due.or(first);
            Some(rule)
        }
        None => None,
    };
    Ok(NewTask {
        title: task.title,
        notes: task.notes,
        due,
        priority: task.priority.map(priority).transpose()?,
        tags: task.tags.map(clean_tags),
        recurrence,
    })
}

async fn list(core: &Core, session: &Session, args: ListTasksArgs) -> ToolOutput {
    let view = match args.status.unwrap_or_default() {
        ListStatus::Open => TaskView::Inbox,
        ListStatus::Overdue => TaskView::Overdue,
        ListStatus::Done => TaskView::Completed,
        ListStatus::Deleted => TaskView::Trash,
    };
    let day = |field: &str, text: Option<String>| -> Result<Option<String>, ToolOutput> {
        match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => parse_due(core, text)
                .map(|due| Some(due.date))
                .map_err(|error| ToolOutput::invalid(format!("`{field}`: {error}"))),
        }
    };
    let (due_from, due_to) = match (day("due_from", args.due_from), day("due_to", args.due_to)) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(error), _) | (_, Err(error)) => return error,
    };
    let query = TaskQuery {
        tag: args.tag,
        due_from,
        due_to,
        text: args.text,
        cursor: args.cursor,
        limit: Some(args.limit.unwrap_or(50).clamp(1, 200)),
        ..TaskQuery::view(view)
    };
    match core.tasks().list(session, query).await {
        Ok(page) => success(TaskList {
            tasks: page.tasks.into_iter().map(TaskItem::from).collect(),
            next_cursor: page.next_cursor,
        }),
        Err(error) => failure(error, "tasks"),
    }
}

async fn complete(core: &Core, session: &Session, args: TaskIdsArgs) -> ToolOutput {
    match for_each_id(core, session, args.ids, IdChange::Complete).await {
        Ok((completed, failed)) => success(CompletedTasks { completed, failed }),
        Err(error) => error,
    }
}

async fn delete(core: &Core, session: &Session, args: TaskIdsArgs) -> ToolOutput {
    match for_each_id(core, session, args.ids, IdChange::Delete).await {
        Ok((deleted, failed)) => success(DeletedTasks { deleted, failed }),
        Err(error) => error,
    }
}

/// What a batch by ids does to each task.
#[derive(Clone, Copy)]
enum IdChange {
    Complete,
    Delete,
}

/// Applies a change to each id in turn; one that fails does not stop the others.
async fn for_each_id(
    core: &Core,
    session: &Session,
    ids: Vec<String>,
    change: IdChange,
) -> Result<(Vec<TaskItem>, Vec<ItemFailure>), ToolOutput> {
    if ids.is_empty() || ids.len() > MAX_IDS {
        return Err(ToolOutput::invalid(format!("Give 1 to {MAX_IDS} task ids in `ids`.")));
    }
    let tasks = core.tasks();
    let (mut done, mut failed) = (Vec::new(), Vec::new());
    for id in ids {
        let task_id = TaskId(id.clone());
        let changed = match change {
            IdChange::Complete => match not_in_trash(core, session, &task_id).await {
                Ok(()) => tasks.complete(session, &task_id).await,
                Err(error) => Err(error),
            },
            IdChange::Delete => tasks.delete(session, &task_id).await,
        };
        match changed {
            Ok(task) => done.push(task.into()),
            Err(error) => {
                failed.push(ItemFailure { error: failure(error, &format!("task with id \"{id}\"")).text(), item: id })
            }
        }
    }
    Ok((done, failed))
}

async fn update(core: &Core, session: &Session, args: UpdateTaskArgs) -> ToolOutput {
    let id = TaskId(args.id.clone());
    let patch = match patch(core, &args) {
        Ok(patch) => patch,
        Err(error) => return ToolOutput::invalid(error),
    };
    let tasks = core.tasks();
    let not_found = format!("task with id \"{}\"", args.id);
    if let Err(error) = not_in_trash(core, session, &id).await {
        return failure(error, &not_found);
    }
    let mut task = match tasks.update(session, &id, patch).await {
        Ok(task) => task,
        Err(error) => return failure(error, &not_found),
    };
    let status_change = match args.status {
        Some(UpdateStatus::Done) if task.status == TaskStatus::Open => Some(tasks.complete(session, &id).await),
        Some(UpdateStatus::Open) if task.status == TaskStatus::Done => Some(tasks.uncomplete(session, &id).await),
        _ => None,
    };
    match status_change {
        Some(Ok(changed)) => task = changed,
        Some(Err(error)) => return failure(error, &not_found),
        None => {}
    }
    success(UpdatedTask { task: task.into() })
}

fn patch(core: &Core, args: &UpdateTaskArgs) -> Result<TaskPatch, String> {
    let mut patch = TaskPatch {
        title: args.title.clone(),
        notes: args.notes.clone(),
        priority: args.priority.map(priority).transpose()?,
        tags: args.tags.clone().map(clean_tags),
        ..TaskPatch::default()
    };
    match args.due.as_deref().map(str::trim) {
        Some("") => patch.clear_due = true,
        Some(text) => patch.due = Some(parse_due(core, text)?),
        None => {}
    }
    match args.repeat.as_deref().map(str::trim) {
        Some("") => patch.clear_recurrence = true,
        Some(text) => {
            let (rule, first) = parse_repeat(core, text)?;
            patch.recurrence = Some(rule);
            if patch.due.is_none() && !patch.clear_due {
                patch.due = first;
            }
        }
        None => {}
    }
    Ok(patch)
}

/// Tasks in the trash are left alone: a model changing one would do it unseen.
async fn not_in_trash(core: &Core, session: &Session, id: &TaskId) -> Result<(), crate::CoreError> {
    let task = core.tasks().get(session, id).await?;
    if task.deleted_at.is_some() {
        return Err(crate::CoreError::Conflict {
            field: None,
            message: format!(
                "The task \"{}\" is in the trash; the person can restore it from there first.",
                task.title
            ),
        });
    }
    Ok(())
}

// ---- reading dates and rules ----

/// A due date from ISO text or plain words, in the person's time zone.
fn parse_due(core: &Core, text: &str) -> Result<Due, String> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(Due::new(date, None));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(Due::new(at.date(), Some(at.time())));
        }
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        let local = at.with_timezone(&core.time_zone).naive_local();
        return Ok(Due::new(local.date(), Some(local.time())));
    }
    let draft = core.tasks().parse(text, &[]);
    match draft.due {
        Some(due) if draft.title.trim().is_empty() => Ok(due),
        Some(_) => Err(format!("\"{}\" in the date \"{text}\" was not understood.", draft.title.trim())),
        None => Err(format!(
            "\"{text}\" is not a date I can read. Use YYYY-MM-DD, YYYY-MM-DDTHH:MM, or words like \"tomorrow 5pm\"."
        )),
    }
}

/// A repetition from an RRULE or plain words, with the first due date the words imply.
fn parse_repeat(core: &Core, text: &str) -> Result<(String, Option<Due>), String> {
    if text.to_ascii_uppercase().starts_with("FREQ=") {
        return Ok((text.to_owned(), None));
    }
    // As written ("daily", "every monday"), else with "every" in front ("monday", "2 weeks").
    for words in [text.to_owned(), format!("every {text}")] {
        let draft = core.tasks().parse(&words, &[]);
        if let Some(recurrence) = draft.recurrence.filter(|_| draft.title.trim().is_empty()) {
            return Ok((recurrence.rrule, draft.due));
        }
    }
    Err(format!(
        "\"{text}\" is not a repetition I can read. Use words like \"daily\", \"every monday\" or an RRULE like \"FREQ=WEEKLY;BYDAY=MO\"."
    ))
}

fn priority(level: u8) -> Result<Priority, String> {
    match level {
        1 => Ok(Priority::P1),
        2 => Ok(Priority::P2),
        3 => Ok(Priority::P3),
        4 => Ok(Priority::P4),
        other => Err(format!("Priority {other} does not exist: use 1 (most urgent) to 4.")),
    }
}

/// Tags as people write them ("#home") become tags as stored ("home").
fn clean_tags(tags: Vec<String>) -> Vec<String> {
    tags.into_iter().map(|tag| tag.trim().trim_start_matches('#').to_owned()).collect()
}
