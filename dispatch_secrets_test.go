package bsafe

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
)

// The canaries of the secret slots of the agent input.
const (
	canaryAdmin   = "sensitive-adminpw-7f3a"
	canarySys     = "sensitive-syspw-91bc"
	canaryOld     = "sensitive-oldpw-22de"
	canaryNew     = "sensitive-newpw-c0ff"
	canaryOption  = "sensitive-proxypassword-5e5e"
	canaryMarker  = "sensitive-"
	canaryOptName = "proxyPassword"
)

// leakAll fills every string the fake reports with the canaries, as a
// connector that echoes its inputs into IDs and attributes would.
func leakAll(f *fake, s string) {
	a := func(id string) Account {
		return Account{StableID: s, LongID: id + s, ShortID: s, FullName: s, Attrs: attrs.Values{{Name: "n" + s, Values: []string{s, "x" + s + "y"}}}, Groups: []string{s}}
	}
	f.info = ServerInfo{Name: s, Version: s}
	f.users = []Account{a("u1"), a("u2")}
	f.groups = []Group{{StableID: s, LongID: "g" + s, ShortID: s, Description: s, Owner: s, Attrs: attrs.New(s, s)}}
	f.members = map[string][]Member{"g" + s: {{LongID: s, Attrs: attrs.New(s, s)}}, "g1": {{LongID: s}}}
	f.computers = []Computer{{ID: s, Name: s, ResourceType: ResourceType(s), Attrs: attrs.New(s, s)}}
	f.subscribers = []Subscriber{{ID: s, URI: s, ResourceType: ResourceType(s), AcctID: s, LongID: s, ShortID: s, Attrs: attrs.New(s, s)}, {URI: s, LongID: s}}
	f.template = a("t")
	f.account = a("a")
	f.userGroups = []string{s}
	f.newGroup = Group{StableID: s, LongID: s, ShortID: s, Description: s, Owner: s, Attrs: attrs.New(s, s)}
	f.customRows = []CustomRow{{ID: s, Attrs: attrs.New(s, s)}}
}

// TestDispatchScrubsSecrets: with a canary in every secret slot of the
// input, no operation writes one into its output or the file of a multiple
// custom operation, whether the connector echoes them in its answers or in
// its errors.
func TestDispatchScrubsSecrets(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "custom.kvg")
	ops := []string{"isexpiredpw", "custom_hello", "custom_one", "custom_many"}
	for _, op := range Supported(newFake()) {
		ops = append(ops, string(op))
	}
	for _, sysKey := range []string{"syspw", "syspassword"} {
		for _, op := range ops {
			for _, mode := range []string{"answers", "errors"} {
				f := newFake()
				all := strings.Join([]string{canaryAdmin, canarySys, canaryOld, canaryNew, canaryOption}, "|")
				if mode == "answers" {
					leakAll(f, all)
				} else {
					f.echo = true
				}
				in := `"" "" = { "operation" = "` + op + `" ` + customOp(op) + `
					"address" "" = { "server" = "https://s" "` + canaryOptName + `" = "` + canaryOption + `" }
					"adminid" = "admin" "adminpw" = "` + canaryAdmin + `" "sysid" = "client" "` + sysKey + `" = "` + canarySys + `"
					"acctid" = "a" "oldpw" = "` + canaryOld + `" "newpw" = "` + canaryNew + `"
					"groupid" = "g1" "modeluid" = "t" "k_resourceType" = "ls_compsvr" "k_resourceURI" = "u"
					"customfilename" = "` + file + `" }`
				if op == "listsubscribers" || op == "updatesubscriber" {
					in = strings.Replace(in, "ls_compsvr", "ls_scmacct", 1)
				}
				out := run(t, f, in)
				if strings.Contains(out, canaryMarker) {
					t.Errorf("%s (%s, %s): the output holds a secret:\n%s", op, mode, sysKey, out)
				}
				data, err := os.ReadFile(file)
				if err == nil && strings.Contains(string(data), canaryMarker) {
					t.Errorf("%s (%s): the custom file holds a secret:\n%s", op, mode, data)
				}
				if op == "custom_many" && mode == "answers" && !strings.Contains(string(data), redacted) {
					t.Errorf("custom_many: the file holds no echo (%v):\n%s", err, data)
				}
				os.Remove(file)
				// The test is not vacuous: the connector did echo, and the
				// echo reached the output, redacted.
				if (mode == "errors" || answers[op]) && !strings.Contains(out, redacted) {
					t.Errorf("%s (%s): nothing redacted, so nothing was echoed:\n%s", op, mode, out)
				}
			}
		}
	}
}

// answers are the operations that write the connector's answers into
// the output.
var answers = map[string]bool{"serverinfo": true, "listusers": true, "listgroups": true, "listmembers": true,
	"listcomputers": true, "listsubscribers": true, "checktemplate": true, "create": true, "usergroups": true,
	"update": true, "groupcreate": true, "checkuser": true, "userattributes": true, "custom_one": true}

func customOp(op string) string {
	if op == "custom" {
		return `"customop" = "hello"`
	}
	return ""
}

// TestScrubber: overlapping secrets are replaced whole, and the
// replacement is not searched again.
func TestScrubber(t *testing.T) {
	sc := newScrubber([]string{"abc", "", "abcdef", "red", "abc"})
	tests := []struct{ in, want string }{
		{"xabcdefy", "x[redacted]y"},
		{"abcabc", "[redacted][redacted]"},
		{"abred", "ab[redacted]"},
		{"nothing here", "nothing here"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := sc.clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := (scrubber{}).clean("abc"); got != "abc" {
		t.Errorf("no secrets: %q", got)
	}
}

// TestDispatchFlagsAreNotScrubbed: a password of "1" does not hide the
// result or the return code, which Dispatch computes itself.
func TestDispatchFlagsAreNotScrubbed(t *testing.T) {
	f := newFake()
	out := run(t, f, agentInput("operation", "verify", "acctid", "a", "oldpw", "1", "adminpw", "0"))
	sameOutput(t, out, `"" "" = { "result" = "1" `+okTail+` }`)
}

// TestDispatchPoolIsCleared: a run's struct goes back to the pool
// without the input's passwords.
func TestDispatchPoolIsCleared(t *testing.T) {
	run(t, newFake(), agentInput("operation", "reset", "acctid", "a", "newpw", canaryNew, "adminpw", canaryAdmin))
	d := dispatchPool.Get().(*dispatch)
	defer dispatchPool.Put(d)
	if !reflect.ValueOf(*d).IsZero() {
		t.Errorf("a pooled run is not cleared: %+v", d.in.vals)
	}
}
