package pocketbase

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// maxPickFields bounds the ?fields= list so a hostile query cannot make
// picking expensive.
const maxPickFields = 100

// fieldTree is a parsed ?fields= list: each key maps to the picks below
// it; an empty subtree means "the whole value"; "*" means every key.
type fieldTree map[string]fieldTree

// parseFields parses PocketBase's `fields` query: comma-separated dotted
// paths, `*` wildcards, and modifiers after a colon (which Gatehouse
// ignores, keeping the whole value).
func parseFields(raw string) fieldTree {
	tree := fieldTree{}
	for i, path := range strings.Split(raw, ",") {
		if i >= maxPickFields {
			break
		}
		path = strings.TrimSpace(path)
		if j := strings.IndexByte(path, ':'); j >= 0 {
			path = path[:j]
		}
		if path == "" {
			continue
		}
		node := tree
		for _, part := range strings.Split(path, ".") {
			next, ok := node[part]
			if !ok {
				next = fieldTree{}
				node[part] = next
			}
			node = next
		}
	}
	return tree
}

// pick keeps only the picked parts of a generic JSON value. Lists are
// picked item by item.
func pick(v any, tree fieldTree) any {
	if len(tree) == 0 {
		return v
	}
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		if _, all := tree["*"]; all {
			for k, val := range v {
				out[k] = val
			}
		}
		for k, sub := range tree {
			if val, ok := v[k]; ok && k != "*" {
				out[k] = pick(val, sub)
			}
		}
		return out
	case []any:
		for i := range v {
			v[i] = pick(v[i], tree)
		}
		return v
	}
	return v
}

// respond writes v as JSON, applying ?fields= when present. Picking goes
// through a generic round trip, so every picked object comes out with
// alphabetical keys, as in PocketBase.
func respond(w http.ResponseWriter, r *http.Request, status int, v any) error {
	raw := ""
	if r.URL.RawQuery != "" { // most requests have none: no map to build
		raw = r.URL.Query().Get("fields")
	}
	if raw == "" {
		return httpapi.WriteJSON(w, status, v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return err
	}
	tree := parseFields(raw)
	if _, ok := v.(listResponse); ok {
		// Lists pick inside each item, like PocketBase's search results.
		m := generic.(map[string]any)
		m["items"] = pick(m["items"], tree)
		return httpapi.WriteJSON(w, status, m)
	}
	return httpapi.WriteJSON(w, status, pick(generic, tree))
}
