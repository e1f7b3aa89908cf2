-- +goose Up
-- Times are INTEGER unix milliseconds (UTC); NULL means "never".
-- Tables are STRICT so a value of the wrong type is an error, not a
-- silent conversion.

CREATE TABLE users (
    id               TEXT    NOT NULL PRIMARY KEY,
    collection_id    TEXT    NOT NULL,
    email            TEXT    NOT NULL DEFAULT '',
    email_visibility INTEGER NOT NULL DEFAULT 0 CHECK (email_visibility IN (0, 1)),
    verified         INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    name             TEXT    NOT NULL DEFAULT '',
    avatar           TEXT    NOT NULL DEFAULT '',
    password_hash    TEXT    NOT NULL DEFAULT '',
    created          INTEGER NOT NULL,
    updated          INTEGER NOT NULL
) STRICT;

-- Emails are unique per collection and compared exactly (BINARY), as
-- PocketBase's default index does; users without an email do not collide.
CREATE UNIQUE INDEX users_collection_email ON users (collection_id, email) WHERE email != '';
CREATE INDEX users_collection_created ON users (collection_id, created, id);

CREATE TABLE sessions (
    id              TEXT    NOT NULL PRIMARY KEY,
    user_id         TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    collection_id   TEXT    NOT NULL,
    created         INTEGER NOT NULL,
    last_used       INTEGER,
    expires         INTEGER NOT NULL,
    ip              TEXT    NOT NULL DEFAULT '',
    user_agent      TEXT    NOT NULL DEFAULT '',
    amr             TEXT    NOT NULL DEFAULT '[]',
    impersonator_id TEXT    NOT NULL DEFAULT '',
    revoked_at      INTEGER,
    revoked_reason  TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE one_time_tokens (
    id            TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    collection_id TEXT    NOT NULL,
    purpose       TEXT    NOT NULL,
    hash          BLOB    NOT NULL,
    email         TEXT    NOT NULL DEFAULT '',
    new_email     TEXT    NOT NULL DEFAULT '',
    created       INTEGER NOT NULL,
    expires       INTEGER NOT NULL,
    used_at       INTEGER
) STRICT;

CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose, created);

CREATE TABLE signing_keys (
    id         TEXT    NOT NULL PRIMARY KEY,
    algorithm  TEXT    NOT NULL,
    private    BLOB    NOT NULL,
    public     BLOB    NOT NULL,
    created    INTEGER NOT NULL,
    retired_at INTEGER
) STRICT;

CREATE TABLE outbox (
    id           TEXT    NOT NULL PRIMARY KEY,
    recipient    TEXT    NOT NULL,
    subject      TEXT    NOT NULL DEFAULT '',
    text_body    TEXT    NOT NULL DEFAULT '',
    html_body    TEXT    NOT NULL DEFAULT '',
    created      INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER,
    lease_until  INTEGER,
    sent_at      INTEGER,
    last_error   TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX outbox_due ON outbox (sent_at, next_attempt);
CREATE INDEX outbox_pending ON outbox (created, id) WHERE sent_at IS NULL;

-- +goose Down
DROP TABLE outbox;
DROP TABLE signing_keys;
DROP TABLE one_time_tokens;
DROP TABLE sessions;
DROP TABLE users;
