-- +goose Up
-- Second factors: emailed one-time codes, MFA challenges, TOTP factors and
-- recovery codes, plus each session's assurance level. Same conventions as
-- 00001: STRICT tables, times as INTEGER unix milliseconds (UTC), NULL
-- meaning "never". Every row belongs to a user and goes with it.

-- Sessions opened before this migration used one factor.
ALTER TABLE sessions ADD COLUMN aal INTEGER NOT NULL DEFAULT 1;

-- Only a hash of each code is stored. sent_to is the address the code
-- went to: using the code proves that address.
CREATE TABLE otps (
    id            TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    collection_id TEXT    NOT NULL,
    code_hash     TEXT    NOT NULL,
    sent_to       TEXT    NOT NULL DEFAULT '',
    created       INTEGER NOT NULL,
    expires       INTEGER NOT NULL
) STRICT;

-- A user's live codes are listed by expiry; pruning scans by expiry.
CREATE INDEX otps_user_expires ON otps (user_id, expires);
CREATE INDEX otps_expires ON otps (expires);

CREATE TABLE mfa_challenges (
    id            TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    collection_id TEXT    NOT NULL,
    method        TEXT    NOT NULL,
    created       INTEGER NOT NULL
) STRICT;

-- Deleting a user finds its challenges by this; pruning scans by age.
CREATE INDEX mfa_challenges_user ON mfa_challenges (user_id);
CREATE INDEX mfa_challenges_created ON mfa_challenges (created);

-- One factor per user. last_step is the RFC 6238 time step of the last
-- accepted code; a code is accepted only by raising it, which makes it
-- single use.
CREATE TABLE totp_factors (
    user_id   TEXT    NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret    TEXT    NOT NULL,
    confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
    last_step INTEGER NOT NULL DEFAULT 0,
    created   INTEGER NOT NULL,
    updated   INTEGER NOT NULL
) STRICT;

-- Only a hash of each code is stored; the unique index is also how a
-- code is found when used.
CREATE TABLE recovery_codes (
    id      TEXT    NOT NULL PRIMARY KEY,
    user_id TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash    BLOB    NOT NULL,
    created INTEGER NOT NULL,
    used_at INTEGER,
    UNIQUE (user_id, hash)
) STRICT;

-- +goose Down
DROP TABLE recovery_codes;
DROP TABLE totp_factors;
DROP TABLE mfa_challenges;
DROP TABLE otps;
ALTER TABLE sessions DROP COLUMN aal;
