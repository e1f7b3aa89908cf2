package pocketbase

import (
	"net/http"
	"slices"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// The auth-methods answer. Field order is PocketBase's wire order; the
// last three fields are its pre-0.23 legacy keys, still read by old SDKs.
type authMethodsResponse struct {
	Password         passwordMethod `json:"password"`
	OAuth2           oauth2Method   `json:"oauth2"`
	MFA              durationMethod `json:"mfa"`
	OTP              durationMethod `json:"otp"`
	AuthProviders    []providerInfo `json:"authProviders"`
	UsernamePassword bool           `json:"usernamePassword"`
	EmailPassword    bool           `json:"emailPassword"`
}

type passwordMethod struct {
	IdentityFields []string `json:"identityFields"`
	Enabled        bool     `json:"enabled"`
}

type oauth2Method struct {
	Providers []providerInfo `json:"providers"`
	Enabled   bool           `json:"enabled"`
}

type durationMethod struct {
	Enabled  bool `json:"enabled"`
	Duration int  `json:"duration"`
}

// enabledSeconds is a method's duration in seconds, reported (as
// PocketBase does) only when the method is on.
func enabledSeconds(on bool, d time.Duration) int {
	if !on {
		return 0
	}
	return int(d / time.Second)
}

// handleAuthMethods answers GET /auth-methods: password, OAuth2 providers
// (each with a fresh state and PKCE pair), MFA and OTP, plus PocketBase's
// legacy keys.
func (s *server) handleAuthMethods() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		providers := providerInfos(c)
		var legacyProviders []providerInfo // the legacy key is null without providers
		if len(providers) > 0 {
			legacyProviders = providers
		}
		fields := slices.Clone(c.IdentityFields)
		if !c.PasswordAuth {
			fields = []string{}
		}
		return respond(w, r, http.StatusOK, authMethodsResponse{
			Password:         passwordMethod{IdentityFields: fields, Enabled: c.PasswordAuth},
			OAuth2:           oauth2Method{Providers: providers, Enabled: c.OAuth2.Enabled},
			AuthProviders:    legacyProviders,
			MFA:              durationMethod{Enabled: c.MFA.Enabled, Duration: enabledSeconds(c.MFA.Enabled, c.MFA.Duration)},
			OTP:              durationMethod{Enabled: c.OTP.Enabled, Duration: enabledSeconds(c.OTP.Enabled, c.OTP.Duration)},
			UsernamePassword: c.PasswordAuth && slices.Contains(c.IdentityFields, "username"),
			EmailPassword:    c.PasswordAuth && slices.Contains(c.IdentityFields, "email"),
		})
	})
}
