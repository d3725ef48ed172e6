package kvgroup

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Marshal returns the V1 text of v, as [Format] writes the group built by
// [MarshalGroup].
func Marshal(v any) ([]byte, error) {
	g, err := MarshalGroup(v)
	if err != nil {
		return nil, err
	}
	var w writer
	if err := w.document(g, ""); err != nil {
		return nil, err
	}
	return w.buf, nil
}

// Unmarshal parses data as one document (see [ParseBytes]) and stores it in
// the value pointed to by v (see [UnmarshalGroup]).
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &InvalidUnmarshalError{Type: reflect.TypeOf(v)}
	}
	g, err := ParseBytes(data)
	if err != nil {
		return err
	}
	return UnmarshalGroup(g, v)
}

var (
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	groupType           = reflect.TypeFor[Group]()
	groupPtrType        = reflect.TypeFor[*Group]()
)

// MarshalGroup converts v, a struct or a pointer to a struct, to a group.
// A *Group or Group is returned as is (a Group is copied).
//
// The mapping follows encoding/json. Each exported field is one key; the
// key is the field name (exactly: keys are case-sensitive) unless the field
// has a tag `kvg:"key"`. Tag options, after a comma:
//
//   - "-" as the whole tag skips the field;
//   - "omitempty" omits a false, 0, "" or nil value and an empty slice;
//   - "list" writes a slice of scalars as an inner group (key, "") holding
//     value-only items, as in the V2 list objects = {ACCT;GRP;};
//   - "key" and "name" mark a string field that holds the key or the name
//     of the group the struct itself maps to (they are not items).
//
// Field types:
//
//   - string, bool, integers, floats and types implementing
//     [encoding.TextMarshaler] (and pointers to any of these) are pairs
//     key = value; bools are written "true"/"false", numbers in base 10;
//     a nil pointer writes nothing;
//   - a slice of such scalars is a multi-valued key: one pair per element,
//     in order (or a list group with the "list" option);
//   - a struct (or pointer to struct) is an inner group whose key is the
//     field's key and whose name is the struct's "name" field, or "" if it
//     has none; a slice of structs is one inner group per element, all with
//     the same key;
//   - a *Group or Group (or a slice of *Group) is copied in as an inner
//     group, with the field's key and the group's own name and items;
//   - anonymous (embedded) struct fields without a tag have their fields
//     inlined.
//
// Other types (maps, interfaces, channels, functions, arrays, []byte, slices
// of slices) give an [*UnsupportedTypeError], even when the field is empty.
func MarshalGroup(v any) (*Group, error) {
	switch g := v.(type) {
	case *Group:
		if g == nil {
			return nil, errors.New("kvgroup: Marshal(nil *Group)")
		}
		return g, nil
	case Group:
		return &g, nil
	}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return nil, errors.New("kvgroup: Marshal(nil)")
	}
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, errors.New("kvgroup: Marshal(nil " + rv.Type().String() + ")")
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct || isScalar(rv.Type(), textMarshalerType) {
		return nil, &UnsupportedTypeError{Type: rv.Type()}
	}
	if !rv.CanAddr() {
		c := reflect.New(rv.Type()).Elem()
		c.Set(rv)
		rv = c
	}
	g := &Group{}
	if err := marshalStruct(rv, g, rv.Type().Name(), true); err != nil {
		return nil, err
	}
	return g, nil
}

// UnmarshalGroup stores g in the value pointed to by v, which must be a
// pointer to a struct (or a *Group, which receives a shallow copy of g). The
// mapping is the one described at [MarshalGroup]. In addition:
//
//   - a scalar field takes the first value of its key; a slice field takes
//     all values, in order;
//   - a struct field takes the first inner group with its key, whatever its
//     name; a slice of structs takes all inner groups with that key;
//   - a field whose key does not occur is left unchanged, and keys with no
//     field are ignored;
//   - bools accept what strconv.ParseBool accepts (1, t, true, 0, f,
//     false, ...); integers are base 10; an empty value is an error for
//     numbers and bools.
//
// A value that does not fit its field gives an [*UnmarshalTypeError], which
// names the key but not the value. Errors from UnmarshalText methods are
// wrapped unchanged, so such methods should not quote their input.
func UnmarshalGroup(g *Group, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &InvalidUnmarshalError{Type: reflect.TypeOf(v)}
	}
	if g == nil {
		g = &Group{}
	}
	if p, ok := v.(*Group); ok {
		*p = *g
		return nil
	}
	rv = rv.Elem()
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			rv.Set(reflect.New(rv.Type().Elem()))
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct || isScalar(rv.Type(), textUnmarshalerType) {
		return &UnsupportedTypeError{Type: rv.Type()}
	}
	return unmarshalStruct(g, rv, rv.Type().Name())
}

const (
	roleItem = iota
	roleKey
	roleName
)

type fieldInfo struct {
	key       string
	index     []int
	path      string // Go field path for errors
	typ       reflect.Type
	role      int
	omitEmpty bool
	list      bool
}

var fieldCache sync.Map // reflect.Type -> []fieldInfo

func typeFields(t reflect.Type) []fieldInfo {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]fieldInfo)
	}
	var out []fieldInfo
	walkFields(t, nil, "", map[reflect.Type]bool{t: true}, &out)
	f, _ := fieldCache.LoadOrStore(t, out)
	return f.([]fieldInfo)
}

func walkFields(t reflect.Type, index []int, prefix string, onPath map[reflect.Type]bool, out *[]fieldInfo) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("kvg")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fi := fieldInfo{key: name, typ: sf.Type, path: prefix + sf.Name}
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "omitempty":
				fi.omitEmpty = true
			case "list":
				fi.list = true
			case "key":
				fi.role = roleKey
			case "name":
				fi.role = roleName
			}
		}
		idx := append(index[:len(index):len(index)], i)
		if sf.Anonymous && name == "" && fi.role == roleItem {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct && !isScalar(et, textMarshalerType) && !isScalar(et, textUnmarshalerType) {
				if (!sf.IsExported() && sf.Type.Kind() == reflect.Pointer) || onPath[et] {
					continue
				}
				onPath[et] = true
				walkFields(et, idx, prefix+sf.Name+".", onPath, out)
				delete(onPath, et)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if fi.key == "" {
			fi.key = sf.Name
		}
		fi.index = idx
		*out = append(*out, fi)
	}
}

// isScalar reports whether t (after pointers) maps to a single string:
// a basic type or an implementation of iface (TextMarshaler or
// TextUnmarshaler).
func isScalar(t reflect.Type, iface reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(iface) {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// structType returns the struct type behind pointers, or nil.
func structType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		return t
	}
	return nil
}

// fieldValue returns the field at index, following (and, if alloc,
// allocating) embedded pointers. ok is false for a nil embedded pointer
// that was not allocated.
func fieldValue(v reflect.Value, index []int, alloc bool) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !alloc || !v.CanSet() {
					return reflect.Value{}, false
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// encodeScalar converts a scalar value to text; ok is false for a nil
// pointer.
func encodeScalar(v reflect.Value, key string) (s string, ok bool, err error) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", false, nil
		}
		v = v.Elem()
	}
	if reflect.PointerTo(v.Type()).Implements(textMarshalerType) {
		if !v.CanAddr() {
			c := reflect.New(v.Type()).Elem()
			c.Set(v)
			v = c
		}
		b, err := v.Addr().Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return "", false, fmt.Errorf("kvgroup: MarshalText for key %q: %w", key, err)
		}
		return string(b), true, nil
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), true, nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10), true, nil
	case reflect.Float32:
		return strconv.FormatFloat(v.Float(), 'g', -1, 32), true, nil
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), true, nil
	}
	return "", false, &UnsupportedTypeError{Type: v.Type()}
}

// marshalStruct appends the fields of the struct v to g. With root set,
// a "key" field sets g.Key (for inner groups the key comes from the field
// tag of the parent).
func marshalStruct(v reflect.Value, g *Group, path string, root bool) error {
	fields := typeFields(v.Type())
	for i := range fields {
		f := &fields[i]
		fv, ok := fieldValue(v, f.index, false)
		if !ok {
			continue
		}
		switch f.role {
		case roleKey, roleName:
			if f.typ.Kind() != reflect.String {
				return &UnsupportedTypeError{Type: f.typ, Field: joinPath(path, f.path)}
			}
			if f.role == roleName {
				g.Name = fv.String()
			} else if root {
				g.Key = fv.String()
			}
			continue
		}
		if err := marshalField(g, f, fv, joinPath(path, f.path)); err != nil {
			return err
		}
	}
	return nil
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func marshalField(g *Group, f *fieldInfo, fv reflect.Value, path string) error {
	t := f.typ
	switch {
	case t == groupPtrType:
		if src := fv.Interface().(*Group); src != nil {
			g.Append(&Group{Key: f.key, Name: src.Name, Items: src.Items})
		}
		return nil
	case t == groupType:
		src := fv.Interface().(Group)
		g.Append(&Group{Key: f.key, Name: src.Name, Items: src.Items})
		return nil
	case isScalar(t, textMarshalerType):
		if f.omitEmpty && isEmptyValue(fv) {
			return nil
		}
		s, ok, err := encodeScalar(fv, f.key)
		if err != nil || !ok {
			return err
		}
		g.Add(f.key, s)
		return nil
	case structType(t) != nil:
		for fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				return nil
			}
			fv = fv.Elem()
		}
		c := &Group{Key: f.key}
		if err := marshalStruct(fv, c, path, false); err != nil {
			return err
		}
		g.Append(c)
		return nil
	case t.Kind() == reflect.Slice:
		et := t.Elem()
		n := fv.Len()
		if f.omitEmpty && n == 0 {
			return nil
		}
		switch {
		case et.Kind() == reflect.Uint8 && !isScalar(t, textMarshalerType):
			// []byte: refuse rather than write one pair per byte.
		case isScalar(et, textMarshalerType):
			dst := g
			if f.list {
				dst = g.AddGroup(f.key, "")
			}
			for i := range n {
				s, ok, err := encodeScalar(fv.Index(i), f.key)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				if f.list {
					dst.AddValue(s)
				} else {
					dst.Add(f.key, s)
				}
			}
			return nil
		case et == groupPtrType:
			for i := range n {
				if src := fv.Index(i).Interface().(*Group); src != nil {
					g.Append(&Group{Key: f.key, Name: src.Name, Items: src.Items})
				}
			}
			return nil
		case structType(et) != nil:
			for i := range n {
				ev := fv.Index(i)
				for ev.Kind() == reflect.Pointer && !ev.IsNil() {
					ev = ev.Elem()
				}
				if ev.Kind() == reflect.Pointer {
					continue
				}
				c := &Group{Key: f.key}
				if err := marshalStruct(ev, c, path, false); err != nil {
					return err
				}
				g.Append(c)
			}
			return nil
		}
	}
	return &UnsupportedTypeError{Type: t, Field: path}
}

func unmarshalStruct(g *Group, v reflect.Value, path string) error {
	fields := typeFields(v.Type())
	for i := range fields {
		f := &fields[i]
		fpath := joinPath(path, f.path)
		switch f.role {
		case roleKey, roleName:
			if f.typ.Kind() != reflect.String {
				return &UnsupportedTypeError{Type: f.typ, Field: fpath}
			}
			fv, ok := fieldValue(v, f.index, true)
			if !ok {
				continue
			}
			if f.role == roleKey {
				fv.SetString(g.Key)
			} else {
				fv.SetString(g.Name)
			}
			continue
		}
		if err := unmarshalField(g, v, f, fpath); err != nil {
			return err
		}
	}
	return nil
}

func unmarshalField(g *Group, v reflect.Value, f *fieldInfo, path string) error {
	t := f.typ
	field := func() reflect.Value {
		fv, _ := fieldValue(v, f.index, true)
		return fv
	}
	switch {
	case t == groupPtrType:
		if c := g.FirstGroup(f.key); c != nil {
			field().Set(reflect.ValueOf(c))
		}
		return nil
	case t == groupType:
		if c := g.FirstGroup(f.key); c != nil {
			field().Set(reflect.ValueOf(*c))
		}
		return nil
	case isScalar(t, textUnmarshalerType):
		s, ok := g.Lookup(f.key)
		if !ok {
			return nil
		}
		return setScalar(field(), s, f.key)
	case structType(t) != nil:
		c := g.FirstGroup(f.key)
		if c == nil {
			return nil
		}
		return unmarshalStruct(c, derefAlloc(field()), path)
	case t.Kind() == reflect.Slice:
		et := t.Elem()
		switch {
		case et.Kind() == reflect.Uint8 && !isScalar(t, textUnmarshalerType):
		case isScalar(et, textUnmarshalerType):
			var vals []string
			if f.list {
				c := g.FirstGroup(f.key)
				if c == nil {
					return nil
				}
				vals = c.List()
			} else if vals = g.Values(f.key); vals == nil {
				return nil
			}
			sl := reflect.MakeSlice(t, len(vals), len(vals))
			for i, s := range vals {
				if err := setScalar(sl.Index(i), s, f.key); err != nil {
					return err
				}
			}
			field().Set(sl)
			return nil
		case et == groupPtrType:
			gs := g.Groups(f.key)
			if gs == nil {
				return nil
			}
			field().Set(reflect.ValueOf(gs))
			return nil
		case structType(et) != nil:
			gs := g.Groups(f.key)
			if gs == nil {
				return nil
			}
			sl := reflect.MakeSlice(t, len(gs), len(gs))
			for i, c := range gs {
				if err := unmarshalStruct(c, derefAlloc(sl.Index(i)), path); err != nil {
					return err
				}
			}
			field().Set(sl)
			return nil
		}
	}
	return &UnsupportedTypeError{Type: t, Field: path}
}

// derefAlloc follows pointers, allocating nil ones.
func derefAlloc(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	return v
}

func setScalar(v reflect.Value, s, key string) error {
	v = derefAlloc(v)
	if reflect.PointerTo(v.Type()).Implements(textUnmarshalerType) {
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return &UnmarshalTypeError{Key: key, Type: v.Type(), Err: err}
		}
		return nil
	}
	var err error
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		var b bool
		if b, err = strconv.ParseBool(s); err == nil {
			v.SetBool(b)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var n int64
		if n, err = strconv.ParseInt(s, 10, v.Type().Bits()); err == nil {
			v.SetInt(n)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		var n uint64
		if n, err = strconv.ParseUint(s, 10, v.Type().Bits()); err == nil {
			v.SetUint(n)
		}
	case reflect.Float32, reflect.Float64:
		var x float64
		if x, err = strconv.ParseFloat(s, v.Type().Bits()); err == nil {
			v.SetFloat(x)
		}
	default:
		return &UnsupportedTypeError{Type: v.Type()}
	}
	if err != nil {
		// strconv errors quote the input, which may be secret: keep only
		// the cause.
		var ne *strconv.NumError
		if errors.As(err, &ne) {
			err = ne.Err
		}
		return &UnmarshalTypeError{Key: key, Type: v.Type(), Err: err}
	}
	return nil
}
