package restricted

import (
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
	"github.com/google/go-cmp/cmp"
)

// The seed's input example ("For example:") decodes to the fields it
// names and Input.Group writes it back as the same tree, in the same
// order.
func TestInputSeedExampleRoundTrip(t *testing.T) {
	g, err := kvgroup.ParseString(seedInput)
	if err != nil {
		t.Fatal(err)
	}
	in, err := InputFromGroup(g)
	if err != nil {
		t.Fatal(err)
	}
	want := &Input{
		Attribute:  "STATE",
		Module:     ModuleIDR,
		Operations: []string{"GRUA"},
		Parent:     "COUNTY",
		RequestID:  "536C788C1D12B58CADCDCCE4FD0E3D62",
		SessionID:  "Scced6c11-2387-4e0d-a09a-d42ed23360cc",
		Viewer:     &User{ID: "crysta.soria", Name: "Crysta Soria"},
	}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Fatalf("InputFromGroup(seed) (-want +got):\n%s", diff)
	}
	if back := in.Group(); !back.Equal(g) {
		t.Fatalf("Group() of the seed's input:\n%s\nwant the seed's tree:\n%s", back, g)
	}
}

// Every field of the seed's input description, with the seed's keys:
// "attribute", "module", "userid", "requestID", "sessionid", "operation"
// ("0 or more"), "parent", "username", "recipient" "<user>", "request"
// "", "requester" "user", "viewer" "user", "model" "user"; profile
// attributes as "attribute" "<ID>" = { "value" "" = { "value" = ... } }
// (bravura-reference §1.5, §5.4).
func TestInputGroupAllFields(t *testing.T) {
	req := kvgroup.New("ignored", "ignored")
	req.Add("requestID", "R1")
	in := &Input{
		Attribute:  "STATE",
		Module:     ModuleIDWFM,
		UserID:     "doejo",
		RequestID:  "R1",
		SessionID:  "S1",
		Operations: []string{"ACUA", "GRUA"},
		Parent:     "COUNTRY",
		UserName:   "John Doe",
		Recipient: &User{ID: "doejo", Name: "John Doe", Attributes: attrs.Values{
			{Name: "EMAIL", Values: []string{"doejo@example.net", "jd@example.net"}},
			{Name: "NICKNAME", Values: []string{}},
		}},
		Request:   req,
		Requester: &User{ID: "boss", Name: "The Boss"},
		Viewer:    &User{ID: "crysta.soria", Name: "Crysta Soria", Extra: kvgroup.New("x", "y").Add("lang", "en")},
		Model:     &User{ID: "model1"},
	}
	want := `"" "" = {
  "attribute" = "STATE"
  "module" = "idwfm"
  "operation" = "ACUA"
  "operation" = "GRUA"
  "parent" = "COUNTRY"
  "requestID" = "R1"
  "sessionid" = "S1"
  "userid" = "doejo"
  "username" = "John Doe"
  "model" "user" = {
    "id" = "model1"
  }
  "recipient" "doejo" = {
    "id" = "doejo"
    "name" = "John Doe"
    "attribute" "EMAIL" = {
      "value" "" = {
        "value" = "doejo@example.net"
        "value" = "jd@example.net"
      }
    }
    "attribute" "NICKNAME" = {
      "value" "" = { }
    }
  }
  "request" "" = {
    "requestID" = "R1"
  }
  "requester" "user" = {
    "id" = "boss"
    "name" = "The Boss"
  }
  "viewer" "user" = {
    "id" = "crysta.soria"
    "name" = "Crysta Soria"
    "lang" = "en"
  }
}
`
	if got := string(kvgroup.Format(in.Group())); got != want {
		t.Fatalf("Group():\n%s\nwant:\n%s", got, want)
	}

	// And back: the request group arrives under its protocol key.
	g, err := kvgroup.ParseString(want)
	if err != nil {
		t.Fatal(err)
	}
	back, err := InputFromGroup(g)
	if err != nil {
		t.Fatal(err)
	}
	wantBack := *in
	wantBack.Request = kvgroup.New("request", "").Add("requestID", "R1")
	wantBack.Viewer = &User{ID: "crysta.soria", Name: "Crysta Soria", Extra: &kvgroup.Group{Items: []kvgroup.Item{{Key: "lang", Value: "en"}}}}
	if diff := cmp.Diff(&wantBack, back, cmp.Comparer(func(a, b *kvgroup.Group) bool { return a.Equal(b) })); diff != "" {
		t.Fatalf("InputFromGroup(Group()) (-want +got):\n%s", diff)
	}
}

// Seed 003: "username" is "Omitted if the userid is empty", and a
// recipient's "KVGroup name is not present if the request is for a new
// user". "userid" "is empty if a profile ID generator is used": bsafe
// leaves the empty pair out (the want below has no "userid").
func TestInputNewUser(t *testing.T) {
	in := &Input{
		Attribute: "DEPT",
		UserName:  "New Person",
		Recipient: &User{Name: "New Person"},
	}
	want := `"" "" = {
  "attribute" = "DEPT"
  "recipient" "" = {
    "name" = "New Person"
  }
}
`
	if got := string(kvgroup.Format(in.Group())); got != want {
		t.Fatalf("Group():\n%s\nwant:\n%s", got, want)
	}
}

// A recipient written by Bravura with its profile ID as the group's name
// only (no "id" pair) still has that ID.
func TestInputRecipientIDFromGroupName(t *testing.T) {
	g, err := kvgroup.ParseString(`"" "" = { "attribute" = "A" "recipient" "doejo" = { "name" = "John Doe" } }`)
	if err != nil {
		t.Fatal(err)
	}
	in, err := InputFromGroup(g)
	if err != nil {
		t.Fatal(err)
	}
	if in.Recipient == nil || in.Recipient.ID != "doejo" || in.Recipient.Name != "John Doe" {
		t.Fatalf("Recipient = %+v, want ID doejo, Name John Doe", in.Recipient)
	}
}

func TestInputFromNilGroup(t *testing.T) {
	if _, err := InputFromGroup(nil); err == nil {
		t.Fatal("InputFromGroup(nil): no error")
	}
}
