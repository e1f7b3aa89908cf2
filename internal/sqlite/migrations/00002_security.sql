-- +goose Up
-- Refresh-token chains, shared rate-limit counters, lockout state and the
-- audit log. Same conventions as 00001: STRICT tables, times as INTEGER
-- unix milliseconds (UTC), NULL meaning "never".

-- Pruning scans sessions by expiry and by revocation time.
CREATE INDEX sessions_expires ON sessions (expires);
CREATE INDEX sessions_revoked_at ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Only the token's SHA-256 is stored. parent_id and successor_id name
-- other links of the chain without foreign keys: a successor is inserted
-- after its parent is marked rotated, and the whole chain goes with its
-- session anyway.
CREATE TABLE refresh_tokens (
    id               TEXT    NOT NULL PRIMARY KEY,
    session_id       TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    hash             BLOB    NOT NULL UNIQUE,
    parent_id        TEXT    NOT NULL DEFAULT '',
    created          INTEGER NOT NULL,
    expires          INTEGER NOT NULL,
    rotated_at       INTEGER,
    successor_id     TEXT    NOT NULL DEFAULT '',
    successor_sealed BLOB
) STRICT;

-- Deleting a session (or its user) finds the session's tokens by this.
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- One row per key and fixed window; a hit is one upsert on the primary
-- key, so no rowid is needed.
CREATE TABLE rate_limits (
    key          TEXT    NOT NULL,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    expires      INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
) STRICT, WITHOUT ROWID;

CREATE INDEX rate_limits_expires ON rate_limits (expires);

CREATE TABLE login_states (
    user_id       TEXT    NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    failures      INTEGER NOT NULL DEFAULT 0,
    first_failure INTEGER,
    locked_until  INTEGER
) STRICT;

-- Append-only, and deliberately without foreign keys: events outlive the
-- users and sessions they mention. details is a JSON object of strings.
CREATE TABLE audit_events (
    id                TEXT    NOT NULL PRIMARY KEY,
    time              INTEGER NOT NULL,
    type              TEXT    NOT NULL,
    actor_id          TEXT    NOT NULL DEFAULT '',
    actor_collection  TEXT    NOT NULL DEFAULT '',
    target_id         TEXT    NOT NULL DEFAULT '',
    target_collection TEXT    NOT NULL DEFAULT '',
    ip                TEXT    NOT NULL DEFAULT '',
    user_agent        TEXT    NOT NULL DEFAULT '',
    details           TEXT    NOT NULL DEFAULT '{}'
) STRICT;

CREATE INDEX audit_events_time ON audit_events (time, id);
CREATE INDEX audit_events_actor ON audit_events (actor_id, time);
CREATE INDEX audit_events_target ON audit_events (target_id, time);
CREATE INDEX audit_events_type ON audit_events (type, time);

-- Pruning one-time tokens scans them by expiry.
CREATE INDEX one_time_tokens_expires ON one_time_tokens (expires);

-- +goose Down
DROP INDEX one_time_tokens_expires;
DROP TABLE audit_events;
DROP TABLE login_states;
DROP TABLE rate_limits;
DROP TABLE refresh_tokens;
DROP INDEX sessions_revoked_at;
DROP INDEX sessions_expires;
