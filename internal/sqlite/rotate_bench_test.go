package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// BenchmarkRotation compares a refresh rotation as one transaction that
// reads and writes (how core rotated before issue 16) with one read
// outside and one RotateRefresh (how it rotates a token it did not
// issue), and with RotateRefresh alone, the session left as it is (how
// core rotates a token it issued: see core.rotateIssued), 16 chains at
// once, as the bench's directus-refresh drives the store.
func BenchmarkRotation(b *testing.B) {
	for _, mode := range []string{"intx", "optimistic", "issued"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			db, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			const chains = 16
			now := time.Now()
			hashes := make([][]byte, chains)
			ids := make([]string, chains)
			for i := range chains {
				u := core.User{ID: fmt.Sprintf("u%d", i), CollectionID: core.UsersID, Email: fmt.Sprintf("u%d@x", i), Created: now, Updated: now}
				if err := db.InsertUser(ctx, u); err != nil {
					b.Fatal(err)
				}
				s := core.Session{ID: fmt.Sprintf("s%d", i), UserID: u.ID, CollectionID: core.UsersID, Created: now, Expires: now.Add(time.Hour)}
				if err := db.InsertSession(ctx, s); err != nil {
					b.Fatal(err)
				}
				rt := benchToken(s.ID, "", now)
				if err := db.InsertRefreshToken(ctx, rt); err != nil {
					b.Fatal(err)
				}
				hashes[i], ids[i] = rt.Hash, rt.ID
			}
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for i := range chains {
				wg.Add(1)
				go func() {
					defer wg.Done()
					hash, id, sid := hashes[i], ids[i], fmt.Sprintf("s%d", i)
					for next.Add(1) <= int64(b.N) {
						var err error
						if mode == "issued" {
							id, err = benchRotateIssued(ctx, db, id, sid)
						} else {
							hash, err = benchRotate(ctx, db, mode, hash)
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
		})
	}
}

func benchToken(sessionID, parentID string, now time.Time) core.RefreshToken {
	raw := make([]byte, 32)
	rand.Read(raw)
	sum := sha256.Sum256(raw)
	return core.RefreshToken{ID: core.NewID(), SessionID: sessionID, Hash: sum[:], ParentID: parentID,
		Created: now, Expires: now.Add(time.Hour)}
}

func benchRotate(ctx context.Context, db *DB, mode string, hash []byte) ([]byte, error) {
	now := time.Now()
	sealed := make([]byte, 60)
	if mode == "intx" {
		var out []byte
		err := db.InTx(ctx, func(q core.Queries) error {
			rt, err := q.RefreshTokenByHash(ctx, hash)
			if err != nil {
				return err
			}
			sess, _, err := q.SessionWithUser(ctx, rt.SessionID)
			if err != nil {
				return err
			}
			child := benchToken(sess.ID, rt.ID, now)
			if err := q.InsertRefreshToken(ctx, child); err != nil {
				return err
			}
			if err := q.RotateRefreshToken(ctx, rt.ID, now, child.ID, sealed); err != nil {
				return err
			}
			out = child.Hash
			return q.TouchSession(ctx, sess.ID, now, child.Expires)
		})
		return out, err
	}
	use, err := db.RefreshTokenUse(ctx, hash)
	if err != nil {
		return nil, err
	}
	rt, sess := use.Token, use.Session
	child := benchToken(sess.ID, rt.ID, now)
	err = db.RotateRefresh(ctx, core.RefreshRotation{TokenID: rt.ID, At: now, Child: child, Sealed: sealed, SessionExpires: child.Expires})
	return child.Hash, err
}

// benchRotateIssued rotates token id of session sid as core does for a
// token it issued: no read, the session row left as it is.
func benchRotateIssued(ctx context.Context, db *DB, id, sid string) (string, error) {
	now := time.Now()
	child := benchToken(sid, id, now)
	err := db.RotateRefresh(ctx, core.RefreshRotation{TokenID: id, At: now, Child: child, Sealed: make([]byte, 60)})
	return child.ID, err
}
