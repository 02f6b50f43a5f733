//! Reading the list: views, filters, full-text search, sorting and keyset pagination.
//!
//! Each sort is a list of key expressions that matches one of the migration's indexes, so a page
//! is an index range scan whatever the list's size; the cursor carries the last row's keys.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{QueryBuilder, Sqlite};

use super::recurrence::{anchor, localize};
use super::{Due, Now, Priority, TagCount, Task, TaskRow, Tasks, TASK_COLUMNS};
use crate::auth::Session;
use crate::store::fts_query;
use crate::{time, CoreError};

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum TaskView {
    /// Every open task.
    Inbox,
    /// Open tasks due today or earlier.
    Today,
    /// Open tasks due after today.
    Upcoming,
    /// Open tasks past their due date (or time).
    Overdue,
    /// Done tasks, most recent first.
    Completed,
    /// Deleted tasks, most recent first.
    Trash,
}

/// Order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum TaskSort {
    /// Soonest due first, undated last.
    Due,
    /// Most urgent first, then soonest due.
    Priority,
    /// Newest first.
    Created,
    /// Alphabetical.
    Title,
}

/// What to list.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TaskQuery {
    pub view: TaskView,
    pub tag: Option<String>,
    pub priority: Option<Priority>,
    /// Due on or after this day (`YYYY-MM-DD`).
    pub due_from: Option<String>,
    /// Due on or before this day (`YYYY-MM-DD`).
    pub due_to: Option<String>,
    /// Full-text search over title, notes and tags.
    pub text: Option<String>,
    /// Default: by due date (Completed: by completion; Trash: by deletion).
    pub sort: Option<TaskSort>,
    /// From the previous page's `nextCursor`.
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
}

impl TaskQuery {
    /// The first page of a view, with no filters.
    pub fn view(view: TaskView) -> Self {
        Self {
            view,
            tag: None,
            priority: None,
            due_from: None,
            due_to: None,
            text: None,
            sort: None,
            cursor: None,
            limit: None,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    /// Pass back for the next page; none on the last page.
    pub next_cursor: Option<String>,
}

/// How many tasks each view holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct ViewCounts {
    pub inbox: u32,
    pub today: u32,
    pub upcoming: u32,
    pub overdue: u32,
    pub completed: u32,
    pub trash: u32,
}

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

/// The keys of an order, in SQL, and whether it runs descending.
struct Order {
    name: &'static str,
    keys: &'static [&'static str],
    descending: bool,
}

const BY_DUE: Order = Order { name: "due", keys: &["COALESCE(due_at, '~')", "id"], descending: false };
const BY_PRIORITY: Order =
    Order { name: "priority", keys: &["priority", "COALESCE(due_at, '~')", "id"], descending: false };
const BY_CREATED: Order = Order { name: "created", keys: &["created_at", "id"], descending: true };
const BY_TITLE: Order = Order { name: "title", keys: &["title COLLATE NOCASE", "id"], descending: false };
const BY_COMPLETED: Order = Order { name: "completed", keys: &["completed_at", "id"], descending: true };
const BY_DELETED: Order = Order { name: "deleted", keys: &["deleted_at", "id"], descending: true };

fn order(view: TaskView, sort: Option<TaskSort>) -> Order {
    match (sort, view) {
        (Some(TaskSort::Due), _) => BY_DUE,
        (Some(TaskSort::Priority), _) => BY_PRIORITY,
        (Some(TaskSort::Created), _) => BY_CREATED,
        (Some(TaskSort::Title), _) => BY_TITLE,
        (None, TaskView::Completed) => BY_COMPLETED,
        (None, TaskView::Trash) => BY_DELETED,
        (None, _) => BY_DUE,
    }
}

/// The key values of a row for an order, in the order's key order.
fn keys_of(order: &Order, row: &TaskRow) -> Vec<Value> {
    let text = |v: &Option<String>| Value::String(v.clone().unwrap_or_else(|| "~".into()));
    match order.name {
        "due" => vec![text(&row.due_at), row.id.0.clone().into()],
        "priority" => vec![row.priority.into(), text(&row.due_at), row.id.0.clone().into()],
        "created" => vec![row.created_at.clone().into(), row.id.0.clone().into()],
        "title" => vec![row.title.clone().into(), row.id.0.clone().into()],
        "completed" => vec![text(&row.completed_at), row.id.0.clone().into()],
        _ => vec![text(&row.deleted_at), row.id.0.clone().into()],
    }
}

/// Today's edges as UTC instants in the stored format: views compare due instants, which the
/// open-task index is ordered by.
struct DayBounds {
    today_start: String,
    tomorrow_start: String,
    now: String,
}

impl DayBounds {
    fn new(now: Now) -> Self {
        let today = now.today();
        let start =
            |day: chrono::NaiveDate| time::to_db(localize(now.tz, anchor(day, None)).with_timezone(&chrono::Utc));
        Self {
            today_start: start(today),
            tomorrow_start: today.succ_opt().map(start).unwrap_or_else(|| "~".into()),
            now: time::to_db(now.utc),
        }
    }
}

fn bad_cursor() -> CoreError {
    CoreError::validation("cursor", "That page cursor belongs to another list; start again from the first page.")
}

fn day(field: &'static str, value: &str) -> Result<String, CoreError> {
    let due = Due { date: value.to_owned(), time: None };
    let (date, _) = due
        .parts()
        .map_err(|_| CoreError::validation(field, format!("\"{value}\" is not a date (use YYYY-MM-DD).")))?;
    Ok(date.format("%Y-%m-%d").to_string())
}

impl Tasks<'_> {
    /// A page of a view, filtered and sorted.
    pub async fn list(&self, session: &Session, query: TaskQuery) -> Result<TaskPage, CoreError> {
        let now = self.now();
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let order = order(query.view, query.sort);

        let mut sql = QueryBuilder::<Sqlite>::new(format!("SELECT {TASK_COLUMNS} FROM tasks WHERE profile_id = "));
        sql.push_bind(session.profile_id.0.clone());
        // The date views are ranges of the due instant, which is the leading key of the open-task
        // index: a page is a short index range scan even with 100 000 tasks.
        let bounds = DayBounds::new(now);
        const OPEN: &str = " AND deleted_at IS NULL AND status = 'open'";
        match query.view {
            TaskView::Inbox => {
                sql.push(OPEN);
            }
            TaskView::Today => {
                sql.push(OPEN).push(" AND COALESCE(due_at, '~') < ").push_bind(bounds.tomorrow_start.clone());
            }
            TaskView::Upcoming => {
                sql.push(OPEN)
                    .push(" AND COALESCE(due_at, '~') >= ")
                    .push_bind(bounds.tomorrow_start.clone())
                    .push(" AND due_at IS NOT NULL");
            }
            TaskView::Overdue => {
                sql.push(OPEN)
                    .push(" AND COALESCE(due_at, '~') < ")
                    .push_bind(bounds.now.clone())
                    .push(" AND (due_at < ")
                    .push_bind(bounds.today_start.clone())
                    .push(" OR due_time IS NOT NULL)");
            }
            TaskView::Completed => {
                sql.push(" AND deleted_at IS NULL AND status = 'done'");
            }
            TaskView::Trash => {
                sql.push(" AND deleted_at IS NOT NULL");
            }
        }
        if let Some(tag) = query.tag.as_deref().map(|t| t.trim().trim_start_matches('#')).filter(|t| !t.is_empty()) {
            sql.push(" AND id IN (SELECT task_id FROM task_tags WHERE profile_id = ")
                .push_bind(session.profile_id.0.clone())
                .push(" AND tag = ")
                .push_bind(tag.to_owned())
                .push(")");
        }
        if let Some(priority) = query.priority {
            sql.push(" AND priority = ").push_bind(priority.level());
        }
        if let Some(from) = query.due_from.as_deref().filter(|d| !d.is_empty()) {
            sql.push(" AND due_date >= ").push_bind(day("dueFrom", from)?);
        }
        if let Some(to) = query.due_to.as_deref().filter(|d| !d.is_empty()) {
            sql.push(" AND due_date <= ").push_bind(day("dueTo", to)?);
        }
        if let Some(text) = query.text.as_deref().and_then(fts_query) {
            sql.push(" AND seq IN (SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH ").push_bind(text).push(")");
        }
        if let Some(cursor) = query.cursor.as_deref().filter(|c| !c.is_empty()) {
            let (name, values): (String, Vec<Value>) = serde_json::from_str(cursor).map_err(|_| bad_cursor())?;
            if name != order.name || values.len() != order.keys.len() {
                return Err(bad_cursor());
            }
            sql.push(format!(" AND ({}) {} (", order.keys.join(", "), if order.descending { "<" } else { ">" }));
            let mut separated = sql.separated(", ");
            for value in values {
                match value {
                    Value::Number(n) => separated.push_bind(n.as_i64().ok_or_else(bad_cursor)?),
                    Value::String(s) => separated.push_bind(s),
                    _ => return Err(bad_cursor()),
                };
            }
            sql.push(")");
        }
        let direction = if order.descending { " DESC" } else { "" };
        sql.push(format!(
            " ORDER BY {} LIMIT ",
            order.keys.iter().map(|k| format!("{k}{direction}")).collect::<Vec<_>>().join(", ")
        ));
        sql.push_bind(i64::from(limit) + 1);

        let mut rows: Vec<TaskRow> = sql.build_query_as().fetch_all(self.core.db.pool()).await?;
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|last| serde_json::json!([order.name, keys_of(&order, last)]).to_string())
        } else {
            None
        };
        Ok(TaskPage { tasks: rows.into_iter().map(|row| row.into_task(now)).collect(), next_cursor })
    }

    /// How many tasks each view holds. Each count is a range of one of the partial indexes.
    pub async fn counts(&self, session: &Session) -> Result<ViewCounts, CoreError> {
        let bounds = DayBounds::new(self.now());
        let row: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT \
               (SELECT COUNT(*) FROM tasks WHERE profile_id = ?1 AND deleted_at IS NULL AND status = 'open'), \
               (SELECT COUNT(*) FROM tasks WHERE profile_id = ?1 AND deleted_at IS NULL AND status = 'open' \
                  AND COALESCE(due_at, '~') < ?3), \
               (SELECT COUNT(*) FROM tasks WHERE profile_id = ?1 AND deleted_at IS NULL AND status = 'open' \
                  AND COALESCE(due_at, '~') >= ?3 AND COALESCE(due_at, '~') < '~'), \
               (SELECT COUNT(*) FROM tasks WHERE profile_id = ?1 AND deleted_at IS NULL AND status = 'open' \
                  AND COALESCE(due_at, '~') < ?2), \
               (SELECT COUNT(*) FROM tasks WHERE profile_id = ?1 AND deleted_at IS NULL AND status = 'open' \
                  AND COALESCE(due_at, '~') >= ?2 AND COALESCE(due_at, '~') < ?4 AND due_time IS NOT NULL), \
               (SELECT COUNT(*) FROM tasks WHERE profile_id = ?1 AND deleted_at IS NULL AND status = 'done'), \
               (SELECT COUNT(*) FROM tasks WHERE profile_id = ?1 AND deleted_at IS NOT NULL)",
        )
        .bind(&session.profile_id)
        .bind(&bounds.today_start)
        .bind(&bounds.tomorrow_start)
        .bind(&bounds.now)
        .fetch_one(self.core.db.pool())
        .await?;
        let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        Ok(ViewCounts {
            inbox: n(row.0),
            today: n(row.1),
            upcoming: n(row.2),
            overdue: n(row.3) + n(row.4),
            completed: n(row.5),
            trash: n(row.6),
        })
    }

    /// The tags on open tasks, with how many carry each.
    pub async fn tags(&self, session: &Session) -> Result<Vec<TagCount>, CoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT MIN(tt.tag), COUNT(*) FROM task_tags tt JOIN tasks t ON t.id = tt.task_id \
             WHERE tt.profile_id = ?1 AND t.deleted_at IS NULL AND t.status = 'open' \
             GROUP BY tt.tag ORDER BY tt.tag",
        )
        .bind(&session.profile_id)
        .fetch_all(self.core.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(tag, count)| TagCount { tag, count: u32::try_from(count).unwrap_or(u32::MAX) })
            .collect())
    }
}
