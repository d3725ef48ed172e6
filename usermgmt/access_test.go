package usermgmt_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/usermgmt"
)

// The five levels as operations.md §5 and the issue name them, with the
// flags operations.md gives each.
var levels = []struct {
	name  string
	level usermgmt.AccessLevel
	flags safe.Access
}{
	{"Can view", usermgmt.CanView, safe.Access{ReadOnly: true}},
	{"Can view except passwords", usermgmt.CanViewExceptPasswords, safe.Access{ReadOnly: true, HidePasswords: true}},
	{"Can edit", usermgmt.CanEdit, safe.Access{}},
	{"Can edit except passwords", usermgmt.CanEditExceptPasswords, safe.Access{HidePasswords: true}},
	{"Can manage", usermgmt.CanManage, safe.Access{Manage: true}},
}

func TestAccessLevelsParsePrintAndMap(t *testing.T) {
	for _, tc := range levels {
		l, err := usermgmt.ParseAccessLevel(tc.name)
		if err != nil || l != tc.level {
			t.Errorf("ParseAccessLevel(%q) = %v, %v; want %v", tc.name, l, err, tc.level)
		}
		if got := tc.level.String(); got != tc.name {
			t.Errorf("String of %d = %q, want %q", int(tc.level), got, tc.name)
		}
		a, err := tc.level.Access("member-1")
		want := tc.flags
		want.ID = "member-1"
		if err != nil || a != want {
			t.Errorf("%s.Access = %+v, %v; want %+v", tc.name, a, err, want)
		}
		if got := usermgmt.LevelOf(tc.flags); got != tc.level {
			t.Errorf("LevelOf(%+v) = %s, want %s", tc.flags, got, tc.level)
		}
	}
	if usermgmt.DefaultAccessLevel != usermgmt.CanView {
		t.Errorf("the default level is %s, want Can view (seed 001)", usermgmt.DefaultAccessLevel)
	}
}

func TestAccessLevelBravuraSpelling(t *testing.T) {
	// Bravura's documentation of _accessLevel and defaultAccessLevel
	// writes a comma before "except".
	for s, want := range map[string]usermgmt.AccessLevel{
		"Can view, except passwords": usermgmt.CanViewExceptPasswords,
		"Can edit, except passwords": usermgmt.CanEditExceptPasswords,
	} {
		if l, err := usermgmt.ParseAccessLevel(s); err != nil || l != want {
			t.Errorf("ParseAccessLevel(%q) = %v, %v; want %v", s, l, err, want)
		}
	}
}

func TestAccessLevelRefusesEverythingElse(t *testing.T) {
	for _, s := range []string{"", "can view", "CAN VIEW", "Can view ", " Can view", "Can  view", "View", "Can view except password",
		"Can manage, except passwords", "readOnly", "1", "Can\u00a0view", "Can view\x00"} {
		l, err := usermgmt.ParseAccessLevel(s)
		if !errors.Is(err, usermgmt.ErrInvalidAccessLevel) || l != 0 {
			t.Errorf("ParseAccessLevel(%q) = %v, %v; want ErrInvalidAccessLevel", s, l, err)
		}
	}
	long := strings.Repeat("x", 10_000)
	if _, err := usermgmt.ParseAccessLevel(long); err == nil || len(err.Error()) > 400 {
		t.Errorf("a long bad level: error of %d bytes", len(err.Error()))
	}
}

func TestAccessLevelInvalidValues(t *testing.T) {
	for _, l := range []usermgmt.AccessLevel{0, -1, 6, 100} {
		if got, want := l.String(), fmt.Sprintf("AccessLevel(%d)", int(l)); got != want {
			t.Errorf("String = %q, want %q", got, want)
		}
		if _, err := l.Access("m"); !errors.Is(err, usermgmt.ErrInvalidAccessLevel) {
			t.Errorf("%s.Access: %v, want ErrInvalidAccessLevel", l, err)
		}
		if _, err := l.MarshalText(); !errors.Is(err, usermgmt.ErrInvalidAccessLevel) {
			t.Errorf("%s.MarshalText: %v, want ErrInvalidAccessLevel", l, err)
		}
	}
}

func TestAccessLevelJSON(t *testing.T) {
	type grant struct {
		Level usermgmt.AccessLevel `json:"level"`
	}
	b, err := json.Marshal(grant{usermgmt.CanEditExceptPasswords})
	if err != nil || string(b) != `{"level":"Can edit except passwords"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var g grant
	if err := json.Unmarshal([]byte(`{"level":"Can view, except passwords"}`), &g); err != nil || g.Level != usermgmt.CanViewExceptPasswords {
		t.Errorf("Unmarshal = %v, %v", g.Level, err)
	}
	if err := json.Unmarshal([]byte(`{"level":"Can peek"}`), &g); !errors.Is(err, usermgmt.ErrInvalidAccessLevel) {
		t.Errorf("Unmarshal of a bad level: %v", err)
	}
}

func FuzzParseAccessLevel(f *testing.F) {
	for _, tc := range levels {
		f.Add(tc.name)
	}
	f.Add("Can view, except passwords")
	f.Add("can view")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := usermgmt.ParseAccessLevel(s)
		if err != nil {
			if l != 0 || !errors.Is(err, usermgmt.ErrInvalidAccessLevel) {
				t.Fatalf("ParseAccessLevel(%q) = %v, %v", s, l, err)
			}
			return
		}
		// A parsed level prints as a name that parses back to it, and
		// maps to flags that map back to it.
		if back, err := usermgmt.ParseAccessLevel(l.String()); err != nil || back != l {
			t.Fatalf("%q → %s → %v, %v", s, l, back, err)
		}
		a, err := l.Access("m")
		if err != nil || usermgmt.LevelOf(a) != l {
			t.Fatalf("%s.Access = %+v, %v", l, a, err)
		}
	})
}

func ExampleParseAccessLevel() {
	l, err := usermgmt.ParseAccessLevel("Can view, except passwords")
	if err != nil {
		panic(err)
	}
	a, _ := l.Access("member-id")
	fmt.Println(l)
	fmt.Printf("readOnly %v, hidePasswords %v, manage %v\n", a.ReadOnly, a.HidePasswords, a.Manage)
	_, err = usermgmt.ParseAccessLevel("can view")
	fmt.Println(errors.Is(err, usermgmt.ErrInvalidAccessLevel))
	// Output:
	// Can view except passwords
	// readOnly true, hidePasswords true, manage false
	// true
}
