package pocketbase_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// lockFor is how long the lockout tests lock an account.
const lockFor = 10 * time.Minute

func newLockoutEnv(t testing.TB) *env {
	t.Helper()
	return newSecEnv(t, func(s *core.Settings) {
		s.Lockout = core.LockoutPolicy{MaxFailures: 3, Window: 10 * time.Minute, Duration: lockFor}
	})
}

// failLogins sends n wrong passwords for email, each answered as a plain
// failed login.
func (e *env) failLogins(t testing.TB, email string, n int) {
	t.Helper()
	for range n {
		wantError(t, e.post(t, loginPath, "", loginBody(email, "wrong-password")), 400, msgFailedAuth, `{}`)
	}
}

// headerNames lists a response's header names but Date, sorted.
func headerNames(h http.Header) []string {
	var out []string
	for k := range h {
		if k != "Date" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func TestLockoutLooksLikeWrongPassword(t *testing.T) {
	t.Parallel()
	e := newLockoutEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	e.signUp(t, "bob@example.com", "password123")
	wrong := e.post(t, loginPath, "", loginBody("bob@example.com", "wrong-password"))
	unknown := e.post(t, loginPath, "", loginBody("nobody@example.com", "password123"))

	e.failLogins(t, "alice@example.com", 3)
	// The right password on a locked account: byte for byte a wrong
	// password, without a Retry-After that would give the lock away.
	for _, pw := range []string{"password123", "wrong-password"} {
		locked := e.post(t, loginPath, "", loginBody("alice@example.com", pw))
		for name, ref := range map[string]response{"wrong password": wrong, "unknown identity": unknown} {
			if locked.status != ref.status || locked.body != ref.body {
				t.Errorf("locked login (%s) = %d %q, %s = %d %q", pw, locked.status, locked.body, name, ref.status, ref.body)
			}
			if got, want := headerNames(locked.header), headerNames(ref.header); !equalSlices(got, want) {
				t.Errorf("locked login headers %v, %s headers %v", got, name, want)
			}
		}
		if v := locked.header.Values("Retry-After"); len(v) != 0 {
			t.Errorf("locked login sent Retry-After %v", v)
		}
	}
	// Others are not affected.
	e.login(t, "users", "bob@example.com", "password123")

	// The lock lifts by itself.
	e.clock.Advance(lockFor - time.Second)
	wantError(t, e.post(t, loginPath, "", loginBody("alice@example.com", "password123")), 400, msgFailedAuth, `{}`)
	e.clock.Advance(2 * time.Second)
	e.login(t, "users", "alice@example.com", "password123")
}

func TestLockoutCountsOnlyWithinWindow(t *testing.T) {
	t.Parallel()
	e := newLockoutEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	// Two failures, a success (which clears the count), two more: never
	// three in a row, so no lock.
	e.failLogins(t, "alice@example.com", 2)
	e.login(t, "users", "alice@example.com", "password123")
	e.failLogins(t, "alice@example.com", 2)
	e.login(t, "users", "alice@example.com", "password123")
	// Failures that fall outside the window do not add up either.
	e.failLogins(t, "alice@example.com", 2)
	e.clock.Advance(11 * time.Minute)
	e.failLogins(t, "alice@example.com", 1)
	e.login(t, "users", "alice@example.com", "password123")
}

func TestUnlock(t *testing.T) {
	t.Parallel()
	e := newLockoutEnv(t)
	aliceID := e.signUp(t, "alice@example.com", "password123")
	bob, _ := e.user(t, "bob@example.com")
	super, _ := e.superuser(t)
	unlock := usersRecords + "/" + aliceID + "/unlock"

	e.failLogins(t, "alice@example.com", 3)
	wantError(t, e.post(t, loginPath, "", loginBody("alice@example.com", "password123")), 400, msgFailedAuth, `{}`)

	wantError(t, e.post(t, unlock, "", ""), 401, msgNeedToken, `{}`)
	wantError(t, e.post(t, unlock, "garbage", ""), 401, msgNeedToken, `{}`)
	wantError(t, e.post(t, unlock, bob, ""), 403, msgNotAllowed, `{}`)
	wantError(t, e.post(t, usersRecords+"/nosuchrecord123/unlock", super, ""), 404, msgNotFound, `{}`)
	wantError(t, e.post(t, "/api/collections/nope/records/"+aliceID+"/unlock", super, ""), 404, "Missing or invalid collection context.", `{}`)
	// None of that unlocked her.
	wantError(t, e.post(t, loginPath, "", loginBody("alice@example.com", "password123")), 400, msgFailedAuth, `{}`)

	wantStatus(t, e.post(t, unlock, super, ""), http.StatusNoContent)
	e.login(t, "users", "alice@example.com", "password123")
	// Unlocking an account that is not locked is harmless.
	wantStatus(t, e.post(t, unlock, super, ""), http.StatusNoContent)
	// After an unlock the count starts afresh: three new failures lock
	// again.
	e.failLogins(t, "alice@example.com", 3)
	wantError(t, e.post(t, loginPath, "", loginBody("alice@example.com", "password123")), 400, msgFailedAuth, `{}`)
}
