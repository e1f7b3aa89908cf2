package config

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

const (
	examplePath = "../../gatehouse.example.yaml"
	docsPath    = "../../docs/configuration.md"
)

// configPaths returns the YAML path of every option (options, which
// writes map keys as their placeholder; a list of option groups,
// collections.<name>.oauth2.providers, is itself an option, and its
// items' options follow as "<list>[].<key>", see itemPath).
func configPaths() []string {
	var out []string
	for _, o := range options() {
		out = append(out, o.path)
	}
	return out
}

// yamlPaths returns the leaf key paths written in a YAML document, with
// the keys of map-valued options replaced by their placeholder.
func yamlPaths(t *testing.T, n *yaml.Node, f reflect.StructField, prefix string, out map[string]bool) {
	t.Helper()
	if n.Kind == yaml.DocumentNode {
		yamlPaths(t, n.Content[0], f, prefix, out)
		return
	}
	typ := f.Type
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if n.Kind != yaml.MappingNode || typ.Kind() == reflect.Map && f.Tag.Get("placeholder") == "" {
		out[prefix] = true // a scalar, a list, or a map that is one option's value (surfaces.payload.slugs)
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, n.Content[i+1]
		switch typ.Kind() {
		case reflect.Map:
			yamlPaths(t, val, reflect.StructField{Type: typ.Elem()}, prefix+"."+f.Tag.Get("placeholder"), out)
		case reflect.Struct:
			field, ok := fieldByYAMLName(typ, key)
			if !ok {
				t.Errorf("example has unknown key %q under %q", key, prefix)
				continue
			}
			p := key
			if prefix != "" {
				p = prefix + "." + key
			}
			yamlPaths(t, val, field, p, out)
		default:
			out[prefix] = true
		}
	}
}

// itemPath reports whether p is an option of a list item, and its key.
// The example file keeps such lists at their default (empty), since a
// listed item would change what the file loads as; it shows each key in
// a commented-out item instead.
func itemPath(p string) (key string, ok bool) {
	if !strings.Contains(p, "[].") {
		return "", false
	}
	return p[strings.LastIndex(p, ".")+1:], true
}

// fieldByYAMLName finds the field of struct type t that the YAML key
// name decodes into, looking into inline fields as yaml.v3 does.
func fieldByYAMLName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		n, flags, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if n == "" && strings.Contains(flags, "inline") {
			if inner, ok := fieldByYAMLName(f.Type, name); ok {
				return inner, true
			}
		}
		if n == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func TestConfigPathsWalk(t *testing.T) {
	t.Parallel()
	paths := configPaths()
	for _, want := range []string{
		"data_dir", "http.body_limit", "mail.smtp_url", "collections.<name>.auth_token_ttl",
		"collections.<name>.mail.<kind>.action_url", "collections.<name>.oauth2.providers",
		"collections.<name>.oauth2.providers[].client_secret", "surfaces.directus.enabled",
		"surfaces.directus.access_ttl", "surfaces.directus.redirect_allow_list",
	} {
		if !slices.Contains(paths, want) {
			t.Errorf("configPaths lacks %q: %v", want, paths)
		}
	}
}

// The example file loads, and copying it unchanged gives exactly the
// defaults, so the values it shows are true.
func TestExampleFileLoadsAsDefaults(t *testing.T) {
	t.Parallel()
	got, err := Load(examplePath, nil)
	if err != nil {
		t.Fatalf("Load(%s) = %v", examplePath, err)
	}
	want := Default()
	want.Collections = got.Collections
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("example differs from Default() (-want +got):\n%s", diff)
	}
	cols, err := got.BuildCollections()
	if err != nil {
		t.Fatal(err)
	}
	defCols, _ := Default().BuildCollections()
	if diff := cmp.Diff(defCols, cols); diff != "" {
		t.Errorf("example collections differ from the defaults (-want +got):\n%s", diff)
	}
}

// Every option appears in the example file and in the reference docs,
// and every environment variable in both, so neither can drift.
func TestExampleAndDocsCoverEveryOption(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	inExample := map[string]bool{}
	yamlPaths(t, &root, reflect.StructField{Type: reflect.TypeFor[Config]()}, "", inExample)
	docBytes, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	docs := string(docBytes)

	paths := configPaths()
	for _, p := range paths {
		if key, ok := itemPath(p); ok {
			commented := regexp.MustCompile(`(?m)^\s*#\s*(- )?` + regexp.QuoteMeta(key) + `:`)
			if !commented.Match(data) {
				t.Errorf("%s does not show %s in a commented-out item", examplePath, p)
			}
		} else if !inExample[p] {
			t.Errorf("%s does not set %s", examplePath, p)
		}
		if !strings.Contains(docs, "`"+p+"`") {
			t.Errorf("%s does not document `%s`", docsPath, p)
		}
	}
	for p := range inExample {
		if !slices.Contains(paths, p) {
			t.Errorf("%s sets %s, which is not an option", examplePath, p)
		}
	}
	// The example names each alias where its option is; the docs name
	// every variable (envNamesInDocs checks them all).
	for _, a := range envAliases {
		if !strings.Contains(string(data), "Env: "+a.name) {
			t.Errorf("%s does not mention %s", examplePath, a.name)
		}
	}
	for _, flag := range []string{"--http", "--dir", "--config", "--db"} {
		if !strings.Contains(docs, "`"+flag) {
			t.Errorf("%s does not document %s", docsPath, flag)
		}
	}
}

// The YAML examples in the reference docs are valid configurations.
func TestDocsYAMLExamplesLoad(t *testing.T) {
	t.Parallel()
	docs, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(docs), "```yaml\n")[1:]
	if len(blocks) == 0 {
		t.Fatalf("%s has no yaml examples", docsPath)
	}
	// The examples read client secrets from the environment ("$NAME"),
	// as the docs recommend; give every such variable a value, and leave
	// the GATEHOUSE_* ones unset so the file alone is tested.
	getenv := func(name string) string {
		if strings.HasPrefix(name, "GATEHOUSE_") {
			return ""
		}
		return "example-secret"
	}
	for i, b := range blocks {
		snippet, _, _ := strings.Cut(b, "```")
		if _, err := Load(writeConfig(t, snippet), getenv); err != nil {
			t.Errorf("yaml example %d in %s does not load: %v", i+1, docsPath, err)
		}
	}
}
