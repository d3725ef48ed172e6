package kvgroup_test

import (
	"errors"
	"regexp"
	"strconv"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// refParse is a deliberately simple second implementation of the reader
// (tokenize everything, then recursive descent), used by the fuzz targets
// as an oracle for the optimized parser. It has no limits and reports no
// positions.
func refParse(in string, d kvgroup.Dialect) (*kvgroup.Group, error) {
	errSyntax := errors.New("syntax error")
	if len(in) >= 2 && (in[:2] == "\xFE\xFF" || in[:2] == "\xFF\xFE") ||
		len(in) >= 4 && in[:4] == "\x00\x00\xFE\xFF" {
		return nil, kvgroup.ErrEncoding
	}
	if len(in) >= 3 && in[:3] == "\xEF\xBB\xBF" {
		in = in[3:]
	}

	const (
		tStr = iota
		tBare
		tEq
		tOpen
		tClose
		tSemi
		tComma
		tComment
	)
	type token struct {
		kind int
		text string
	}
	var toks []token
	for i := 0; i < len(in); {
		c := in[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			i++
		case c == '#':
			j := i + 1
			for j < len(in) && in[j] != '\n' {
				j++
			}
			toks = append(toks, token{tComment, in[i+1 : j]})
			i = j
		case c == '"':
			var val []byte
			j := i + 1
			for ; j < len(in) && in[j] != '"'; j++ {
				if in[j] == '\\' {
					j++
					if j == len(in) {
						break
					}
					switch in[j] {
					case 'n':
						val = append(val, '\n')
					case 'r':
						val = append(val, '\r')
					case 't':
						val = append(val, '\t')
					default:
						val = append(val, in[j])
					}
					continue
				}
				val = append(val, in[j])
			}
			if j >= len(in) {
				return nil, errSyntax
			}
			toks = append(toks, token{tStr, string(val)})
			i = j + 1
		case c == '=':
			toks = append(toks, token{tEq, ""})
			i++
		case c == '{':
			toks = append(toks, token{tOpen, ""})
			i++
		case c == '}':
			toks = append(toks, token{tClose, ""})
			i++
		case c == ';':
			toks = append(toks, token{tSemi, ""})
			i++
		case c == ',':
			toks = append(toks, token{tComma, ""})
			i++
		default:
			j := i
			for j < len(in) && !isDelimiter(in[j]) {
				j++
			}
			toks = append(toks, token{tBare, in[i:j]})
			i = j
		}
	}

	// Leading comments: the last header decides the dialect.
	v2 := d == kvgroup.V2
	k := 0
	for ; k < len(toks) && toks[k].kind == tComment; k++ {
		if m := headerRE.FindStringSubmatch(toks[k].text); m != nil && len(toks[k].text) <= 256 && d == kvgroup.Auto {
			major, _ := strconv.Atoi(m[1])
			v2 = major >= 2
		}
	}
	// Other comments are white space.
	var ts []token
	for _, t := range toks[k:] {
		if t.kind != tComment {
			ts = append(ts, t)
		}
	}
	isTok := func(i int) bool {
		return i < len(ts) && (ts[i].kind == tStr || v2 && ts[i].kind == tBare)
	}
	is := func(i, kind int) bool { return i < len(ts) && ts[i].kind == kind }

	var items func(i int, g *kvgroup.Group) (int, error)
	items = func(i int, g *kvgroup.Group) (int, error) {
		for {
			switch {
			case is(i, tClose):
				return i + 1, nil
			case v2 && (is(i, tSemi) || is(i, tComma)):
				i++
			case isTok(i):
				key := ts[i].text
				switch {
				case is(i+1, tEq) && isTok(i+2):
					g.Items = append(g.Items, kvgroup.Item{Key: key, Value: ts[i+2].text})
					i += 3
				case is(i+1, tEq) && v2 && is(i+2, tOpen):
					c := &kvgroup.Group{Key: key}
					g.Items = append(g.Items, kvgroup.Item{Group: c})
					var err error
					if i, err = items(i+3, c); err != nil {
						return 0, err
					}
				case is(i+1, tEq):
					return 0, errSyntax
				case isTok(i+1) && is(i+2, tEq) && is(i+3, tOpen):
					c := &kvgroup.Group{Key: key, Name: ts[i+1].text}
					g.Items = append(g.Items, kvgroup.Item{Group: c})
					var err error
					if i, err = items(i+4, c); err != nil {
						return 0, err
					}
				default:
					g.Items = append(g.Items, kvgroup.Item{Value: key, ValueOnly: true})
					i++
				}
			default:
				return 0, errSyntax
			}
		}
	}

	if !isTok(0) {
		return nil, errSyntax
	}
	root := &kvgroup.Group{Key: ts[0].text}
	i := 1
	if !(v2 && is(1, tEq)) {
		if !isTok(1) {
			return nil, errSyntax
		}
		root.Name = ts[1].text
		i = 2
	}
	if !is(i, tEq) || !is(i+1, tOpen) {
		return nil, errSyntax
	}
	i, err := items(i+2, root)
	if err != nil {
		return nil, err
	}
	for v2 && is(i, tSemi) {
		i++
	}
	if i != len(ts) {
		return nil, errSyntax
	}
	return root, nil
}

var headerRE = regexp.MustCompile(`^[ \t\v\f]*KVGROUP-V([0-9]+)\.[0-9]+(?:[ \t\r\v\f]|$)`)

func isDelimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f', '"', '#', '=', '{', '}', ';', ',':
		return true
	}
	return false
}
