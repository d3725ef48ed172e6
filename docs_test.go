package bsafe

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDocMarksPlannedPackages: every package the package overview lists
// either exists (for this package: declares something exported) or is
// marked planned, and nothing that exists is marked planned.
func TestDocMarksPlannedPackages(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var entries []string
	for _, line := range strings.Split(f.Doc.Text(), "\n") {
		switch {
		case strings.HasPrefix(line, "  - "):
			entries = append(entries, strings.TrimPrefix(line, "  - "))
		case strings.HasPrefix(line, "    ") && len(entries) > 0:
			entries[len(entries)-1] += " " + strings.TrimSpace(line)
		}
	}
	if len(entries) < 3 {
		t.Fatalf("found %d package entries in doc.go, want the whole map", len(entries))
	}
	for _, e := range entries {
		head, _, ok := strings.Cut(e, ":")
		if !ok {
			t.Errorf("entry %q names no package", e)
			continue
		}
		planned := strings.Contains(e, "planned")
		for _, name := range strings.Split(head, ",") {
			name, _, _ = strings.Cut(strings.TrimSpace(name), " (")
			exists := packageExists(t, name)
			switch {
			case !exists && !planned:
				t.Errorf("doc.go describes %s, which does not exist yet, without saying it is planned", name)
			case exists && planned:
				t.Errorf("doc.go calls %s planned, but it exists", name)
			}
		}
	}
}

// packageExists reports whether the named package of this module has
// non-test Go files declaring something exported.
func packageExists(t *testing.T, name string) bool {
	dir := "."
	if name != "bsafe" {
		dir = filepath.FromSlash(name)
	}
	files, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, fi := range files {
		if fi.IsDir() || !strings.HasSuffix(fi.Name(), ".go") || strings.HasSuffix(fi.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, fi.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() {
					return true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							return true
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								return true
							}
						}
					}
				}
			}
		}
	}
	return false
}

// TestDocsPointInsideRepo: the README's and ARCHITECTURE.md's links and
// the Markdown files they name are files of this repository, so that a
// clone has every document it is pointed at.
func TestDocsPointInsideRepo(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	named := regexp.MustCompile("`([^`\\s]+\\.md)`")
	for _, doc := range []string{"README.md", "ARCHITECTURE.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		var targets []string
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			targets = append(targets, m[1])
		}
		for _, m := range named.FindAllStringSubmatch(string(b), -1) {
			targets = append(targets, m[1])
		}
		for _, target := range targets {
			if strings.HasPrefix(target, "https://") || strings.HasPrefix(target, "http://") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			clean := filepath.Clean(filepath.FromSlash(target))
			if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
				t.Errorf("%s points outside the repository: %s", doc, target)
				continue
			}
			if _, err := os.Stat(clean); err != nil {
				t.Errorf("%s points at %s: %v", doc, target, err)
			}
		}
	}
}

// TestReadmeStatesInteropNeeds: the README states the Node.js and npm
// versions the pinned CLIs' lock files ask for, and the C++ toolchain that
// a native module with an install script (argon2) needs.
func TestReadmeStatesInteropNeeds(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	locks, err := filepath.Glob(filepath.Join("internal", "bwcli", "npm", "*", "package-lock.json"))
	if err != nil || len(locks) < 2 {
		t.Fatalf("lock files: %v, %v", locks, err)
	}
	need := map[string]int{} // engine → highest major version asked for
	native := false
	for _, path := range locks {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var lock struct {
			Packages map[string]struct {
				Engines          json.RawMessage   `json:"engines"`
				HasInstallScript bool              `json:"hasInstallScript"`
				Dependencies     map[string]string `json:"dependencies"`
			} `json:"packages"`
		}
		if err := json.Unmarshal(b, &lock); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var engines map[string]string
		if e := lock.Packages["node_modules/@bitwarden/cli"].Engines; len(e) > 0 {
			if err := json.Unmarshal(e, &engines); err != nil {
				t.Fatalf("%s: engines %s: %v", path, e, err)
			}
		}
		for engine, want := range engines {
			major, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(want), ">=")))
			if err != nil {
				t.Fatalf("%s: %s engine %q is not of the form >=N", path, engine, want)
			}
			need[engine] = max(need[engine], major)
		}
		for _, p := range lock.Packages {
			_, gyp := p.Dependencies["@mapbox/node-pre-gyp"]
			_, gyp2 := p.Dependencies["node-gyp-build"]
			if p.HasInstallScript && (gyp || gyp2) {
				native = true
			}
		}
	}
	for engine, want := range map[string]string{"node": "Node.js %d or later", "npm": "npm %d or later"} {
		if major, ok := need[engine]; ok && !strings.Contains(string(readme), fmt.Sprintf(want, major)) {
			t.Errorf("the CLI's lock file asks for %s >= %d; the README does not say %q", engine, major, fmt.Sprintf(want, major))
		}
	}
	if need["node"] == 0 {
		t.Errorf("no lock file states the node engine; this test checks nothing")
	}
	if native && !strings.Contains(string(readme), "C++ toolchain") {
		t.Errorf("a pinned CLI builds a native module; the README does not name the C++ toolchain it needs")
	}
}
