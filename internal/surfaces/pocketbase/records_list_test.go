package pocketbase_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

// listBody is a decoded list page.
type listBody struct {
	Items      []json.RawMessage `json:"items"`
	Page       int               `json:"page"`
	PerPage    int               `json:"perPage"`
	TotalItems int               `json:"totalItems"`
	TotalPages int               `json:"totalPages"`
}

// list fetches a list with the given query and returns the item emails
// in order.
func (e *env) list(t testing.TB, token string, query url.Values) (listBody, []string) {
	t.Helper()
	r := e.get(t, usersRecords+"?"+query.Encode(), token)
	wantStatus(t, r, 200)
	if got := objectKeys(t, []byte(r.body)); !equalSlices(got, []string{"items", "page", "perPage", "totalItems", "totalPages"}) {
		t.Errorf("list keys = %v", got)
	}
	var lb listBody
	decode(t, r.body, &lb)
	var emails []string
	for _, it := range lb.Items {
		rec := checkRecord(t, it, userKeys)
		emails = append(emails, *rec.Email)
	}
	return lb, emails
}

func TestListGuest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	want := `{"items":[],"page":1,"perPage":30,"totalItems":0,"totalPages":0}` + "\n"
	for _, token := range []string{"", "not-a-token"} {
		if r := e.get(t, usersRecords, token); r.status != 200 || r.body != want {
			t.Errorf("guest list (token %q) = %d %s, want %s", token, r.status, r.body, want)
		}
	}
}

func TestListAsUserAndSuperuser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, _ := e.user(t, "alice@example.com")
	e.signUp(t, "bob@example.com", "password123")
	e.signUp(t, "carol@example.com", "password123")
	super, _ := e.superuser(t)

	lb, emails := e.list(t, alice, nil)
	if lb.TotalItems != 1 || !equalSlices(emails, []string{"alice@example.com"}) {
		t.Errorf("user list = %+v %v, want only itself", lb, emails)
	}
	lb, emails = e.list(t, super, url.Values{"sort": {"email"}})
	if lb.TotalItems != 3 || lb.TotalPages != 1 || lb.Page != 1 || lb.PerPage != 30 ||
		!equalSlices(emails, []string{"alice@example.com", "bob@example.com", "carol@example.com"}) {
		t.Errorf("superuser list = %+v %v", lb, emails)
	}
}

func TestListPagingAndSort(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, n := range []string{"carol", "alice", "bob"} {
		e.signUp(t, n+"@example.com", "password123")
		e.clock.Advance(time.Second)
	}
	super, _ := e.superuser(t)
	tests := []struct {
		query                       url.Values
		page, perPage, total, pages int
		emails                      []string
	}{
		{url.Values{"sort": {"-email"}}, 1, 30, 3, 1, []string{"carol@example.com", "bob@example.com", "alice@example.com"}},
		{url.Values{"sort": {"+email"}, "perPage": {"2"}}, 1, 2, 3, 2, []string{"alice@example.com", "bob@example.com"}},
		{url.Values{"sort": {"email"}, "perPage": {"2"}, "page": {"2"}}, 2, 2, 3, 2, []string{"carol@example.com"}},
		{url.Values{"sort": {"email"}, "perPage": {"2"}, "page": {"9"}}, 9, 2, 3, 2, nil},
		{url.Values{"sort": {"created,email"}}, 1, 30, 3, 1, []string{"carol@example.com", "alice@example.com", "bob@example.com"}},
		{url.Values{"sort": {"-created"}}, 1, 30, 3, 1, []string{"bob@example.com", "alice@example.com", "carol@example.com"}},
		{url.Values{"sort": {"email"}, "skipTotal": {"true"}}, 1, 30, -1, -1, []string{"alice@example.com", "bob@example.com", "carol@example.com"}},
		{url.Values{"sort": {"email"}, "skipTotal": {"1"}, "perPage": {"1"}}, 1, 1, -1, -1, []string{"alice@example.com"}},
		{url.Values{"sort": {"email"}, "page": {"0"}, "perPage": {"0"}}, 1, 30, 3, 1, []string{"alice@example.com", "bob@example.com", "carol@example.com"}},
		{url.Values{"sort": {"email"}, "page": {"-3"}, "perPage": {"abc"}}, 1, 30, 3, 1, []string{"alice@example.com", "bob@example.com", "carol@example.com"}},
		{url.Values{"sort": {"email"}, "perPage": {"5000"}}, 1, 1000, 3, 1, []string{"alice@example.com", "bob@example.com", "carol@example.com"}},
		{url.Values{"sort": {"email"}, "page": {"99999999999"}, "perPage": {"1000"}}, 0, 1000, 3, 1, nil},
	}
	for _, tt := range tests {
		lb, emails := e.list(t, super, tt.query)
		if (tt.page != 0 && lb.Page != tt.page) || lb.PerPage != tt.perPage || lb.TotalItems != tt.total ||
			lb.TotalPages != tt.pages || !equalSlices(emails, tt.emails) {
			t.Errorf("%s: got page %d perPage %d total %d pages %d %v, want %d %d %d %d %v", tt.query.Encode(),
				lb.Page, lb.PerPage, lb.TotalItems, lb.TotalPages, emails, tt.page, tt.perPage, tt.total, tt.pages, tt.emails)
		}
	}
}

func TestListFilter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, _ := e.user(t, "alice@example.com")
	e.signUp(t, "bob@example.com", "password123")
	super, _ := e.superuser(t)
	r := e.post(t, usersRecords, super, `{"email":"carol@example.com","password":"password123","passwordConfirm":"password123","verified":true,"name":"O'Neil"}`)
	wantStatus(t, r, 200)

	all := []string{"alice@example.com", "bob@example.com", "carol@example.com"}
	tests := []struct {
		token, filter string
		want          []string
	}{
		{super, `email ~ 'ali'`, []string{"alice@example.com"}},
		{super, `email ~ "ALI"`, []string{"alice@example.com"}},
		{super, `email !~ 'ali'`, []string{"bob@example.com", "carol@example.com"}},
		{super, `email ~ '%'`, nil},
		{super, `email ~ '_'`, nil},
		{super, `verified = false && created > '2000-01-01'`, []string{"alice@example.com", "bob@example.com"}},
		{super, `verified = true || email = 'bob@example.com'`, []string{"bob@example.com", "carol@example.com"}},
		{super, `(email = 'alice@example.com' || email = 'bob@example.com') && verified = false`, []string{"alice@example.com", "bob@example.com"}},
		{super, `((email = 'carol@example.com'))`, []string{"carol@example.com"}},
		{super, `created < '2000-01-01 00:00:00.000Z'`, nil},
		{super, `'2000-01-01' < created`, all},
		{super, `name = 'O\'Neil'`, []string{"carol@example.com"}},
		{super, `name = null`, []string{"alice@example.com", "bob@example.com"}},
		{super, `name != ''`, []string{"carol@example.com"}},
		{super, `id = @request.auth.id`, nil},
		{super, `email = @request.auth.email`, nil},
		{super, `  `, all},
		{alice, `id = @request.auth.id`, []string{"alice@example.com"}},
		{alice, `email = 'bob@example.com'`, nil},
		{alice, `email ~ 'example'`, []string{"alice@example.com"}},
	}
	for _, tt := range tests {
		_, emails := e.list(t, tt.token, url.Values{"filter": {tt.filter}, "sort": {"email"}})
		if !equalSlices(emails, tt.want) {
			t.Errorf("filter %s = %v, want %v", tt.filter, emails, tt.want)
		}
	}
}

func TestListBadQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	super, _ := e.superuser(t)
	filters := []string{
		`email ==`, `email =`, `email`, `= 'a'`, `nope = 1`, `password = 'x'`, `tokenKey != ''`,
		`email = 'a' &&`, `&& email = 'a'`, `((email = 'a')`, `email = 'a')`, `email = 'unterminated`,
		`created > 'notadate'`, `verified = 'maybe'`, `verified ~ true`, `email ?= 'a'`, `1 = 1`, `email = name`,
		`email = nope`, `email = @request.auth.password`, `@collection.users.email = 'a'`, `email = 'a' ; DROP TABLE users`,
		strings.Repeat("(", 40) + `email = 'a'` + strings.Repeat(")", 40),
		strings.Repeat(`email = 'a' || `, 100) + `email = 'a'`,
		`email = '` + strings.Repeat("x", 4000) + `'`,
		"\x00", "email = 'a' # x",
	}
	for _, f := range filters {
		r := e.get(t, usersRecords+"?"+url.Values{"filter": {f}}.Encode(), super)
		if r.status != 400 {
			t.Errorf("filter %.60q: got %d %s, want 400", f, r.status, r.body)
		}
	}
	sorts := []string{"password", "-tokenKey", "nope", "--email", "email desc", strings.Repeat("email,", 11) + "email"}
	for _, s := range sorts {
		r := e.get(t, usersRecords+"?"+url.Values{"sort": {s}}.Encode(), super)
		if r.status != 400 {
			t.Errorf("sort %.60q: got %d %s, want 400", s, r.status, r.body)
		}
	}
}
