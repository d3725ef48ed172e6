package safe

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

const badTeamID = "44444444-4444-4444-8444-444444444444"

// brokenVault is a sync response in which one object of each kind does not
// decrypt: a team key, an item key, a folder name, a collection name, and
// an item field. Each break can be left out, for the strict-mode checks.
func brokenVault(t testing.TB, a *testAccount, breaks map[string]bool) []byte {
	t.Helper()
	other, _ := vaultcrypto.GenerateSymmetricKey()
	otherPriv, err := vaultcrypto.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	good, _ := a.cipherJSON(t, "good", "", true)
	goodTeam, _ := a.cipherJSON(t, "good-team", a.teamID, false)
	ciphers := []map[string]any{good, goodTeam}
	var doc map[string]any
	if err := json.Unmarshal(a.syncJSON(t), &doc); err != nil {
		t.Fatal(err)
	}
	if breaks["team"] {
		badKey, _ := otherPriv.Public().WrapKey(a.teamKey)
		orgs := doc["profile"].(map[string]any)["organizations"].([]any)
		doc["profile"].(map[string]any)["organizations"] = append(orgs, map[string]any{
			"id": badTeamID, "name": "Broken Team", "key": badKey.String(), "status": 2, "type": 2, "enabled": true})
		m, _ := a.cipherJSON(t, "in-bad-team", a.teamID, false)
		m["organizationId"] = badTeamID
		ciphers = append(ciphers, m)
		doc["collections"] = append(doc["collections"].([]any), map[string]any{
			"id": "c-bad-team", "organizationId": badTeamID, "name": enc(t, a.teamKey, "x")})
	}
	if breaks["itemKey"] {
		m, _ := a.cipherJSON(t, "bad-item-key", "", true)
		k, _ := vaultcrypto.GenerateSymmetricKey()
		w, _ := other.WrapKey(k)
		m["key"] = w.String()
		ciphers = append(ciphers, m)
	}
	if breaks["field"] {
		m, _ := a.cipherJSON(t, "bad-field", "", false)
		m["notes"] = enc(t, other, "sensitive-notes")
		ciphers = append(ciphers, m)
	}
	if breaks["folder"] {
		doc["folders"] = append(doc["folders"].([]any), map[string]any{"id": "f-bad", "name": enc(t, other, "x"), "revisionDate": "2026-01-01T00:00:00Z"})
	}
	if breaks["collection"] {
		doc["collections"] = append(doc["collections"].([]any), map[string]any{"id": "c-bad", "organizationId": a.teamID, "name": enc(t, other, "x")})
	}
	doc["ciphers"] = ciphers
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLenientKeepsUndecryptableObjects(t *testing.T) {
	a := newTestAccount(t)
	all := map[string]bool{"team": true, "itemKey": true, "field": true, "folder": true, "collection": true}
	c, _ := NewClient("https://x", WithLenientDecrypt())
	v, err := c.decodeAll(context.Background(), brokenVault(t, a, all), a.sess)
	if err != nil {
		t.Fatalf("lenient sync failed: %v", err)
	}
	// The rest of the vault is all there.
	if it := v.items["good"]; it == nil || len(it.DecryptErrors) != 0 || it.Login.Password == "" {
		t.Errorf("good item: %v", it)
	}
	if it := v.items["good-team"]; it == nil || len(it.DecryptErrors) != 0 || it.Name == "" {
		t.Errorf("good team item: %v", it)
	}
	keyFailed := func(id string) {
		t.Helper()
		it := v.items[id]
		if it == nil {
			t.Errorf("item %s dropped", id)
			return
		}
		if len(it.DecryptErrors) != 1 || it.DecryptErrors[0].Field != "key" || it.DecryptErrors[0].ID != id || !errors.Is(it.DecryptErrors[0], ErrMAC) && !errors.Is(it.DecryptErrors[0], vaultcrypto.ErrDecrypt) {
			t.Errorf("item %s: DecryptErrors = %v, want one key error", id, it.DecryptErrors)
		}
		if it.Name != "" || it.Notes != "" || it.Login == nil || it.Login.Password != "" || it.Login.Username != "" {
			t.Errorf("item %s: encrypted fields not empty", id)
		}
		if it.RevisionDate.IsZero() {
			t.Errorf("item %s: metadata lost", id)
		}
	}
	keyFailed("bad-item-key")
	keyFailed("in-bad-team")
	if it := v.items["bad-field"]; it == nil || len(it.DecryptErrors) != 1 || it.DecryptErrors[0].Field != "notes" || it.Name == "" {
		t.Errorf("bad-field item: %v", it)
	}
	var badTeam *Team
	for _, tm := range v.teams {
		if tm.ID == badTeamID {
			badTeam = tm
		} else if tm.DecryptErr != nil {
			t.Errorf("good team has %v", tm.DecryptErr)
		}
	}
	var de *DecryptError
	if badTeam == nil || !errors.As(badTeam.DecryptErr, &de) || de.Kind != "team" || de.Field != "key" {
		t.Errorf("broken team: %+v", badTeam)
	}
	folders := map[string]*Folder{}
	for _, f := range v.folders {
		folders[f.ID] = f
	}
	if f := folders["f1"]; f == nil || f.Name != "Work" || f.DecryptErr != nil {
		t.Errorf("good folder: %+v", f)
	}
	if f := folders["f-bad"]; f == nil || f.Name != "" || !errors.Is(f.DecryptErr, ErrMAC) {
		t.Errorf("bad folder: %+v", f)
	}
	cols := map[string]*Collection{}
	for _, col := range v.collections {
		cols[col.ID] = col
	}
	if col := cols["c1"]; col == nil || col.Name != "BONNIL" || col.DecryptErr != nil {
		t.Errorf("good collection: %+v", col)
	}
	if col := cols["c-bad"]; col == nil || col.Name != "" || !errors.Is(col.DecryptErr, ErrMAC) || col.TeamID != a.teamID {
		t.Errorf("bad collection: %+v", col)
	}
	if col := cols["c-bad-team"]; col == nil || col.Name != "" || col.DecryptErr == nil {
		t.Errorf("collection of the broken team: %+v", col)
	}
	// Writes to the broken team say why they cannot work.
	if _, err := v.keyFor(a.sess, badTeamID); !errors.Is(err, ErrNoTeamKey) || !errors.As(err, &de) {
		t.Errorf("keyFor(broken team) = %v", err)
	}
}

func TestStrictFailsOnEachUndecryptableObject(t *testing.T) {
	a := newTestAccount(t)
	c, _ := NewClient("https://x")
	if _, err := c.decodeAll(context.Background(), brokenVault(t, a, nil), a.sess); err != nil {
		t.Fatalf("unbroken vault: %v", err)
	}
	for _, kind := range []string{"team", "itemKey", "field", "folder", "collection"} {
		_, err := c.decodeAll(context.Background(), brokenVault(t, a, map[string]bool{kind: true}), a.sess)
		var de *DecryptError
		if !errors.As(err, &de) {
			t.Errorf("strict, broken %s: err = %v, want a *DecryptError", kind, err)
		}
	}
}

// TestUpdateRefusesPartlyDecryptedItem: an item that lenient sync kept with
// fields it could not decrypt (left empty) is never written back, which
// would erase those fields on the server.
func TestUpdateRefusesPartlyDecryptedItem(t *testing.T) {
	var calls atomic.Int32
	c := newFakeClient(t, rtFunc(func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		return respond(http.StatusInternalServerError, `{}`), nil
	}))
	it := &Item{
		ID: "11111111-1111-4111-8111-111111111111", Type: TypeLogin, Login: &Login{}, RevisionDate: time.Now(),
		DecryptErrors: []*DecryptError{{Kind: "item", ID: "11111111-1111-4111-8111-111111111111", Field: "notes", Err: ErrMAC}},
		wire:          wireState{raw: []byte(`{"id":"11111111-1111-4111-8111-111111111111","type":1,"organizationId":null}`)},
	}
	if _, err := c.Items.Update(context.Background(), it); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Update of a partly decrypted item: %v, want ErrInvalidArgument", err)
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

// TestNoteWriteKeepsRevision (point 6): the client's own write never moves
// the snapshot's account revision, which would hide other clients' earlier
// changes from the next freshness check.
func TestNoteWriteKeepsRevision(t *testing.T) {
	c, _ := NewClient("https://x")
	c.vault = &vault{revision: 1000, items: map[string]*Item{}, itemsReady: true}
	c.noteWrite(&Item{ID: "a", RevisionDate: time.UnixMilli(5000)})
	if c.vault.revision != 1000 {
		t.Errorf("revision = %d after an own write, want 1000", c.vault.revision)
	}
	if c.vault.items["a"] == nil {
		t.Errorf("the write is not in the snapshot")
	}
}
