package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	_ "modernc.org/sqlite" // the "sqlite" driver, the one the server uses
)

// Seeding writes users straight into a migrated data.db before the server
// starts. Signing a million users up through the API would hash a million
// passwords (hours); instead every user shares one precomputed hash of
// seedPassword, made by internal/hashing with the server's parameters, so
// each login costs exactly what a real one does.
const (
	seedPassword = "Bench-password-1"
	// seedBatch is how many rows one INSERT statement carries, and
	// seedTxRows how many rows one transaction commits.
	seedBatch  = 100
	seedTxRows = 50_000
)

// seedSpec is what one dataset holds.
type seedSpec struct {
	// users get argonHash (the server's current default, so a login never
	// rehashes): userEmail(0) .. userEmail(users-1).
	users     int
	argonHash string
	// bcrypt users get bcryptHash, a bcrypt-10 hash as an import from
	// PocketBase stores it: importEmail(0) .. importEmail(bcrypt-1). Each
	// one's first successful login rehashes it to argon2id.
	bcrypt     int
	bcryptHash string
	// now is the newest created/updated time; earlier users are older.
	now time.Time
}

// userEmail and importEmail name the seeded users by index.
func userEmail(i int) string   { return fmt.Sprintf("user%07d@bench.local", i) }
func importEmail(i int) string { return fmt.Sprintf("import%07d@bench.local", i) }

// idSource makes record ids of the shape core makes (15 characters of
// [a-z0-9]) from a seeded generator: random enough to scatter across the
// primary-key index as real ids do, reproducible from run to run.
type idSource struct{ r *rand.ChaCha8 }

func newIDSource(seed uint64) *idSource {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return &idSource{r: rand.NewChaCha8(s)}
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

func (s *idSource) next() string {
	var b [15]byte
	var buf [16]byte
	for n := 0; n < len(b); {
		_, _ = s.r.Read(buf[:])
		for _, c := range buf {
			// 252 = 7 x 36: rejecting the rest keeps every character
			// equally likely.
			if c < 252 && n < len(b) {
				b[n] = idAlphabet[c%36]
				n++
			}
		}
	}
	return string(b[:])
}

// seedDSN opens data.db for a bulk load: no fsync per commit (a crash
// only loses a bench dataset) and a cache large enough to keep the
// indexes being filled in memory.
func seedDSN(path string) string {
	q := url.Values{"_pragma": {"busy_timeout(10000)", "synchronous(OFF)", "cache_size(-262144)"}}
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path) + "?" + q.Encode()
}

// seedDatabase inserts spec's users into the migrated database at path and
// returns how long it took. The table and columns are those of
// internal/sqlite/migrations/00001_init.sql; times are unix milliseconds.
func seedDatabase(ctx context.Context, path string, spec seedSpec) (time.Duration, error) {
	start := time.Now()
	db, err := sql.Open("sqlite", seedDSN(path))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	w := &seedWriter{db: db, ids: newIDSource(uint64(spec.users)<<20 | uint64(spec.bcrypt)),
		oldest: spec.now.UnixMilli() - int64(spec.users+spec.bcrypt)}
	for i := range spec.users {
		if err := w.add(ctx, userEmail(i), spec.argonHash); err != nil {
			return 0, err
		}
	}
	for i := range spec.bcrypt {
		if err := w.add(ctx, importEmail(i), spec.bcryptHash); err != nil {
			return 0, err
		}
	}
	if err := w.flush(ctx, true); err != nil {
		return 0, err
	}
	// Fold the WAL into the database file so the server starts on a
	// checkpointed file, as it would after an import and a restart.
	if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return 0, fmt.Errorf("seed: checkpoint: %w", err)
	}
	return time.Since(start), nil
}

// seedWriter batches rows into multi-row INSERTs inside large
// transactions.
type seedWriter struct {
	db      *sql.DB
	ids     *idSource
	tx      *sql.Tx
	args    []any
	inTx    int
	written int
	oldest  int64 // created time of the first user, in unix ms
}

// add queues one user; a full batch is written.
func (w *seedWriter) add(ctx context.Context, email, hash string) error {
	// One millisecond apart, so the created index has distinct keys as
	// users signing up over time would.
	t := w.oldest + int64(w.written+len(w.args)/10)
	w.args = append(w.args, w.ids.next(), core.UsersID, email, 0, 1, "", "", hash, t, t)
	if len(w.args) == 10*seedBatch {
		return w.flush(ctx, false)
	}
	return nil
}

// flush writes the queued rows; commit ends the transaction too, as does
// reaching seedTxRows.
func (w *seedWriter) flush(ctx context.Context, commit bool) error {
	if n := len(w.args) / 10; n > 0 {
		if w.tx == nil {
			tx, err := w.db.BeginTx(ctx, nil)
			if err != nil {
				return fmt.Errorf("seed: begin: %w", err)
			}
			w.tx = tx
		}
		if _, err := w.tx.ExecContext(ctx, insertUsersSQL(n), w.args...); err != nil {
			return fmt.Errorf("seed: insert users: %w", err)
		}
		w.args, w.inTx, w.written = w.args[:0], w.inTx+n, w.written+n
	}
	if w.tx != nil && (commit || w.inTx >= seedTxRows) {
		err := w.tx.Commit()
		w.tx, w.inTx = nil, 0
		if err != nil {
			return fmt.Errorf("seed: commit: %w", err)
		}
	}
	return nil
}

// insertUsersSQL is an INSERT of n users.
func insertUsersSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO users (id, collection_id, email, email_visibility, verified, name, avatar,
	password_hash, created, updated) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?)")
	}
	return b.String()
}
