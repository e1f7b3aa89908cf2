package httpapi

import (
	"net/http"
	"testing"
)

func TestParseSameSite(t *testing.T) {
	for _, c := range []struct {
		in   string
		want http.SameSite
		ok   bool
	}{
		{"", http.SameSiteLaxMode, true}, {"Lax", http.SameSiteLaxMode, true},
		{"STRICT", http.SameSiteStrictMode, true}, {"none", http.SameSiteNoneMode, true},
		{"default", 0, false}, {"lax ", 0, false},
	} {
		got, ok := ParseSameSite(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseSameSite(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestOriginOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://auth.example.com/conduit": "https://auth.example.com",
		"http://127.0.0.1:8090":            "http://127.0.0.1:8090",
		"/relative":                        "",
		"":                                 "",
		"::bad":                            "",
	} {
		if got := OriginOf(in); got != want {
			t.Errorf("OriginOf(%q) = %q, want %q", in, got, want)
		}
	}
}
