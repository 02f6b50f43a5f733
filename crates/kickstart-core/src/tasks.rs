//! Tasks: a profile's to-do list — views, filters, full-text search, keyset pagination,
//! recurrence, trash and bulk changes. Every call is scoped to the acting profile: another
//! profile's task id answers `NotFound`, exactly like an id that never existed.

mod query;
pub mod quick_add;
pub mod recurrence;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, SqliteConnection, Transaction};

pub use query::{TaskPage, TaskQuery, TaskSort, TaskView, ViewCounts};
pub use quick_add::{QuickAddSpan, SpanKind, TaskDraft, TextRange};
pub use recurrence::Recurrence;

use crate::auth::Session;
use crate::ids::new_id;
use crate::{time, Core, CoreError};

/// Longest title accepted.
pub const MAX_TITLE_CHARS: usize = 500;
/// Longest notes accepted.
pub const MAX_NOTES_CHARS: usize = 20_000;
/// Most tags on one task.
pub const MAX_TAGS: usize = 20;
/// Longest tag accepted.
pub const MAX_TAG_CHARS: usize = 50;
/// Most ids in one bulk change.
pub const MAX_BULK: usize = 1000;

/// The id of a task.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, sqlx::Type)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct TaskId(pub String);

impl std::fmt::Display for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How urgent: p1 most, p4 (the default) least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

impl Priority {
    /// Reads "p1"…"p4" (any case).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "p1" => Some(Self::P1),
            "p2" => Some(Self::P2),
            "p3" => Some(Self::P3),
            "p4" => Some(Self::P4),
            _ => None,
        }
    }

    fn level(self) -> i64 {
        match self {
            Self::P1 => 1,
            Self::P2 => 2,
            Self::P3 => 3,
            Self::P4 => 4,
        }
    }

    fn from_level(level: i64) -> Self {
        match level {
            1 => Self::P1,
            2 => Self::P2,
            3 => Self::P3,
            _ => Self::P4,
        }
    }
}

/// Open or done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    Open,
    Done,
}

/// A due date: a local calendar day, and optionally a local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Due {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM` (24 h); none for an all-day task.
    pub time: Option<String>,
}

impl Due {
    /// A due date from its parts.
    pub fn new(date: NaiveDate, time: Option<NaiveTime>) -> Self {
        Self { date: date.format("%Y-%m-%d").to_string(), time: time.map(|t| t.format("%H:%M").to_string()) }
    }

    /// The parts, or a validation error naming `due`.
    pub fn parts(&self) -> Result<(NaiveDate, Option<NaiveTime>), CoreError> {
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d")
            .map_err(|_| CoreError::validation("due", format!("\"{}\" is not a date (use YYYY-MM-DD).", self.date)))?;
        let time = match self.time.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => Some(
                NaiveTime::parse_from_str(t, "%H:%M")
                    .map_err(|_| CoreError::validation("due", format!("\"{t}\" is not a time (use HH:MM, 24 h).")))?,
            ),
        };
        Ok((date, time))
    }
}

/// A task as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: TaskId,
    pub title: String,
    pub notes: String,
    pub due: Option<Due>,
    /// The due instant, RFC 3339 UTC (the start of the day for all-day tasks).
    pub due_at: Option<String>,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub status: TaskStatus,
    pub completed_at: Option<String>,
    pub recurrence: Option<Recurrence>,
    pub deleted_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Open and past due, now.
    pub overdue: bool,
    /// Due today (in the user's time zone).
    pub due_today: bool,
}

/// A new task.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NewTask {
    pub title: String,
    pub notes: Option<String>,
    pub due: Option<Due>,
    pub priority: Option<Priority>,
    pub tags: Option<Vec<String>>,
    /// An RRULE body such as `FREQ=WEEKLY;BYDAY=MO`.
    pub recurrence: Option<String>,
}

/// A partial change: only the fields given change (`null` = unchanged).
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TaskPatch {
    pub title: Option<String>,
    pub notes: Option<String>,
    pub due: Option<Due>,
    /// Removes the due date (and with it any recurrence).
    #[serde(default)]
    pub clear_due: bool,
    pub priority: Option<Priority>,
    pub tags: Option<Vec<String>>,
    pub recurrence: Option<String>,
    /// Stops the task repeating.
    #[serde(default)]
    pub clear_recurrence: bool,
}

/// A tag and how many open tasks carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct TagCount {
    pub tag: String,
    pub count: u32,
}

/// A change applied to many tasks at once.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum BulkAction {
    Complete,
    Reopen,
    Delete,
    Restore,
    Reschedule { due: Option<Due> },
}

/// How many tasks a bulk change touched (ids of other profiles or unknown ids are skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct BulkResult {
    pub affected: u32,
}

/// A tag is one word: letters, digits, `-`, `_`, `/` or `.`.
pub(crate) fn valid_tag(tag: &str) -> bool {
    let count = tag.chars().count();
    (1..=MAX_TAG_CHARS).contains(&count)
        && tag.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
}

fn validate_title(title: &str) -> Result<String, CoreError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(CoreError::validation("title", "Give the task a title."));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(CoreError::validation("title", "Keep the title under 500 characters; put the rest in the notes."));
    }
    Ok(title.to_owned())
}

fn validate_notes(notes: &str) -> Result<String, CoreError> {
    if notes.chars().count() > MAX_NOTES_CHARS {
        return Err(CoreError::validation("notes", "Notes can be at most 20,000 characters."));
    }
    Ok(notes.to_owned())
}

fn validate_tags(tags: &[String]) -> Result<Vec<String>, CoreError> {
    let mut clean: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().trim_start_matches('#');
        if !valid_tag(tag) {
            return Err(CoreError::validation(
                "tags",
                format!("\"{tag}\" can't be a tag: use one word of up to 50 letters, digits, - or _ (no spaces)."),
            ));
        }
        if !clean.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            clean.push(tag.to_owned());
        }
    }
    if clean.len() > MAX_TAGS {
        return Err(CoreError::validation("tags", "A task can have at most 20 tags."));
    }
    Ok(clean)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct TaskRow {
    id: TaskId,
    title: String,
    notes: String,
    due_date: Option<String>,
    due_time: Option<String>,
    due_at: Option<String>,
    time_zone: String,
    priority: i64,
    tags: String,
    status: String,
    completed_at: Option<String>,
    rrule: Option<String>,
    recurrence_anchor: Option<String>,
    deleted_at: Option<String>,
    created_at: String,
    updated_at: String,
}

pub(crate) const TASK_COLUMNS: &str = "id, title, notes, due_date, due_time, due_at, time_zone, priority, tags, \
     status, completed_at, rrule, recurrence_anchor, deleted_at, created_at, updated_at";

/// The time context of a call: now, and the user's zone.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Now {
    pub utc: DateTime<Utc>,
    pub tz: Tz,
}

impl Now {
    pub(crate) fn today(&self) -> NaiveDate {
        self.utc.with_timezone(&self.tz).date_naive()
    }
}

impl TaskRow {
    fn tz(&self) -> Tz {
        self.time_zone.parse().unwrap_or(Tz::UTC)
    }

    fn due_parts(&self) -> Option<(NaiveDate, Option<NaiveTime>)> {
        let date = NaiveDate::parse_from_str(self.due_date.as_deref()?, "%Y-%m-%d").ok()?;
        let time = self.due_time.as_deref().and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok());
        Some((date, time))
    }

    fn anchor(&self) -> Option<chrono::NaiveDateTime> {
        chrono::NaiveDateTime::parse_from_str(self.recurrence_anchor.as_deref()?, "%Y-%m-%dT%H:%M").ok()
    }

    pub(crate) fn into_task(self, now: Now) -> Task {
        let open = self.status == "open" && self.deleted_at.is_none();
        let today = now.today();
        let (overdue, due_today) = match self.due_parts() {
            Some((date, None)) => (open && date < today, date == today),
            Some((date, Some(_))) => {
                let past = self.due_at.as_deref().is_some_and(|at| at < time::to_db(now.utc).as_str());
                (open && past, date == today)
            }
            None => (false, false),
        };
        let recurrence = match (&self.rrule, self.anchor()) {
            (Some(rule), Some(anchor)) => recurrence::validate(rule, self.tz(), anchor)
                .ok()
                .or_else(|| Some(Recurrence { rrule: rule.clone(), label: "custom repetition".into() })),
            _ => None,
        };
        Task {
            due: self.due_parts().map(|(date, time)| Due::new(date, time)),
            id: self.id,
            title: self.title,
            notes: self.notes,
            due_at: self.due_at,
            priority: Priority::from_level(self.priority),
            tags: serde_json::from_str(&self.tags).unwrap_or_default(),
            status: if self.status == "done" { TaskStatus::Done } else { TaskStatus::Open },
            completed_at: self.completed_at,
            recurrence,
            deleted_at: self.deleted_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            overdue,
            due_today,
        }
    }
}

/// The due columns for a due date in a zone: (date, time, UTC instant).
fn due_columns(tz: Tz, date: NaiveDate, time: Option<NaiveTime>) -> (String, Option<String>, String) {
    let local = recurrence::anchor(date, time);
    let at = recurrence::localize(tz, local).with_timezone(&Utc);
    (date.format("%Y-%m-%d").to_string(), time.map(|t| t.format("%H:%M").to_string()), time::to_db(at))
}

async fn fetch(conn: &mut SqliteConnection, profile: &Session, id: &TaskId) -> Result<TaskRow, CoreError> {
    sqlx::query_as(&format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = ?1 AND profile_id = ?2"))
        .bind(id)
        .bind(&profile.profile_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(CoreError::NotFound { what: "task" })
}

async fn write_tags(
    conn: &mut SqliteConnection,
    profile: &Session,
    id: &TaskId,
    tags: &[String],
) -> Result<(), CoreError> {
    sqlx::query("DELETE FROM task_tags WHERE task_id = ?1").bind(id).execute(&mut *conn).await?;
    for tag in tags {
        sqlx::query("INSERT INTO task_tags (task_id, profile_id, tag) VALUES (?1, ?2, ?3)")
            .bind(id)
            .bind(&profile.profile_id)
            .bind(tag)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// To-do list operations; see [`Core::tasks`].
pub struct Tasks<'a> {
    core: &'a Core,
}

impl<'a> Tasks<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    pub(crate) fn now(&self) -> Now {
        Now { utc: self.core.clock.now(), tz: self.core.time_zone }
    }

    async fn begin(&self) -> Result<Transaction<'static, Sqlite>, CoreError> {
        Ok(self.core.db.write().await?)
    }

    /// Reads one line of quick add into a draft (nothing is saved).
    pub fn parse(&self, text: &str, literal: &[TextRange]) -> TaskDraft {
        let now = self.now();
        quick_add::parse(text, literal, now.utc, now.tz)
    }

    /// Creates a task.
    pub async fn create(&self, session: &Session, input: NewTask) -> Result<Task, CoreError> {
        let now = self.now();
        let title = validate_title(&input.title)?;
        let notes = validate_notes(input.notes.as_deref().unwrap_or(""))?;
        let tags = validate_tags(input.tags.as_deref().unwrap_or(&[]))?;
        let mut due = input.due.as_ref().map(Due::parts).transpose()?;
        let rule = match input.recurrence.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            Some(rule) => {
                let (date, time) = due.unwrap_or((now.today(), None));
                let anchor = recurrence::anchor(date, time);
                let normalized = recurrence::validate(rule, now.tz, anchor)?.rrule;
                due = Some((date, time));
                Some((normalized, anchor))
            }
            None => None,
        };
        let id = TaskId(new_id());
        let stamp = time::to_db(now.utc);
        let due_cols = due.map(|(date, time)| due_columns(now.tz, date, time));
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO tasks (id, profile_id, title, notes, due_date, due_time, due_at, time_zone, priority, tags, \
             rrule, recurrence_anchor, position, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, \
                     (SELECT COALESCE(MAX(position), 0) + 1 FROM tasks WHERE profile_id = ?2), ?13, ?13)",
        )
        .bind(&id)
        .bind(&session.profile_id)
        .bind(&title)
        .bind(&notes)
        .bind(due_cols.as_ref().map(|d| d.0.clone()))
        .bind(due_cols.as_ref().and_then(|d| d.1.clone()))
        .bind(due_cols.as_ref().map(|d| d.2.clone()))
        .bind(now.tz.name())
        .bind(input.priority.unwrap_or(Priority::P4).level())
        .bind(serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into()))
        .bind(rule.as_ref().map(|r| r.0.clone()))
        .bind(rule.as_ref().map(|r| r.1.format("%Y-%m-%dT%H:%M").to_string()))
        .bind(&stamp)
        .execute(&mut *tx)
        .await?;
        write_tags(&mut tx, session, &id, &tags).await?;
        let row = fetch(&mut tx, session, &id).await?;
        tx.commit().await?;
        tracing::debug!(task = %id, "task created");
        Ok(row.into_task(now))
    }

    /// One task.
    pub async fn get(&self, session: &Session, id: &TaskId) -> Result<Task, CoreError> {
        let mut conn = self.core.db.pool().acquire().await?;
        Ok(fetch(&mut conn, session, id).await?.into_task(self.now()))
    }

    /// Changes the fields given in `patch`, and only those.
    pub async fn update(&self, session: &Session, id: &TaskId, patch: TaskPatch) -> Result<Task, CoreError> {
        let now = self.now();
        let title = patch.title.as_deref().map(validate_title).transpose()?;
        let notes = patch.notes.as_deref().map(validate_notes).transpose()?;
        let tags = patch.tags.as_deref().map(validate_tags).transpose()?;
        let new_due = patch.due.as_ref().map(Due::parts).transpose()?;
        let mut tx = self.begin().await?;
        let row = fetch(&mut tx, session, id).await?;
        let tz = row.tz();
        let mut due = if patch.clear_due { None } else { new_due.or(row.due_parts()) };
        let mut rule = if patch.clear_recurrence || patch.clear_due { None } else { row.rrule.clone() };
        if let Some(new_rule) = patch.recurrence.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            rule = Some(new_rule.to_owned());
        }
        let mut anchor = None;
        if let Some(rule_text) = &rule {
            let (date, time) = due.unwrap_or((now.today(), None));
            due = Some((date, time));
            // A new due date or a new rule restarts the series there; otherwise keep the anchor.
            let start = match row.anchor() {
                Some(existing) if new_due.is_none() && patch.recurrence.is_none() => existing,
                _ => recurrence::anchor(date, time),
            };
            let normalized = recurrence::validate(rule_text, tz, start)?.rrule;
            rule = Some(normalized);
            anchor = Some(start.format("%Y-%m-%dT%H:%M").to_string());
        }
        let due_cols = due.map(|(date, time)| due_columns(tz, date, time));
        sqlx::query(
            "UPDATE tasks SET title = COALESCE(?1, title), notes = COALESCE(?2, notes), due_date = ?3, due_time = ?4, \
             due_at = ?5, priority = COALESCE(?6, priority), tags = COALESCE(?7, tags), rrule = ?8, \
             recurrence_anchor = ?9, updated_at = ?10 WHERE id = ?11 AND profile_id = ?12",
        )
        .bind(title)
        .bind(notes)
        .bind(due_cols.as_ref().map(|d| d.0.clone()))
        .bind(due_cols.as_ref().and_then(|d| d.1.clone()))
        .bind(due_cols.as_ref().map(|d| d.2.clone()))
        .bind(patch.priority.map(Priority::level))
        .bind(tags.as_ref().map(|t| serde_json::to_string(t).unwrap_or_else(|_| "[]".into())))
        .bind(rule)
        .bind(anchor)
        .bind(time::to_db(now.utc))
        .bind(id)
        .bind(&session.profile_id)
        .execute(&mut *tx)
        .await?;
        if let Some(tags) = &tags {
            write_tags(&mut tx, session, id, tags).await?;
        }
        let row = fetch(&mut tx, session, id).await?;
        tx.commit().await?;
        Ok(row.into_task(now))
    }

    /// Completes a task. A recurring task moves to its next occurrence and stays open (until its
    /// rule ends); either way the completion is recorded.
    pub async fn complete(&self, session: &Session, id: &TaskId) -> Result<Task, CoreError> {
        self.change_one(session, id, async |conn, now| complete_in(conn, session, id, now).await).await
    }

    /// Undoes the last completion: reopens a done task, or moves a recurring task back to the
    /// due date it had before.
    pub async fn uncomplete(&self, session: &Session, id: &TaskId) -> Result<Task, CoreError> {
        self.change_one(session, id, async |conn, now| uncomplete_in(conn, session, id, now).await).await
    }

    /// Moves a task to the trash.
    pub async fn delete(&self, session: &Session, id: &TaskId) -> Result<Task, CoreError> {
        self.set_deleted(session, id, true).await
    }

    /// Takes a task out of the trash.
    pub async fn restore(&self, session: &Session, id: &TaskId) -> Result<Task, CoreError> {
        self.set_deleted(session, id, false).await
    }

    async fn set_deleted(&self, session: &Session, id: &TaskId, deleted: bool) -> Result<Task, CoreError> {
        self.change_one(session, id, async |conn, now| set_deleted_in(conn, session, id, deleted, now).await).await
    }

    /// Runs one change to a task in a transaction and returns the task as it is afterwards.
    async fn change_one(
        &self,
        session: &Session,
        id: &TaskId,
        change: impl AsyncFnOnce(&mut SqliteConnection, Now) -> Result<(), CoreError>,
    ) -> Result<Task, CoreError> {
        let now = self.now();
        let mut tx = self.begin().await?;
        change(&mut tx, now).await?;
        let row = fetch(&mut tx, session, id).await?;
        tx.commit().await?;
        Ok(row.into_task(now))
    }

    /// Deletes every task in the trash for good; returns how many.
    pub async fn empty_trash(&self, session: &Session) -> Result<u32, CoreError> {
        let done = sqlx::query("DELETE FROM tasks WHERE profile_id = ?1 AND deleted_at IS NOT NULL")
            .bind(&session.profile_id)
            .execute(self.core.db.pool())
            .await?;
        Ok(u32::try_from(done.rows_affected()).unwrap_or(u32::MAX))
    }

    /// Applies one change to many tasks in one transaction.
    pub async fn bulk(&self, session: &Session, ids: &[TaskId], action: BulkAction) -> Result<BulkResult, CoreError> {
        if ids.len() > MAX_BULK {
            return Err(CoreError::validation("ids", "Change at most 1000 tasks at once."));
        }
        let now = self.now();
        let due = match &action {
            BulkAction::Reschedule { due: Some(due) } => Some(due.parts()?),
            _ => None,
        };
        let mut tx = self.begin().await?;
        let mut affected = 0u32;
        for id in ids {
            let result = match &action {
                BulkAction::Complete => complete_in(&mut tx, session, id, now).await,
                BulkAction::Reopen => uncomplete_in(&mut tx, session, id, now).await,
                BulkAction::Delete => set_deleted_in(&mut tx, session, id, true, now).await,
                BulkAction::Restore => set_deleted_in(&mut tx, session, id, false, now).await,
                BulkAction::Reschedule { .. } => reschedule_in(&mut tx, session, id, due, now).await,
            };
            match result {
                Ok(()) => affected += 1,
                Err(CoreError::NotFound { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        tx.commit().await?;
        Ok(BulkResult { affected })
    }
}

async fn complete_in(conn: &mut SqliteConnection, session: &Session, id: &TaskId, now: Now) -> Result<(), CoreError> {
    let row = fetch(conn, session, id).await?;
    if row.status == "done" {
        return Ok(());
    }
    let stamp = time::to_db(now.utc);
    sqlx::query(
        "INSERT INTO task_completions (id, task_id, profile_id, completed_at, due_date, due_time, due_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(new_id())
    .bind(id)
    .bind(&session.profile_id)
    .bind(&stamp)
    .bind(&row.due_date)
    .bind(&row.due_time)
    .bind(&row.due_at)
    .execute(&mut *conn)
    .await?;
    let next = match (&row.rrule, row.anchor(), row.due_parts()) {
        (Some(rule), Some(anchor), Some((date, time))) => {
            recurrence::next_after(rule, row.tz(), anchor, recurrence::anchor(date, time))?
        }
        _ => None,
    };
    match next {
        Some(next) => {
            let time = row.due_time.as_ref().map(|_| next.time());
            let (date, time, at) = due_columns(row.tz(), next.date(), time);
            move_due(conn, id, Some(&date), time.as_deref(), Some(&at), &stamp).await?;
        }
        None => {
            sqlx::query("UPDATE tasks SET status = 'done', completed_at = ?1, updated_at = ?1 WHERE id = ?2")
                .bind(&stamp)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Moves a task's due date (a recurring task stepping forward, or an undo stepping back).
async fn move_due(
    conn: &mut SqliteConnection,
    id: &TaskId,
    date: Option<&str>,
    time: Option<&str>,
    at: Option<&str>,
    stamp: &str,
) -> Result<(), CoreError> {
    sqlx::query("UPDATE tasks SET due_date = ?1, due_time = ?2, due_at = ?3, updated_at = ?4 WHERE id = ?5")
        .bind(date)
        .bind(time)
        .bind(at)
        .bind(stamp)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A recorded completion: its id and the due date (date, time, instant) the task had.
type CompletionRow = (String, Option<String>, Option<String>, Option<String>);

async fn uncomplete_in(conn: &mut SqliteConnection, session: &Session, id: &TaskId, now: Now) -> Result<(), CoreError> {
    let row = fetch(conn, session, id).await?;
    let last: Option<CompletionRow> = sqlx::query_as(
        "SELECT id, due_date, due_time, due_at FROM task_completions WHERE task_id = ?1 \
         ORDER BY completed_at DESC, id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let stamp = time::to_db(now.utc);
    if row.status == "done" {
        sqlx::query("UPDATE tasks SET status = 'open', completed_at = NULL, updated_at = ?1 WHERE id = ?2")
            .bind(&stamp)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    } else if let (Some(_), Some((_, Some(date), time, Some(at)))) = (&row.rrule, &last) {
        move_due(conn, id, Some(date), time.as_deref(), Some(at), &stamp).await?;
    } else {
        return Ok(());
    }
    if let Some((completion, ..)) = last {
        sqlx::query("DELETE FROM task_completions WHERE id = ?1").bind(completion).execute(&mut *conn).await?;
    }
    Ok(())
}

async fn set_deleted_in(
    conn: &mut SqliteConnection,
    session: &Session,
    id: &TaskId,
    deleted: bool,
    now: Now,
) -> Result<(), CoreError> {
    let done = sqlx::query(
        "UPDATE tasks SET deleted_at = CASE WHEN ?1 THEN COALESCE(deleted_at, ?2) END, updated_at = ?2 \
         WHERE id = ?3 AND profile_id = ?4",
    )
    .bind(deleted)
    .bind(time::to_db(now.utc))
    .bind(id)
    .bind(&session.profile_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(CoreError::NotFound { what: "task" });
    }
    Ok(())
}

async fn reschedule_in(
    conn: &mut SqliteConnection,
    session: &Session,
    id: &TaskId,
    due: Option<(NaiveDate, Option<NaiveTime>)>,
    now: Now,
) -> Result<(), CoreError> {
    let row = fetch(conn, session, id).await?;
    let cols = due.map(|(date, time)| due_columns(row.tz(), date, time));
    // Without a due date a task cannot repeat; with a new one a repetition restarts there.
    let anchor = match (&row.rrule, due) {
        (Some(_), Some((date, time))) => Some(recurrence::anchor(date, time).format("%Y-%m-%dT%H:%M").to_string()),
        _ => None,
    };
    let rule = anchor.as_ref().and(row.rrule.clone());
    sqlx::query(
        "UPDATE tasks SET due_date = ?1, due_time = ?2, due_at = ?3, rrule = ?4, recurrence_anchor = ?5, updated_at = ?6 \
         WHERE id = ?7",
    )
    .bind(cols.as_ref().map(|c| c.0.clone()))
    .bind(cols.as_ref().and_then(|c| c.1.clone()))
    .bind(cols.as_ref().map(|c| c.2.clone()))
    .bind(rule)
    .bind(anchor)
    .bind(time::to_db(now.utc))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
