package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

// The realtime relay lets the node holding a PocketBase realtime stream
// and the node answering a request about it be different nodes. Every
// method is one statement outside any transaction, so the relay needs no
// coordination beyond PostgreSQL's row locks.
//
// Client ids, IPs, subscriptions and event names are matched, not merely
// shown, so they are stored exactly or refused: text PostgreSQL cannot
// hold (a NUL byte or invalid UTF-8) is a plain error when written, and a
// client id that holds such text matches no client, as in the rest of
// the store.

var _ core.RealtimeRelay = (*DB)(nil)

const realtimeMsgCols = `id, client_id, event, data, created`

// PutRealtimeClient inserts a client or replaces the IP, subscriptions and
// expiry of the one with its id; a replaced client keeps its queued
// messages. Subscriptions are stored in the order given, duplicates
// included; nil and empty are one value (see RealtimeClient). A zero
// Expires is refused: a client must be prunable.
func (db *DB) PutRealtimeClient(ctx context.Context, c core.RealtimeClient) error {
	if c.Expires.IsZero() {
		return errors.New("postgres: put realtime client: zero expiry")
	}
	if !storable(c.ID) || !storable(c.IP) {
		return errors.New("postgres: put realtime client: id or ip is not valid text")
	}
	subs := c.Subscriptions
	if subs == nil {
		subs = []string{} // a nil slice would be sent as NULL
	}
	for _, s := range subs {
		if !storable(s) {
			return errors.New("postgres: put realtime client: subscription is not valid text")
		}
	}
	_, err := db.exec(ctx, "put realtime client", `INSERT INTO realtime_clients (id, ip, subscriptions, expires)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET ip = EXCLUDED.ip, subscriptions = EXCLUDED.subscriptions,
			expires = EXCLUDED.expires`,
		c.ID, c.IP, subs, c.Expires.UnixMilli())
	return err
}

func scanRealtimeClient(r pgx.Row) (core.RealtimeClient, error) {
	var c core.RealtimeClient
	err := r.Scan(&c.ID, &c.IP, &c.Subscriptions, msCol{&c.Expires})
	if c.Subscriptions == nil {
		c.Subscriptions = []string{}
	}
	return c, err
}

// RealtimeClient returns a client, an expired one too. Subscriptions is
// never nil: a client without any reads back with an empty slice. A
// missing client (or an id that cannot be stored) wraps core.ErrNotFound.
func (db *DB) RealtimeClient(ctx context.Context, id string) (core.RealtimeClient, error) {
	return get(ctx, db.queries, "realtime client", `SELECT id, ip, subscriptions, expires
		FROM realtime_clients WHERE id = $1`, []any{id}, scanRealtimeClient)
}

// DeleteRealtimeClient removes a client; its queued messages go with it
// (ON DELETE CASCADE). A missing client is no error.
func (db *DB) DeleteRealtimeClient(ctx context.Context, id string) error {
	if !storable(id) {
		return nil // no client has such an id
	}
	_, err := db.exec(ctx, "delete realtime client", `DELETE FROM realtime_clients WHERE id = $1`, id)
	return err
}

// SendRealtime queues a message for its client. The insert itself checks
// that the client exists (a foreign key), so a client deleted at the same
// moment cannot end up with an orphan: a missing client wraps
// core.ErrNotFound, a taken message id core.ErrConflict. Empty Data is
// stored as NULL and reads back nil. A zero Created is refused: it
// decides the order messages are taken in.
func (db *DB) SendRealtime(ctx context.Context, m core.RealtimeMessage) error {
	if m.Created.IsZero() {
		return errors.New("postgres: send realtime: zero creation time")
	}
	if !storable(m.ClientID) {
		return fmt.Errorf("postgres: send realtime: %w: client id is not valid text", core.ErrNotFound)
	}
	if !storable(m.ID) || !storable(m.Event) {
		return errors.New("postgres: send realtime: id or event is not valid text")
	}
	_, err := db.exec(ctx, "send realtime", `INSERT INTO realtime_messages (`+realtimeMsgCols+`)
		VALUES ($1, $2, $3, $4, $5)`,
		m.ID, m.ClientID, m.Event, blobOrNull(m.Data), m.Created.UnixMilli())
	return err
}

func scanRealtimeMsg(r pgx.Row) (core.RealtimeMessage, error) {
	var m core.RealtimeMessage
	err := r.Scan(&m.ID, &m.ClientID, &m.Event, &m.Data, msCol{&m.Created})
	return m, err
}

// TakeRealtime deletes and returns every queued message of the given
// clients, oldest (Created, then ID) first. Choosing and deleting are one
// statement whose choice locks the rows it picks and skips rows another
// taker has locked (FOR UPDATE SKIP LOCKED): takers on several nodes never
// wait for each other, and a message goes to exactly one of them. No ids
// (or only ids that cannot be stored) return an empty slice without a
// query.
func (db *DB) TakeRealtime(ctx context.Context, clientIDs []string) ([]core.RealtimeMessage, error) {
	ids := make([]string, 0, len(clientIDs))
	for _, id := range clientIDs {
		if storable(id) { // the others match no client
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return []core.RealtimeMessage{}, nil
	}
	msgs, err := list(ctx, db.queries, "take realtime", `DELETE FROM realtime_messages
		WHERE id IN (SELECT id FROM realtime_messages WHERE client_id = ANY($1) FOR UPDATE SKIP LOCKED)
		RETURNING `+realtimeMsgCols, []any{ids}, scanRealtimeMsg)
	if err != nil {
		return nil, err
	}
	// RETURNING yields rows in no promised order.
	slices.SortFunc(msgs, func(a, b core.RealtimeMessage) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	return msgs, nil
}

// PruneRealtime deletes the clients that expired before `before` (their
// messages go with them) and returns how many clients it deleted.
func (db *DB) PruneRealtime(ctx context.Context, before time.Time) (int, error) {
	return db.exec(ctx, "prune realtime", `DELETE FROM realtime_clients WHERE expires < $1`, before.UnixMilli())
}
