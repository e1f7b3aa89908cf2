package pocketbase_test

import (
	"net/http"
	"testing"
	"time"
)

func TestListSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	aliceID := e.signUp(t, "alice@example.com", "password123")
	phone := e.loginAs(t, "alice@example.com", "password123", "Phone/1.0")
	e.clock.Advance(time.Minute)
	laptop := e.loginAs(t, "alice@example.com", "password123", "Laptop/2.0")

	list := e.sessions(t, sessionsPath, phone)
	if len(list) != 2 {
		t.Fatalf("sessions = %+v, want 2", list)
	}
	agents := map[string]sessionItem{}
	current := 0
	for _, s := range list {
		agents[s.UserAgent] = s
		if s.Current {
			current++
		}
		if s.IP != "127.0.0.1" || s.Impersonated || !equalSlices(s.Methods, []string{"pwd"}) {
			t.Errorf("session %+v: want ip 127.0.0.1, methods [pwd], not impersonated", s)
		}
	}
	p, l := agents["Phone/1.0"], agents["Laptop/2.0"]
	if current != 1 || !p.Current || p.ID != sid(t, phone) || l.ID != sid(t, laptop) {
		t.Errorf("sessions %+v: want exactly the phone's (sid %s) current", list, sid(t, phone))
	}
	if p.Created == l.Created {
		t.Errorf("sessions opened a minute apart have the same created time %s", p.Created)
	}
	// The other token sees the other session as current.
	for _, s := range e.sessions(t, sessionsPath, laptop) {
		if s.Current != (s.ID == sid(t, laptop)) {
			t.Errorf("listed with the laptop token: %+v", s)
		}
	}
	// The same list through the record's own route.
	if got := e.sessions(t, usersRecords+"/"+aliceID+"/sessions", phone); len(got) != 2 {
		t.Errorf("records/{id}/sessions for oneself = %+v", got)
	}

	// Another user sees no trace of alice's sessions.
	bob, bobID := e.user(t, "bob@example.com")
	wantError(t, e.get(t, usersRecords+"/"+aliceID+"/sessions", bob), 404, msgNotFound, `{}`)
	if got := e.sessions(t, sessionsPath, bob); len(got) != 1 || got[0].ID != sid(t, bob) || !got[0].Current {
		t.Errorf("bob's sessions = %+v", got)
	}

	// A superuser sees anyone's, none of them current; an impersonation
	// session is marked.
	super, _ := e.superuser(t)
	r := e.post(t, usersPath+"/impersonate/"+bobID, super, `{"duration":600}`)
	wantStatus(t, r, 200)
	var ab authBody
	decode(t, r.body, &ab)
	got := e.sessions(t, usersRecords+"/"+aliceID+"/sessions", super)
	if len(got) != 2 || got[0].Current || got[1].Current {
		t.Errorf("superuser's view of alice's sessions = %+v", got)
	}
	var imp *sessionItem
	bobs := e.sessions(t, usersRecords+"/"+bobID+"/sessions", super)
	for i := range bobs {
		if bobs[i].ID == sid(t, ab.Token) {
			imp = &bobs[i]
		}
	}
	if len(bobs) != 2 || imp == nil || !imp.Impersonated || !equalSlices(imp.Methods, []string{"impersonate"}) {
		t.Errorf("bob's sessions with an impersonation = %+v", bobs)
	}
	wantError(t, e.get(t, usersRecords+"/nosuchrecord123/sessions", super), 404, msgNotFound, `{}`)
	// A superuser token belongs to _superusers: /users/sessions is not
	// its own list.
	wantError(t, e.get(t, sessionsPath, super), 403, "The request requires auth record from _superusers collection.", `{}`)
	if got := e.sessions(t, supersPath+"/sessions", super); len(got) != 1 || !got[0].Current {
		t.Errorf("superuser's own sessions = %+v", got)
	}
	wantError(t, e.get(t, "/api/collections/nope/sessions", phone), 404, "Missing or invalid collection context.", `{}`)
}

func TestRevokeSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	aliceID := e.signUp(t, "alice@example.com", "password123")
	a := e.loginAs(t, "alice@example.com", "password123", "A")
	b := e.loginAs(t, "alice@example.com", "password123", "B")
	c := e.loginAs(t, "alice@example.com", "password123", "C")
	bob, bobID := e.user(t, "bob@example.com")

	// Bob cannot revoke alice's session by either route.
	wantError(t, e.del(t, sessionsPath+"/"+sid(t, b), bob), 404, msgNotFound, `{}`)
	wantError(t, e.del(t, usersRecords+"/"+aliceID+"/sessions/"+sid(t, b), bob), 404, msgNotFound, `{}`)
	if !e.alive(t, b) {
		t.Fatal("bob's attempt revoked alice's session")
	}

	r := e.del(t, sessionsPath+"/"+sid(t, b), a)
	wantStatus(t, r, http.StatusNoContent)
	if e.alive(t, b) {
		t.Error("the revoked session's token still works")
	}
	if !e.alive(t, a) || !e.alive(t, c) || !e.alive(t, bob) {
		t.Error("revoking one session ended others")
	}
	wantError(t, e.del(t, sessionsPath+"/"+sid(t, b), a), 404, msgNotFound, `{}`)
	wantError(t, e.del(t, sessionsPath+"/nosuchsession12", a), 404, msgNotFound, `{}`)
	if ids := sessionIDs(e.sessions(t, sessionsPath, a)); len(ids) != 2 || ids[sid(t, b)] {
		t.Errorf("sessions after revoking B = %v", ids)
	}

	// The user revokes through its record's route too.
	wantStatus(t, e.del(t, usersRecords+"/"+aliceID+"/sessions/"+sid(t, c), a), http.StatusNoContent)
	if e.alive(t, c) {
		t.Error("session C survived revocation through records/{id}/sessions")
	}

	// A superuser revokes a user's session; the id must match the user.
	super, _ := e.superuser(t)
	wantError(t, e.del(t, usersRecords+"/"+bobID+"/sessions/"+sid(t, a), super), 404, msgNotFound, `{}`)
	wantStatus(t, e.del(t, usersRecords+"/"+aliceID+"/sessions/"+sid(t, a), super), http.StatusNoContent)
	if e.alive(t, a) || !e.alive(t, bob) || e.post(t, supersPath+"/auth-refresh", super, "").status != 200 {
		t.Error("superuser revocation hit the wrong sessions")
	}
	if got := e.sessions(t, usersRecords+"/"+aliceID+"/sessions", super); len(got) != 0 {
		t.Errorf("alice still has sessions %+v", got)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	a := e.loginAs(t, "alice@example.com", "password123", "A")
	b := e.loginAs(t, "alice@example.com", "password123", "B")
	c := e.loginAs(t, "alice@example.com", "password123", "C")
	bob, _ := e.user(t, "bob@example.com")

	wantStatus(t, e.post(t, usersPath+"/logout", b, ""), http.StatusNoContent)
	if e.alive(t, b) || !e.alive(t, a) || !e.alive(t, c) {
		t.Error("logout must end exactly the current session")
	}
	// The dead token is a guest now.
	wantError(t, e.post(t, usersPath+"/logout", b, ""), 401, msgNeedToken, `{}`)

	wantStatus(t, e.post(t, usersPath+"/logout-others", a, ""), http.StatusNoContent)
	if !e.alive(t, a) || e.alive(t, c) || !e.alive(t, bob) {
		t.Error("logout-others must keep the current session and end the caller's others only")
	}
	if got := e.sessions(t, sessionsPath, a); len(got) != 1 || !got[0].Current {
		t.Errorf("after logout-others: %+v", got)
	}

	d := e.loginAs(t, "alice@example.com", "password123", "D")
	_, rt := e.loginRT(t, "alice@example.com", "password123")
	wantStatus(t, e.post(t, usersPath+"/logout-all", a, ""), http.StatusNoContent)
	if e.alive(t, a) || e.alive(t, d) || !e.alive(t, bob) {
		t.Error("logout-all must end every session of the caller and no one else's")
	}
	// The refresh token of a logged-out session is dead too.
	wantError(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(rt)+`}`), 401, msgBadRefresh, `{}`)

	// A superuser token is not a users token.
	super, _ := e.superuser(t)
	wantError(t, e.post(t, usersPath+"/logout", super, ""), 403, "The request requires auth record from _superusers collection.", `{}`)
	if !e.alive(t, bob) {
		t.Error("a superuser's users/logout ended bob's session")
	}
}

func TestSessionRoutesNeedAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	aliceID := e.signUp(t, "alice@example.com", "password123")
	for _, rt := range []struct{ method, path string }{
		{"GET", sessionsPath},
		{"DELETE", sessionsPath + "/abcdefghijklmno"},
		{"POST", usersPath + "/logout"},
		{"POST", usersPath + "/logout-others"},
		{"POST", usersPath + "/logout-all"},
		{"GET", usersRecords + "/" + aliceID + "/sessions"},
		{"DELETE", usersRecords + "/" + aliceID + "/sessions/abcdefghijklmno"},
		{"GET", usersRecords + "/nosuchrecord123/sessions"},
	} {
		for _, tok := range []string{"", "garbage"} {
			r := e.do(t, request{method: rt.method, path: rt.path, token: tok})
			wantErrorNamed(t, rt.method+" "+rt.path, r, 401, msgNeedToken, `{}`)
		}
	}
}
