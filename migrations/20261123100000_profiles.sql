-- Local profiles: the people who share this computer.
-- Timestamps are RFC 3339 UTC text with milliseconds (fixed width, so text order is time order).
CREATE TABLE profiles (
    id                 TEXT PRIMARY KEY NOT NULL,             -- UUIDv7
    username           TEXT NOT NULL UNIQUE COLLATE NOCASE,   -- login name, case-insensitive
    display_name       TEXT NOT NULL,
    password_hash      TEXT NOT NULL,                          -- Argon2id PHC string
    recovery_key_hash  TEXT NOT NULL,                          -- Argon2id PHC string of the one-time recovery key
    role               TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    idle_lock_minutes  INTEGER NOT NULL DEFAULT 15 CHECK (idle_lock_minutes BETWEEN 0 AND 1440),
    disabled_at        TEXT,
    last_login_at      TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;
