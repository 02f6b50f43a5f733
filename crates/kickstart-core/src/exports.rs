//! Taking a profile's data out and putting it back: everything as one versioned JSON file, one
//! thread as Markdown, tasks as CSV; and importing a JSON export into this or another profile.
//!
//! The JSON file holds the profile's rows table by table, with an explicit list of columns per
//! table ([`TABLES`]) — the database's own form, so nothing is lost in a translation. Secrets are
//! never in it: API keys live in the keychain (connections come back without a key), MCP
//! tokens and external tool servers are not exported, nor are the installation's settings.
//!
//! Import checks the whole file before writing anything (format, version, every row's columns
//! and value types, references between rows), then writes in one transaction, so a refused
//! file changes nothing. Ids are kept where they are free; an id another profile already uses
//! gets a new id derived from it and the importing profile, so importing the same file twice
//! finds its rows already there and adds nothing.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::{Column, Row, TypeInfo, ValueRef};

use crate::auth::Session;
use crate::threads::ThreadId;
use crate::{time, Core, CoreError};

/// What the file says it is.
pub const FORMAT: &str = "kickstartmyai-export";
/// The version of the file's layout this app writes and reads. A newer file is refused.
pub const FORMAT_VERSION: u32 = 1;
/// The largest file import reads (a profile with 100 000 tasks and long chats is far smaller).
pub const MAX_IMPORT_BYTES: usize = 512 * 1024 * 1024;

/// How a table's rows belong to a profile.
#[derive(Clone, Copy)]
enum Scope {
    /// A `profile_id` column.
    Profile,
    /// Through the thread in `thread_id`.
    Thread,
    /// Through the run in `run_id`.
    Run,
    /// Through the task in `task_id`.
    Task,
}

struct Table {
    name: &'static str,
    /// Exported and imported, in this order; the owning `profile_id` is never in the file.
    columns: &'static [&'static str],
    scope: Scope,
    /// The order rows are written in (messages keep their order this way).
    order: &'static str,
}

/// Every exported table, in an order that inserts a row after what it refers to.
const TABLES: &[Table] = &[
    Table {
        name: "provider_connections",
        columns: &["id", "kind", "name", "base_url", "default_model", "is_default", "created_at", "updated_at"],
        scope: Scope::Profile,
        order: "created_at, id",
    },
    Table {
        name: "agents",
        columns: &[
            "id",
            "built_in",
            "name",
            "description",
            "color",
            "icon",
            "system_prompt",
            "connection_id",
            "model",
            "temperature",
            "max_tokens",
            "context_window",
            "tools",
            "starters",
            "visibility",
            "archived_at",
            "created_at",
            "updated_at",
        ],
        scope: Scope::Profile,
        order: "created_at, id",
    },
    Table {
        name: "tasks",
        columns: &[
            "id",
            "title",
            "notes",
            "due_date",
            "due_time",
            "due_at",
            "time_zone",
            "priority",
            "tags",
            "status",
            "completed_at",
            "rrule",
            "recurrence_anchor",
            "deleted_at",
            "position",
            "created_at",
            "updated_at",
        ],
        scope: Scope::Profile,
        order: "seq",
    },
    Table { name: "task_tags", columns: &["task_id", "tag"], scope: Scope::Task, order: "task_id, tag" },
    Table {
        name: "task_completions",
        columns: &["id", "task_id", "completed_at", "due_date", "due_time", "due_at"],
        scope: Scope::Task,
        order: "completed_at, id",
    },
    Table {
        name: "threads",
        columns: &[
            "id",
            "agent_id",
            "title",
            "title_source",
            "pinned",
            "archived_at",
            "deleted_at",
            "last_activity_at",
            "created_at",
            "updated_at",
        ],
        scope: Scope::Profile,
        order: "created_at, id",
    },
    Table {
        name: "runs",
        columns: &[
            "id",
            "thread_id",
            "message_id",
            "status",
            "connection_id",
            "provider_name",
            "provider_kind",
            "model",
            "tokens_in",
            "tokens_out",
            "time_to_first_token_ms",
            "duration_ms",
            "error_kind",
            "error_message",
            "correlation_id",
            "started_at",
            "finished_at",
        ],
        scope: Scope::Profile,
        order: "started_at, id",
    },
    Table {
        name: "messages",
        columns: &[
            "id",
            "thread_id",
            "role",
            "content",
            "status",
            "model",
            "tokens_in",
            "tokens_out",
            "run_id",
            "error_kind",
            "error_message",
            "created_at",
            "updated_at",
        ],
        scope: Scope::Thread,
        order: "seq",
    },
    Table {
        name: "tool_calls",
        columns: &[
            "id",
            "run_id",
            "message_id",
            "call_id",
            "position",
            "round",
            "tool",
            "arguments",
            "result",
            "status",
            "approval",
            "error_kind",
            "started_at",
            "finished_at",
            "duration_ms",
        ],
        scope: Scope::Run,
        order: "started_at, id",
    },
    Table {
        name: "tool_approvals",
        columns: &["agent_id", "tool", "created_at"],
        scope: Scope::Profile,
        order: "agent_id, tool",
    },
];

/// Which columns of which table hold ids of which table (so imported ids can be remapped).
const REFERENCES: &[(&str, &str, &str)] = &[
    ("agents", "connection_id", "provider_connections"),
    ("task_tags", "task_id", "tasks"),
    ("task_completions", "task_id", "tasks"),
    ("threads", "agent_id", "agents"),
    ("runs", "thread_id", "threads"),
    ("runs", "message_id", "messages"),
    ("runs", "connection_id", "provider_connections"),
    ("messages", "thread_id", "threads"),
    ("messages", "run_id", "runs"),
    ("tool_calls", "run_id", "runs"),
    ("tool_calls", "message_id", "messages"),
    ("tool_approvals", "agent_id", "agents"),
];

/// References that must point at a row in the file (the rest may dangle, as they may in the
/// database: a run's connection that was removed since, say).
const REQUIRED: &[(&str, &str)] = &[
    ("task_tags", "task_id"),
    ("task_completions", "task_id"),
    ("runs", "thread_id"),
    ("messages", "thread_id"),
    ("tool_calls", "run_id"),
    ("tool_approvals", "agent_id"),
];

/// One profile's data, as the JSON file holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileExport {
    pub format: String,
    pub version: u32,
    /// The app version that wrote it.
    pub app_version: String,
    pub exported_at: String,
    pub profile: ExportedProfile,
    /// Rows by table name; each row an object of the table's columns.
    pub tables: Map<String, Value>,
}

/// Who the data belonged to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportedProfile {
    pub username: String,
    pub display_name: String,
    pub idle_lock_minutes: u32,
}

/// How far an export is: `done` of `total` steps, the last one read `rows` rows of `kind` (a
/// table's name). Reading each table is one step; the shell adds one for writing the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgress {
    pub done: u32,
    pub total: u32,
    pub rows: u32,
    pub kind: String,
}

/// The steps of a whole-profile export: each table, then writing the file.
pub const EXPORT_STEPS: u32 = TABLES.len() as u32 + 1;

/// What an import added and what it found already there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    /// Rows written, by kind: the table's name ("tasks", "threads", "task_tags" …).
    pub added: Vec<ImportCount>,
    /// Rows of the file that were already in this profile (an earlier import of the same file).
    pub already_there: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportCount {
    pub kind: String,
    pub count: u32,
}

/// The file could not be read as an export this app can import. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("This is not a KickStartMyAI export ({0}).")]
    NotAnExport(String),
    #[error("This export was made by a newer version of KickStartMyAI (format {0}); update the app to import it.")]
    Newer(u32),
    #[error("The export is damaged: {0}. Nothing was imported.")]
    Damaged(String),
    #[error("The file is larger than an export can be ({0} MB).")]
    TooLarge(usize),
}

fn damaged(detail: impl Into<String>) -> CoreError {
    ImportError::Damaged(detail.into()).into()
}

fn scope_sql(table: &Table) -> String {
    let filter = match table.scope {
        Scope::Profile => "profile_id = ?1",
        Scope::Thread => "thread_id IN (SELECT id FROM threads WHERE profile_id = ?1)",
        Scope::Run => "run_id IN (SELECT id FROM runs WHERE profile_id = ?1)",
        Scope::Task => "task_id IN (SELECT id FROM tasks WHERE profile_id = ?1)",
    };
    format!("SELECT {} FROM {} WHERE {filter} ORDER BY {}", table.columns.join(", "), table.name, table.order)
}

/// A database value as JSON: text as a string, integers and reals as numbers, NULL as null.
fn cell(row: &sqlx::sqlite::SqliteRow, index: usize) -> Result<Value, CoreError> {
    let raw = row.try_get_raw(index)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    Ok(match raw.type_info().name() {
        "INTEGER" => Value::from(row.try_get::<i64, _>(index)?),
        "REAL" => serde_json::Number::from_f64(row.try_get::<f64, _>(index)?).map_or(Value::Null, Value::Number),
        _ => Value::from(row.try_get::<String, _>(index)?),
    })
}

/// Exports, imports and the smaller exports of one thread or of the tasks. See [`Core::exports`].
pub struct Exports<'a> {
    core: &'a Core,
}

impl<'a> Exports<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    /// Everything of the signed-in profile, read in one transaction (a consistent moment).
    pub async fn profile(&self, session: &Session) -> Result<ProfileExport, CoreError> {
        self.profile_with_progress(session, |_| {}).await
    }

    /// [`Self::profile`], telling `progress` after each table is read (for a progress bar: a
    /// large profile's messages take a while).
    pub async fn profile_with_progress(
        &self,
        session: &Session,
        mut progress: impl FnMut(ExportProgress),
    ) -> Result<ProfileExport, CoreError> {
        let profile = crate::profiles::get(self.core.db.pool(), &session.profile_id).await?;
        let mut connection = self.core.db.pool().begin().await?;
        let mut tables = Map::new();
        for (index, table) in TABLES.iter().enumerate() {
            let rows = sqlx::query(&scope_sql(table)).bind(&session.profile_id).fetch_all(&mut *connection).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut object = Map::new();
                for (index, column) in row.columns().iter().enumerate() {
                    object.insert(column.name().to_owned(), cell(row, index)?);
                }
                out.push(Value::Object(object));
            }
            progress(ExportProgress {
                done: index as u32 + 1,
                total: EXPORT_STEPS,
                rows: out.len() as u32,
                kind: table.name.to_owned(),
            });
            tables.insert(table.name.to_owned(), Value::Array(out));
        }
        connection.commit().await?;
        Ok(ProfileExport {
            format: FORMAT.to_owned(),
            version: FORMAT_VERSION,
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            exported_at: time::to_db(self.core.clock.now()),
            profile: ExportedProfile {
                idle_lock_minutes: profile.idle_lock_minutes(),
                username: profile.username,
                display_name: profile.display_name,
            },
            tables,
        })
    }

    /// Reads an export file's text, checks all of it, and imports it into the signed-in profile.
    pub async fn import(&self, session: &Session, text: &str) -> Result<ImportSummary, CoreError> {
        if text.len() > MAX_IMPORT_BYTES {
            return Err(ImportError::TooLarge(MAX_IMPORT_BYTES / (1024 * 1024)).into());
        }
        let export = parse(text)?;
        let rows = validate(&export)?;
        self.write(session, rows).await
    }

    async fn write(&self, session: &Session, rows: Rows) -> Result<ImportSummary, CoreError> {
        let target = session.profile_id.0.clone();
        let mut tx = self.core.db.write().await?;
        let plan = plan(&mut tx, &target, &rows).await?;
        let mut added: Vec<ImportCount> = Vec::new();
        let mut already_there = 0u32;
        for (table, table_rows) in rows {
            let mut count = 0u32;
            for mut row in table_rows {
                // References to rows that have another id here now point at that id.
                for (from, column, to) in REFERENCES {
                    if *from != table.name {
                        continue;
                    }
                    if let Some(Value::String(old)) = row.get(*column) {
                        if let Some(new) = plan.ids.get(to).and_then(|map| map.get(old)) {
                            row.insert((*column).to_owned(), Value::String(new.clone()));
                        }
                    }
                }
                // A conversation with an agent that is neither in the file nor here (another
                // profile's shared agent, on another computer) continues with the Task assistant.
                if table.name == "threads" {
                    let agent = string(&row, "agent_id");
                    if !exists(&mut tx, "agents", &agent).await? && !plan.writes("agents", &agent) {
                        if let Some(assistant) = &plan.task_assistant {
                            row.insert("agent_id".into(), Value::String(assistant.clone()));
                        }
                    }
                }
                if table.name == "provider_connections" && plan.has_default {
                    row.insert("is_default".into(), Value::from(0));
                }
                let written = match row.get("id").and_then(Value::as_str).map(str::to_owned) {
                    Some(old) => {
                        let new = plan.ids.get(table.name).and_then(|map| map.get(&old)).cloned().unwrap_or(old);
                        if plan.skipped.contains(&(table.name, new.clone())) {
                            0
                        } else {
                            row.insert("id".into(), Value::String(new));
                            insert(&mut tx, table, &row, &target, false).await?
                        }
                    }
                    // Rows without an id of their own (tags, approvals) are keyed by what they
                    // belong to: one that is there already is left as it is.
                    None => insert(&mut tx, table, &row, &target, true).await?,
                };
                if written == 0 {
                    already_there += 1;
                } else {
                    count += 1;
                }
            }
            if count > 0 {
                added.push(ImportCount { kind: table.name.to_owned(), count });
            }
        }
        tx.commit().await?;
        let total: u32 = added.iter().map(|a| a.count).sum();
        tracing::info!(profile = %session.profile_id, rows = total, already_there, "export imported");
        Ok(ImportSummary { added, already_there })
    }

    /// One conversation as Markdown: its title, then each message under who wrote it.
    pub async fn thread_markdown(&self, session: &Session, thread_id: &ThreadId) -> Result<String, CoreError> {
        let thread = self.core.threads().get(session, thread_id).await?;
        let agent: String = sqlx::query_scalar("SELECT name FROM agents WHERE id = ?1")
            .bind(&thread.agent_id)
            .fetch_optional(self.core.db.pool())
            .await?
            .unwrap_or_else(|| "Assistant".into());
        let rows: Vec<(String, String, String, String)> =
            sqlx::query_as("SELECT role, content, status, created_at FROM messages WHERE thread_id = ?1 ORDER BY seq")
                .bind(thread_id)
                .fetch_all(self.core.db.pool())
                .await?;
        let mut out = format!("# {}\n\n*{} · exported from KickStartMyAI*\n", thread.title, agent);
        for (role, content, status, at) in rows {
            let who = if role == "user" { "You" } else { agent.as_str() };
            let note = match status.as_str() {
                "cancelled" => " (stopped)",
                "interrupted" => " (interrupted)",
                "error" => " (failed)",
                _ => "",
            };
            out.push_str(&format!("\n## {who}{note}\n\n<sub>{at}</sub>\n\n{}\n", content.trim_end()));
        }
        Ok(out)
    }

    /// The profile's tasks (not those in the trash) as CSV, one line each, for a spreadsheet.
    pub async fn tasks_csv(&self, session: &Session) -> Result<String, CoreError> {
        let rows: Vec<CsvTask> = sqlx::query_as(
            "SELECT title, notes, due_date, due_time, priority, tags, status, completed_at, rrule, created_at \
             FROM tasks WHERE profile_id = ?1 AND deleted_at IS NULL ORDER BY seq",
        )
        .bind(&session.profile_id)
        .fetch_all(self.core.db.pool())
        .await?;
        let mut out =
            String::from("title,notes,due date,due time,priority,tags,status,completed at,repeats,created at\r\n");
        for task in rows {
            let tags: Vec<String> = serde_json::from_str(&task.tags).unwrap_or_default();
            let fields = [
                task.title,
                task.notes,
                task.due_date.unwrap_or_default(),
                task.due_time.unwrap_or_default(),
                format!("p{}", task.priority),
                tags.join(" "),
                task.status,
                task.completed_at.unwrap_or_default(),
                task.rrule.unwrap_or_default(),
                task.created_at,
            ];
            let line: Vec<String> = fields.iter().map(|field| csv_field(field)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        Ok(out)
    }
}

/// A task's columns as the CSV shows them.
#[derive(sqlx::FromRow)]
struct CsvTask {
    title: String,
    notes: String,
    due_date: Option<String>,
    due_time: Option<String>,
    priority: i64,
    tags: String,
    status: String,
    completed_at: Option<String>,
    rrule: Option<String>,
    created_at: String,
}

/// A CSV field (RFC 4180), with formula-looking text defused so a spreadsheet shows it as text.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn string(row: &Map<String, Value>, column: &str) -> String {
    row.get(column).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// The id a row gets when its own id is taken by another profile: the same for the same row
/// and profile every time, so a second import finds it.
fn derived_id(target: &str, old: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("kickstartmyai:{target}:{old}").as_bytes()).to_string()
}

/// Where each row of the file goes: the id it gets here, and which are already here.
struct Plan {
    /// Per table: the file's id → the id here.
    ids: HashMap<&'static str, HashMap<String, String>>,
    /// (table, id here) of rows already in this profile: not written again.
    skipped: HashSet<(&'static str, String)>,
    /// The importing profile's own Task assistant, which stands in for the file's.
    task_assistant: Option<String>,
    /// The importing profile has a default connection already (it stays the default).
    has_default: bool,
}

impl Plan {
    fn writes(&self, table: &str, id: &str) -> bool {
        self.ids.get(table).is_some_and(|map| map.values().any(|new| new == id))
            && !self.skipped.iter().any(|(t, skipped)| *t == table && skipped == id)
    }
}

/// Decides every id before anything is written, so references can point forwards (a run names
/// the answer it wrote, which comes later). An id free here is kept; one of this profile means
/// the row is already here; one of another profile gets a derived id (or is already here under
/// it, from an earlier import).
async fn plan(tx: &mut sqlx::SqliteConnection, target: &str, rows: &Rows) -> Result<Plan, CoreError> {
    let task_assistant: Option<String> =
        sqlx::query_scalar("SELECT id FROM agents WHERE profile_id = ?1 AND built_in = 'taskAssistant'")
            .bind(target)
            .fetch_optional(&mut *tx)
            .await?;
    let has_default: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM provider_connections WHERE profile_id = ?1 AND is_default = 1)",
    )
    .bind(target)
    .fetch_one(&mut *tx)
    .await?;
    let mut plan = Plan { ids: HashMap::new(), skipped: HashSet::new(), task_assistant, has_default };
    for (table, table_rows) in rows {
        for row in table_rows {
            let Some(old) = row.get("id").and_then(Value::as_str).map(str::to_owned) else { continue };
            // This profile's own Task assistant, and its connection of the same name, are those
            // of the file.
            let stand_in = if table.name == "agents" && row.get("built_in").is_some_and(|v| !v.is_null()) {
                plan.task_assistant.clone()
            } else if table.name == "provider_connections" {
                sqlx::query_scalar(
                    "SELECT id FROM provider_connections WHERE profile_id = ?1 AND name = ?2 COLLATE NOCASE",
                )
                .bind(target)
                .bind(string(row, "name"))
                .fetch_optional(&mut *tx)
                .await?
            } else {
                None
            };
            let (new, here) = match stand_in {
                Some(existing) => (existing, true),
                None => match owner(&mut *tx, table, &old).await? {
                    None => (old.clone(), false),
                    Some(owner) if owner == target => (old.clone(), true),
                    Some(_) => {
                        let derived = derived_id(target, &old);
                        let here = owner(&mut *tx, table, &derived).await?.is_some();
                        (derived, here)
                    }
                },
            };
            if here {
                plan.skipped.insert((table.name, new.clone()));
            }
            plan.ids.entry(table.name).or_default().insert(old, new);
        }
    }
    Ok(plan)
}

/// Who owns the row with this id in `table`: Some(profile) when it exists.
async fn owner(tx: &mut sqlx::SqliteConnection, table: &Table, id: &str) -> Result<Option<String>, sqlx::Error> {
    let sql = match table.scope {
        Scope::Profile => format!("SELECT profile_id FROM {} WHERE id = ?1", table.name),
        Scope::Thread => {
            format!("SELECT t.profile_id FROM {} x JOIN threads t ON t.id = x.thread_id WHERE x.id = ?1", table.name)
        }
        Scope::Run => {
            format!("SELECT r.profile_id FROM {} x JOIN runs r ON r.id = x.run_id WHERE x.id = ?1", table.name)
        }
        Scope::Task => {
            format!("SELECT t.profile_id FROM {} x JOIN tasks t ON t.id = x.task_id WHERE x.id = ?1", table.name)
        }
    };
    sqlx::query_scalar(&sql).bind(id).fetch_optional(tx).await
}

async fn exists(tx: &mut sqlx::SqliteConnection, table: &str, id: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)")).bind(id).fetch_one(tx).await
}

/// Inserts one row of the file, owned by `target` where the table has an owner column.
/// `or_ignore`: a row that is already there (same key) is left as it is; returns rows written.
async fn insert(
    tx: &mut sqlx::SqliteConnection,
    table: &Table,
    row: &Map<String, Value>,
    target: &str,
    or_ignore: bool,
) -> Result<u64, CoreError> {
    let owned = matches!(table.scope, Scope::Profile) || table.name == "task_tags" || table.name == "task_completions";
    let mut columns: Vec<&str> = table.columns.to_vec();
    if owned {
        columns.push("profile_id");
    }
    let placeholders: Vec<String> = (1..=columns.len()).map(|n| format!("?{n}")).collect();
    let sql = format!(
        "INSERT {}INTO {} ({}) VALUES ({})",
        if or_ignore { "OR IGNORE " } else { "" },
        table.name,
        columns.join(", "),
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for column in table.columns {
        query = match row.get(*column).unwrap_or(&Value::Null) {
            Value::Null => query.bind(None::<String>),
            Value::String(text) => query.bind(text.clone()),
            Value::Number(number) if number.is_i64() => query.bind(number.as_i64()),
            Value::Number(number) => query.bind(number.as_f64()),
            _ => return Err(damaged(format!("{}.{column} has a value of the wrong kind", table.name))),
        };
    }
    if owned {
        query = query.bind(target.to_owned());
    }
    query.execute(&mut *tx).await.map(|done| done.rows_affected()).map_err(|error| match error {
        // A CHECK, NOT NULL or foreign key the file's values broke: the file is damaged.
        sqlx::Error::Database(db) => damaged(format!("a row of {} is not valid here ({})", table.name, db.message())),
        other => other.into(),
    })
}

fn parse(text: &str) -> Result<ProfileExport, CoreError> {
    // Look at the format and version first, so a newer file says so rather than "damaged".
    let value: Value =
        serde_json::from_str(text).map_err(|error| ImportError::NotAnExport(format!("not JSON: {error}")))?;
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(ImportError::NotAnExport("it does not say it is one".into()).into());
    }
    match value.get("version").and_then(Value::as_u64) {
        Some(version) if version > u64::from(FORMAT_VERSION) => {
            return Err(ImportError::Newer(u32::try_from(version).unwrap_or(u32::MAX)).into())
        }
        Some(_) => {}
        None => return Err(damaged("it has no format version")),
    }
    serde_json::from_value(value).map_err(|error| damaged(error.to_string()))
}

type Rows = Vec<(&'static Table, Vec<Map<String, Value>>)>;

/// Checks every table and row of the file: known tables only, each row exactly the table's
/// columns with plain values, every id once, required references present in the file.
fn validate(export: &ProfileExport) -> Result<Rows, CoreError> {
    for name in export.tables.keys() {
        if !TABLES.iter().any(|table| table.name == name) {
            return Err(damaged(format!("it has an unknown table “{name}”")));
        }
    }
    let mut rows: Rows = Vec::new();
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    for table in TABLES {
        let list = match export.tables.get(table.name) {
            None => Vec::new(),
            Some(Value::Array(list)) => list.clone(),
            Some(_) => return Err(damaged(format!("{} is not a list", table.name))),
        };
        let mut checked = Vec::with_capacity(list.len());
        for (index, row) in list.into_iter().enumerate() {
            let Value::Object(row) = row else {
                return Err(damaged(format!("{}[{index}] is not an object", table.name)));
            };
            for column in row.keys() {
                if !table.columns.contains(&column.as_str()) {
                    return Err(damaged(format!("{}[{index}] has an unknown field “{column}”", table.name)));
                }
            }
            for column in table.columns {
                match row.get(*column) {
                    None => return Err(damaged(format!("{}[{index}] has no “{column}”", table.name))),
                    Some(Value::Array(_) | Value::Object(_) | Value::Bool(_)) => {
                        return Err(damaged(format!("{}[{index}].{column} has a value of the wrong kind", table.name)))
                    }
                    Some(_) => {}
                }
            }
            if table.columns.first() == Some(&"id") {
                let id = row.get("id").and_then(Value::as_str).filter(|id| !id.is_empty() && id.len() <= 64);
                let Some(id) = id else { return Err(damaged(format!("{}[{index}] has no valid id", table.name))) };
                if !ids.entry(table.name).or_default().insert(id.to_owned()) {
                    return Err(damaged(format!("{} has the id {id} twice", table.name)));
                }
            }
            checked.push(row);
        }
        rows.push((table, checked));
    }
    for (table_name, column) in REQUIRED {
        let target = REFERENCES
            .iter()
            .find(|(t, c, _)| t == table_name && c == column)
            .map(|(_, _, to)| *to)
            .unwrap_or_default();
        let known = ids.get(target).cloned().unwrap_or_default();
        let (_, table_rows) = rows.iter().find(|(t, _)| t.name == *table_name).expect("every table is checked");
        for (index, row) in table_rows.iter().enumerate() {
            let reference = row.get(*column).and_then(Value::as_str).unwrap_or_default();
            if !known.contains(reference) {
                return Err(damaged(format!("{table_name}[{index}].{column} points at nothing in the file")));
            }
        }
    }
    Ok(rows)
}
