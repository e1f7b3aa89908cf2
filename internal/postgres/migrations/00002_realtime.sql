-- +goose Up
-- Realtime streams (PocketBase's SSE connections) shared between the
-- nodes of one deployment: the node holding a stream records it here, and
-- any node may read it, change its subscriptions or queue a message for
-- it. The rows are ephemeral per-node state, so `gatehouse db copy`
-- leaves these tables out and SQLite has no counterpart.
--
-- The conventions of 00001_init.sql hold: times are BIGINT unix
-- milliseconds, text is COLLATE "C".

-- subscriptions keeps the client's topics in the order given; an empty
-- array when it has none. expires is when a node that died without
-- removing its clients stops holding them.
CREATE TABLE realtime_clients (
    id            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    ip            TEXT COLLATE "C" NOT NULL DEFAULT '',
    subscriptions TEXT[] COLLATE "C" NOT NULL DEFAULT '{}',
    expires       BIGINT NOT NULL
);

-- Pruning scans clients by expiry.
CREATE INDEX realtime_clients_expires ON realtime_clients (expires);

-- Undelivered messages go with their client. data is the event's payload
-- as written to the stream; NULL when empty.
CREATE TABLE realtime_messages (
    id        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    client_id TEXT COLLATE "C" NOT NULL REFERENCES realtime_clients (id) ON DELETE CASCADE,
    event     TEXT COLLATE "C" NOT NULL,
    data      BYTEA,
    created   BIGINT NOT NULL
);

-- Taking scans a client's messages oldest first; the cascade from a
-- deleted client uses it too.
CREATE INDEX realtime_messages_client ON realtime_messages (client_id, created, id);

-- +goose Down
DROP TABLE realtime_messages;
DROP TABLE realtime_clients;
