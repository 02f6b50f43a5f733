-- Tool calls under a run, "always allow" decisions, and access tokens for the MCP server.
-- Timestamps are RFC 3339 UTC text with milliseconds.

-- One row per tool call a model made during a run (an execution under the run).
CREATE TABLE tool_calls (
    id            TEXT PRIMARY KEY NOT NULL,
    run_id        TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    -- The answer the call belongs to; NULL once a regenerate or an edit replaced that answer.
    message_id    TEXT,
    -- The provider's id for the call (what its result answers).
    call_id       TEXT NOT NULL,
    -- Where in the answer's text the call was made (UTF-16 code units, as the UI counts).
    position      INTEGER NOT NULL CHECK (position >= 0),
    round         INTEGER NOT NULL CHECK (round >= 0),
    tool          TEXT NOT NULL,
    arguments     TEXT NOT NULL,                 -- as the model sent them
    result        TEXT,                          -- what the model was told
    status        TEXT NOT NULL CHECK (status IN
                    ('awaitingApproval', 'running', 'ok', 'error', 'denied', 'cancelled', 'interrupted')),
    -- How it came to run: no approval needed, allowed once, allowed always for the agent, or denied.
    approval      TEXT NOT NULL CHECK (approval IN ('notNeeded', 'once', 'always', 'denied', 'pending')),
    error_kind    TEXT,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    duration_ms   INTEGER
) STRICT;
CREATE INDEX tool_calls_run ON tool_calls (run_id, position);
CREATE INDEX tool_calls_message ON tool_calls (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX tool_calls_open ON tool_calls (status) WHERE status IN ('awaitingApproval', 'running');

-- "Always for this agent": a person's standing approval of one tool of one agent.
CREATE TABLE tool_approvals (
    profile_id  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    agent_id    TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    tool        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (profile_id, agent_id, tool)
) STRICT, WITHOUT ROWID;

-- Access to one profile's tools over MCP. Only a hash of the token is kept: it is shown once.
CREATE TABLE mcp_tokens (
    id            TEXT PRIMARY KEY NOT NULL,
    profile_id    TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,          -- SHA-256, hex
    hint          TEXT NOT NULL,                 -- the token's last four characters, to tell tokens apart
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
) STRICT;
CREATE INDEX mcp_tokens_profile ON mcp_tokens (profile_id);

-- The Task assistant gets its to-do list tools (profiles made from now on get them at creation).
UPDATE agents SET tools = '["add_task","complete_task","delete_task","list_tasks","update_task"]'
    WHERE built_in = 'taskAssistant' AND tools = '[]';

-- Settings of this installation (not of a profile): key → JSON value. `mcpHttp`: {"enabled", "port"}.
CREATE TABLE app_settings (
    key         TEXT PRIMARY KEY NOT NULL,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT, WITHOUT ROWID;
