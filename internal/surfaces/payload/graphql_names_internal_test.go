package payload

import "testing"

// TestSingularName pins how a slug becomes Payload's <S> and its
// formatted name.
func TestSingularName(t *testing.T) {
	t.Parallel()
	for slug, want := range map[string][2]string{
		"users":           {"User", "users"},
		"admins":          {"Admin", "admins"},
		"categories":      {"Category", "categories"},
		"blog-categories": {"BlogCategory", "blog_categories"},
		"site_boxes":      {"SiteBox", "site_boxes"},
		"addresses":       {"Address", "addresses"},
		"status":          {"Status", "status"},
		"staff":           {"Staff", "staff"},
		"Members":         {"Member", "Members"},
		"2fa-users":       {"_2faUser", "_2fa_users"},
		"s":               {"S", "s"},
	} {
		if got := [2]string{singularName(slug), formatName(slug)}; got != want {
			t.Errorf("%s: %v, want %v", slug, got, want)
		}
	}
}

// TestNamesCollide: slugs whose GraphQL names meet are refused, with
// the fixed names too.
func TestNamesCollide(t *testing.T) {
	t.Parallel()
	for _, slugs := range [][]string{
		{"user", "users"}, {"a-b", "a_b"}, {"Users", "UsersMe"}, {"access"}, {"accesses"},
	} {
		if _, err := namesOf(slugs); err == nil {
			t.Errorf("%v: no error", slugs)
		}
	}
	if _, err := namesOf([]string{"users", "admins", "blog-posts"}); err != nil {
		t.Error(err)
	}
}
