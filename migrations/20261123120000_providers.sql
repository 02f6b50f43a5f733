-- AI provider connections, per profile. The API key is never here: it is in the system keychain
-- or the profile's encrypted vault, under the name "provider/<id>"; key_storage says which.
CREATE TABLE provider_connections (
    id             TEXT PRIMARY KEY NOT NULL,                 -- UUIDv7
    profile_id     TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('openai', 'anthropic', 'openaiCompatible')),
    name           TEXT NOT NULL COLLATE NOCASE,
    base_url       TEXT NOT NULL,
    default_model  TEXT,
    is_default     INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    key_storage    TEXT NOT NULL DEFAULT 'none' CHECK (key_storage IN ('none', 'keychain', 'vault')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (profile_id, name)
) STRICT;

-- At most one default connection per profile.
CREATE UNIQUE INDEX provider_connections_one_default ON provider_connections (profile_id) WHERE is_default = 1;
