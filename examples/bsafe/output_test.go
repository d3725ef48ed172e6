package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestOutputModes: --pretty, --response, --raw, --quiet and --cleanexit
// shape output and errors as bw's processResponse does.
func TestOutputModes(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	url := e.srv.URL

	cases := []struct {
		name string
		env  map[string]string
		args []string
		want result
	}{
		{"status compact", nil, []string{"status"},
			result{stdout: `{"serverUrl":"` + url + `","lastSync":null,"status":"unauthenticated"}`}},
		{"status pretty", nil, []string{"status", "--pretty"},
			result{stdout: "{\n  \"serverUrl\": \"" + url + "\",\n  \"lastSync\": null,\n  \"status\": \"unauthenticated\"\n}"}},
		{"status pretty from BW_PRETTY", map[string]string{"BW_PRETTY": "true"}, []string{"status"},
			result{stdout: "{\n  \"serverUrl\": \"" + url + "\",\n  \"lastSync\": null,\n  \"status\": \"unauthenticated\"\n}"}},
		{"status response", nil, []string{"--response", "status"},
			result{stdout: `{"success":true,"data":{"object":"template","template":{"serverUrl":"` + url + `","lastSync":null,"status":"unauthenticated"}}}`}},
		{"string response", nil, []string{"config", "server", "--response"},
			result{stdout: `{"success":true,"data":{"object":"string","data":"` + url + `"}}`}},
		{"error response goes to stdout", nil, []string{"lock", "--response"},
			result{stdout: `{"success":false,"message":"You are not logged in."}`, code: 1}},
		{"quiet error", nil, []string{"lock", "--quiet"}, result{code: 1}},
		{"quiet success", nil, []string{"status", "--quiet"}, result{}},
		{"cleanexit", nil, []string{"lock", "--cleanexit"}, result{stderr: "You are not logged in."}},
		{"raw message without raw text", nil, []string{"config", "server", url, "--raw"}, result{}},
		{"message", nil, []string{"config", "server", url}, result{stdout: "Saved setting `config`."}},
		{"message response", nil, []string{"config", "server", url, "--response"},
			result{stdout: `{"success":true,"data":{"object":"message","title":"Saved setting ` + "`config`" + `.","message":null,"noColor":false}}`}},
		{"encode", nil, []string{"encode"}, result{stdout: "eyJuYW1lIjoiPE15IEZvbGRlcj4ifQo="}},
		{"encode response", nil, []string{"encode", "--response"},
			result{stdout: `{"success":true,"data":{"object":"string","data":"eyJuYW1lIjoiPE15IEZvbGRlcj4ifQo="}}`}},
		{"encode extra argument", nil, []string{"encode", "x"},
			result{stderr: "error: too many arguments for 'encode'. Expected 0 arguments but got 1.", code: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := e.run(`{"name":"<My Folder>"}`+"\n", c.env, c.args...)
			if diff := cmp.Diff(c.want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("bsafe %s (-want +got):\n%s", strings.Join(c.args, " "), diff)
			}
		})
	}
}

// TestTerminalNewline: as bw, the last line ends in a newline on a terminal
// only; and encode refuses a terminal as stdin.
func TestTerminalNewline(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	a := newApp(strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
	a.dataDir = t.TempDir()
	a.isTerminal = func(any) bool { return true }
	if code := a.run(t.Context(), []string{"config", "server"}); code != 0 || stdout.String() != defaultServer+"\n" {
		t.Errorf("config server on a terminal: exit %d, stdout %q", code, stdout.String())
	}
	stdout.Reset()
	if code := a.run(t.Context(), []string{"encode"}); code != 1 || stderr.String() != "No stdin was piped in.\n" || stdout.Len() != 0 {
		t.Errorf("encode from a terminal: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

// TestObjectAndListOutput: the forms the vault commands print: an object as
// its JSON, a list as a JSON array, each in bw's --response envelope.
func TestObjectAndListOutput(t *testing.T) {
	t.Parallel()
	type folder struct {
		Object string `json:"object"`
		ID     string `json:"id"`
		Name   string `json:"name"`
	}
	f := folder{"folder", "f1", "A & <B>"}
	cases := []struct {
		out      *output
		response bool
		want     string
	}{
		{object(f), false, `{"object":"folder","id":"f1","name":"A & <B>"}`},
		{object(f), true, `{"success":true,"data":{"object":"folder","id":"f1","name":"A & <B>"}}`},
		{list([]folder{f}), false, `[{"object":"folder","id":"f1","name":"A & <B>"}]`},
		{list([]folder{}), false, `[]`},
		{list([]folder{f}), true, `{"success":true,"data":{"object":"list","data":[{"object":"folder","id":"f1","name":"A & <B>"}]}}`},
		{text("s3cr3t"), false, `s3cr3t`},
		{nil, true, `{"success":true}`},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		a := newApp(nil, &stdout, &stderr, func(string) string { return "" })
		a.isTerminal = func(any) bool { return false }
		a.response = c.response
		if code := a.finish(c.out, nil); code != 0 || stdout.String() != c.want || stderr.Len() != 0 {
			t.Errorf("finish: exit %d, stdout %q, stderr %q; want %q", code, stdout.String(), stderr.String(), c.want)
		}
	}
}

// TestEncodeEachMatchesEncodingJSON: a list encoded element by element in
// parallel (encodeEach) prints exactly what the list as one value prints,
// compact, --pretty and --response, empty and longer than one chunk.
func TestEncodeEachMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	type elem struct {
		Object string   `json:"object"`
		Name   string   `json:"name"`
		Tags   []string `json:"tags"`
		N      *int     `json:"n"`
	}
	conv := func(i int) elem {
		e := elem{Object: "item", Name: "A & <B> " + strconv.Itoa(i) + " \u2028 \"q\"", Tags: []string{"t"}}
		if i%3 == 0 {
			e.N, e.Tags = &i, nil
		}
		return e
	}
	for _, n := range []int{0, 1, 2000} {
		idx := make([]int, n)
		whole := make([]elem, n)
		for i := range idx {
			idx[i], whole[i] = i, conv(i)
		}
		for _, mode := range []struct{ pretty, response bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
			print := func(v any) string {
				var stdout bytes.Buffer
				a := newApp(nil, &stdout, &bytes.Buffer{}, func(string) string { return "" })
				a.isTerminal = func(any) bool { return false }
				a.pretty, a.response = mode.pretty, mode.response
				a.finish(list(v), nil)
				return stdout.String()
			}
			want := print(whole)
			each, err := encodeEach(idx, conv)
			if err != nil {
				t.Fatal(err)
			}
			if got := print(each); got != want {
				t.Errorf("%d elements, pretty %v, response %v:\n got %.300s\nwant %.300s", n, mode.pretty, mode.response, got, want)
			}
		}
	}
}

// TestEncodeEachError: an element that does not encode fails the list.
func TestEncodeEachError(t *testing.T) {
	t.Parallel()
	if _, err := encodeEach([]int{1, 2}, func(i int) any { return func() {} }); err == nil {
		t.Error("encodeEach of a func succeeded")
	}
}

// TestEncodeEachItems: "list items" through encodeEach prints what the
// items' response shapes print as one slice, over several chunks.
func TestEncodeEachItems(t *testing.T) {
	t.Parallel()
	items := make([]*safe.Item, 1500)
	for i := range items {
		it := &safe.Item{ID: "id-" + strconv.Itoa(i), Name: "name <&> " + strconv.Itoa(i), Type: safe.TypeLogin,
			Notes: "line\nline", Login: &safe.Login{Username: "u", Password: "p" + strconv.Itoa(i),
				URIs: safe.URIs{{URI: "https://x.example/?a=1&b=2"}}},
			Fields: safe.Fields{{Name: "assocID", Value: strconv.Itoa(i)}}, RevisionDate: time.Unix(int64(i), 0)}
		if i%2 == 0 {
			it.TeamID, it.CollectionIDs = "team", []string{"c1"}
		}
		items[i] = it
	}
	whole := make([]*itemJSON, len(items))
	for i, it := range items {
		whole[i] = itemResponse(it)
	}
	each, err := encodeEach(items, itemResponse)
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(nil, &bytes.Buffer{}, &bytes.Buffer{}, func(string) string { return "" })
	if got, want := string(a.jsonText(each)), string(a.jsonText(whole)); got != want {
		t.Errorf("encodeEach differs from encoding the slice:\n got %.300s\nwant %.300s", got, want)
	}
}
