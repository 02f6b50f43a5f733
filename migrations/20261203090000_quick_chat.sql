-- The quick chat window's memory, per profile: the agent it talks to and the thread it continues.
-- Either may go away (agent deleted, thread purged); the window then starts afresh.
CREATE TABLE quick_chat (
    profile_id  TEXT PRIMARY KEY NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    agent_id    TEXT REFERENCES agents (id) ON DELETE SET NULL,
    thread_id   TEXT REFERENCES threads (id) ON DELETE SET NULL,
    updated_at  TEXT NOT NULL
) STRICT;
