// Package storetest is the conformance suite every core.Store must pass.
// The sqlite and postgres stores both run it, so core can rely on the
// behaviour it pins down whichever database is configured.
//
// It is a normal package so other stores' tests can import it, but it
// must only ever be imported from _test.go files.
package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Run runs the whole suite. open must return a fresh, empty, migrated store
// on every call (and close it with t.Cleanup): every subtest opens its own
// and runs in parallel with the others.
func Run(t *testing.T, open func(t *testing.T) core.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s core.Store)
	}{
		{"UserRoundTrip", testUserRoundTrip},
		{"UserEmailUniqueness", testUserEmailUniqueness},
		{"UsersByEmailFold", testUsersByEmailFold},
		{"UserUpdate", testUserUpdate},
		{"UserDeleteCascades", testUserDeleteCascades},
		{"UserWithoutPassword", testUserWithoutPassword},
		{"UserProfileRoundTrip", testUserProfileRoundTrip},
		{"UserProfileUpdate", testUserProfileUpdate},
		{"UserProfileDefaults", testUserProfileDefaults},
		{"UserProfileLarge", testUserProfileLarge},
		{"HostileStrings", testHostileStrings},
		{"TimeRoundTrip", testTimeRoundTrip},
		{"ListUsersFilter", testListUsersFilter},
		{"ListUsersSort", testListUsersSort},
		{"ListUsersPaging", testListUsersPaging},
		{"ListUsersRejectsBadQueries", testListUsersRejects},
		{"SessionRoundTrip", testSessionRoundTrip},
		{"TouchSession", testTouchSession},
		{"RevokeUserSessions", testRevokeUserSessions},
		{"ListUserSessions", testListUserSessions},
		{"RevokeSession", testRevokeSession},
		{"RevokeSessionConcurrently", testRevokeSessionConcurrently},
		{"PruneSessions", testPruneSessions},
		{"RefreshTokenRoundTrip", testRefreshTokenRoundTrip},
		{"RotateRefreshToken", testRotateRefreshToken},
		{"RotateRefreshTokenConcurrently", testRotateRefreshTokenConcurrently},
		{"RefreshTokenCascade", testRefreshTokenCascade},
		{"RefreshTokenUse", testRefreshTokenUse},
		{"RotateRefresh", testRotateRefresh},
		{"RotateRefreshConcurrently", testRotateRefreshConcurrently},
		{"HitRateLimit", testHitRateLimit},
		{"HitRateLimitConcurrently", testHitRateLimitConcurrently},
		{"PruneRateLimits", testPruneRateLimits},
		{"LoginState", testLoginState},
		{"LoginStateCascade", testLoginStateCascade},
		{"ListAuditEvents", testListAuditEvents},
		{"AuditFilterCombinations", testAuditFilterCombinations},
		{"ListAuditEventsPaging", testListAuditEventsPaging},
		{"AuditEventRoundTrip", testAuditEventRoundTrip},
		{"AuditSurvivesUserDeletion", testAuditSurvivesUserDeletion},
		{"OneTimeTokenRoundTrip", testTokenRoundTrip},
		{"LatestOneTimeToken", testLatestToken},
		{"UseOneTimeToken", testUseToken},
		{"UseOneTimeTokenConcurrently", testUseTokenConcurrently},
		{"BurnUserTokens", testBurnUserTokens},
		{"PruneOneTimeTokens", testPruneOneTimeTokens},
		{"SigningKeys", testSigningKeys},
		{"ClaimMailOrderAndFields", testClaimMail},
		{"ClaimMailRespectsNextAttempt", testClaimMailNextAttempt},
		{"ClaimMailLeases", testClaimMailLeases},
		{"ClaimMailConcurrently", testClaimMailConcurrently},
		{"MarkMail", testMarkMail},
		{"ReleaseMail", testReleaseMail},
		{"RenewMail", testRenewMail},
		{"RenewExpiredMailClaim", testRenewExpiredClaim},
		{"LostMailClaim", testLostClaim},
		{"MarkMailSentEndsClaims", testMarkMailSentEndsClaims},
		{"MailSendingMark", testMailSendingMark},
		{"MailClaimRenewRace", testClaimRenewRace},
		{"NextMailDue", testNextMailDue},
		{"OTPRoundTrip", testOTPRoundTrip},
		{"DeleteOTPConcurrently", testDeleteOTPConcurrently},
		{"ActiveOTPs", testActiveOTPs},
		{"DeleteUserOTPs", testDeleteUserOTPs},
		{"MFARoundTrip", testMFARoundTrip},
		{"DeleteMFAConcurrently", testDeleteMFAConcurrently},
		{"PruneFactors", testPruneFactors},
		{"TOTPFactor", testTOTPFactor},
		{"AdvanceTOTPStep", testAdvanceTOTPStep},
		{"AdvanceTOTPStepConcurrently", testAdvanceTOTPStepConcurrently},
		{"DeleteTOTPFactor", testDeleteTOTPFactor},
		{"RecoveryCodes", testRecoveryCodes},
		{"UseRecoveryCodeConcurrently", testUseRecoveryCodeConcurrently},
		{"ReplaceRecoveryCodesInTx", testReplaceRecoveryCodesInTx},
		{"FactorsCascade", testFactorsCascade},
		{"IdentityRoundTrip", testIdentityRoundTrip},
		{"IdentityConflicts", testIdentityConflicts},
		{"DeleteIdentity", testDeleteIdentity},
		{"ListUserIdentities", testListUserIdentities},
		{"IdentityCascade", testIdentityCascade},
		{"InsertIdentityConcurrently", testInsertIdentityConcurrently},
		{"IdentityHostileStrings", testIdentityHostileStrings},
		{"InTxCommits", testTxCommits},
		{"InTxRollsBack", testTxRollsBack},
		{"InTxPanic", testTxPanic},
		{"InTxConcurrentIncrements", testTxConcurrentIncrements},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// epoch is the suite's fixed "now"; every time it writes is a whole
// number of milliseconds, the precision stores keep.
func epoch() time.Time { return time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC) }

// at is epoch shifted by d.
func at(d time.Duration) time.Time { return epoch().Add(d) }

// user builds a user of collection coll with every field set.
func user(coll, id, email string) core.User {
	return core.User{
		ID:              id,
		CollectionID:    coll,
		Email:           email,
		EmailVisibility: true,
		Verified:        true,
		Name:            "Name " + id,
		Avatar:          id + ".png",
		PasswordHash:    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		Status:          core.UserActive,
		Created:         at(0),
		Updated:         at(time.Second),
	}
}

func insertUser(t *testing.T, s core.Store, u core.User) {
	t.Helper()
	if err := s.InsertUser(t.Context(), u); err != nil {
		t.Fatalf("InsertUser(%s) = %v", u.ID, err)
	}
}

func session(id, userID string) core.Session {
	return core.Session{
		ID:           id,
		UserID:       userID,
		CollectionID: core.UsersID,
		Created:      at(0),
		LastUsed:     at(time.Minute),
		Expires:      at(time.Hour),
		IP:           "203.0.113.7",
		UserAgent:    "Mozilla/5.0 (X11; Linux x86_64)",
		AMR:          []string{"pwd"},
		AAL:          1,
	}
}

func insertSession(t *testing.T, s core.Store, sess core.Session) {
	t.Helper()
	if err := s.InsertSession(t.Context(), sess); err != nil {
		t.Fatalf("InsertSession(%s) = %v", sess.ID, err)
	}
}

func token(id, userID string, p core.Purpose, created time.Time) core.OneTimeToken {
	return core.OneTimeToken{
		ID:           id,
		UserID:       userID,
		CollectionID: core.UsersID,
		Purpose:      p,
		Hash:         []byte("sha256 of " + id + " \x00\xff"),
		Email:        userID + "@example.com",
		Created:      created,
		Expires:      created.Add(30 * time.Minute),
	}
}

func insertToken(t *testing.T, s core.Store, tok core.OneTimeToken) {
	t.Helper()
	if err := s.InsertOneTimeToken(t.Context(), tok); err != nil {
		t.Fatalf("InsertOneTimeToken(%s) = %v", tok.ID, err)
	}
}

// wantErr fails unless err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error = %v, want one wrapping %v", what, err, target)
	}
}

// wantOK fails the test now if err is not nil.
func wantOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// race calls fn(0) .. fn(n-1) in n goroutines released at once, and
// returns their errors by index.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}
