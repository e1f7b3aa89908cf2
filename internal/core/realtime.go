package core

import (
	"context"
	"time"
)

// RealtimeClient is an open realtime stream (PocketBase's SSE
// connection) as every node sees it: which client, from which IP, and
// what it subscribed to. The node holding the stream keeps it current.
type RealtimeClient struct {
	ID            string
	IP            string
	Subscriptions []string
	// Expires is when the entry may be pruned: a node that dies without
	// removing its clients leaves them only this long.
	Expires time.Time
}

// RealtimeMessage is an event for a stream that another node may hold;
// that node takes it and writes it to the stream.
type RealtimeMessage struct {
	ID       string
	ClientID string
	Event    string
	Data     []byte
	Created  time.Time
}

// RealtimeRelay shares realtime streams between the nodes of one
// deployment, so a subscription or an OAuth2 redirect may reach any node,
// whichever node holds the stream. A single node needs none: its streams
// are all in memory. It is not part of Store: core's flows never use it.
type RealtimeRelay interface {
	// PutRealtimeClient inserts or replaces a client.
	PutRealtimeClient(ctx context.Context, c RealtimeClient) error
	// RealtimeClient returns a client; a missing one wraps ErrNotFound.
	// Expired clients are returned too: callers compare Expires.
	RealtimeClient(ctx context.Context, id string) (RealtimeClient, error)
	// DeleteRealtimeClient removes a client and its undelivered messages
	// (no error if none).
	DeleteRealtimeClient(ctx context.Context, id string) error
	// SendRealtime queues a message for its client; a client that does
	// not exist wraps ErrNotFound.
	SendRealtime(ctx context.Context, m RealtimeMessage) error
	// TakeRealtime returns and deletes the queued messages of the given
	// clients, oldest first (Created, then ID). Concurrent takers never
	// get the same message.
	TakeRealtime(ctx context.Context, clientIDs []string) ([]RealtimeMessage, error)
	// PruneRealtime deletes clients that expired before `before`, with
	// their messages, and returns how many clients it deleted.
	PruneRealtime(ctx context.Context, before time.Time) (int, error)
}
