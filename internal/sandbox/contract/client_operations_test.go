package contract_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/contract"
)

// clientSource is the package whose requests the contract must cover.
const clientSource = "../../atlassian"

// clientOperation is a method and a route template the client sends.
type clientOperation struct{ method, route string }

// clientOperations derives, from the client's source, every operation it can
// send: each request{method: ..., route: ...} literal, where route is one of
// the package's route constants or a parameter a caller passes one to.
func clientOperations(t *testing.T) []clientOperation {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join(clientSource, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	consts := map[string]string{} // string constants of the package
	for _, f := range files {
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							v, _ := strconv.Unquote(lit.Value)
							consts[name.Name] = v
						}
					}
				}
			}
		}
	}
	type forwarded struct {
		method string
		param  int // index of the route parameter of the function
	}
	forwarders := map[string]forwarded{} // function name -> the route parameter it sends
	seen := map[clientOperation]bool{}
	for _, f := range files {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				if typ, ok := lit.Type.(*ast.Ident); !ok || typ.Name != "request" {
					return true
				}
				var method, route string
				for _, elt := range lit.Elts {
					kv, ok := elt.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					key := kv.Key.(*ast.Ident).Name
					switch key {
					case "method":
						sel, ok := kv.Value.(*ast.SelectorExpr)
						if !ok || !strings.HasPrefix(sel.Sel.Name, "Method") {
							t.Fatalf("%s: a request's method is not an http.Method constant: extend clientOperations", fset.Position(kv.Pos()))
						}
						method = strings.ToUpper(strings.TrimPrefix(sel.Sel.Name, "Method"))
					case "route":
						id, ok := kv.Value.(*ast.Ident)
						if !ok {
							t.Fatalf("%s: a request's route is not a name: extend clientOperations", fset.Position(kv.Pos()))
						}
						route = id.Name
					}
				}
				if method == "" || route == "" {
					t.Fatalf("%s: a request without method or route", fset.Position(lit.Pos()))
				}
				if template, ok := consts[route]; ok {
					seen[clientOperation{method, template}] = true
					return true
				}
				index := -1
				i := 0
				for _, field := range fn.Type.Params.List {
					for _, name := range field.Names {
						if name.Name == route {
							index = i
						}
						i++
					}
				}
				if index < 0 {
					t.Fatalf("%s: route %s is neither a constant nor a parameter of %s: extend clientOperations", fset.Position(lit.Pos()), route, fn.Name.Name)
				}
				forwarders[fn.Name.Name] = forwarded{method: method, param: index}
				return true
			})
		}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fun := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = fun.Sel.Name
			case *ast.Ident:
				name = fun.Name
			}
			fw, ok := forwarders[name]
			if !ok || fw.param >= len(call.Args) {
				return true
			}
			id, ok := call.Args[fw.param].(*ast.Ident)
			if template, isConst := consts[idName(id, ok)]; isConst {
				seen[clientOperation{fw.method, template}] = true
			}
			return true
		})
	}
	ops := make([]clientOperation, 0, len(seen))
	for op := range seen {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].route+ops[i].method < ops[j].route+ops[j].method })
	return ops
}

func idName(id *ast.Ident, ok bool) string {
	if !ok {
		return ""
	}
	return id.Name
}

// pathVariable matches a path template's variable, whatever its name: the
// client and the document may name the same one differently.
var pathVariable = regexp.MustCompile(`\{[^}]+\}`)

func TestContractCoversEveryClientOperation(t *testing.T) {
	documented := map[string]contract.Operation{}
	ops, err := contract.Operations()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		documented[op.Method+" "+pathVariable.ReplaceAllString(op.Path, "{}")] = op
	}
	client := clientOperations(t)
	// The derivation itself: a few operations it must find, so that a
	// change of the client's shape cannot empty this test.
	for _, want := range []clientOperation{
		{"GET", "/v1/orgs/{orgId}"},
		{"POST", "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments/assign"},
		{"POST", "/v1/orgs/{orgId}/users/{accountId}/role-assignments/revoke"},
	} {
		found := false
		for _, op := range client {
			found = found || op == want
		}
		if !found {
			t.Errorf("the client's operations as derived from %s lack %s %s: the derivation is broken", clientSource, want.method, want.route)
		}
	}
	for _, op := range client {
		doc, ok := documented[op.method+" "+pathVariable.ReplaceAllString(op.route, "{}")]
		switch {
		case !ok:
			t.Errorf("the client sends %s %s, which Atlassian's document does not have", op.method, op.route)
		case doc.Deprecated:
			t.Errorf("the client sends %s %s, which Atlassian's document marks deprecated: %s", op.method, op.route, doc)
		default:
			t.Logf("covered: %s", doc)
		}
	}
	if len(client) < 15 {
		t.Errorf("only %d client operations derived from %s", len(client), clientSource)
	}
}

// The committed extract is the one the checker embeds and reads; it must
// exist where the make targets write it.
func TestExtractIsCommittedWhereTheMakeTargetsWriteIt(t *testing.T) {
	if _, err := os.Stat(filepath.Join("..", "..", "..", contract.ExtractPath)); err != nil {
		t.Fatal(err)
	}
}

// The client names the scope a refused call lacks from its own map, since
// Atlassian's refusal does not: every operation it sends must be in that
// map, with the scope the document (as extracted) gives it.
func TestClientScopesMatchTheDocument(t *testing.T) {
	documented, err := contract.RequiredScopes()
	if err != nil {
		t.Fatal(err)
	}
	scopes := atlassian.OperationScopes()
	for _, op := range clientOperations(t) {
		name := op.method + " " + op.route
		want := documented[contract.OperationKey(op.method, op.route)].Scope
		switch got, ok := scopes[name]; {
		case !ok:
			t.Errorf("the client sends %s but names no scope for it (internal/atlassian/scopes.go); the document's is %q", name, want)
		case got != want:
			t.Errorf("the client says %s needs %s; the document says %q", name, got, want)
		}
	}
	if len(scopes) != len(clientOperations(t)) {
		t.Errorf("the client names the scope of %d operations but sends %d: drop the ones it no longer sends", len(scopes), len(clientOperations(t)))
	}
}
