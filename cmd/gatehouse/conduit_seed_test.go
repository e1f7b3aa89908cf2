package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// seedHost is the host the Conduit seed's commands are written for.
const seedHost = "http://localhost:3000"

// seedCommands reads testdata/conduit/seed-curl.txt: the seed's curl
// commands, in order, as written.
func seedCommands(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/conduit/seed-curl.txt")
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	var cur []string
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "#"):
		case line == "---":
			cmds = append(cmds, strings.Join(cur, "\n"))
			cur = nil
		default:
			cur = append(cur, line)
		}
	}
	cmds = append(cmds, strings.TrimRight(strings.Join(cur, "\n"), "\n"))
	if len(cmds) != 10 {
		t.Fatalf("%d seed commands, want the seed's 10", len(cmds))
	}
	return cmds
}

// curlAnswer is what curl -i printed: the last response's status and
// body.
type curlAnswer struct {
	status int
	header http.Header
	body   string
	json   map[string]any
}

// runCurl runs one seed command with the real curl, through sh as a
// reader would paste it: the host replaced by ts's Conduit mount, the
// seed's placeholders by the values the earlier answers gave (vars), and
// -sS -i added at the end to read the status line.
func runCurl(t *testing.T, ts *testServer, cmd string, vars map[string]string) curlAnswer {
	t.Helper()
	cmd = strings.ReplaceAll(cmd, seedHost, ts.URL+"/conduit")
	for k, v := range vars {
		cmd = strings.ReplaceAll(cmd, k, v)
	}
	out, err := exec.Command("sh", "-c", cmd+" -sS -i").Output()
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	r := bufio.NewReader(strings.NewReader(string(out)))
	res, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("%s: reading curl's output %q: %v", cmd, out, err)
	}
	defer res.Body.Close()
	var body strings.Builder
	if _, err := bufio.NewReader(res.Body).WriteTo(&body); err != nil {
		t.Fatal(err)
	}
	a := curlAnswer{status: res.StatusCode, header: res.Header, body: body.String()}
	_ = json.Unmarshal([]byte(a.body), &a.json)
	return a
}

// conduitErrorShape reports whether body is Conduit's error shape with
// this status.
func conduitErrorShape(a curlAnswer) bool {
	if a.json == nil {
		return false
	}
	name, _ := a.json["name"].(string)
	msg, _ := a.json["message"].(string)
	st, _ := a.json["status"].(float64)
	for k := range a.json {
		if k != "name" && k != "status" && k != "message" && k != "conduitCode" {
			return false
		}
	}
	return name != "" && msg != "" && int(st) == a.status
}

var jwtShape = regexp.MustCompile(`^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)

// TestConduitSeedCurl runs every curl command of the Conduit seed with
// the real curl, as written but for the host, in order, and checks each
// answer against the seed and the spec: the registration's user, the
// login's {userId, accessToken, refreshToken}, the renew's new pair, the
// logout's result. The app's own /protected-route is not Gatehouse's:
// Conduit's 404. The mailed flows' commands (forgot and reset password,
// resend verification, change email and password) answer in Conduit's
// shape, whatever their flows answer.
func TestConduitSeedCurl(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("the seed test needs the curl binary")
	}
	ts := startServerWith(t, conduitFastYAML, serverOpts{})
	cmds := seedCommands(t)
	vars := map[string]string{}

	reg := runCurl(t, ts, cmds[0], vars)
	user, _ := reg.json["user"].(map[string]any)
	if reg.status != 200 || user == nil || user["email"] != "user@example.com" || user["active"] != true ||
		user["isVerified"] != false || user["_id"] == "" || user["_id"] == nil {
		t.Fatalf("register: %d %s", reg.status, reg.body)
	}
	if strings.Contains(strings.ToLower(reg.body), "password") {
		t.Errorf("register answer shows a password: %s", reg.body)
	}

	login := runCurl(t, ts, cmds[1], vars)
	access, _ := login.json["accessToken"].(string)
	refresh, _ := login.json["refreshToken"].(string)
	if login.status != 200 || login.json["userId"] != user["_id"] || !jwtShape.MatchString(access) || refresh == "" || len(login.json) != 3 {
		t.Fatalf("login: %d %s", login.status, login.body)
	}
	vars["YOUR_ACCESS_TOKEN"], vars["YOUR_REFRESH_TOKEN"], vars["YOUR_TOKEN"] = access, refresh, access

	if a := runCurl(t, ts, cmds[2], vars); a.status != 404 || !conduitErrorShape(a) {
		t.Errorf("protected-route: %d %s", a.status, a.body)
	}

	renew := runCurl(t, ts, cmds[3], vars)
	newAccess, _ := renew.json["accessToken"].(string)
	newRefresh, _ := renew.json["refreshToken"].(string)
	if renew.status != 200 || !jwtShape.MatchString(newAccess) || newRefresh == "" || newRefresh == refresh || len(renew.json) != 2 {
		t.Fatalf("renew: %d %s", renew.status, renew.body)
	}
	vars["YOUR_TOKEN"] = newAccess

	// The mailed flows: in Conduit's shape either way.
	for i, name := range map[int]string{4: "forgot-password", 5: "reset-password", 6: "resend-verification", 7: "change-email", 8: "change-password"} {
		a := runCurl(t, ts, cmds[i], vars)
		if a.status >= 400 && !conduitErrorShape(a) || a.status < 400 && a.json == nil {
			t.Errorf("%s: %d %s", name, a.status, a.body)
		}
		if a.status == 500 {
			t.Errorf("%s: 500 %s", name, a.body)
		}
	}

	logout := runCurl(t, ts, cmds[9], vars)
	if logout.status != 200 || strings.TrimSpace(logout.body) != `{"result":"LoggedOut"}` {
		t.Errorf("logout: %d %s", logout.status, logout.body)
	}
	after := ts.do(t, "GET", "/conduit/authentication/user", nil, "Authorization", "Bearer "+newAccess)
	if after.Status != 401 {
		t.Errorf("the token still works after logout: %d %s", after.Status, after.Raw)
	}
}
