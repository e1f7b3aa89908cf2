package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load builds the configuration: Default, overridden by the YAML file at
// path (skipped when path is ""), overridden by the GATEHOUSE_* variables
// that getenv returns (nil reads none). OAuth2 client secrets written
// "$NAME" are then read from variable NAME through getenv too. Last it
// runs Validate. The error
// lists every problem found, each naming the file line, the environment
// variable or the option path.
func Load(path string, getenv func(string) string) (Config, error) {
	cfg := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config file: %w", err)
		}
		if err := decodeYAML(path, data, &cfg); err != nil {
			return Config{}, err
		}
	}
	var envErr error
	if getenv != nil {
		envErr = cfg.applyEnv(getenv)
	}
	secretErr := cfg.resolveSecrets(getenv)
	if err := errors.Join(envErr, secretErr, cfg.Validate()); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// decodeYAML decodes data over c, rejecting unknown keys. Errors are
// rewritten to carry the file name, the line and the option path.
func decodeYAML(name string, data []byte, c *Config) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(root.Content) == 0 {
		return nil // empty or comments only: keep the defaults
	}
	paths := map[int][]string{}
	collectPaths(&root, "", paths)

	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(c)
	var te *yaml.TypeError
	if errors.As(err, &te) {
		errs := make([]error, 0, len(te.Errors))
		for _, msg := range te.Errors {
			errs = append(errs, describeYAMLError(name, msg, paths))
		}
		return errors.Join(errs...)
	}
	if err != nil {
		return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: only one YAML document is allowed", name)
	}
	return nil
}

// collectPaths records, for each line, the dotted key paths written on it,
// so an error that yaml.v3 reports by line can name the option.
func collectPaths(n *yaml.Node, prefix string, out map[int][]string) {
	add := func(line int, p string) {
		for _, have := range out[line] {
			if have == p {
				return
			}
		}
		out[line] = append(out[line], p)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			collectPaths(c, prefix, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if prefix != "" {
				p = prefix + "." + k.Value
			}
			add(k.Line, p)
			if v.Kind == yaml.ScalarNode || v.Kind == yaml.AliasNode {
				add(v.Line, p)
			}
			collectPaths(v, p, out)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			add(item.Line, prefix)
			// Keys inside a list item are named with its index
			// (providers[1].client_id), so a problem points at one item.
			collectPaths(item, fmt.Sprintf("%s[%d]", prefix, i), out)
		}
	}
}

var (
	lineRE    = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownRE = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	typeRE    = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (\\S+)$")
)

// describeYAMLError turns one of yaml.v3's "line N: ..." messages into
// "file: line N: option.path: problem".
func describeYAMLError(name, msg string, paths map[int][]string) error {
	m := lineRE.FindStringSubmatch(msg)
	if m == nil {
		return fmt.Errorf("%s: %s", name, msg)
	}
	line, _ := strconv.Atoi(m[1])
	problem := m[2]
	key := ""
	if u := unknownRE.FindStringSubmatch(problem); u != nil {
		key, problem = u[1], "unknown option"
	} else if t := typeRE.FindStringSubmatch(problem); t != nil {
		problem = "want " + describeGoType(t[3]) + ", got " + describeYAMLValue(t[1], t[2])
	}
	where := pathOnLine(paths[line], key)
	if where == "" {
		where = key
	}
	if where == "" {
		return fmt.Errorf("%s: line %d: %s", name, line, problem)
	}
	return fmt.Errorf("%s: line %d: %s: %s", name, line, where, problem)
}

// pathOnLine picks the one path on a line that ends in key. With key ""
// it picks the deepest path when the others on the line lead to it
// ("providers" and "providers[0].pkce" on "- pkce: maybe"). It returns ""
// when that is ambiguous, e.g. in a flow mapping.
func pathOnLine(candidates []string, key string) string {
	found := ""
	for _, p := range candidates {
		if key != "" && p != key && !strings.HasSuffix(p, "."+key) {
			continue
		}
		switch {
		case found == "" || key == "" && leadsTo(found, p):
			found = p
		case key == "" && leadsTo(p, found):
		default:
			return ""
		}
	}
	return found
}

// leadsTo reports whether path child lies inside path parent.
func leadsTo(parent, child string) bool {
	rest, ok := strings.CutPrefix(child, parent)
	return ok && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "["))
}

func describeGoType(t string) string {
	t = strings.TrimPrefix(t, "*")
	switch {
	case strings.HasPrefix(t, "int"):
		return "a whole number"
	case t == "bool":
		return "true or false"
	case t == "string" || t == "config.SecretURL" || t == "config.Secret":
		return "a string"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	default:
		return "a mapping of options"
	}
}

func describeYAMLValue(tag, value string) string {
	switch tag {
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	}
	return strconv.Quote(value)
}
