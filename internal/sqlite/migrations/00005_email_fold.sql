-- +goose Up
-- Case-insensitive email lookups (the Directus surface looks emails up
-- that way) read this index instead of scanning users. lower() folds
-- ASCII letters only, the rule every store follows.
CREATE INDEX users_collection_email_lower ON users (collection_id, lower(email)) WHERE email != '';

-- +goose Down
DROP INDEX users_collection_email_lower;
