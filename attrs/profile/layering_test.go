package profile_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The root package bsafe imports attrs, so a package under attrs must
// not depend on the connector contract: attrs/profile's code (tests
// aside) imports no package of the module outside attrs.
func TestNoImportOfConnectorContract(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	const module = "github.com/bsafe-go/bsafe"
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == module || (strings.HasPrefix(path, module+"/") && !strings.HasPrefix(path, module+"/attrs")) {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
