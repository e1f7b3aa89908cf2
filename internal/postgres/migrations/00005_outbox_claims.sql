-- +goose Up
-- Outbox claims a worker renews while it sends, as SQLite's migration
-- 00007. claim is the token of the claim that owns the message ('' when
-- none does); sending_since (Unix ms) is set when an attempt starts and
-- cleared when its outcome is recorded, so a claimed message that still
-- has it had an attempt whose outcome is unknown.
ALTER TABLE outbox ADD COLUMN claim TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sending_since BIGINT;

-- +goose Down
ALTER TABLE outbox DROP COLUMN sending_since;
ALTER TABLE outbox DROP COLUMN claim;
