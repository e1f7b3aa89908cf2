package setting

import (
	"reflect"
	"testing"
)

func TestFieldName(t *testing.T) {
	t.Parallel()
	type inner struct {
		MaxDepth int `yaml:"max_depth"`
	}
	type opts struct {
		AllowList []string `yaml:"allow_list"`
		GraphQL   inner    `yaml:"graphql"`
		Plain     string   `yaml:"plain,omitempty"`
	}
	typ := reflect.TypeFor[opts]()
	for key, want := range map[string]string{
		"plain": "Plain", "allow_list[2]": "AllowList", "graphql.max_depth": "GraphQL.MaxDepth",
		"graphql.nope": "GraphQL.nope", "plain.x": "plain.x", "nope": "nope",
	} {
		if got := FieldName(typ, key); got != want {
			t.Errorf("FieldName(%q) = %q, want %q", key, got, want)
		}
	}
}
