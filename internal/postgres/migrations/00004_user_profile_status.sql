-- +goose Up
-- The user model's room for the next surfaces, as SQLite's migration
-- 00006. profile is the user's profile document (core.User.Profile): a
-- JSON object, NULL when the user has none; core validates it and caps it
-- at 64 KiB. jsonb keeps its values, not its spelling: keys come back
-- sorted and a number such as 1e2 comes back as 100. status is 'active'
-- or 'suspended' (core.UserStatus). Existing users are active and have no
-- profile.
ALTER TABLE users ADD COLUMN profile JSONB CHECK (profile IS NULL OR jsonb_typeof(profile) = 'object');
ALTER TABLE users ADD COLUMN status TEXT COLLATE "C" NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended'));

-- +goose Down
ALTER TABLE users DROP COLUMN status;
ALTER TABLE users DROP COLUMN profile;
