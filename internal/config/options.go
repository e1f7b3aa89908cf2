package config

import (
	"reflect"
	"strings"
)

// An option is one setting of the file, found by walking Config's yaml
// tags: a scalar, a list, or a list of option groups (OAuth2 providers),
// whose items' keys are options too but have no variable of their own.
// This walk is the one list of settings: the environment variables, the
// reference docs and the example file are all checked against it, so a
// new field is a new setting everywhere.
type option struct {
	// path is the YAML path, with each map key written as the map's
	// placeholder: "collections.<name>.otp.enabled".
	path string
	// steps lead from Config to the option's field.
	steps []step
	// item marks an option of a list item ("...providers[].pkce").
	item bool
	typ  reflect.Type
}

// A step is a struct field (by index), or a map entry: one of keys, the
// map's known keys from its `keys` tag, written as placeholder in paths.
type step struct {
	field       []int
	placeholder string
	keys        []string
}

// options returns every option of Config, in the order of the file.
func options() []option {
	var out []option
	walkOptions(reflect.TypeFor[Config](), "", nil, false, &out)
	return out
}

func walkOptions(t reflect.Type, prefix string, steps []step, item bool, out *[]option) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, flags, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		here := append(steps[:len(steps):len(steps)], step{field: f.Index})
		if name == "" && strings.Contains(flags, "inline") {
			walkOptions(f.Type, prefix, here, item, out)
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct:
			walkOptions(ft, path, here, item, out)
		case ft.Kind() == reflect.Map && f.Tag.Get("keys") != "":
			m := step{placeholder: f.Tag.Get("placeholder"), keys: strings.Split(f.Tag.Get("keys"), ",")}
			walkOptions(ft.Elem(), path+"."+m.placeholder, append(here, m), item, out)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			*out = append(*out, option{path: path, steps: here, item: item, typ: f.Type})
			walkOptions(ft.Elem(), path+"[]", nil, true, out)
		default:
			*out = append(*out, option{path: path, steps: here, item: item, typ: f.Type})
		}
	}
}

// A variable is an option with every map key chosen: one environment
// variable's setting.
type variable struct {
	path string // "collections._superusers.otp.enabled"
	opt  option
	keys []string // the map keys chosen, one per map step
}

// variables returns every option that has an environment variable, once
// for each combination of its maps' known keys.
func variables() []variable {
	var out []variable
	for _, o := range options() {
		if o.item {
			continue
		}
		combos := [][]string{nil}
		for _, s := range o.steps {
			if s.keys == nil {
				continue
			}
			var next [][]string
			for _, c := range combos {
				for _, k := range s.keys {
					next = append(next, append(c[:len(c):len(c)], k))
				}
			}
			combos = next
		}
		for _, keys := range combos {
			segs := strings.Split(o.path, ".")
			rest := keys
			for i, seg := range segs {
				if strings.HasPrefix(seg, "<") {
					segs[i], rest = rest[0], rest[1:]
				}
			}
			out = append(out, variable{path: strings.Join(segs, "."), opt: o, keys: keys})
		}
	}
	return out
}

// envName is the variable of the setting at path: GATEHOUSE_ and the path
// upper-cased, dots becoming underscores (collections._superusers.otp.enabled
// gives GATEHOUSE_COLLECTIONS__SUPERUSERS_OTP_ENABLED). A path with a
// placeholder gives a name with one, as the docs write it.
func envName(path string) string {
	return "GATEHOUSE_" + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
}

// set stores v (of the option's type) in c at the variable's place,
// creating the map entries on the way: a collection that the file does
// not mention is configured by its variables alone.
func (va variable) set(c *Config, v reflect.Value) {
	assign(reflect.ValueOf(c).Elem(), va.opt.steps, va.keys, v)
}

func assign(at reflect.Value, steps []step, keys []string, v reflect.Value) {
	if len(steps) == 0 {
		at.Set(v)
		return
	}
	s := steps[0]
	if s.keys == nil {
		assign(at.FieldByIndex(s.field), steps[1:], keys, v)
		return
	}
	if at.IsNil() {
		at.Set(reflect.MakeMap(at.Type()))
	}
	k := reflect.ValueOf(keys[0])
	entry := reflect.New(at.Type().Elem()).Elem()
	if cur := at.MapIndex(k); cur.IsValid() {
		entry.Set(cur)
	}
	assign(entry, steps[1:], keys[1:], v)
	at.SetMapIndex(k, entry)
}
