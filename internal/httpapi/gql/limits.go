package gql

// Limits bound what one HTTP request may ask of a GraphQL endpoint. Every
// limit refuses before any resolver runs. A zero field takes its
// DefaultLimits value, except MaxBatch, where zero refuses batches.
type Limits struct {
	// MaxQueryBytes caps the length of one query document.
	MaxQueryBytes int
	// MaxDepth caps how deeply fields nest (fragments expanded). The
	// standard introspection query GraphiQL and codegen tools send is
	// 15 levels deep; the default leaves room for newer ones.
	MaxDepth int
	// MaxAliases caps the aliased fields of one document.
	MaxAliases int
	// MaxFields caps the fields of one document, fragments expanded.
	MaxFields int
	// MaxBatch caps the operations of one batched (array) request; zero
	// refuses batches, as a surface whose dialect has none should.
	MaxBatch int
	// MaxCostly caps the costly root fields (Config.Costly) of the whole
	// request, every batched operation and alias counted.
	MaxCostly int
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
		MaxBatch:      10,
		MaxCostly:     3,
	}
}

// withDefaults fills the zero fields (but MaxBatch) from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxQueryBytes <= 0 {
		l.MaxQueryBytes = d.MaxQueryBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxAliases <= 0 {
		l.MaxAliases = d.MaxAliases
	}
	if l.MaxFields <= 0 {
		l.MaxFields = d.MaxFields
	}
	if l.MaxCostly <= 0 {
		l.MaxCostly = d.MaxCostly
	}
	l.MaxBatch = max(l.MaxBatch, 0)
	return l
}
