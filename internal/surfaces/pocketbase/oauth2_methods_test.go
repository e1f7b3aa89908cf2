package pocketbase_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// providerKeys are an auth-methods provider entry's keys in wire order.
var providerKeys = []string{"name", "displayName", "state", "authURL", "authUrl", "codeVerifier", "codeChallenge", "codeChallengeMethod"}

// providerEntry is one decoded provider entry.
type providerEntry struct {
	Name                string `json:"name"`
	DisplayName         string `json:"displayName"`
	State               string `json:"state"`
	AuthURL             string `json:"authURL"`
	AuthURLLegacy       string `json:"authUrl"`
	CodeVerifier        string `json:"codeVerifier"`
	CodeChallenge       string `json:"codeChallenge"`
	CodeChallengeMethod string `json:"codeChallengeMethod"`
}

var (
	statePattern    = regexp.MustCompile(`^[A-Za-z0-9]{30}$`)
	verifierPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
)

// methodsProviders fetches auth-methods and returns the provider entries
// of oauth2.providers, checking each entry's key order, and the raw
// legacy authProviders value.
func (e *env) methodsProviders(t testing.TB) ([]providerEntry, json.RawMessage) {
	t.Helper()
	r := e.get(t, methodsPath, "")
	wantStatus(t, r, 200)
	if got, want := objectKeys(t, []byte(r.body)), []string{"password", "oauth2", "mfa", "otp", "authProviders", "usernamePassword", "emailPassword"}; !equalSlices(got, want) {
		t.Errorf("auth-methods keys = %v, want %v", got, want)
	}
	var body struct {
		OAuth2 struct {
			Providers []json.RawMessage `json:"providers"`
			Enabled   bool              `json:"enabled"`
		} `json:"oauth2"`
		AuthProviders json.RawMessage `json:"authProviders"`
	}
	decode(t, r.body, &body)
	var out []providerEntry
	for _, raw := range body.OAuth2.Providers {
		if got := objectKeys(t, raw); !equalSlices(got, providerKeys) {
			t.Errorf("provider entry keys = %v, want %v", got, providerKeys)
		}
		var p providerEntry
		decode(t, string(raw), &p)
		out = append(out, p)
	}
	return out, body.AuthProviders
}

func TestAuthMethodsProviders(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t, nil, surfacetest.NewProvider("fake", true), surfacetest.NewProvider("plain", false))
	list, legacy := e.methodsProviders(t)
	if len(list) != 2 || list[0].Name != "fake" || list[1].Name != "plain" {
		t.Fatalf("providers = %+v, want fake then plain", list)
	}
	for _, p := range list {
		if p.DisplayName != "The "+p.Name {
			t.Errorf("%s: displayName %q", p.Name, p.DisplayName)
		}
		if !statePattern.MatchString(p.State) {
			t.Errorf("%s: state %q is not 30 letters and digits", p.Name, p.State)
		}
		if p.AuthURL != p.AuthURLLegacy || !strings.HasSuffix(p.AuthURL, "&redirect_uri=") || !strings.Contains(p.AuthURL, "state="+p.State+"&") {
			t.Errorf("%s: authURL %q / authUrl %q: want the provider's URL for this state, ending in redirect_uri=", p.Name, p.AuthURL, p.AuthURLLegacy)
		}
	}
	pk := list[0]
	if !verifierPattern.MatchString(pk.CodeVerifier) || pk.CodeChallengeMethod != "S256" {
		t.Errorf("PKCE entry: verifier %q method %q", pk.CodeVerifier, pk.CodeChallengeMethod)
	}
	sum := sha256.Sum256([]byte(pk.CodeVerifier))
	if want := base64.RawURLEncoding.EncodeToString(sum[:]); pk.CodeChallenge != want {
		t.Errorf("codeChallenge = %q, want base64url(sha256(verifier)) = %q", pk.CodeChallenge, want)
	}
	if !strings.Contains(pk.AuthURL, "code_challenge="+pk.CodeChallenge+"&") {
		t.Errorf("authURL %q does not carry the challenge", pk.AuthURL)
	}
	if np := list[1]; np.CodeVerifier != "" || np.CodeChallenge != "" || np.CodeChallengeMethod != "" || strings.Contains(np.AuthURL, "code_challenge") {
		t.Errorf("non-PKCE entry carries PKCE: %+v", np)
	}
	// The legacy key lists the same entries.
	var legacyList []providerEntry
	decode(t, string(legacy), &legacyList)
	if len(legacyList) != 2 || legacyList[0] != list[0] || legacyList[1] != list[1] {
		t.Errorf("authProviders = %s, want the providers list", legacy)
	}

	// Every call hands out a fresh state and PKCE pair.
	again, _ := e.methodsProviders(t)
	if again[0].State == pk.State || again[0].CodeVerifier == pk.CodeVerifier || again[0].CodeChallenge == pk.CodeChallenge || again[1].State == list[1].State {
		t.Errorf("second call reused state or verifier: %+v then %+v", list, again)
	}
}

func TestAuthMethodsOAuth2Off(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t, nil, surfacetest.NewProvider("fake", true))
	c, _ := e.svc.Collection("users")
	c.OAuth2.Enabled = false
	// Configured but off: reported as PocketBase reports a fresh
	// collection.
	r := e.get(t, methodsPath, "")
	if !strings.Contains(r.body, `"oauth2":{"providers":[],"enabled":false}`) || !strings.Contains(r.body, `"authProviders":null`) {
		t.Errorf("auth-methods with OAuth2 off = %s", r.body)
	}
	c.OAuth2.Enabled = true
	if _, legacy := e.methodsProviders(t); string(legacy) == "null" {
		t.Error("authProviders is null with a provider on")
	}
}

func TestAuthMethodsOAuth2Fields(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t, nil, surfacetest.NewProvider("fake", true))
	r := e.get(t, methodsPath+"?fields=oauth2", "")
	wantStatus(t, r, 200)
	var body struct {
		OAuth2 struct {
			Enabled   bool              `json:"enabled"`
			Providers []json.RawMessage `json:"providers"`
		} `json:"oauth2"`
	}
	decode(t, r.body, &body)
	if got := objectKeys(t, []byte(r.body)); !equalSlices(got, []string{"oauth2"}) {
		t.Errorf("picked keys = %v, want [oauth2]", got)
	}
	if !strings.HasPrefix(r.body, `{"oauth2":{"enabled":true,"providers":[{`) || len(body.OAuth2.Providers) != 1 {
		t.Fatalf("fields=oauth2 = %s", r.body)
	}
	// Picked objects come out alphabetical, as PocketBase's do.
	alpha := []string{"authURL", "authUrl", "codeChallenge", "codeChallengeMethod", "codeVerifier", "displayName", "name", "state"}
	if got := objectKeys(t, body.OAuth2.Providers[0]); !equalSlices(got, alpha) {
		t.Errorf("picked provider keys = %v, want %v", got, alpha)
	}
	r = e.get(t, methodsPath+"?fields=oauth2.providers.name,oauth2.providers.state", "")
	if !regexp.MustCompile(`^\{"oauth2":\{"providers":\[\{"name":"fake","state":"[A-Za-z0-9]{30}"\}\]\}\}\n$`).MatchString(r.body) {
		t.Errorf("nested pick = %s", r.body)
	}
	r = e.get(t, methodsPath+"?fields=mfa,otp,password,oauth2", "")
	if got := objectKeys(t, []byte(r.body)); !equalSlices(got, []string{"mfa", "oauth2", "otp", "password"}) {
		t.Errorf("SDK pick keys = %v", got)
	}
}
