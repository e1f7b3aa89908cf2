-- +goose Up
-- The user model's room for the next surfaces. profile is the user's
-- profile document (core.User.Profile): a JSON object as text, NULL when
-- the user has none; core validates it and caps it at 64 KiB. status is
-- 'active' or 'suspended' (core.UserStatus); a suspended user cannot sign
-- in. Existing users are active and have no profile.
ALTER TABLE users ADD COLUMN profile TEXT CHECK (profile IS NULL OR json_type(profile) = 'object');
ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended'));

-- +goose Down
ALTER TABLE users DROP COLUMN status;
ALTER TABLE users DROP COLUMN profile;
