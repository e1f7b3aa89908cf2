package conduit_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestRegisterLoginUser walks the seed's first steps: register answers
// the user without a hash, login answers {userId, accessToken,
// refreshToken}, and the token reads the user back.
func TestRegisterLoginUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r := e.post(t, "/authentication/local/new",
		`{"email":"user@example.com","password":"securePassword123","userData":{"nickname":"ann","email":"evil@x.com","_id":"x"}}`, "")
	wantStatus(t, r, 200)
	var reg struct {
		User map[string]any `json:"user"`
	}
	decode(t, r, &reg)
	u := reg.User
	if u["email"] != "user@example.com" || u["active"] != true || u["isVerified"] != false || u["_id"] == "" || u["_id"] == "x" {
		t.Fatalf("user = %v", u)
	}
	if u["nickname"] != "ann" {
		t.Errorf("userData not kept: %v", u)
	}
	for k := range u {
		if strings.Contains(strings.ToLower(k), "password") {
			t.Errorf("user has %q", k)
		}
	}
	tk := e.login(t, "user@example.com")
	if tk.UserID != u["_id"] {
		t.Errorf("userId = %q, want %v", tk.UserID, u["_id"])
	}
	claims := jwtClaims(t, tk.AccessToken)
	if claims["id"] != tk.UserID || claims["authorized"] != true || claims["sudo"] != true {
		t.Errorf("claims = %v", claims)
	}
	r = e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: tk.AccessToken})
	wantStatus(t, r, 200)
	var me map[string]any
	decode(t, r, &me)
	if me["_id"] != tk.UserID || me["nickname"] != "ann" || me["email"] != "user@example.com" {
		t.Errorf("GET user = %v", me)
	}
}

// jwtClaims decodes a JWT's payload without checking it.
func jwtClaims(t testing.TB, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRegisterTakenEmail: Conduit answers a taken email with 500
// USER_EXISTS (its gRPC ALREADY_EXISTS), whatever the letter case; the
// switch makes it 409 with the same conduitCode.
func TestRegisterTakenEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		on     bool
		status int
		rname  string
	}{{"faithful", false, 500, "INTERNAL_SERVER_ERROR"}, {"409", true, 409, "CONFLICT"}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, func(c *config) { c.opt.ConflictStatus409 = tc.on })
			e.register(t, "taken@example.com")
			r := e.post(t, "/authentication/local/new", credentials("Taken@Example.com", password), "")
			got := wantError(t, r, tc.status, tc.rname, "User already exists")
			if got.ConduitCode != "USER_EXISTS" {
				t.Errorf("conduitCode = %q", got.ConduitCode)
			}
		})
	}
}

// TestLoginRefusals: unknown email and wrong password get one 401; a bad
// email format and missing parameters are 400s.
func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.register(t, "known@example.com")
	for _, tc := range []struct {
		body, name, message string
		status              int
	}{
		{credentials("known@example.com", "wrong password"), "UNAUTHORIZED", "Invalid login credentials", 401},
		{credentials("nobody@example.com", password), "UNAUTHORIZED", "Invalid login credentials", 401},
		{credentials("not-an-email", password), "INVALID_ARGUMENTS", "Invalid email address provided", 400},
		{`{"password":"x"}`, "USER_INPUT_ERROR", "email is required", 400},
		{`{"email":"known@example.com"}`, "USER_INPUT_ERROR", "password is required", 400},
		{`{"email":5,"password":"x"}`, "USER_INPUT_ERROR", "email must be a string", 400},
		{`{"email":`, "USER_INPUT_ERROR", "", 400},
	} {
		r := e.post(t, "/authentication/local", tc.body, "")
		wantError(t, r, tc.status, tc.name, tc.message)
	}
}
