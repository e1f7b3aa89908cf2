package conduit_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/setting"
)

const welcome = "https://app.test/welcome"

// magicEnv is an env with magic links on, redirecting to welcome unless
// mod says otherwise.
func magicEnv(t *testing.T, mod func(*config)) *env {
	return newEnv(t, func(c *config) {
		c.opt.MagicLink.Enabled = true
		c.opt.MagicLink.RedirectURI = welcome
		if mod != nil {
			mod(c)
		}
	})
}

// TestMagicLink follows a magic link over SMTP: the same answer for an
// unknown address, a 302 with the tokens, a session that counts as a
// fresh login (sudo), single use, and an expiry.
func TestMagicLink(t *testing.T) {
	e := magicEnv(t, func(c *config) { c.opt.MagicLink.TTL = setting.Duration(time.Minute) })
	mb := startMail(t, e)
	e.register(t, "alice@example.com")
	ask := func(body string) response { return e.post(t, "/authentication/magic-link", body, "") }

	unknown := ask(`{"email":"nobody@example.com"}`)
	wantResult(t, unknown, "token sent")
	mb.none(t)
	known := ask(`{"email":"alice@example.com"}`)
	if known.body != unknown.body {
		t.Fatalf("answers differ: %s / %s", known.body, unknown.body)
	}
	path, _ := hookInMail(t, mb.next(t, "alice@example.com"), "magic-link")

	loc := wantLocation(t, e.get(t, path), welcome+"?")
	access, refresh := loc.Query().Get("accessToken"), loc.Query().Get("refreshToken")
	if access == "" || refresh == "" {
		t.Fatalf("redirect carries no tokens: %s", loc)
	}
	// The link proved the address of an account never verified: it is
	// verified now, and the password set before the proof (by whoever
	// registered the address) no longer logs in.
	if u := e.userOf(t, access); u["email"] != "alice@example.com" || u["isVerified"] != true {
		t.Fatalf("user = %v", u)
	}
	wantStatus(t, e.post(t, "/authentication/local", credentials("alice@example.com", password), ""), 401)
	// A fresh login: sudo routes accept its token.
	r := e.post(t, "/authentication/local/change-email", `{"newEmail":"alice2@example.com"}`, access)
	wantResult(t, r, "Verification code sent")
	mb.next(t, "alice2@example.com")

	// Single use.
	wantError(t, e.get(t, path), 404, "NOT_FOUND", "Magic link token does not exist")

	// Expired after magic_link.ttl.
	e.Clock.Advance(2 * time.Minute) // past the resend threshold too
	wantStatus(t, ask(`{"email":"alice@example.com"}`), 200)
	path, _ = hookInMail(t, mb.next(t, "alice@example.com"), "magic-link")
	e.Clock.Advance(time.Minute + time.Second)
	wantError(t, e.get(t, path), 404, "NOT_FOUND", "Magic link token does not exist")
	wantError(t, e.get(t, "/hook/authentication/magic-link/forged"), 404, "NOT_FOUND", "Magic link token does not exist")
}

// TestMagicLinkRedirects: a client's redirectUri needs the whitelist (or
// magic_link.redirect_uri), allow_any notwithstanding, and an edited
// link is refused before it spends the token.
func TestMagicLinkRedirects(t *testing.T) {
	e := magicEnv(t, func(c *config) {
		c.opt.RedirectURIs.WhitelistedURIs = []string{"https://app.test/elsewhere"}
		c.opt.RedirectURIs.AllowAny = true
	})
	mb := startMail(t, e)
	e.register(t, "alice@example.com")
	for _, bad := range []string{"https://evil.test/", "http://app.test/welcome", "https://app.test/welcome/x", "not a url"} {
		r := e.post(t, "/authentication/magic-link", `{"email":"alice@example.com","redirectUri":`+jsonString(bad)+`}`, "")
		wantError(t, r, 403, "FORBIDDEN", "Invalid redirect URI")
	}
	mb.none(t)
	r := e.post(t, "/authentication/magic-link", `{"email":"alice@example.com","redirectUri":"https://app.test/elsewhere?from=mail"}`, "")
	wantStatus(t, r, 200)
	path, token := hookInMail(t, mb.next(t, "alice@example.com"), "magic-link")

	r = e.get(t, "/hook/authentication/magic-link/"+token+"?redirectUri=https%3A%2F%2Fevil.test%2F")
	wantError(t, r, 403, "FORBIDDEN", "Invalid redirect URI")
	loc := wantLocation(t, e.get(t, path), "https://app.test/elsewhere?")
	if loc.Query().Get("from") != "mail" || loc.Query().Get("accessToken") == "" {
		t.Fatalf("redirect = %s", loc)
	}
}

// TestMagicLinkDelivery: in cookie mode the redirect carries no token
// (the cookies do); without any redirect the hook answers the tokens;
// with link_uri the mail links there and the app posts the token.
func TestMagicLinkDelivery(t *testing.T) {
	t.Run("cookies", func(t *testing.T) {
		e := magicEnv(t, func(c *config) {
			c.opt.AccessTokens.SetCookie = true
			c.opt.RefreshTokens.SetCookie = true
		})
		mb := startMail(t, e)
		e.register(t, "alice@example.com")
		wantStatus(t, e.post(t, "/authentication/magic-link", `{"email":"alice@example.com"}`, ""), 200)
		path, _ := hookInMail(t, mb.next(t, "alice@example.com"), "magic-link")
		r := e.get(t, path)
		loc := wantLocation(t, r, welcome)
		if loc.RawQuery != "" || r.cookies["accessToken"] == nil || r.cookies["refreshToken"] == nil {
			t.Fatalf("redirect %s with cookies %v", loc, r.cookies)
		}
		if !r.cookies["accessToken"].HttpOnly {
			t.Error("accessToken cookie is not HttpOnly")
		}
	})
	t.Run("no redirect", func(t *testing.T) {
		e := magicEnv(t, func(c *config) { c.opt.MagicLink.RedirectURI = "" })
		mb := startMail(t, e)
		e.register(t, "alice@example.com")
		wantStatus(t, e.post(t, "/authentication/magic-link", `{"email":"alice@example.com"}`, ""), 200)
		path, _ := hookInMail(t, mb.next(t, "alice@example.com"), "magic-link")
		r := e.get(t, path)
		wantStatus(t, r, 200)
		var tk tokens
		decode(t, r, &tk)
		if tk.AccessToken == "" || tk.RefreshToken == "" {
			t.Fatalf("answer = %s", r.body)
		}
	})
	t.Run("link_uri", func(t *testing.T) {
		e := magicEnv(t, func(c *config) { c.opt.MagicLink.LinkURI = "https://app.test/magic" })
		mb := startMail(t, e)
		e.register(t, "alice@example.com")
		wantStatus(t, e.post(t, "/authentication/magic-link", `{"email":"alice@example.com"}`, ""), 200)
		text := mb.next(t, "alice@example.com")
		i := strings.Index(text, "https://app.test/magic/")
		if i < 0 {
			t.Fatalf("mail does not link to link_uri: %q", text)
		}
		token := strings.Fields(text[i+len("https://app.test/magic/"):])[0]
		r := e.post(t, "/authentication/magic-link/"+token, "", "")
		wantStatus(t, r, 200)
		var tk tokens
		decode(t, r, &tk)
		if tk.AccessToken == "" {
			t.Fatalf("answer = %s", r.body)
		}
		wantError(t, e.post(t, "/authentication/magic-link/"+token, "", ""), 404, "NOT_FOUND", "Magic link token does not exist")
	})
	t.Run("off", func(t *testing.T) {
		e := newEnv(t, nil)
		wantError(t, e.post(t, "/authentication/magic-link", `{"email":"alice@example.com"}`, ""), 404, "NOT_FOUND", "Route not found")
		wantError(t, e.get(t, "/hook/authentication/magic-link/x"), 404, "NOT_FOUND", "Route not found")
		wantError(t, e.post(t, "/authentication/magic-link/x", "", ""), 404, "NOT_FOUND", "Route not found")
	})
}

// TestMagicLinkSecondFactor: where the collection needs a second factor
// and the user has no authenticator app (so no pending token can stand
// for the login), the link alone logs nobody in (401 "2FA is required"),
// and it is spent.
func TestMagicLinkSecondFactor(t *testing.T) {
	e := magicEnv(t, func(c *config) {
		c.users = func(u *core.Collection) { u.MFA.Enabled = true }
	})
	mb := startMail(t, e)
	e.register(t, "alice@example.com")
	wantStatus(t, e.post(t, "/authentication/magic-link", `{"email":"alice@example.com"}`, ""), 200)
	path, _ := hookInMail(t, mb.next(t, "alice@example.com"), "magic-link")
	r := e.get(t, path)
	wantError(t, r, 401, "UNAUTHORIZED", "2FA is required")
	if r.header.Get("Location") != "" || r.cookies["accessToken"] != nil {
		t.Fatalf("a refused link redirected or set a cookie: %v", r.header)
	}
	wantError(t, e.get(t, path), 404, "NOT_FOUND", "Magic link token does not exist")
}

// TestMagicLinkPendingTOTP: for a user with an authenticator app, the
// magic link answers a pending token alone (authorized:false, no refresh
// token), as a password login does; the pending token is refused
// elsewhere and completes the login at twoFa/verify with the app's code.
func TestMagicLinkPendingTOTP(t *testing.T) {
	e := magicEnv(t, func(c *config) { c.opt.TwoFA.Enabled = true })
	mb := startMail(t, e)
	id := e.register(t, "alice@example.com")
	e.markVerified(t, id)
	secret := e.enable2FA(t, id, e.login(t, "alice@example.com").AccessToken)
	e.Clock.Advance(2 * time.Minute) // past the resend threshold

	wantStatus(t, e.post(t, "/authentication/magic-link", `{"email":"alice@example.com"}`, ""), 200)
	path, _ := hookInMail(t, mb.next(t, "alice@example.com"), "magic-link")
	loc := wantLocation(t, e.get(t, path), welcome+"?")
	pending := loc.Query().Get("accessToken")
	if pending == "" || loc.Query().Has("refreshToken") {
		t.Fatalf("redirect of a 2FA user = %s, want a pending access token alone", loc)
	}
	if c := jwtClaims(t, pending); c["authorized"] != false || c["sudo"] != false {
		t.Fatalf("pending claims = %v", c)
	}
	wantError(t, e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: pending}), 401, "UNAUTHORIZED", "2FA is required")
	wantError(t, e.get(t, path), 404, "NOT_FOUND", "Magic link token does not exist")

	r := e.post(t, "/authentication/twoFa/verify", `{"code":"`+e.appCode(t, secret)+`"}`, pending)
	wantStatus(t, r, 200)
	var full tokens
	decode(t, r, &full)
	if full.AccessToken == "" || full.RefreshToken == "" {
		t.Fatalf("verify answered %s", r.body)
	}
	if c := jwtClaims(t, full.AccessToken); c["authorized"] != true || c["sudo"] != true {
		t.Errorf("verified claims = %v", c)
	}
	if u := e.userOf(t, full.AccessToken); u["_id"] != id {
		t.Fatalf("user = %v", u)
	}
	wantStatus(t, e.renew(t, full.RefreshToken), 200)
}
