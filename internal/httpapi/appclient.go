package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
)

// AppClients are the apps allowed to call a surface that validates its
// clients (Conduit's clientid / clientsecret headers): each client id and
// the SHA-256 of its secret, so the configuration holds no secret. The
// secrets are random strings an operator issues, so one fast hash is
// enough to keep them unreadable at rest.
type AppClients struct {
	sums map[string][sha256.Size]byte
}

// NewAppClients reads each client's SHA-256 digest from hex.
func NewAppClients(hexSums map[string]string) (AppClients, error) {
	a := AppClients{sums: make(map[string][sha256.Size]byte, len(hexSums))}
	for id, h := range hexSums {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != sha256.Size {
			return AppClients{}, fmt.Errorf("client %q: the secret's digest must be 64 hex characters", id)
		}
		a.sums[id] = [sha256.Size]byte(b)
	}
	return a, nil
}

// Check reports whether secret is client id's. It takes as long for an
// unknown id as for a wrong secret, and compares in constant time.
func (a AppClients) Check(id, secret string) bool {
	want, known := a.sums[id]
	got := sha256.Sum256([]byte(secret))
	same := subtle.ConstantTimeCompare(got[:], want[:]) == 1
	return known && same && id != ""
}
