package gql

import "github.com/gatehouse/gatehouse/internal/setting"

// Limits bound what one HTTP request may ask of a GraphQL endpoint. Every
// limit refuses before any resolver runs. A zero field takes its
// DefaultLimits value (WithDefaults), except MaxBatch, where zero
// refuses batches.
//
// A surface with settings embeds Limits in its Options under a key of
// its own (the yaml tags name the fields), so every surface's GraphQL
// limits are declared and checked (Validate) in this one place. MaxBatch
// is not a setting: whether a dialect batches is a fact of the dialect.
type Limits struct {
	// MaxQueryBytes caps the length of one query document.
	MaxQueryBytes int `yaml:"max_query_bytes"`
	// MaxDepth caps how deeply fields nest (fragments expanded). The
	// standard introspection query GraphiQL and codegen tools send is
	// 15 levels deep; the default leaves room for newer ones.
	MaxDepth int `yaml:"max_depth"`
	// MaxAliases caps the aliased fields of one document.
	MaxAliases int `yaml:"max_aliases"`
	// MaxFields caps the fields of one document, fragments expanded.
	MaxFields int `yaml:"max_fields"`
	// MaxCostly caps the costly root fields (Config.Costly) of the whole
	// request, every batched operation and alias counted.
	MaxCostly int `yaml:"max_costly"`
	// MaxBatch caps the operations of one batched (array) request; zero
	// refuses batches, as a surface whose dialect has none should.
	MaxBatch int `yaml:"-"`
}

// DefaultLimits are generous for real clients (the standard
// introspection query has 217 fields once its fragments are expanded)
// and small for abuse.
func DefaultLimits() Limits {
	return Limits{
		MaxQueryBytes: 64 << 10,
		MaxDepth:      20,
		MaxAliases:    50,
		MaxFields:     1000,
		MaxCostly:     3,
		MaxBatch:      10,
	}
}

// The bounds Validate holds the settings to. The floors admit the
// standard introspection query (15 levels, 217 fields, about 1.3 KB
// compact) and a login; the ceilings keep a limit from being switched
// off by a large number.
const (
	minQueryBytes, maxQueryBytes = 2 << 10, 1 << 20
	minDepth, maxDepth           = 15, 100
	minFields, maxFields         = 250, 100_000
	maxAliases                   = 10_000
	maxCostly                    = 100
	maxBatch                     = 100
)

// WithDefaults fills the zero fields (but MaxBatch) from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	for _, f := range []struct {
		v   *int
		def int
	}{
		{&l.MaxQueryBytes, d.MaxQueryBytes}, {&l.MaxDepth, d.MaxDepth}, {&l.MaxAliases, d.MaxAliases},
		{&l.MaxFields, d.MaxFields}, {&l.MaxCostly, d.MaxCostly},
	} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return l
}

// Validate reports every limit out of its bounds by its yaml key. Zero
// fields are valid: WithDefaults fills them.
func (l Limits) Validate() setting.Problems {
	var p setting.Problems
	for _, f := range []struct {
		key      string
		v        int
		min, max int
	}{
		{"max_query_bytes", l.MaxQueryBytes, minQueryBytes, maxQueryBytes},
		{"max_depth", l.MaxDepth, minDepth, maxDepth},
		{"max_aliases", l.MaxAliases, 1, maxAliases},
		{"max_fields", l.MaxFields, minFields, maxFields},
		{"max_costly", l.MaxCostly, 1, maxCostly},
	} {
		if f.v != 0 && (f.v < f.min || f.v > f.max) {
			p.Add(f.key, "must be between %d and %d, got %d", f.min, f.max, f.v)
		}
	}
	if l.MaxBatch < 0 || l.MaxBatch > maxBatch {
		p.Add("max_batch", "must be between 0 and %d, got %d", maxBatch, l.MaxBatch)
	}
	return p
}
