-- +goose Up
-- The app client that opened a session, as SQLite's migration 00008:
-- Conduit's clientid (or its anonymous-client), '' for surfaces without
-- clients.
ALTER TABLE sessions ADD COLUMN client TEXT COLLATE "C" NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN client;
