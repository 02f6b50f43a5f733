-- Agents, threads, messages and runs (one run = one answer to one user message).
-- Timestamps are RFC 3339 UTC text with milliseconds.

CREATE TABLE agents (
    id              TEXT PRIMARY KEY NOT NULL,
    profile_id      TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,   -- the owner
    built_in        TEXT CHECK (built_in IN ('taskAssistant')),                 -- NULL for agents people made
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    color           TEXT NOT NULL,
    icon            TEXT NOT NULL,
    system_prompt   TEXT NOT NULL DEFAULT '',
    -- No foreign key: a removed connection must make sending fail clearly, not silently switch.
    connection_id   TEXT,
    model           TEXT,
    temperature     REAL CHECK (temperature IS NULL OR temperature BETWEEN 0 AND 2),
    max_tokens      INTEGER CHECK (max_tokens IS NULL OR max_tokens > 0),
    context_window  INTEGER CHECK (context_window IS NULL OR context_window > 0),
    tools           TEXT NOT NULL DEFAULT '[]',     -- JSON array of tool names
    starters        TEXT NOT NULL DEFAULT '[]',     -- JSON array of {title, prompt}
    visibility      TEXT NOT NULL CHECK (visibility IN ('private', 'shared')),
    archived_at     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX agents_profile ON agents (profile_id);
CREATE INDEX agents_shared ON agents (visibility) WHERE visibility = 'shared';
CREATE UNIQUE INDEX agents_one_builtin ON agents (profile_id, built_in) WHERE built_in IS NOT NULL;

-- Each profile's built-in agents are added by the app (at registration and at sign-in), so the
-- built-in prompt lives in one place.

CREATE TABLE threads (
    id                TEXT PRIMARY KEY NOT NULL,
    profile_id        TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    agent_id          TEXT NOT NULL REFERENCES agents (id),
    title             TEXT NOT NULL,
    -- Who chose the title: suggested from the first message's text, by the model, or by the person
    -- (a person's title is never replaced by a suggestion).
    title_source      TEXT NOT NULL CHECK (title_source IN ('text', 'model', 'user')),
    pinned            INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    archived_at       TEXT,
    deleted_at        TEXT,
    last_activity_at  TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
-- The thread list's order and keyset.
CREATE INDEX threads_list ON threads (profile_id, pinned DESC, last_activity_at DESC, id DESC)
    WHERE deleted_at IS NULL;

CREATE TABLE messages (
    seq            INTEGER PRIMARY KEY,            -- explicit rowid: the transcript's order and keyset, and FTS's key
    id             TEXT NOT NULL UNIQUE,
    thread_id      TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    role           TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('streaming', 'complete', 'error', 'cancelled', 'interrupted')),
    model          TEXT,
    tokens_in      INTEGER,
    tokens_out     INTEGER,
    run_id         TEXT,
    error_kind     TEXT,
    error_message  TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX messages_thread ON messages (thread_id, seq);
-- Start-up finds answers a crash left half-written without scanning every message.
CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content, content = 'messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;

CREATE TABLE runs (
    id                  TEXT PRIMARY KEY NOT NULL,
    profile_id          TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    thread_id           TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    -- The answer it wrote; kept when a regenerate or an edit replaces that answer.
    message_id          TEXT,
    status              TEXT NOT NULL CHECK (status IN ('running', 'complete', 'error', 'cancelled', 'interrupted')),
    connection_id       TEXT,
    provider_name       TEXT NOT NULL,
    provider_kind       TEXT NOT NULL,
    model               TEXT NOT NULL,
    tokens_in           INTEGER,
    tokens_out          INTEGER,
    time_to_first_token_ms INTEGER,
    duration_ms         INTEGER,
    error_kind          TEXT,
    error_message       TEXT,
    correlation_id      TEXT NOT NULL,
    started_at          TEXT NOT NULL,
    finished_at         TEXT
) STRICT;
CREATE INDEX runs_thread ON runs (thread_id, started_at DESC);
CREATE INDEX runs_running ON runs (status) WHERE status = 'running';
