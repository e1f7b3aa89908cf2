-- +goose Up
-- The whole schema of the SQLite store's migrations 00001-00004 in one
-- step: a PostgreSQL database starts fresh. Tables and column names are
-- the same as SQLite's, so `gatehouse db copy` moves rows between the two
-- by name.
--
-- Conventions:
--   * Times are BIGINT unix milliseconds (UTC), as in SQLite; NULL means
--     "never".
--   * Flags are BOOLEAN, hashes and keys BYTEA.
--   * Text is COLLATE "C": it compares and sorts bytewise, as SQLite's
--     BINARY does, so filters, sorts and unique keys behave the same
--     whatever the database's locale.
--   * Every row that belongs to a user (or a session) goes with it
--     (ON DELETE CASCADE); the audit log has no foreign keys at all.

CREATE TABLE users (
    id               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    collection_id    TEXT COLLATE "C" NOT NULL,
    email            TEXT COLLATE "C" NOT NULL DEFAULT '',
    email_visibility BOOLEAN NOT NULL DEFAULT FALSE,
    verified         BOOLEAN NOT NULL DEFAULT FALSE,
    name             TEXT COLLATE "C" NOT NULL DEFAULT '',
    avatar           TEXT COLLATE "C" NOT NULL DEFAULT '',
    password_hash    TEXT COLLATE "C" NOT NULL DEFAULT '',
    created          BIGINT NOT NULL,
    updated          BIGINT NOT NULL
);

-- Emails are unique per collection and compared exactly, as PocketBase's
-- default index does; users without an email do not collide.
CREATE UNIQUE INDEX users_collection_email ON users (collection_id, email) WHERE email <> '';
CREATE INDEX users_collection_created ON users (collection_id, created, id);

CREATE TABLE sessions (
    id              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id         TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    collection_id   TEXT COLLATE "C" NOT NULL,
    created         BIGINT NOT NULL,
    last_used       BIGINT,
    expires         BIGINT NOT NULL,
    ip              TEXT COLLATE "C" NOT NULL DEFAULT '',
    user_agent      TEXT COLLATE "C" NOT NULL DEFAULT '',
    amr             TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    aal             INTEGER NOT NULL DEFAULT 1,
    impersonator_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    revoked_at      BIGINT,
    revoked_reason  TEXT COLLATE "C" NOT NULL DEFAULT ''
);

CREATE INDEX sessions_user ON sessions (user_id);
-- Pruning scans sessions by expiry and by revocation time.
CREATE INDEX sessions_expires ON sessions (expires);
CREATE INDEX sessions_revoked_at ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Only the token's SHA-256 is stored. parent_id and successor_id name
-- other links of the chain without foreign keys: a successor is inserted
-- after its parent is marked rotated, and the whole chain goes with its
-- session anyway.
CREATE TABLE refresh_tokens (
    id               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    session_id       TEXT COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    hash             BYTEA NOT NULL UNIQUE,
    parent_id        TEXT COLLATE "C" NOT NULL DEFAULT '',
    created          BIGINT NOT NULL,
    expires          BIGINT NOT NULL,
    rotated_at       BIGINT,
    successor_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
    successor_sealed BYTEA
);

CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE one_time_tokens (
    id            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id       TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    collection_id TEXT COLLATE "C" NOT NULL,
    purpose       TEXT COLLATE "C" NOT NULL,
    hash          BYTEA NOT NULL,
    email         TEXT COLLATE "C" NOT NULL DEFAULT '',
    new_email     TEXT COLLATE "C" NOT NULL DEFAULT '',
    created       BIGINT NOT NULL,
    expires       BIGINT NOT NULL,
    used_at       BIGINT
);

CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose, created);
CREATE INDEX one_time_tokens_expires ON one_time_tokens (expires);

CREATE TABLE signing_keys (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    algorithm  TEXT COLLATE "C" NOT NULL,
    private    BYTEA NOT NULL,
    public     BYTEA NOT NULL,
    created    BIGINT NOT NULL,
    retired_at BIGINT
);

CREATE TABLE outbox (
    id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    recipient    TEXT COLLATE "C" NOT NULL,
    subject      TEXT COLLATE "C" NOT NULL DEFAULT '',
    text_body    TEXT COLLATE "C" NOT NULL DEFAULT '',
    html_body    TEXT COLLATE "C" NOT NULL DEFAULT '',
    created      BIGINT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt BIGINT,
    lease_until  BIGINT,
    sent_at      BIGINT,
    last_error   TEXT COLLATE "C" NOT NULL DEFAULT ''
);

CREATE INDEX outbox_due ON outbox (sent_at, next_attempt);
-- Claiming scans unsent messages oldest first.
CREATE INDEX outbox_pending ON outbox (created, id) WHERE sent_at IS NULL;

-- One row per key and fixed window. Keys are BYTEA, not TEXT: core
-- builds them from NUL-separated parts and raw hashes, which PostgreSQL
-- text cannot hold.
CREATE TABLE rate_limits (
    key          BYTEA NOT NULL,
    window_start BIGINT NOT NULL,
    count        INTEGER NOT NULL,
    expires      BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);

CREATE INDEX rate_limits_expires ON rate_limits (expires);

CREATE TABLE login_states (
    user_id       TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    failures      INTEGER NOT NULL DEFAULT 0,
    first_failure BIGINT,
    locked_until  BIGINT
);

-- Append-only, and deliberately without foreign keys: events outlive the
-- users and sessions they mention. details is a JSON object of strings.
CREATE TABLE audit_events (
    id                TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    time              BIGINT NOT NULL,
    type              TEXT COLLATE "C" NOT NULL,
    actor_id          TEXT COLLATE "C" NOT NULL DEFAULT '',
    actor_collection  TEXT COLLATE "C" NOT NULL DEFAULT '',
    target_id         TEXT COLLATE "C" NOT NULL DEFAULT '',
    target_collection TEXT COLLATE "C" NOT NULL DEFAULT '',
    ip                TEXT COLLATE "C" NOT NULL DEFAULT '',
    user_agent        TEXT COLLATE "C" NOT NULL DEFAULT '',
    details           TEXT COLLATE "C" NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_events_time ON audit_events (time, id);
CREATE INDEX audit_events_actor ON audit_events (actor_id, time);
CREATE INDEX audit_events_target ON audit_events (target_id, time);
CREATE INDEX audit_events_type ON audit_events (type, time);

-- Only a hash of each code is stored. sent_to is the address the code
-- went to: using the code proves that address.
CREATE TABLE otps (
    id            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id       TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    collection_id TEXT COLLATE "C" NOT NULL,
    code_hash     TEXT COLLATE "C" NOT NULL,
    sent_to       TEXT COLLATE "C" NOT NULL DEFAULT '',
    created       BIGINT NOT NULL,
    expires       BIGINT NOT NULL
);

CREATE INDEX otps_user_expires ON otps (user_id, expires);
CREATE INDEX otps_expires ON otps (expires);

CREATE TABLE mfa_challenges (
    id            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id       TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    collection_id TEXT COLLATE "C" NOT NULL,
    method        TEXT COLLATE "C" NOT NULL,
    created       BIGINT NOT NULL
);

CREATE INDEX mfa_challenges_user ON mfa_challenges (user_id);
CREATE INDEX mfa_challenges_created ON mfa_challenges (created);

-- One factor per user. last_step is the RFC 6238 time step of the last
-- accepted code; a code is accepted only by raising it, which makes it
-- single use.
CREATE TABLE totp_factors (
    user_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret    TEXT COLLATE "C" NOT NULL,
    confirmed BOOLEAN NOT NULL DEFAULT FALSE,
    last_step BIGINT NOT NULL DEFAULT 0,
    created   BIGINT NOT NULL,
    updated   BIGINT NOT NULL
);

-- Only a hash of each code is stored; the unique index is also how a
-- code is found when used.
CREATE TABLE recovery_codes (
    id      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash    BYTEA NOT NULL,
    created BIGINT NOT NULL,
    used_at BIGINT,
    UNIQUE (user_id, hash)
);

-- A provider account links to at most one user per collection, and a
-- user links at most one account per provider: both are unique
-- constraints, so two concurrent links cannot both win. An empty
-- provider or id is refused outright: a provider response that lost its
-- id must never match a stored link.
CREATE TABLE identities (
    id            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id       TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    collection_id TEXT COLLATE "C" NOT NULL,
    provider      TEXT COLLATE "C" NOT NULL CHECK (provider <> ''),
    provider_id   TEXT COLLATE "C" NOT NULL CHECK (provider_id <> ''),
    created       BIGINT NOT NULL,
    UNIQUE (collection_id, provider, provider_id),
    UNIQUE (user_id, provider)
);

CREATE INDEX identities_user_created ON identities (user_id, created, id);

-- +goose Down
DROP TABLE identities;
DROP TABLE recovery_codes;
DROP TABLE totp_factors;
DROP TABLE mfa_challenges;
DROP TABLE otps;
DROP TABLE audit_events;
DROP TABLE login_states;
DROP TABLE rate_limits;
DROP TABLE outbox;
DROP TABLE signing_keys;
DROP TABLE one_time_tokens;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE users;
