//! What the app has been doing, for Settings → Diagnostics and bug reports: the database's size
//! and row counts, the profile's connections, and usage per day (tokens by agent and by model,
//! runs and their failures, tasks created and completed). Counts and names only: never message
//! text, task titles or secrets, so the whole report can be copied into a bug report.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::auth::Session;
use crate::profiles::Role;
use crate::{time, Core, CoreError};

/// The most days the usage charts go back.
pub const MAX_DAYS: u32 = 365;

/// The database at a glance.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseInfo {
    /// The database file and its write-ahead log, in bytes.
    pub size_bytes: f64,
    /// The newest schema version applied (the migration's number).
    pub schema_version: String,
    /// Rows per table: the whole computer's for administrators, the profile's own otherwise.
    pub counts: Vec<TableCount>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TableCount {
    pub table: String,
    pub rows: f64,
}

/// A provider connection as diagnostics show it (no address, no key).
#[derive(Debug, Clone, Serialize, specta::Type, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInfo {
    pub name: String,
    pub kind: String,
    pub is_default: bool,
    /// Where its key is: none, keychain or vault.
    pub key_storage: String,
    /// The last run through it: when, and whether it failed.
    pub last_run_at: Option<String>,
    pub last_run_failed: bool,
}

/// One day's usage. Days without any activity are included, with zeros, so charts are even.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DayUsage {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub runs: u32,
    pub failed_runs: u32,
    pub tokens_in: f64,
    pub tokens_out: f64,
    pub tasks_created: u32,
    pub tasks_completed: u32,
}

/// Tokens of one day by one agent or model.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TokensBy {
    pub day: String,
    /// The agent's or the model's name.
    pub name: String,
    pub tokens: f64,
}

/// Usage of the signed-in profile over the last days.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UsageReport {
    pub days: Vec<DayUsage>,
    pub tokens_by_agent: Vec<TokensBy>,
    pub tokens_by_model: Vec<TokensBy>,
}

/// Diagnostics of the signed-in profile. See [`Core::diagnostics`].
pub struct Diagnostics<'a> {
    core: &'a Core,
}

const TABLES: [&str; 9] =
    ["profiles", "tasks", "agents", "threads", "messages", "runs", "tool_calls", "provider_connections", "mcp_servers"];

impl<'a> Diagnostics<'a> {
    pub(crate) fn new(core: &'a Core) -> Self {
        Self { core }
    }

    /// The database's size, schema version and row counts.
    pub async fn database(&self, session: &Session) -> Result<DatabaseInfo, CoreError> {
        let pool = self.core.db.pool();
        let admin = crate::profiles::get(pool, &session.profile_id).await?.role == Role::Admin;
        let mut size = 0u64;
        for suffix in ["", "-wal"] {
            let path = format!("{}{suffix}", self.core.data_dir().join("kickstart.db").display());
            size += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        }
        let schema_version: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(pool)
                .await?;
        let mut counts = Vec::new();
        for table in TABLES {
            let sql = match (admin, table) {
                (true, _) => format!("SELECT count(*) FROM {table}"),
                (false, "profiles") => "SELECT 1".to_owned(),
                (false, "messages") => {
                    "SELECT count(*) FROM messages WHERE thread_id IN (SELECT id FROM threads WHERE profile_id = ?1)"
                        .into()
                }
                (false, "tool_calls") => {
                    "SELECT count(*) FROM tool_calls WHERE run_id IN (SELECT id FROM runs WHERE profile_id = ?1)".into()
                }
                (false, _) => format!("SELECT count(*) FROM {table} WHERE profile_id = ?1"),
            };
            let rows: i64 = sqlx::query_scalar(&sql).bind(&session.profile_id).fetch_one(pool).await?;
            counts.push(TableCount { table: table.to_owned(), rows: rows as f64 });
        }
        Ok(DatabaseInfo { size_bytes: size as f64, schema_version: schema_version.to_string(), counts })
    }

    /// The profile's provider connections and how their last run went.
    pub async fn connections(&self, session: &Session) -> Result<Vec<ConnectionInfo>, CoreError> {
        // The status of the connection's newest run comes as `last_run_failed` (1 = error).
        let rows: Vec<ConnectionInfo> = sqlx::query_as(
            "SELECT c.name, c.kind, c.is_default, c.key_storage, r.started_at AS last_run_at, \
                    COALESCE(r.status = 'error', 0) AS last_run_failed \
             FROM provider_connections c \
             LEFT JOIN runs r ON r.id = (SELECT id FROM runs WHERE connection_id = c.id \
                                         ORDER BY started_at DESC, id DESC LIMIT 1) \
             WHERE c.profile_id = ?1 ORDER BY c.name",
        )
        .bind(&session.profile_id)
        .fetch_all(self.core.db.pool())
        .await?;
        Ok(rows)
    }

    /// Usage per day over the last `days` days (today included), for the charts.
    pub async fn usage(&self, session: &Session, days: u32) -> Result<UsageReport, CoreError> {
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(CoreError::validation("days", format!("Choose between 1 and {MAX_DAYS} days.")));
        }
        let today = self.core.clock.now().date_naive();
        let first = today - Duration::days(i64::from(days) - 1);
        let since = time::to_db(first.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
        let pool = self.core.db.pool();
        let profile = &session.profile_id;

        let mut by_day: Vec<DayUsage> = (0..days)
            .map(|n| DayUsage {
                day: (first + Duration::days(i64::from(n))).to_string(),
                runs: 0,
                failed_runs: 0,
                tokens_in: 0.0,
                tokens_out: 0.0,
                tasks_created: 0,
                tasks_completed: 0,
            })
            .collect();
        let len = by_day.len();
        let index = |day: &str| -> Option<usize> {
            let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
            usize::try_from((date - first).num_days()).ok().filter(|&i| i < len)
        };

        let runs: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT substr(started_at, 1, 10) AS day, count(*), \
                    sum(status = 'error'), COALESCE(sum(tokens_in), 0), COALESCE(sum(tokens_out), 0) \
             FROM runs WHERE profile_id = ?1 AND started_at >= ?2 GROUP BY day",
        )
        .bind(profile)
        .bind(&since)
        .fetch_all(pool)
        .await?;
        for (day, count, failed, tokens_in, tokens_out) in runs {
            if let Some(i) = index(&day) {
                by_day[i].runs = count as u32;
                by_day[i].failed_runs = failed as u32;
                by_day[i].tokens_in = tokens_in as f64;
                by_day[i].tokens_out = tokens_out as f64;
            }
        }
        // Tasks made and completions, per day: the same count over two tables.
        for (table, column, created) in [("tasks", "created_at", true), ("task_completions", "completed_at", false)] {
            let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
                "SELECT substr({column}, 1, 10) AS day, count(*) FROM {table} \
                 WHERE profile_id = ?1 AND {column} >= ?2 GROUP BY day"
            ))
            .bind(profile)
            .bind(&since)
            .fetch_all(pool)
            .await?;
            for (day, count) in rows {
                if let Some(i) = index(&day) {
                    let slot = if created { &mut by_day[i].tasks_created } else { &mut by_day[i].tasks_completed };
                    *slot = count as u32;
                }
            }
        }

        let tokens_by = |group: &'static str| {
            let sql = format!(
                "SELECT substr(r.started_at, 1, 10) AS day, {group} AS name, \
                        COALESCE(sum(r.tokens_in), 0) + COALESCE(sum(r.tokens_out), 0) AS tokens \
                 FROM runs r JOIN threads t ON t.id = r.thread_id LEFT JOIN agents a ON a.id = t.agent_id \
                 WHERE r.profile_id = ?1 AND r.started_at >= ?2 GROUP BY day, name HAVING tokens > 0 \
                 ORDER BY day, name"
            );
            let since = since.clone();
            async move {
                let rows: Vec<(String, String, i64)> =
                    sqlx::query_as(&sql).bind(profile).bind(since).fetch_all(pool).await?;
                Ok::<_, CoreError>(
                    rows.into_iter().map(|(day, name, tokens)| TokensBy { day, name, tokens: tokens as f64 }).collect(),
                )
            }
        };
        let tokens_by_agent = tokens_by("COALESCE(a.name, 'Removed agent')").await?;
        let tokens_by_model = tokens_by("r.model").await?;
        Ok(UsageReport { days: by_day, tokens_by_agent, tokens_by_model })
    }
}
