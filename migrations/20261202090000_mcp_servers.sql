-- External MCP servers a profile registers, whose tools its agents may use ("custom tools").
-- Timestamps are RFC 3339 UTC text with milliseconds.
CREATE TABLE mcp_servers (
    id              TEXT PRIMARY KEY NOT NULL,
    profile_id      TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    -- Lowercase letters, digits and dashes; the prefix of its tools' names ("github__create_issue"),
    -- so it is fixed once chosen.
    name            TEXT NOT NULL,
    transport       TEXT NOT NULL CHECK (transport IN ('stdio', 'http')),
    command         TEXT,                          -- stdio: the program to start
    args            TEXT NOT NULL DEFAULT '[]',    -- stdio: its arguments, a JSON array of strings
    url             TEXT,                          -- http: the streamable HTTP endpoint
    -- The names of the environment variables (stdio) or headers (http) it is given. Their values
    -- can be secrets (tokens), so they live in the keychain or the vault, never here.
    variable_names  TEXT NOT NULL DEFAULT '[]',
    key_storage     TEXT NOT NULL DEFAULT 'none' CHECK (key_storage IN ('none', 'keychain', 'vault')),
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- The tools it offered when last connected (JSON), so agents and the editor need not start it.
    tools           TEXT NOT NULL DEFAULT '[]',
    tools_seen_at   TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX mcp_servers_name ON mcp_servers (profile_id, name);
