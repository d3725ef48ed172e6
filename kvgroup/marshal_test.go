package kvgroup_test

import (
	"errors"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// Restricted-value plugin output (seed 003).
type parentValues struct {
	Value      string   `kvg:",name"`
	Restricted []string `kvg:"restrictedvalue"`
}

type pluginOutput struct {
	ErrMsg     string         `kvg:"errmsg"`
	RetVal     int            `kvg:"retval"`
	Restricted []string       `kvg:"restrictedvalue,omitempty"`
	Parents    []parentValues `kvg:"parent"`
}

func TestMarshalPluginOutput(t *testing.T) {
	t.Parallel()
	out := pluginOutput{
		ErrMsg:     "success",
		Restricted: []string{"Other"},
		Parents: []parentValues{
			{Value: "US", Restricted: []string{"NY", "WA"}},
			{Value: "CA", Restricted: []string{"AB", "QC"}},
		},
	}
	got, err := kvgroup.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	const want = `"" "" = {
  "errmsg" = "success"
  "retval" = "0"
  "restrictedvalue" = "Other"
  "parent" "US" = {
    "restrictedvalue" = "NY"
    "restrictedvalue" = "WA"
  }
  "parent" "CA" = {
    "restrictedvalue" = "AB"
    "restrictedvalue" = "QC"
  }
}
`
	if string(got) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestUnmarshalSeedOutput(t *testing.T) {
	t.Parallel()
	var out pluginOutput
	if err := kvgroup.Unmarshal([]byte(readTestdata(t, "seed003-output-parent-corrected.kvg")), &out); err != nil {
		t.Fatal(err)
	}
	want := pluginOutput{
		ErrMsg:     "success",
		RetVal:     0,
		Restricted: []string{"Other"},
		Parents: []parentValues{
			{Value: "US", Restricted: []string{"NY", "WA", "TX", "CA"}},
			{Value: "CA", Restricted: []string{"AB", "QC"}},
		},
	}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("got %+v\nwant %+v", out, want)
	}
}

type color struct{ name string }

func (c color) MarshalText() ([]byte, error) { return []byte("color:" + c.name), nil }

func (c *color) UnmarshalText(b []byte) error {
	s, ok := strings.CutPrefix(string(b), "color:")
	if !ok {
		return errors.New("not a color")
	}
	c.name = s
	return nil
}

type inner struct {
	Key  string `kvg:",key"`
	Name string `kvg:",name"`
	X    string `kvg:"x"`
}

type Base struct {
	E string `kvg:"e"`
}

type Extra struct {
	Z string `kvg:"z"`
}

type everything struct {
	Key      string `kvg:",key"`
	Name     string `kvg:",name"`
	S        string
	B        bool    `kvg:"b"`
	I        int     `kvg:"i"`
	I8       int8    `kvg:"i8"`
	U16      uint16  `kvg:"u16"`
	F        float64 `kvg:"f"`
	P        *string `kvg:"p"`
	NilP     *int    `kvg:"nilp"`
	Skip     string  `kvg:"-"`
	Dash     string  `kvg:"-,"`
	Omit     string  `kvg:"omit,omitempty"`
	OmitZero int     `kvg:"oz,omitempty"`
	Multi    []string
	Ints     []int      `kvg:"n"`
	List     []string   `kvg:"objects,list"`
	Addr     netip.Addr `kvg:"addr"`
	When     time.Time  `kvg:"when"`
	Color    color      `kvg:"color"`
	Colors   []color    `kvg:"colors"`
	Inner    inner      `kvg:"inner"`
	InnerPtr *inner     `kvg:"innerptr"`
	NilInner *inner     `kvg:"nilinner"`
	Inners   []*inner   `kvg:"inners"`
	Raw      *kvgroup.Group
	Raws     []*kvgroup.Group `kvg:"raws"`
	Base     `kvg:""`
	*Extra
	unexported string
}

const everythingText = `"ev" "my name" = {
  "S" = "str"
  "b" = "true"
  "i" = "-42"
  "i8" = "7"
  "u16" = "65535"
  "f" = "1.5"
  "p" = "pointed"
  "-" = "dash"
  "Multi" = "m1"
  "Multi" = "m2"
  "n" = "1"
  "n" = "2"
  "objects" "" = {
    "ACCT"
    "GRP"
  }
  "addr" = "192.0.2.1"
  "when" = "2024-02-29T12:00:00Z"
  "color" = "color:red"
  "colors" = "color:a"
  "colors" = "color:b"
  "inner" "in" = {
    "x" = "1"
  }
  "innerptr" "" = {
    "x" = "2"
  }
  "inners" "a" = {
    "x" = "3"
  }
  "inners" "b" = {
    "x" = ""
  }
  "Raw" "rawname" = {
    "any" = "thing"
    "v"
  }
  "raws" "r1" = { }
  "raws" "r2" = {
    "k" = "v"
  }
  "e" = "embedded"
  "z" = "extra"
}
`

func everythingValue() everything {
	p := "pointed"
	return everything{
		Key:      "ev",
		Name:     "my name",
		S:        "str",
		B:        true,
		I:        -42,
		I8:       7,
		U16:      65535,
		F:        1.5,
		P:        &p,
		Skip:     "not written",
		Dash:     "dash",
		Multi:    []string{"m1", "m2"},
		Ints:     []int{1, 2},
		List:     []string{"ACCT", "GRP"},
		Addr:     netip.MustParseAddr("192.0.2.1"),
		When:     time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC),
		Color:    color{"red"},
		Colors:   []color{{"a"}, {"b"}},
		Inner:    inner{Key: "inner", Name: "in", X: "1"},
		InnerPtr: &inner{Key: "innerptr", X: "2"},
		Inners:   []*inner{{Key: "inners", Name: "a", X: "3"}, {Key: "inners", Name: "b"}},
		Raw:      grp("Raw", "rawname", kv("any", "thing"), val("v")),
		Raws:     []*kvgroup.Group{grp("raws", "r1"), grp("raws", "r2", kv("k", "v"))},
		Base:     Base{E: "embedded"},
		Extra:    &Extra{Z: "extra"},
	}
}

func TestMarshalEverything(t *testing.T) {
	t.Parallel()
	v := everythingValue()
	v.unexported = "not written"
	got, err := kvgroup.Marshal(&v)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != everythingText {
		t.Fatalf("got:\n%s\nwant:\n%s", got, everythingText)
	}
	// By value too (MarshalText with a value receiver, unaddressable input).
	got2, err := kvgroup.Marshal(v)
	if err != nil || string(got2) != everythingText {
		t.Fatalf("by value: %v\n%s", err, got2)
	}
}

func TestUnmarshalEverything(t *testing.T) {
	t.Parallel()
	var got everything
	got.Skip = "kept"
	if err := kvgroup.Unmarshal([]byte(everythingText), &got); err != nil {
		t.Fatal(err)
	}
	want := everythingValue()
	want.Skip = "kept"
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestUnmarshalRules(t *testing.T) {
	t.Parallel()
	type target struct {
		First  string   `kvg:"k"`
		All    []string `kvg:"k"`
		Absent string   `kvg:"absent"`
		Grp    inner    `kvg:"g"`
		Flag   bool     `kvg:"flag"`
		List   []string `kvg:"l,list"`
	}
	in := `"" "" = {
  "k" = "one"
  "g" "second" = { "x" = "2" }
  "k" = "two"
  "g" "first?" = { "x" = "ignored" }
  "flag" = "1"
  "l" "" = { "a" "k" = "not a list value" "b" }
  "unknown" = "ignored"
}`
	got := target{Absent: "unchanged"}
	if err := kvgroup.Unmarshal([]byte(in), &got); err != nil {
		t.Fatal(err)
	}
	want := target{
		First:  "one",
		All:    []string{"one", "two"},
		Absent: "unchanged",
		Grp:    inner{Key: "g", Name: "second", X: "2"},
		Flag:   true,
		List:   []string{"a", "b"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}

	// Into a *Group and through a pointer to a pointer.
	var g kvgroup.Group
	if err := kvgroup.Unmarshal([]byte(`"a" "b" = { "c" = "d" }`), &g); err != nil {
		t.Fatal(err)
	}
	wantTree(t, &g, grp("a", "b", kv("c", "d")))
	var pp *inner
	if err := kvgroup.Unmarshal([]byte(`"a" "b" = { "x" = "d" }`), &pp); err != nil {
		t.Fatal(err)
	}
	if pp == nil || *pp != (inner{Key: "a", Name: "b", X: "d"}) {
		t.Fatalf("pp = %+v", pp)
	}
}

func TestUnmarshalTypeErrors(t *testing.T) {
	t.Parallel()
	type nums struct {
		I  int     `kvg:"i"`
		I8 int8    `kvg:"i8"`
		U  uint    `kvg:"u"`
		B  bool    `kvg:"b"`
		F  float32 `kvg:"f"`
		C  color   `kvg:"c"`
		L  []int   `kvg:"l"`
	}
	tests := []struct {
		pair  string
		key   string
		cause error
	}{
		{`"i" = "SecretValue"`, "i", strconv.ErrSyntax},
		{`"i" = ""`, "i", strconv.ErrSyntax},
		{`"i8" = "300"`, "i8", strconv.ErrRange},
		{`"u" = "-1"`, "u", strconv.ErrSyntax},
		{`"b" = "SecretValue"`, "b", strconv.ErrSyntax},
		{`"f" = "SecretValue"`, "f", strconv.ErrSyntax},
		{`"c" = "SecretValue"`, "c", nil},
		{`"l" = "1" "l" = "SecretValue"`, "l", strconv.ErrSyntax},
	}
	for _, tc := range tests {
		var v nums
		err := kvgroup.Unmarshal([]byte(`"" "" = { `+tc.pair+` }`), &v)
		var ute *kvgroup.UnmarshalTypeError
		if !errors.As(err, &ute) || ute.Key != tc.key {
			t.Errorf("%s: err = %v, want UnmarshalTypeError for %q", tc.pair, err, tc.key)
			continue
		}
		if tc.cause != nil && !errors.Is(err, tc.cause) {
			t.Errorf("%s: err = %v, want cause %v", tc.pair, err, tc.cause)
		}
		if strings.Contains(err.Error(), "Secret") {
			t.Errorf("%s: error leaks the value: %v", tc.pair, err)
		}
	}
}

func TestUnsupportedTypes(t *testing.T) {
	t.Parallel()
	type withMap struct {
		M map[string]string `kvg:"m"`
	}
	type withIface struct{ I any }
	type withChan struct{ C chan int }
	type withFunc struct{ F func() }
	type withBytes struct{ B []byte }
	type withNested struct{ N [][]string }
	type withArray struct{ A [2]string }
	type withComplex struct{ C complex128 }
	type badName struct {
		N int `kvg:",name"`
	}
	type deep struct {
		In struct{ M map[int]int }
	}
	tests := []struct {
		v     any
		field string
	}{
		{withMap{}, "withMap.M"},
		{withIface{}, "withIface.I"},
		{withChan{}, "withChan.C"},
		{withFunc{}, "withFunc.F"},
		{withBytes{}, "withBytes.B"},
		{withNested{}, "withNested.N"},
		{withArray{}, "withArray.A"},
		{withComplex{}, "withComplex.C"},
		{badName{}, "badName.N"},
		{deep{}, "deep.In.M"},
	}
	for _, tc := range tests {
		_, err := kvgroup.Marshal(tc.v)
		var ue *kvgroup.UnsupportedTypeError
		if !errors.As(err, &ue) || ue.Field != tc.field {
			t.Errorf("Marshal(%T): err = %v, want UnsupportedTypeError for %s", tc.v, err, tc.field)
		}
		p := reflect.New(reflect.TypeOf(tc.v)).Interface()
		err = kvgroup.Unmarshal([]byte(`"" "" = { "In" "" = { } }`), p)
		if !errors.As(err, &ue) || ue.Field != tc.field {
			t.Errorf("Unmarshal(%T): err = %v, want UnsupportedTypeError for %s", tc.v, err, tc.field)
		}
	}
	for _, v := range []any{42, "s", []string{"a"}, map[string]string{}} {
		var ue *kvgroup.UnsupportedTypeError
		if _, err := kvgroup.Marshal(v); !errors.As(err, &ue) {
			t.Errorf("Marshal(%T): err = %v", v, err)
		}
	}
	n := 0
	var ue *kvgroup.UnsupportedTypeError
	if err := kvgroup.Unmarshal([]byte(`"" "" = { }`), &n); !errors.As(err, &ue) {
		t.Errorf("Unmarshal(*int): err = %v", err)
	}
}

func TestInvalidArguments(t *testing.T) {
	t.Parallel()
	data := []byte(`"" "" = { }`)
	var ie *kvgroup.InvalidUnmarshalError
	var nilPtr *inner
	for _, v := range []any{nil, inner{}, nilPtr} {
		if err := kvgroup.Unmarshal(data, v); !errors.As(err, &ie) {
			t.Errorf("Unmarshal(%T): err = %v", v, err)
		}
		if err := kvgroup.UnmarshalGroup(root(), v); !errors.As(err, &ie) {
			t.Errorf("UnmarshalGroup(%T): err = %v", v, err)
		}
	}
	var nilGroup *kvgroup.Group
	for _, v := range []any{nil, nilPtr, nilGroup} {
		if _, err := kvgroup.Marshal(v); err == nil {
			t.Errorf("Marshal(%T) succeeded", v)
		}
	}
	// A syntax error is reported as such.
	var v inner
	var se *kvgroup.SyntaxError
	if err := kvgroup.Unmarshal([]byte(`"" "" = {`), &v); !errors.As(err, &se) {
		t.Errorf("err = %v, want SyntaxError", err)
	}
}

func TestMarshalGroupPassThrough(t *testing.T) {
	t.Parallel()
	g := root(kv("a", "b"))
	got, err := kvgroup.MarshalGroup(g)
	if err != nil || got != g {
		t.Fatalf("MarshalGroup(*Group) = %p, %v", got, err)
	}
	got, err = kvgroup.MarshalGroup(*g)
	if err != nil || !got.Equal(g) {
		t.Fatalf("MarshalGroup(Group) = %v, %v", got, err)
	}
	// omitempty on an empty list omits the group; without it, the group is
	// written empty.
	type lists struct {
		A []string `kvg:"a,list,omitempty"`
		B []string `kvg:"b,list"`
	}
	got, err = kvgroup.MarshalGroup(lists{})
	if err != nil {
		t.Fatal(err)
	}
	wantTree(t, got, root(sub("b", "")))
}
