package core

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"time"
)

// newRefreshToken makes a random refresh token and its row (which keeps
// only the token's hash).
func newRefreshToken(sessionID, parentID string, now, expires time.Time) (string, RefreshToken) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	return token, RefreshToken{
		ID: NewID(), SessionID: sessionID, Hash: sum[:], ParentID: parentID, Created: now, Expires: expires,
	}
}

// sealKey derives the key that seals a token's successor from the token
// itself: only a holder of the old token can open its successor, so the
// database alone never reveals a live refresh token.
func sealKey(token string) []byte {
	sum := sha256.Sum256([]byte("gatehouse refresh successor\x00" + token))
	return sum[:]
}

// sealSuccessor encrypts successor under a key derived from token
// (AES-256-GCM, random nonce).
func sealSuccessor(token, successor string) ([]byte, error) {
	gcm, err := newGCM(token)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	rand.Read(nonce)
	return gcm.Seal(nonce, nonce, []byte(successor), nil), nil
}

// openSuccessor decrypts what sealSuccessor sealed.
func openSuccessor(token string, sealed []byte) (string, error) {
	gcm, err := newGCM(token)
	if err != nil {
		return "", err
	}
	if len(sealed) < gcm.NonceSize() {
		return "", errors.New("sealed successor too short")
	}
	plain, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], nil)
	return string(plain), err
}

func newGCM(token string) (cipher.AEAD, error) {
	block, err := aes.NewCipher(sealKey(token))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
