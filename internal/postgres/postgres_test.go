package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/storetest"

	"github.com/jackc/pgx/v5"
)

// dsnEnv names the variable holding the test server's DSN.
const dsnEnv = "GATEHOUSE_TEST_POSTGRES_DSN"

// testDSN returns the test server's DSN, or skips the test when none is
// configured. A configured server that cannot be reached fails the tests
// later, in freshSchema: it never skips them.
func testDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		t.Skip(dsnEnv + " is not set: set it to a PostgreSQL URL (make test and CI do) to test the PostgreSQL store")
	}
	return dsn
}

// withParam returns dsn with a connection parameter set, for both DSN
// forms pgx reads: a URL gets a query parameter, a key=value string one
// more pair (the last one wins).
func withParam(t *testing.T, dsn, key, value string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("parse %s: %v", dsnEnv, err)
		}
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + key + "='" + value + "'"
}

// freshSchema creates an empty schema on the test server, dropped when the
// test ends, and returns a DSN whose connections use it.
func freshSchema(t *testing.T) string {
	t.Helper()
	dsn := testDSN(t)
	b := make([]byte, 8)
	rand.Read(b)
	schema := "gh_test_" + hex.EncodeToString(b)
	admin := func(sql string) error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := admin("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create test schema (is the server at %s up?): %v", dsnEnv, err)
	}
	t.Cleanup(func() {
		if err := admin("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop test schema: %v", err)
		}
	})
	return withParam(t, dsn, "search_path", schema)
}

// openDSN opens a store on dsn, closed when the test ends.
func openDSN(t *testing.T, dsn string, opts Options) *DB {
	t.Helper()
	if opts.MaxConns == 0 {
		opts.MaxConns = 4 // many stores run at once: stay under max_connections
	}
	db, err := Open(t.Context(), dsn, opts)
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

// openTest opens and migrates a store on a fresh schema.
func openTest(t *testing.T) *DB {
	t.Helper()
	db := openDSN(t, freshSchema(t), Options{})
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate = %v", err)
	}
	return db
}

func TestStore(t *testing.T) {
	testDSN(t)
	storetest.Run(t, func(t *testing.T) core.Store { return openTest(t) })
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := openDSN(t, freshSchema(t), Options{})

	before, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus = %v", err)
	}
	if len(before) == 0 || before[0].Applied || before[0].Version != 1 || before[0].Name != "00001_init.sql" {
		t.Errorf("status before Migrate = %+v, want 00001_init.sql pending", before)
	}
	for i := range 2 { // the second run must be a no-op
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("Migrate #%d = %v", i+1, err)
		}
	}
	after, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus = %v", err)
	}
	if len(after) != len(before) {
		t.Fatalf("status lists %d migrations, before it listed %d", len(after), len(before))
	}
	for _, m := range after {
		if !m.Applied || m.AppliedAt.IsZero() {
			t.Errorf("migration %s after Migrate = %+v, want applied", m.Name, m)
		}
	}
	if err := db.InsertUser(ctx, core.User{ID: "u", CollectionID: "c", Created: time.Now(), Updated: time.Now()}); err != nil {
		t.Errorf("InsertUser after migrating twice = %v", err)
	}
}

// Nodes starting together all migrate the same database: the advisory
// lock lets one apply the migrations and the others find them applied.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	const nodes = 3
	dbs := make([]*DB, nodes)
	for i := range dbs {
		dbs[i] = openDSN(t, dsn, Options{MaxConns: 2})
	}
	var wg sync.WaitGroup
	errs := make([]error, nodes)
	for i, db := range dbs {
		wg.Go(func() { errs[i] = db.Migrate(t.Context()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate on node %d = %v", i, err)
		}
	}
	status, err := dbs[0].MigrationStatus(t.Context())
	if err != nil || len(status) == 0 || !status[len(status)-1].Applied {
		t.Errorf("status after concurrent migrations = %+v, %v, want all applied", status, err)
	}
}

func TestOpenRejectsBadDSN(t *testing.T) {
	t.Parallel()
	_, err := Open(t.Context(), "postgres://user:s3cret@[::1", Options{})
	if err == nil {
		t.Fatal("Open of a malformed DSN succeeded")
	}
	if errors.Is(err, core.ErrUnavailable) {
		t.Errorf("Open of a malformed DSN = %v, want a configuration error, not unavailable", err)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Open's error reveals the password: %v", err)
	}
}
