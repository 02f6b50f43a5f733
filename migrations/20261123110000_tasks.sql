-- Tasks: a profile's to-do list.
-- Due dates are local calendar dates (and optional local times) in the task's time zone, with
-- the matching UTC instant in due_at for ordering and overdue checks. All-day tasks have
-- due_at = the start of their day.
CREATE TABLE tasks (
    seq                INTEGER PRIMARY KEY,             -- stable rowid for the full-text index
    id                 TEXT NOT NULL UNIQUE,            -- UUIDv7, what the UI and tools see
    profile_id         TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    title              TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    notes              TEXT NOT NULL DEFAULT '',
    due_date           TEXT,                            -- YYYY-MM-DD, local
    due_time           TEXT,                            -- HH:MM, local; NULL = all day
    due_at             TEXT,                            -- RFC 3339 UTC
    time_zone          TEXT NOT NULL,                   -- IANA zone of due_date/due_time
    priority           INTEGER NOT NULL DEFAULT 4 CHECK (priority BETWEEN 1 AND 4),
    tags               TEXT NOT NULL DEFAULT '[]',      -- JSON array; task_tags mirrors it for filtering
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    completed_at       TEXT,
    rrule              TEXT,                            -- RRULE body, e.g. FREQ=MONTHLY;BYMONTHDAY=1
    recurrence_anchor  TEXT,                            -- YYYY-MM-DDTHH:MM local: the rule's DTSTART
    deleted_at         TEXT,                            -- in the trash since
    position           REAL NOT NULL,                   -- manual order
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK ((due_date IS NULL) = (due_at IS NULL)),
    CHECK (due_time IS NULL OR due_date IS NOT NULL),
    CHECK ((rrule IS NULL) = (recurrence_anchor IS NULL))
) STRICT;

-- One index per view and sort; '~' sorts after every timestamp, so undated tasks come last.
CREATE INDEX tasks_open_by_due ON tasks (profile_id, COALESCE(due_at, '~'), id)
    WHERE deleted_at IS NULL AND status = 'open';
CREATE INDEX tasks_open_by_date ON tasks (profile_id, due_date)
    WHERE deleted_at IS NULL AND status = 'open';
CREATE INDEX tasks_open_by_priority ON tasks (profile_id, priority, COALESCE(due_at, '~'), id)
    WHERE deleted_at IS NULL AND status = 'open';
CREATE INDEX tasks_by_created ON tasks (profile_id, created_at, id);
CREATE INDEX tasks_by_position ON tasks (profile_id, position);
CREATE INDEX tasks_done_by_completed ON tasks (profile_id, completed_at, id)
    WHERE deleted_at IS NULL AND status = 'done';
CREATE INDEX tasks_trash_by_deleted ON tasks (profile_id, deleted_at, id)
    WHERE deleted_at IS NOT NULL;

CREATE TABLE task_tags (
    task_id     TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    profile_id  TEXT NOT NULL,
    tag         TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (task_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX task_tags_by_tag ON task_tags (profile_id, tag, task_id);

-- Every completion, including each step of a recurring task, with the due date it had
-- (so "undo" can put it back).
CREATE TABLE task_completions (
    id            TEXT PRIMARY KEY NOT NULL,
    task_id       TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    profile_id    TEXT NOT NULL,
    completed_at  TEXT NOT NULL,
    due_date      TEXT,
    due_time      TEXT,
    due_at        TEXT
) STRICT;
CREATE INDEX task_completions_by_task ON task_completions (task_id, completed_at);
CREATE INDEX task_completions_by_profile ON task_completions (profile_id, completed_at);

-- Full-text search over title, notes and tags, kept in step by triggers.
CREATE VIRTUAL TABLE tasks_fts USING fts5 (
    title, notes, tags, content = 'tasks', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_fts (rowid, title, notes, tags) VALUES (new.seq, new.title, new.notes, new.tags);
END;
CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, title, notes, tags) VALUES ('delete', old.seq, old.title, old.notes, old.tags);
END;
CREATE TRIGGER tasks_fts_update AFTER UPDATE OF title, notes, tags ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, title, notes, tags) VALUES ('delete', old.seq, old.title, old.notes, old.tags);
    INSERT INTO tasks_fts (rowid, title, notes, tags) VALUES (new.seq, new.title, new.notes, new.tags);
END;
