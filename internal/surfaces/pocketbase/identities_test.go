package pocketbase_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// externalAuthKeys are an _externalAuths record's keys in wire order.
var externalAuthKeys = []string{"collectionId", "collectionName", "collectionRef", "created", "id", "provider", "providerId", "recordRef", "updated"}

// externalAuth is a decoded _externalAuths record.
type externalAuth struct {
	CollectionID   string `json:"collectionId"`
	CollectionName string `json:"collectionName"`
	CollectionRef  string `json:"collectionRef"`
	Created        string `json:"created"`
	ID             string `json:"id"`
	Provider       string `json:"provider"`
	ProviderID     string `json:"providerId"`
	RecordRef      string `json:"recordRef"`
	Updated        string `json:"updated"`
}

// links lists identities at path (an _externalAuths list or
// records/{id}/identities), checking the list and record shapes.
func (e *env) links(t testing.TB, path, token string) []externalAuth {
	t.Helper()
	r := e.get(t, path, token)
	pl := checkList(t, r, externalAuthKeys)
	out := make([]externalAuth, 0, len(pl.Items))
	for _, raw := range pl.Items {
		var l externalAuth
		decode(t, string(raw), &l)
		if l.CollectionID != "pbc_2281828961" || l.CollectionName != "_externalAuths" || !idPattern.MatchString(l.ID) ||
			!datePattern.MatchString(l.Created) || l.Updated != l.Created {
			t.Errorf("link %s: bad record fields", raw)
		}
		out = append(out, l)
	}
	if pl.TotalItems != len(out) {
		t.Errorf("%s: totalItems %d with %d items", path, pl.TotalItems, len(out))
	}
	return out
}

// identityEnv has a "fake" and a "second" provider; ann signs up by
// OAuth2 (no password), alice by password and links "fake".
type identityEnv struct {
	*env
	fake, second              *surfacetest.Provider
	ann, annID, alice, alicID string
}

func newIdentityEnv(t testing.TB) *identityEnv {
	t.Helper()
	fake, second := surfacetest.NewProvider("fake", true), surfacetest.NewProvider("second", false)
	e := newOAuthEnv(t, nil, fake, second)
	fake.Set("ann", core.OAuthUser{ID: "g-ann", Email: "ann@example.com", EmailVerified: true})
	fake.Set("alice", core.OAuthUser{ID: "g-alice"})
	second.Set("ann2", core.OAuthUser{ID: "s-ann"})
	a := e.oauthLogin(t, "", "ann")
	alice, aliceID := e.user(t, "alice@example.com")
	if got := e.oauthLogin(t, alice, "alice"); got.rec.ID != aliceID {
		t.Fatalf("linking went to %s, want alice", got.rec.ID)
	}
	return &identityEnv{env: e, fake: fake, second: second, ann: a.Token, annID: a.rec.ID, alice: alice, alicID: aliceID}
}

func TestExternalAuthsList(t *testing.T) {
	t.Parallel()
	e := newIdentityEnv(t)
	// A guest sees nothing, by name or by id.
	for _, path := range []string{externalAuths, "/api/collections/pbc_2281828961/records"} {
		r := e.get(t, path, "")
		if want := `{"items":[],"page":1,"perPage":30,"totalItems":0,"totalPages":0}` + "\n"; r.status != 200 || r.body != want {
			t.Errorf("guest %s = %d %s, want %s", path, r.status, r.body, want)
		}
	}
	// Each user sees their own links only.
	for _, tc := range []struct{ token, id, providerID string }{{e.ann, e.annID, "g-ann"}, {e.alice, e.alicID, "g-alice"}} {
		list := e.links(t, externalAuths, tc.token)
		if len(list) != 1 {
			t.Fatalf("list = %+v, want one link", list)
		}
		if l := list[0]; l.CollectionRef != core.UsersID || l.RecordRef != tc.id || l.Provider != "fake" || l.ProviderID != tc.providerID {
			t.Errorf("link = %+v, want fake/%s of %s", l, tc.providerID, tc.id)
		}
	}
	// A second provider adds a second link.
	checkOAuth(t, e.post(t, oauthPath, e.ann, providerBody("second", "ann2")), metaKeys, userKeys)
	if list := e.links(t, externalAuths, e.ann); len(list) != 2 {
		t.Errorf("ann has %d links, want 2", len(list))
	}
}

// TestExternalAuthsPaging runs the SDK's getFullList loop against the
// list: it asks for page after page while a page comes back full
// (items.length == perPage), so the list must honour page and perPage
// or the SDK never stops.
func TestExternalAuthsPaging(t *testing.T) {
	t.Parallel()
	e := newIdentityEnv(t)
	var all []string
	for page := 1; ; page++ {
		if page > 3 {
			t.Fatalf("getFullList would not stop: pages keep coming back full (%d items so far)", len(all))
		}
		r := e.get(t, externalAuths+"?page="+strconv.Itoa(page)+"&perPage=500&skipTotal=1", e.alice)
		wantStatus(t, r, http.StatusOK)
		var pl struct {
			Items   []externalAuth `json:"items"`
			Page    int            `json:"page"`
			PerPage int            `json:"perPage"`
		}
		decode(t, r.body, &pl)
		if (pl.Page != page || pl.PerPage != 500) && page == 1 {
			t.Errorf("page %d: answered page %d perPage %d, want %d and 500", page, pl.Page, pl.PerPage, page)
		}
		for _, l := range pl.Items {
			all = append(all, l.ID)
		}
		if len(pl.Items) != pl.PerPage {
			break
		}
	}
	if len(all) != 1 {
		t.Errorf("getFullList collected %v, want alice's one link", all)
	}
	// getList(1, 30): PocketBase's default page size is echoed.
	r := e.get(t, externalAuths+"?page=1&perPage=30", e.alice)
	if pl := checkList(t, r, externalAuthKeys); pl.PerPage != 30 || pl.Page != 1 || pl.TotalItems != 1 || pl.TotalPages != 1 {
		t.Errorf("getList(1, 30) = %s", r.body)
	}
}

func TestExternalAuthsDelete(t *testing.T) {
	t.Parallel()
	e := newIdentityEnv(t)
	aliceLink := e.links(t, externalAuths, e.alice)[0]
	annLink := e.links(t, externalAuths, e.ann)[0]

	// Not someone else's, and not as a guest.
	wantError(t, e.del(t, externalAuths+"/"+annLink.ID, e.alice), 404, msgNotFound, `{}`)
	wantError(t, e.del(t, externalAuths+"/"+annLink.ID, ""), 404, msgNotFound, `{}`)
	wantError(t, e.del(t, externalAuths+"/zzzzzzzzzzzzzzz", e.alice), 404, msgNotFound, `{}`)
	if len(e.links(t, externalAuths, e.ann)) != 1 {
		t.Fatal("ann's link is gone")
	}
	// ann has no password: her only link cannot go.
	wantError(t, e.del(t, externalAuths+"/"+annLink.ID, e.ann), 400, msgLastMethod, `{}`)
	// alice has a password: hers can, by the collection's id too.
	wantStatus(t, e.del(t, "/api/collections/pbc_2281828961/records/"+aliceLink.ID, e.alice), http.StatusNoContent)
	if list := e.links(t, externalAuths, e.alice); len(list) != 0 {
		t.Errorf("after delete alice has %+v", list)
	}
	wantError(t, e.del(t, externalAuths+"/"+aliceLink.ID, e.alice), 404, msgNotFound, `{}`)
	// The provider account no longer signs in as alice: with sign-up on
	// it gets a new record.
	if a := e.oauthLogin(t, "", "alice"); a.rec.ID == e.alicID || a.Meta["isNew"] != true {
		t.Errorf("unlinked account signed in as %s (isNew %v)", a.rec.ID, a.Meta["isNew"])
	}

	// With a second link ann may drop one, then not the other.
	checkOAuth(t, e.post(t, oauthPath, e.ann, providerBody("second", "ann2")), metaKeys, userKeys)
	wantStatus(t, e.del(t, externalAuths+"/"+annLink.ID, e.ann), http.StatusNoContent)
	last := e.links(t, externalAuths, e.ann)
	if len(last) != 1 || last[0].Provider != "second" {
		t.Fatalf("ann's links = %+v, want the second provider's", last)
	}
	wantError(t, e.del(t, externalAuths+"/"+last[0].ID, e.ann), 400, msgLastMethod, `{}`)
	// Emailed codes are a way in: with OTP on the last link may go.
	e.factors(t, "users", true, false)
	wantStatus(t, e.del(t, externalAuths+"/"+last[0].ID, e.ann), http.StatusNoContent)
}

func TestRecordIdentities(t *testing.T) {
	t.Parallel()
	e := newIdentityEnv(t)
	super, _ := e.superuser(t)
	annPath := usersRecords + "/" + e.annID + "/identities"

	for _, tok := range []string{e.ann, super} {
		list := e.links(t, annPath, tok)
		if len(list) != 1 || list[0].RecordRef != e.annID || list[0].ProviderID != "g-ann" {
			t.Errorf("identities of ann = %+v", list)
		}
	}
	wantError(t, e.get(t, annPath, e.alice), 404, msgNotFound, `{}`)
	wantError(t, e.get(t, usersRecords+"/zzzzzzzzzzzzzzz/identities", super), 404, msgNotFound, `{}`)
	wantError(t, e.get(t, annPath, ""), 401, "The request requires valid record authorization token.", `{}`)
	wantError(t, e.get(t, "/api/collections/nope/records/"+e.annID+"/identities", super), 404, "Missing or invalid collection context.", `{}`)

	// Unlinking: not by another user, not the last way in, but a
	// superuser may when another way remains.
	link := e.links(t, annPath, e.ann)[0]
	wantError(t, e.del(t, annPath+"/"+link.ID, e.alice), 404, msgNotFound, `{}`)
	wantError(t, e.del(t, annPath+"/"+link.ID, super), 400, msgLastMethod, `{}`)
	aliceLink := e.links(t, externalAuths, e.alice)[0]
	// An id that exists, but under another user, is not found.
	wantError(t, e.del(t, annPath+"/"+aliceLink.ID, super), 404, msgNotFound, `{}`)
	wantStatus(t, e.del(t, usersRecords+"/"+e.alicID+"/identities/"+aliceLink.ID, super), http.StatusNoContent)
	if list := e.links(t, usersRecords+"/"+e.alicID+"/identities", e.alice); len(list) != 0 {
		t.Errorf("alice's identities after unlink = %+v", list)
	}
}
