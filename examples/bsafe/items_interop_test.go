package main

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/bsafe-go/bsafe/internal/bwcli"
)

// TestInteropItems compares, as JSON data, what bw 2026.9.0 and bsafe
// print for the same items (list items, get item, its parts, get template
// item), and checks that each reads an item the other created. No field is
// ignored: both read the same server, so even the dates agree.
func TestInteropItems(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the official CLI; skipped with -short")
	}
	t.Parallel()
	ie := newItemsEnv(t)
	pem := filepath.Join(t.TempDir(), "ca.pem")
	if err := ie.srv.WriteCertificatePEM(pem); err != nil {
		t.Fatal(err)
	}
	cli := bwcli.New(t, bwcli.V2026, ie.srv.URL, pem)
	if _, err := cli.Login(testEmail, testPassword); err != nil {
		t.Fatalf("bw login: %v", err)
	}
	same := func(args ...string) {
		t.Helper()
		bwOut, err := cli.Run(args...)
		if err != nil {
			t.Fatalf("bw %v: %v", args, err)
		}
		ours := ie.ok("", args...)
		var b, o any
		if json.Unmarshal([]byte(bwOut), &b) != nil {
			b = bwOut // a plain string (get password)
			o = ours
		} else if err := json.Unmarshal([]byte(ours), &o); err != nil {
			t.Fatalf("bsafe %v printed %q, not JSON", args, ours)
		}
		if !reflect.DeepEqual(b, o) {
			t.Errorf("%v differs:\nbw:    %s\nbsafe: %s", args, bwOut, ours)
		}
	}
	same("list", "items")
	same("list", "items", "--organizationid", ie.team.ID)
	same("list", "items", "--search", "root")
	same("get", "item", ie.dbID)
	same("get", "item", "note")
	same("get", "username", ie.dbID)
	same("get", "password", "AD")
	same("get", "notes", "note")
	same("get", "uri", "db")
	same("get", "template", "item")

	// bsafe creates, bw reads; bw creates, bsafe reads.
	var mine struct{ ID string }
	if err := json.Unmarshal([]byte(ie.ok("", "create", "item", enc(`{"type":1,"name":"from bsafe","login":{"username":"gopher","password":"sensitive-go-pw"}}`))), &mine); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Run("sync"); err != nil {
		t.Fatal(err)
	}
	if pw, err := cli.Run("get", "password", mine.ID); err != nil || pw != "sensitive-go-pw" {
		t.Errorf("bw get password of bsafe's item = %q, %v", pw, err)
	}
	same("get", "item", mine.ID)
	req, err := bwcli.Encode(map[string]any{"type": 2, "name": "from bw", "notes": "sensitive-bw-note", "secureNote": map[string]any{"type": 0}})
	if err != nil {
		t.Fatal(err)
	}
	var theirs struct{ ID string }
	if err := cli.JSONOnItem(&theirs, "create", "item", req); err != nil {
		t.Fatalf("bw create item: %v", err)
	}
	if got := ie.ok("", "get", "notes", theirs.ID); got != "sensitive-bw-note" {
		t.Errorf("bsafe get notes of bw's item = %q", got)
	}
	same("get", "item", theirs.ID)
}
