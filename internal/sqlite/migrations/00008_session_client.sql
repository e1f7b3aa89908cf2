-- +goose Up
-- The app client that opened a session (issue 18: Conduit's clientid, or
-- its anonymous-client), '' for surfaces without clients. A login that
-- allows one session per user and client ends only the sessions of its
-- own client, and a surface that binds tokens to their client refuses a
-- token another client presents.
ALTER TABLE sessions ADD COLUMN client TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN client;
