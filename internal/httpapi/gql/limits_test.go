package gql_test

import (
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

func TestLimitsValidate(t *testing.T) {
	t.Parallel()
	if p := gql.DefaultLimits().Validate(); len(p) != 0 {
		t.Fatalf("the defaults are invalid: %v", p)
	}
	if p := (gql.Limits{}).Validate(); len(p) != 0 {
		t.Fatalf("zero (take the defaults) is invalid: %v", p)
	}
	bad := gql.Limits{MaxQueryBytes: 10, MaxDepth: 14, MaxAliases: -1, MaxFields: 100, MaxCostly: 101, MaxBatch: -1}
	p := bad.Validate()
	var keys []string
	for _, pr := range p {
		keys = append(keys, pr.Key)
	}
	if got := strings.Join(keys, ","); got != "max_query_bytes,max_depth,max_aliases,max_fields,max_costly,max_batch" {
		t.Fatalf("problems for %v: %v", got, p)
	}
	// Below the depth floor the standard introspection query would be
	// refused (TestIntrospection: 14 refuses it).
	if p := (gql.Limits{MaxDepth: 15, MaxFields: 250}).Validate(); len(p) != 0 {
		t.Fatalf("the floors are invalid: %v", p)
	}
	if l := (gql.Limits{MaxCostly: 1}).WithDefaults(); l.MaxCostly != 1 || l.MaxDepth != gql.DefaultLimits().MaxDepth || l.MaxBatch != 0 {
		t.Fatalf("WithDefaults = %+v", l)
	}
}
