package pocketbase

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// How often a node takes messages other nodes queued for its streams,
// and prunes entries of streams whose node died. An OAuth2 popup waits
// at most relayPoll longer on another node than on its own.
const (
	relayPoll  = 250 * time.Millisecond
	relayPrune = 10 * time.Minute
)

// lookup returns what every node knows of a stream: from the relay when
// there is one (the subscriptions may have changed on another node), else
// from memory. A missing or expired stream reports false.
func (b *broker) lookup(ctx context.Context, id string) (core.RealtimeClient, bool, error) {
	if b.relay == nil {
		c, ok := b.get(id)
		if !ok {
			return core.RealtimeClient{}, false, nil
		}
		return core.RealtimeClient{ID: c.id, IP: c.ip, Subscriptions: c.subscriptions(), Expires: c.expires}, true, nil
	}
	rc, err := b.relay.RealtimeClient(ctx, id)
	switch {
	case errors.Is(err, core.ErrNotFound):
		return core.RealtimeClient{}, false, nil
	case err != nil:
		return core.RealtimeClient{}, false, core.Internal(err)
	case !rc.Expires.After(time.Now()):
		return core.RealtimeClient{}, false, nil
	}
	return rc, true, nil
}

// subscribe replaces a stream's topics; it reports false for an unknown
// stream.
func (b *broker) subscribe(ctx context.Context, id string, subs []string) (bool, error) {
	if c, ok := b.get(id); ok {
		c.mu.Lock()
		c.subs = subs
		c.mu.Unlock()
	}
	if b.relay == nil {
		_, ok := b.get(id)
		return ok, nil
	}
	rc, ok, err := b.lookup(ctx, id)
	if err != nil || !ok {
		return false, err
	}
	rc.Subscriptions = subs
	if err := b.relay.PutRealtimeClient(ctx, rc); err != nil {
		return false, core.Internal(err)
	}
	return true, nil
}

// send delivers a message to a stream: straight to it when this node
// holds it, else through the relay to the node that does.
func (b *broker) send(ctx context.Context, id string, m realtimeMsg) error {
	if c, ok := b.get(id); ok {
		return c.push(m)
	}
	if b.relay == nil {
		return core.ErrNotFound
	}
	return b.relay.SendRealtime(ctx, core.RealtimeMessage{
		ID: core.NewID(), ClientID: id, Event: m.event, Data: m.data, Created: time.Now(),
	})
}

// pollRelay moves messages queued for this node's streams onto them,
// until the server shuts down. It runs from the first stream on.
func (b *broker) pollRelay() {
	tick := time.NewTicker(relayPoll)
	defer tick.Stop()
	lastPrune := time.Now()
	failing := false
	for {
		select {
		case <-b.done:
			return
		case <-tick.C:
		}
		err := b.takeOnce()
		if err == nil && time.Since(lastPrune) > relayPrune {
			lastPrune = time.Now()
			err = b.pruneOnce()
		}
		// Log the start and end of an outage, not every tick of it.
		if (err != nil) != failing {
			failing = err != nil
			if failing {
				b.log.Warn("realtime relay failing; streams on this node miss messages from other nodes", "err", err)
			} else {
				b.log.Info("realtime relay recovered")
			}
		}
	}
}

func (b *broker) takeOnce() error {
	ids := b.ids()
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	msgs, err := b.relay.TakeRealtime(ctx, ids)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if c, ok := b.get(m.ClientID); ok {
			_ = c.push(realtimeMsg{event: m.Event, data: m.Data}) // a stuck reader loses it, as locally
		}
	}
	return nil
}

func (b *broker) pruneOnce() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := b.relay.PruneRealtime(ctx, time.Now())
	return err
}
