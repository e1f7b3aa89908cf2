-- +goose Up
-- Outbox claims a worker renews while it sends (issue 15). claim is the
-- token of the claim that owns the message ('' when none does): renewing,
-- starting an attempt, recording a failure and releasing all require it,
-- so a worker whose lease ran out and was claimed by another cannot act on
-- the message any more. sending_since is set (Unix ms) when an attempt
-- starts and cleared when its outcome is recorded: a claimed message that
-- still has it had an attempt whose outcome is unknown, which may have
-- reached the SMTP server.
ALTER TABLE outbox ADD COLUMN claim TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sending_since INTEGER;

-- +goose Down
ALTER TABLE outbox DROP COLUMN sending_since;
ALTER TABLE outbox DROP COLUMN claim;
