package main

import "testing"

func TestJSONStringAfter(t *testing.T) {
	for _, tc := range []struct{ body, key, want string }{
		{`{"record":{"id":"x"},"token":"a.b.c"}`, `"token":`, "a.b.c"},
		{`{"meta":{"refreshToken":"r1","refreshTokenExpires":"t"},"record":{},"token":"t2"}`, `"token":`, "t2"},
		{`{"data":{"expires":900000,"refresh_token":"abc-_","access_token":"j"}}`, `"refresh_token":`, "abc-_"},
		{`{"token": "spaced"}`, `"token":`, "spaced"},
		{`{"token":5}`, `"token":`, ""},
		{`{"other":"x"}`, `"token":`, ""},
		{`{"token":"unterminated`, `"token":`, ""},
		{`{"token":"a\"b"}`, `"token":`, ""}, // escapes: not a token
	} {
		if got := jsonStringAfter([]byte(tc.body), tc.key); got != tc.want {
			t.Errorf("jsonStringAfter(%s, %s) = %q, want %q", tc.body, tc.key, got, tc.want)
		}
	}
}
