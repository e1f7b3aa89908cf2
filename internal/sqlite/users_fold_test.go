package sqlite

import (
	"strings"
	"testing"
)

// A case-insensitive email lookup must use its index: on a large users
// table a scan would make every failed Directus login cost a full read.
func TestUsersByEmailFoldUsesIndex(t *testing.T) {
	db := openTest(t)
	rows, err := db.reader.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+foldQuery, "c", "a@b.c", 2)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "USING INDEX users_collection_email_lower") {
		t.Errorf("query plan %q does not use users_collection_email_lower", p)
	}
}

// Logins look users up by email on every attempt: that lookup must use
// the partial unique index, not scan the collection.
func TestUserByEmailUsesIndex(t *testing.T) {
	db := openTest(t)
	rows, err := db.reader.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+userByEmailQuery, "c", "a@b.c")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "USING INDEX users_collection_email ") {
		t.Errorf("query plan %q does not use users_collection_email", p)
	}
}
