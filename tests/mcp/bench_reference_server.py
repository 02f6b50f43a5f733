"""A reference MCP server for the stdio benchmark (scripts/bench-mcp.py): the Python SDK's
high-level server (FastMCP, called `MCPServer` since mcp 2) with `list_tasks` and `add_task` over
SQLite, doing the same work as `kickstart mcp` for the calls the benchmark makes.

    .venv/bin/python tests/mcp/bench_reference_server.py --db /tmp/x/reference.db

Kept honest on purpose:
- the `tasks` table has the shape of ours (migrations/20261123110000_tasks.sql): UUIDv7 text ids
  on an integer rowid, due as local date + time + UTC instant, tags as JSON, status, trash,
  position, timestamps; the same seven indexes (the open list reads the partial index on
  `COALESCE(due_at, '~'), id`), the same full-text index kept by a trigger, and the foreign key
  to a profiles row (checked on every insert);
- the same connection settings as ours (crates/kickstart-core/src/store.rs): WAL,
  synchronous=NORMAL, foreign keys on, a 5 s busy timeout;
- `add_task` takes `{"tasks": [{"title", "due"?}]}` (1 to 50, unknown fields refused) and adds
  each task in its own `BEGIN IMMEDIATE` transaction (insert with the next position, read the
  row back, commit) — as ours does — and returns `{"created": [task…], "failed": […]}`;
- `list_tasks` returns the open tasks, soonest due first (undated last), 50 to a page (one extra
  row read to know whether there is a next page), as `{"tasks": [task…], "next_cursor"}`;
- a task has the same fields as ours (id, title, notes, due, priority, tags, status, repeat,
  overdue), so results are about the same size in bytes.
What it does not do, and ours does: read `due` as words ("tomorrow 5pm"), repetitions, tags on
input, the other filters, and the per-request token check (one indexed SELECT and one UPDATE that
changes nothing within the same minute). Dates are ISO only (`2026-05-01` or `2026-05-01T17:00`)
and in UTC (run it with TZ=UTC, as the benchmark does).

The tool functions are plain (sync) functions: the SDK runs them on a worker thread, as sqlx runs
SQLite on its own thread in ours.
"""

import argparse
import json
import os
import secrets
import sqlite3
import sys
import threading
import time
from datetime import datetime, timezone
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field

PROFILE = "0192a000-0000-7000-8000-000000000001"  # one profile, as a token names one
PAGE = 50
MAX_NEW_TASKS = 50

SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (id TEXT PRIMARY KEY NOT NULL, username TEXT NOT NULL) STRICT;
INSERT OR IGNORE INTO profiles (id, username) VALUES ('0192a000-0000-7000-8000-000000000001', 'bench');
CREATE TABLE IF NOT EXISTS tasks (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    profile_id   TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    notes        TEXT NOT NULL DEFAULT '',
    due_date     TEXT,
    due_time     TEXT,
    due_at       TEXT,
    time_zone    TEXT NOT NULL,
    priority     INTEGER NOT NULL DEFAULT 4 CHECK (priority BETWEEN 1 AND 4),
    tags         TEXT NOT NULL DEFAULT '[]',
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    completed_at TEXT,
    rrule        TEXT,
    recurrence_anchor TEXT,
    deleted_at   TEXT,
    position     REAL NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK ((due_date IS NULL) = (due_at IS NULL)),
    CHECK (due_time IS NULL OR due_date IS NOT NULL),
    CHECK ((rrule IS NULL) = (recurrence_anchor IS NULL))
) STRICT;
-- The same indexes as ours, so an insert updates as many (the open list reads the first).
CREATE INDEX IF NOT EXISTS tasks_open_by_due ON tasks (profile_id, COALESCE(due_at, '~'), id)
    WHERE deleted_at IS NULL AND status = 'open';
CREATE INDEX IF NOT EXISTS tasks_open_by_date ON tasks (profile_id, due_date)
    WHERE deleted_at IS NULL AND status = 'open';
CREATE INDEX IF NOT EXISTS tasks_open_by_priority ON tasks (profile_id, priority, COALESCE(due_at, '~'), id)
    WHERE deleted_at IS NULL AND status = 'open';
CREATE INDEX IF NOT EXISTS tasks_by_created ON tasks (profile_id, created_at, id);
CREATE INDEX IF NOT EXISTS tasks_by_position ON tasks (profile_id, position);
CREATE INDEX IF NOT EXISTS tasks_done_by_completed ON tasks (profile_id, completed_at, id)
    WHERE deleted_at IS NULL AND status = 'done';
CREATE INDEX IF NOT EXISTS tasks_trash_by_deleted ON tasks (profile_id, deleted_at, id)
    WHERE deleted_at IS NOT NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS tasks_fts USING fts5 (
    title, notes, tags, content = 'tasks', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS tasks_fts_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_fts (rowid, title, notes, tags) VALUES (new.seq, new.title, new.notes, new.tags);
END;
"""

COLUMNS = "id, title, notes, due_date, due_time, due_at, priority, tags, status, rrule, deleted_at"


# ---- the argument and result shapes (pydantic: the SDK derives the JSON Schemas from them) ----


class NewTask(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Annotated[str, Field(min_length=1, max_length=500, description="What to do.")]
    due: Annotated[str | None, Field(description="ISO date or date and time: 2026-05-01, 2026-05-01T17:00.")] = None


class TaskItem(BaseModel):
    id: str
    title: str
    notes: str
    due: str | None
    priority: int
    tags: list[str]
    status: str
    repeat: str | None
    overdue: bool


class ItemFailure(BaseModel):
    item: str
    error: str


class AddedTasks(BaseModel):
    created: list[TaskItem]
    failed: list[ItemFailure]


class TaskList(BaseModel):
    tasks: list[TaskItem]
    next_cursor: str | None


# ---- storage ----


def uuid7() -> str:
    """A UUIDv7 (time-ordered), as ours makes (Python 3.11 has no uuid.uuid7)."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(secrets.token_bytes(10), "big")
    value = (ms << 80) | (0x7 << 76) | ((rand >> 64) & 0xFFF) << 64 | (0b10 << 62) | (rand & ((1 << 62) - 1))
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def db_time(moment: datetime) -> str:
    """The timestamp format of ours (RFC 3339, UTC, milliseconds)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_due(text: str) -> tuple[str, str | None, str]:
    """ISO date or date-time, read in UTC: (due_date, due_time, due_at)."""
    text = text.strip()
    if len(text) == 10:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        return day.strftime("%Y-%m-%d"), None, db_time(day)
    moment = datetime.fromisoformat(text.replace(" ", "T"))
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M"), db_time(moment)


class Store:
    def __init__(self, path: str):
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.executescript(SCHEMA)
        # The SDK may run each call on a different worker thread; calls never overlap here, but a
        # lock keeps the one connection safe if they did.
        self.lock = threading.Lock()

    def task(self, row: tuple, now_at: str) -> TaskItem:
        id_, title, notes, due_date, due_time, due_at, priority, tags, status, rrule, deleted_at = row
        due = None if due_date is None else (due_date if due_time is None else f"{due_date} {due_time}")
        if due_at is None:
            overdue = False
        elif due_time is None:  # an all-day task is overdue from the next day on
            overdue = due_date < now_at[:10]
        else:
            overdue = due_at < now_at
        return TaskItem(
            id=id_,
            title=title,
            notes=notes,
            due=due,
            priority=priority,
            tags=json.loads(tags),
            status="deleted" if deleted_at is not None else status,
            repeat=rrule,
            overdue=overdue and status == "open" and deleted_at is None,
        )

    def create(self, title: str, due: str | None) -> TaskItem:
        now = datetime.now(timezone.utc)
        stamp = db_time(now)
        due_date, due_time, due_at = parse_due(due) if due else (None, None, None)
        id_ = uuid7()
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute(
                    "INSERT INTO tasks (id, profile_id, title, notes, due_date, due_time, due_at, time_zone, priority,"
                    " tags, position, created_at, updated_at) VALUES (?1, ?2, ?3, '', ?4, ?5, ?6, 'UTC', 4, '[]',"
                    " (SELECT COALESCE(MAX(position), 0) + 1 FROM tasks WHERE profile_id = ?2), ?7, ?7)",
                    (id_, PROFILE, title, due_date, due_time, due_at, stamp),
                )
                row = self.conn.execute(
                    f"SELECT {COLUMNS} FROM tasks WHERE id = ?1 AND profile_id = ?2", (id_, PROFILE)
                ).fetchone()
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return self.task(row, stamp)

    def open_tasks(self, limit: int) -> TaskList:
        now_at = db_time(datetime.now(timezone.utc))
        with self.lock:
            rows = self.conn.execute(
                f"SELECT {COLUMNS}, COALESCE(due_at, '~') FROM tasks WHERE profile_id = ?1"
                " AND deleted_at IS NULL AND status = 'open' ORDER BY COALESCE(due_at, '~'), id LIMIT ?2",
                (PROFILE, limit + 1),
            ).fetchall()
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            next_cursor = json.dumps(["due", [last[-1], last[0]]], separators=(",", ":"))
        return TaskList(tasks=[self.task(row[:-1], now_at) for row in rows], next_cursor=next_cursor)


# ---- the server ----


def build(db_path: str) -> MCPServer:
    store = Store(db_path)
    server = MCPServer(name="reference-tasks", version="1.0.0", log_level="WARNING")

    @server.tool(
        title="Add tasks",
        annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False),
    )
    def add_task(tasks: Annotated[list[NewTask], Field(description="1 to 50 tasks.")]) -> AddedTasks:
        """Add one or more tasks to the to-do list."""
        if not 1 <= len(tasks) <= MAX_NEW_TASKS:
            raise ValueError(f"Give 1 to {MAX_NEW_TASKS} tasks in `tasks`.")
        result = AddedTasks(created=[], failed=[])
        for index, task in enumerate(tasks):
            try:
                result.created.append(store.create(task.title, task.due))
            except (ValueError, sqlite3.Error) as error:
                result.failed.append(ItemFailure(item=str(index), error=str(error)))
        return result

    @server.tool(
        title="List tasks",
        annotations=ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False),
    )
    def list_tasks(limit: Annotated[int, Field(ge=1, le=200, description="At most this many.")] = PAGE) -> TaskList:
        """The open tasks, soonest due first (undated last)."""
        return store.open_tasks(limit)

    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the SQLite file (created if missing)")
    args = parser.parse_args()
    if os.environ.get("TZ") not in (None, "UTC", "Etc/UTC"):
        print("note: the reference server reads and shows dates in UTC", file=sys.stderr)
    build(args.db).run("stdio")


if __name__ == "__main__":
    main()
