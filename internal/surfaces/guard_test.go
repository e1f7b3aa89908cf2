package surfaces_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/gatehouse/gatehouse/"

// surfacePackages lists the surface packages: every directory here with
// Go files.
func surfacePackages(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if m, _ := filepath.Glob(filepath.Join(e.Name(), "*.go")); len(m) > 0 {
			out = append(out, e.Name())
		}
	}
	if len(out) < 2 {
		t.Fatalf("found surfaces %v; want at least pocketbase and directus", out)
	}
	return out
}

// allowedImports are the project packages a surface may use: core for
// every rule, httpapi for shared HTTP machinery, and leaf helpers with no
// rules of their own (setting holds the value types a surface's Options
// are written in; httpapi/gql is the shared GraphQL layer). A store, the hasher, the token signer, mail or
// another surface would let a surface reach around core.
var allowedImports = []string{
	"internal/core", "internal/httpapi", "internal/jsonenc", "internal/setting", "internal/surfaces",
	"internal/httpapi/gql",
}

// TestSurfaceImports keeps every surface (its non-test code) off stores,
// I/O packages of core's collaborators and its siblings.
func TestSurfaceImports(t *testing.T) {
	for _, name := range surfacePackages(t) {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, "./"+name).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", name, err)
		}
		for _, imp := range strings.Fields(string(out)) {
			rel, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue // the standard library or a third-party package
			}
			if !slices.Contains(allowedImports, rel) {
				t.Errorf("surface %s imports %s; surfaces reach everything through core and httpapi", name, rel)
			}
		}
	}
}

// TestSurfacesUseCoreCodes: a surface that builds a core error (or field
// error) names its code with one of core's constants, never a string of
// its own, so every code a client can see is in core's catalogue
// (codes.go, docs/errors.md).
func TestSurfacesUseCoreCodes(t *testing.T) {
	fset := token.NewFileSet()
	for _, name := range surfacePackages(t) {
		files, _ := filepath.Glob(filepath.Join(name, "*.go"))
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				for _, code := range coreCodeArgs(n) {
					if !isCoreConst(code) {
						t.Errorf("%s: a core error built with code %s; use a core.Code*/core.Field* constant",
							fset.Position(code.Pos()), render(code))
					}
				}
				return true
			})
		}
	}
}

// TestNewHandlerShape: every surface is built one way, so cmd mounts any
// of them from its table and a new surface copies no wiring:
//
//	func NewHandler(d surfaces.Deps, opt Options) (http.Handler, error)
//
// with Options the surface's own settings type.
func TestNewHandlerShape(t *testing.T) {
	const want = "func NewHandler(surfaces.Deps, Options) (http.Handler, error)"
	fset := token.NewFileSet()
	for _, name := range surfacePackages(t) {
		files, _ := filepath.Glob(filepath.Join(name, "*.go"))
		var got []string
		options := false
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, decl := range f.Decls {
				switch d := decl.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && d.Name.Name == "NewHandler" {
						got = append(got, signature(d.Type))
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.Name == "Options" {
							options = true
						}
					}
				}
			}
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("surface %s declares NewHandler as %q; want exactly one, %q", name, got, want)
		}
		if !options {
			t.Errorf("surface %s declares no Options type for its settings", name)
		}
	}
}

// signature renders a function type as "func NewHandler(A, B) (C, D)",
// parameter names left out.
func signature(ft *ast.FuncType) string {
	list := func(fl *ast.FieldList) []string {
		var out []string
		if fl == nil {
			return out
		}
		for _, f := range fl.List {
			n := max(1, len(f.Names))
			for range n {
				out = append(out, exprString(f.Type))
			}
		}
		return out
	}
	return "func NewHandler(" + strings.Join(list(ft.Params), ", ") + ") (" + strings.Join(list(ft.Results), ", ") + ")"
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	case *ast.StarExpr:
		return "*" + exprString(x.X)
	}
	return "?"
}

// coreCodeArgs returns the code expressions of a core.Error or
// core.FieldError literal, or of a core.NewError call.
func coreCodeArgs(n ast.Node) []ast.Expr {
	switch x := n.(type) {
	case *ast.CompositeLit:
		if !isCoreSel(x.Type, "Error") && !isCoreSel(x.Type, "FieldError") {
			return nil
		}
		var out []ast.Expr
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Code" {
					out = append(out, kv.Value)
				}
			}
		}
		return out
	case *ast.CallExpr:
		if isCoreSel(x.Fun, "NewError") && len(x.Args) == 2 {
			return []ast.Expr{x.Args[1]}
		}
	}
	return nil
}

func isCoreSel(e ast.Expr, name string) bool {
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = u.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "core" && sel.Sel.Name == name
}

func isCoreConst(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "core" && (strings.HasPrefix(sel.Sel.Name, "Code") || strings.HasPrefix(sel.Sel.Name, "Field"))
}

func render(e ast.Expr) string {
	if lit, ok := e.(*ast.BasicLit); ok {
		return lit.Value
	}
	return "an expression"
}
