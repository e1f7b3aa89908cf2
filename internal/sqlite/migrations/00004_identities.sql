-- +goose Up
-- Links between users and accounts at OAuth providers. Same conventions
-- as 00001: STRICT tables, times as INTEGER unix milliseconds (UTC).
--
-- users.password_hash needs no change for users without a password: it
-- is NOT NULL DEFAULT '' with no CHECK, and '' is what "no password"
-- is stored as.

-- A provider account links to at most one user per collection, and a
-- user links at most one account per provider. Both rules are unique
-- constraints so that two concurrent links cannot both win. Provider
-- names and ids compare exactly (BINARY): providers' ids are opaque.
-- An empty provider or id is refused outright: a provider response that
-- lost its id must never match a stored link.
CREATE TABLE identities (
    id            TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    collection_id TEXT    NOT NULL,
    provider      TEXT    NOT NULL CHECK (provider != ''),
    provider_id   TEXT    NOT NULL CHECK (provider_id != ''),
    created       INTEGER NOT NULL,
    UNIQUE (collection_id, provider, provider_id),
    UNIQUE (user_id, provider)
) STRICT;

-- A user's links are listed oldest first, straight from this index.
CREATE INDEX identities_user_created ON identities (user_id, created, id);

-- +goose Down
DROP TABLE identities;
