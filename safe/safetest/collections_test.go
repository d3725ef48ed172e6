package safetest_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

type collectionResp struct {
	Object         string `json:"object"`
	ID             string `json:"id"`
	OrganizationID string `json:"organizationId"`
	Name           string `json:"name"`
	ReadOnly       *bool  `json:"readOnly"`
	HidePasswords  *bool  `json:"hidePasswords"`
	Manage         *bool  `json:"manage"`
	Assigned       *bool  `json:"assigned"`
	Users          []struct {
		ID            string `json:"id"`
		ReadOnly      bool   `json:"readOnly"`
		HidePasswords bool   `json:"hidePasswords"`
	} `json:"users"`
}

type listResp[T any] struct {
	Object            string  `json:"object"`
	Data              []T     `json:"data"`
	ContinuationToken *string `json:"continuationToken"`
}

func TestCollections(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newTeamFixture(t, safetest.WithGeneration(gen))
			org := "/api/organizations/" + f.team.ID
			orgKey := f.alice.teamKey(t, f.srv, f.team.ID)

			// The owner lists every collection, names decrypting with the
			// team key the profile delivers.
			var all listResp[collectionResp]
			do(t, f.srv, "GET", org+"/collections", f.alice.token, nil).json(t, &all)
			names := map[string]string{}
			for _, c := range all.Data {
				names[c.ID] = dec(t, orgKey, c.Name)
				if c.Object != "collection" {
					t.Errorf("object = %q", c.Object)
				}
			}
			if diff := cmp.Diff(map[string]string{f.eng: "eng", f.ops: "ops"}, names); diff != "" {
				t.Errorf("owner's collections (-want +got):\n%s", diff)
			}
			// A plain member: /api/collections shows their assignments with
			// their access; the org listing is for managers (2023) or
			// limited to managed collections (current).
			var mine listResp[collectionResp]
			do(t, f.srv, "GET", "/api/collections", f.bob.token, nil).json(t, &mine)
			if len(mine.Data) != 1 || mine.Data[0].ID != f.eng || mine.Data[0].Object != "collectionDetails" ||
				mine.Data[0].ReadOnly == nil || !*mine.Data[0].ReadOnly {
				t.Errorf("bob's /api/collections = %+v", mine.Data)
			}
			r := do(t, f.srv, "GET", org+"/collections", f.bob.token, nil)
			switch gen {
			case safetest.Gen2023:
				if r.status != 404 {
					t.Errorf("2023: member's org collection list: %d, want 404", r.status)
				}
			default:
				var l listResp[collectionResp]
				r.json(t, &l)
				if r.status != 200 || len(l.Data) != 0 {
					t.Errorf("current: member without manage lists %d collections (%d)", len(l.Data), r.status)
				}
			}
			if r := do(t, f.srv, "GET", org+"/collections", f.erin.token, nil); r.status != 404 {
				t.Errorf("non-member lists collections: %d", r.status)
			}

			// Create with access for bob, read it back every way.
			members := memberIDs(t, f)
			body := map[string]any{
				"name": enc(t, orgKey, "new"), "externalId": "ext-1", "groups": []any{},
				"users": []map[string]any{{"id": members["bob@example.com"], "readOnly": false, "hidePasswords": true, "manage": false}},
			}
			if r := do(t, f.srv, "POST", org+"/collections", f.bob.token, body); r.status != 404 {
				t.Errorf("member creates a collection: %d, want 404", r.status)
			}
			if r := do(t, f.srv, "POST", org+"/collections", f.alice.token, map[string]any{"name": "plaintext"}); r.status != 400 {
				t.Errorf("plaintext collection name: %d, want 400", r.status)
			}
			var created collectionResp
			r = do(t, f.srv, "POST", org+"/collections", f.alice.token, body)
			r.json(t, &created)
			if r.status != 200 || created.ID == "" {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			if got := mustV(f.srv.Collection(created.ID))(t); got.Name != "new" || got.TeamID != f.team.ID {
				t.Errorf("stored collection = %+v", got)
			}
			var users []struct {
				ID            string `json:"id"`
				ReadOnly      bool   `json:"readOnly"`
				HidePasswords bool   `json:"hidePasswords"`
			}
			do(t, f.srv, "GET", org+"/collections/"+created.ID+"/users", f.alice.token, nil).json(t, &users)
			if len(users) != 1 || users[0].ID != members["bob@example.com"] || users[0].ReadOnly || !users[0].HidePasswords {
				t.Errorf("collection users = %+v", users)
			}
			var details collectionResp
			do(t, f.srv, "GET", org+"/collections/"+created.ID+"/details", f.bob.token, nil).json(t, &details)
			if details.Object != "collectionAccessDetails" || details.Assigned == nil || !*details.Assigned ||
				details.HidePasswords == nil || !*details.HidePasswords {
				t.Errorf("bob's details = %+v", details)
			}
			var detailList listResp[collectionResp]
			do(t, f.srv, "GET", org+"/collections/details", f.alice.token, nil).json(t, &detailList)
			if len(detailList.Data) != 3 {
				t.Errorf("owner's details list has %d collections, want 3", len(detailList.Data))
			}
			if _, manage := details.Manage, gen == safetest.GenCurrent; (details.Manage != nil) != manage {
				t.Errorf("manage present = %v on %s", details.Manage != nil, gen)
			}

			// Update: rename, take bob's access away.
			upd := map[string]any{"name": enc(t, orgKey, "renamed"), "groups": []any{}, "users": []any{}}
			if r := do(t, f.srv, "PUT", org+"/collections/"+created.ID, f.bob.token, upd); r.status != 404 {
				t.Errorf("member updates a collection: %d", r.status)
			}
			if r := do(t, f.srv, "PUT", org+"/collections/"+created.ID, f.alice.token, upd); r.status != 200 {
				t.Fatalf("update: %d %s", r.status, r.body)
			}
			if got := mustV(f.srv.Collection(created.ID))(t); got.Name != "renamed" {
				t.Errorf("renamed collection = %q", got.Name)
			}
			if r := do(t, f.srv, "GET", org+"/collections/"+created.ID, f.bob.token, nil); r.status != 404 {
				t.Errorf("bob reads a collection he lost: %d", r.status)
			}

			// Delete: items stay in the team without it.
			id := mustV(f.srv.AddItem(f.team, safetest.Item{Type: safetest.TypeSecureNote, Name: "in new", CollectionIDs: []string{created.ID}}))(t)
			if r := do(t, f.srv, "DELETE", org+"/collections/"+created.ID, f.alice.token, nil); r.status != 200 {
				t.Fatalf("delete: %d", r.status)
			}
			if _, err := f.srv.Collection(created.ID); err == nil {
				t.Errorf("collection still stored")
			}
			if it := mustV(f.srv.Item(id))(t); len(it.CollectionIDs) != 0 || it.TeamID != f.team.ID {
				t.Errorf("item after its collection was deleted: %+v", it)
			}
		})
	}
}

func memberIDs(t *testing.T, f *teamFixture) map[string]string {
	t.Helper()
	var l listResp[struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	}]
	do(t, f.srv, "GET", "/api/organizations/"+f.team.ID+"/users", f.alice.token, nil).json(t, &l)
	out := map[string]string{}
	for _, m := range l.Data {
		out[m.Email] = m.ID
	}
	return out
}

func TestOrgMembersAndKeys(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newTeamFixture(t, safetest.WithGeneration(gen))
			org := "/api/organizations/" + f.team.ID
			type member struct {
				Object      string `json:"object"`
				Email       string `json:"email"`
				Type        int    `json:"type"`
				Status      int    `json:"status"`
				Collections []struct {
					ID       string `json:"id"`
					ReadOnly bool   `json:"readOnly"`
				} `json:"collections"`
			}
			var l listResp[member]
			do(t, f.srv, "GET", org+"/users?includeCollections=true&includeGroups=true", f.alice.token, nil).json(t, &l)
			got := map[string]member{}
			for _, m := range l.Data {
				got[m.Email] = m
			}
			if len(got) != 4 || got["alice@example.com"].Type != 0 || got["bob@example.com"].Type != 2 ||
				got["bob@example.com"].Status != 2 || got["bob@example.com"].Object != "organizationUserUserDetails" {
				t.Errorf("members = %+v", l.Data)
			}
			if c := got["bob@example.com"].Collections; len(c) != 1 || c[0].ID != f.eng || !c[0].ReadOnly {
				t.Errorf("bob's collections = %+v", c)
			}
			r := do(t, f.srv, "GET", org+"/users/mini-details", f.bob.token, nil)
			// 2023.8 has no such route: "mini-details" is the {id} of
			// GET users/{id}, whose first statement, new Guid(id), throws.
			if gen == safetest.Gen2023 && r.status != 500 {
				t.Errorf("2023 mini-details: %d, want 500", r.status)
			}
			if gen == safetest.GenCurrent {
				var mini listResp[member]
				r.json(t, &mini)
				if r.status != 200 || len(mini.Data) != 4 {
					t.Errorf("current mini-details: %d, %d members", r.status, len(mini.Data))
				}
			}
			// Public keys: GET public-key, and GET keys (its alias since
			// 2023.8), answer the team's public key and nothing else, to
			// any logged-in user (the server checks no membership); the
			// stored key pair decrypts with the team key. The user's public
			// key is the one of the private key in the token.
			var pk struct {
				Object    string `json:"object"`
				PublicKey string `json:"publicKey"`
			}
			do(t, f.srv, "GET", org+"/public-key", f.bob.token, nil).json(t, &pk)
			if pk.Object != "organizationPublicKey" || pk.PublicKey == "" {
				t.Errorf("public-key = %+v", pk)
			}
			if ok, err := f.srv.TeamKeyPair(f.team); !ok || err != nil {
				t.Errorf("the team's key pair: %v, %v", ok, err)
			}
			for who, s := range map[string]*session{"alice (owner)": f.alice, "erin (no member)": f.erin} {
				for _, route := range []string{"/keys", "/public-key"} {
					r := do(t, f.srv, "GET", org+route, s.token, nil)
					var got map[string]any
					r.json(t, &got)
					if r.status != 200 || len(got) != 2 || got["object"] != "organizationPublicKey" || got["publicKey"] != pk.PublicKey {
						t.Errorf("GET %s by %s: %d %s, want the public key alone", route, who, r.status, r.body)
					}
				}
			}
			if r := do(t, f.srv, "GET", "/api/organizations/0b5a4e6e-8d5c-4bde-9a1b-000000000000/keys", f.alice.token, nil); r.status != 404 {
				t.Errorf("keys of an unknown team: %d, want 404", r.status)
			}
			if r := do(t, f.srv, "GET", "/api/organizations/MPR/public-key", f.alice.token, nil); r.status != 500 {
				t.Errorf("public-key of a team id that is no Guid: %d, want new Guid's 500", r.status)
			}
			var uk struct {
				UserID    string `json:"userId"`
				PublicKey string `json:"publicKey"`
			}
			bob := mustUser(t, f.srv, f.bob)
			do(t, f.srv, "GET", "/api/users/"+bob.ID+"/public-key", f.erin.token, nil).json(t, &uk)
			if pub, _ := f.bob.private.Public().Base64(); uk.PublicKey != pub || uk.UserID != bob.ID {
				t.Errorf("user public key = %+v", uk)
			}
		})
	}
}

func TestFolders(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := addUser(t, srv, "fold@example.com", "pw")
	other := addUser(t, srv, "other@example.com", "pw")
	s, so := login(t, srv, u.Email, "pw"), login(t, srv, other.Email, "pw")
	type folder struct {
		Object string `json:"object"`
		ID     string `json:"id"`
		Name   string `json:"name"`
	}
	var f folder
	r := do(t, srv, "POST", "/api/folders", s.token, map[string]string{"name": enc(t, s.userKey, "Work")})
	r.json(t, &f)
	if r.status != 200 || f.Object != "folder" || dec(t, s.userKey, f.Name) != "Work" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if got := mustV(srv.Folder(f.ID))(t); got.Name != "Work" || got.UserID != u.ID {
		t.Errorf("stored folder = %+v", got)
	}
	if r := do(t, srv, "POST", "/api/folders", s.token, map[string]string{"name": "Work"}); r.status != 400 {
		t.Errorf("plaintext folder name: %d", r.status)
	}
	// File an item in it, rename it, then delete it: the item leaves it.
	c := loginCipher(t, s.userKey, "x", "p")
	c["folderId"] = f.ID
	var ci cipherResp
	do(t, srv, "POST", "/api/ciphers", s.token, c).json(t, &ci)
	if ci.FolderID == nil || *ci.FolderID != f.ID {
		t.Errorf("item folderId = %v", ci.FolderID)
	}
	c["folderId"] = f.ID
	if r := do(t, srv, "POST", "/api/ciphers", so.token, c); r.status != 400 {
		t.Errorf("another user's folder: %d, want 400", r.status)
	}
	if r := do(t, srv, "PUT", "/api/folders/"+f.ID, so.token, map[string]string{"name": enc(t, so.userKey, "mine")}); r.status != 404 {
		t.Errorf("another user renames the folder: %d", r.status)
	}
	if r := do(t, srv, "PUT", "/api/folders/"+f.ID, s.token, map[string]string{"name": enc(t, s.userKey, "Play")}); r.status != 200 {
		t.Errorf("rename: %d", r.status)
	}
	var l listResp[folder]
	do(t, srv, "GET", "/api/folders", s.token, nil).json(t, &l)
	if l.Object != "list" || len(l.Data) != 1 || dec(t, s.userKey, l.Data[0].Name) != "Play" {
		t.Errorf("folders = %+v", l)
	}
	if r := do(t, srv, "DELETE", "/api/folders/"+f.ID, s.token, nil); r.status != 200 {
		t.Errorf("delete: %d", r.status)
	}
	do(t, srv, "GET", "/api/ciphers/"+ci.ID, s.token, nil).json(t, &ci)
	if ci.FolderID != nil {
		t.Errorf("item still in the deleted folder")
	}
}

func TestConfigAndAccount(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, safetest.WithGeneration(gen), safetest.WithFeatureStates(map[string]any{"enableCipherKeyEncryption": true}))
			u := addUser(t, srv, "cfg@example.com", "pw")
			var cfg struct {
				Object        string         `json:"object"`
				Version       string         `json:"version"`
				FeatureStates map[string]any `json:"featureStates"`
				Environment   struct {
					API      string `json:"api"`
					Identity string `json:"identity"`
				} `json:"environment"`
			}
			do(t, srv, "GET", "/api/config", "", nil).json(t, &cfg)
			wantVersion := map[safetest.Generation]string{safetest.Gen2023: "2023.8.3", safetest.GenCurrent: "2026.9.0"}[gen]
			if cfg.Object != "config" || cfg.Version != wantVersion || cfg.FeatureStates["enableCipherKeyEncryption"] != true ||
				cfg.Environment.API != srv.URL+"/api" || cfg.Environment.Identity != srv.URL+"/identity" {
				t.Errorf("config = %+v", cfg)
			}
			s := login(t, srv, u.Email, "pw")
			if r := do(t, srv, "GET", "/api/config", s.token, nil); r.status != 200 {
				t.Errorf("authenticated config: %d", r.status)
			}
			if r := do(t, srv, "GET", "/api/config", "garbage", nil); r.status != 200 {
				t.Errorf("config with a bad token: %d", r.status)
			}
			hash := serverHash(t, masterKey(t, srv, u.Email, "pw"), "pw")
			if r := do(t, srv, "POST", "/api/accounts/verify-password", s.token, map[string]string{"masterPasswordHash": hash}); r.status != 200 {
				t.Errorf("verify-password: %d", r.status)
			}
			if r := do(t, srv, "POST", "/api/accounts/verify-password", s.token, map[string]string{"masterPasswordHash": "bad"}); r.status != 400 {
				t.Errorf("verify-password with a bad hash: %d", r.status)
			}
			var key struct {
				Object string `json:"object"`
				APIKey string `json:"apiKey"`
			}
			do(t, srv, "POST", "/api/accounts/api-key", s.token, map[string]string{"masterPasswordHash": hash}).json(t, &key)
			if key.Object != "apiKey" || key.APIKey != u.ClientSecret {
				t.Errorf("api-key = %+v", key)
			}
			if r := do(t, srv, "POST", "/api/accounts/api-key", s.token, map[string]string{"masterPasswordHash": "x"}); r.status != 400 {
				t.Errorf("api-key with a bad hash: %d", r.status)
			}
			var sync map[string]json.RawMessage
			do(t, srv, "GET", "/api/sync?excludeDomains=true", s.token, nil).json(t, &sync)
			if string(sync["domains"]) != "null" || string(sync["object"]) != `"sync"` {
				t.Errorf("sync domains = %s", sync["domains"])
			}
			_, hasUD := sync["userDecryption"]
			if hasUD != (gen == safetest.GenCurrent) {
				t.Errorf("userDecryption present = %v on %s", hasUD, gen)
			}
			r := do(t, srv, "POST", "/api/accounts/key-management/user-key-id", s.token, map[string]string{"userKeyId": "0123456789abcdef0123456789abcdef"})
			if gen == safetest.Gen2023 {
				if r.status != 404 {
					t.Errorf("2023 user-key-id: %d, want 404", r.status)
				}
				return
			}
			if r.status != 200 {
				t.Fatalf("user-key-id: %d %s", r.status, r.body)
			}
			var ud struct {
				UserDecryption struct {
					UserKeyID *string `json:"userKeyId"`
				} `json:"userDecryption"`
			}
			do(t, srv, "GET", "/api/sync", s.token, nil).json(t, &ud)
			if ud.UserDecryption.UserKeyID == nil || *ud.UserDecryption.UserKeyID != "0123456789abcdef0123456789abcdef" {
				t.Errorf("userKeyId = %v", ud.UserDecryption.UserKeyID)
			}
			// With the key id known, a personal cipher encrypted with
			// another key id (or for another user) is refused.
			c := loginCipher(t, s.userKey, "x", "p")
			c["encryptedByKeyId"] = "ffffffffffffffffffffffffffffffff"
			if r := do(t, srv, "POST", "/api/ciphers", s.token, c); r.status != 400 {
				t.Errorf("wrong encryptedByKeyId: %d", r.status)
			}
			c["encryptedByKeyId"] = "0123456789abcdef0123456789abcdef"
			c["encryptedFor"] = "00000000-0000-4000-8000-000000000000"
			if r := do(t, srv, "POST", "/api/ciphers", s.token, c); r.status != 400 {
				t.Errorf("wrong encryptedFor: %d", r.status)
			}
			c["encryptedFor"] = u.ID
			if r := do(t, srv, "POST", "/api/ciphers", s.token, c); r.status != 200 {
				t.Errorf("right key id and user: %d %s", r.status, r.body)
			}
		})
	}
}

// TestSeededItemsDecrypt reads seeded items the way a client does (sync,
// then the key hierarchy) and compares them with what was seeded.
func TestSeededItemsDecrypt(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	alice := addUser(t, srv, "alice@example.com", "pw")
	team := mustV(srv.AddTeam(alice, safetest.TeamSpec{Name: "T", DefaultCollection: "c"}))(t)
	folder := mustV(srv.AddFolder(alice, "f"))(t)
	items := []struct {
		owner safetest.Owner
		item  safetest.Item
	}{
		{alice, safetest.Item{Type: safetest.TypeLogin, Name: "personal", Notes: "n", FolderID: folder.ID, ItemKey: true,
			Login:  &safetest.Login{Username: "u", Password: "p", TOTP: "t", URIs: []safetest.URI{{URI: "https://a"}, {URI: "https://b", Match: safetest.MatchNever}}},
			Fields: []safetest.Field{{Name: "k", Value: "v"}, {Name: "b", Value: "false", Type: safetest.FieldBoolean}, {Name: "l", Type: safetest.FieldLinked, LinkedID: safetest.LinkedUsername}}}},
		{team, safetest.Item{Type: safetest.TypeCard, Name: "card", CollectionIDs: []string{team.DefaultCollectionID},
			Card: &safetest.Card{CardholderName: "A", Number: "4111", Code: "999"}}},
		{team, safetest.Item{Type: safetest.TypeIdentity, Name: "id", CollectionIDs: []string{team.DefaultCollectionID}, ItemKey: true,
			Identity: &safetest.Identity{FirstName: "Ann", LicenseNumber: "L1"}}},
	}
	for i := range items {
		items[i].item.ID = mustV(srv.AddItem(items[i].owner, items[i].item))(t)
	}
	s := login(t, srv, alice.Email, "pw")
	orgKey := s.teamKey(t, srv, team.ID)
	var sync struct {
		Ciphers []map[string]json.RawMessage `json:"ciphers"`
	}
	do(t, srv, "GET", "/api/sync", s.token, nil).json(t, &sync)
	if len(sync.Ciphers) != len(items) {
		t.Fatalf("sync has %d ciphers, want %d", len(sync.Ciphers), len(items))
	}
	for _, want := range items {
		var raw map[string]json.RawMessage
		for _, c := range sync.Ciphers {
			if mustUnquote(t, c["id"]) == want.item.ID {
				raw = c
			}
		}
		key := s.userKey
		if want.item.CollectionIDs != nil {
			key = orgKey
		}
		var k string
		_ = json.Unmarshal(raw["key"], &k)
		if (k != "") != want.item.ItemKey {
			t.Errorf("%s: item key present = %v", want.item.Name, k != "")
		}
		if k != "" {
			ik, err := key.UnwrapKey(mustParse(t, k))
			if err != nil {
				t.Fatalf("%s: item key: %v", want.item.Name, err)
			}
			key = ik
		}
		if got := dec(t, key, mustUnquote(t, raw["name"])); got != want.item.Name {
			t.Errorf("name = %q, want %q", got, want.item.Name)
		}
		// Everything else through the seeding keyring, compared with the
		// seeded values.
		got := mustV(srv.ItemFor(alice, want.item.ID))(t)
		w := want.item
		if w.CollectionIDs != nil {
			w.TeamID = team.ID
		}
		if diff := cmp.Diff(w, got, cmpopts.IgnoreFields(safetest.Item{}, "Created", "Revised"), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-seeded +stored):\n%s", want.item.Name, diff)
		}
	}
	// The personal login's URI checksums are what current clients write.
	var login struct {
		URIs []struct {
			URI, URIChecksum string
		} `json:"uris"`
	}
	for _, c := range sync.Ciphers {
		if mustUnquote(t, c["id"]) == items[0].item.ID {
			_ = json.Unmarshal(c["login"], &login)
			ik, _ := s.userKey.UnwrapKey(mustParse(t, mustUnquote(t, c["key"])))
			if len(login.URIs) != 2 {
				t.Fatalf("uris = %+v", login.URIs)
			}
			for i, u := range login.URIs {
				uri := items[0].item.Login.URIs[i].URI
				sum := sha256.Sum256([]byte(uri))
				if got, want := dec(t, ik, u.URIChecksum), base64.StdEncoding.EncodeToString(sum[:]); got != want {
					t.Errorf("uri %d checksum = %q, want base64(SHA-256(%q)) = %q", i, got, uri, want)
				}
			}
		}
	}
	if ids := srv.ItemIDs(); !slices.Contains(ids, items[0].item.ID) || len(ids) != 3 {
		t.Errorf("ItemIDs = %v", ids)
	}
}

// The members of ProfileOrganizationResponseModel, camelCased, as the
// official servers declare them: bitwarden/server 2023.8.2 (d0cf8204,
// Bravura Safe's base) and current (BaseProfileOrganizationResponseModel
// plus ProfileOrganizationResponseModel). 2023.8 has no organizationUserId.
var profileOrgMembers = map[safetest.Generation][]string{
	safetest.Gen2023: {"object", "id", "name", "usePolicies", "useSso", "useKeyConnector", "useScim", "useGroups",
		"useDirectory", "useEvents", "useTotp", "use2fa", "useApi", "useResetPassword", "useSecretsManager",
		"usePasswordManager", "usersGetPremium", "useCustomPermissions", "useActivateAutofillPolicy", "selfHost",
		"seats", "maxCollections", "maxStorageGb", "key", "status", "type", "enabled", "ssoBound", "identifier",
		"permissions", "resetPasswordEnrolled", "userId", "hasPublicAndPrivateKeys", "providerId", "providerName",
		"providerType", "familySponsorshipFriendlyName", "familySponsorshipAvailable", "planProductType",
		"keyConnectorEnabled", "keyConnectorUrl", "familySponsorshipLastSyncDate", "familySponsorshipValidUntil",
		"familySponsorshipToDelete", "accessSecretsManager"},
	safetest.GenCurrent: {"object", "id", "name", "enabled", "identifier", "productTierType", "usePolicies", "useSso",
		"useKeyConnector", "useScim", "useGroups", "useDirectory", "useEvents", "useTotp", "use2fa", "useApi",
		"useResetPassword", "useSecretsManager", "usePasswordManager", "usersGetPremium", "useCustomPermissions",
		"useActivateAutofillPolicy", "useRiskInsights", "useOrganizationDomains", "useAdminSponsoredFamilies",
		"useAutomaticUserConfirmation", "useDisableSMAdsForUsers", "usePhishingBlocker", "useMyItems",
		"useInviteLinks", "usePam", "selfHost", "seats", "maxCollections", "maxStorageGb", "key",
		"hasPublicAndPrivateKeys", "ssoBound", "resetPasswordEnrolled", "limitCollectionCreation",
		"limitCollectionDeletion", "limitItemDeletion", "allowAdminAccessToAllCollectionItems", "providerId",
		"providerName", "providerType", "ssoEnabled", "keyConnectorEnabled", "keyConnectorUrl",
		"ssoMemberDecryptionType", "accessSecretsManager", "accessPam", "userId", "status", "type", "permissions",
		"organizationUserId", "userIsClaimedByOrganization", "familySponsorshipFriendlyName",
		"familySponsorshipAvailable", "familySponsorshipLastSyncDate", "familySponsorshipValidUntil",
		"familySponsorshipToDelete", "isAdminInitiated"},
}

func TestProfileOrganizationMembers(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newTeamFixture(t, safetest.WithGeneration(gen))
			members := memberIDs(t, f)
			for _, path := range []string{"/api/accounts/profile", "/api/sync"} {
				var body struct {
					Organizations []map[string]json.RawMessage `json:"organizations"`
					Profile       *struct {
						Organizations []map[string]json.RawMessage `json:"organizations"`
					} `json:"profile"`
				}
				do(t, f.srv, "GET", path, f.bob.token, nil).json(t, &body)
				orgs := body.Organizations
				if body.Profile != nil {
					orgs = body.Profile.Organizations
				}
				if len(orgs) != 1 {
					t.Fatalf("%s: %d organizations", path, len(orgs))
				}
				var got []string
				for k := range orgs[0] {
					got = append(got, k)
				}
				want := slices.Clone(profileOrgMembers[gen])
				slices.Sort(got)
				slices.Sort(want)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: profile organization members (-want +got):\n%s", path, diff)
				}
				if raw, ok := orgs[0]["organizationUserId"]; ok && string(raw) != `"`+members["bob@example.com"]+`"` {
					t.Errorf("%s: organizationUserId = %s, want bob's membership %s", path, raw, members["bob@example.com"])
				}
			}
		})
	}
}

// TestCollectionSelectionIDs checks the ids of a collection's access lists
// the way each generation's server does.
func TestCollectionSelectionIDs(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newTeamFixture(t, safetest.WithGeneration(gen))
			other := newTeamFixture(t, safetest.WithGeneration(gen)) // another server's team: its ids are strangers here
			org := "/api/organizations/" + f.team.ID
			orgKey := f.alice.teamKey(t, f.srv, f.team.ID)
			bob := memberIDs(t, f)["bob@example.com"]
			stranger := memberIDs(t, other)["bob@example.com"]
			body := func(users, groups []any) map[string]any {
				return map[string]any{"name": enc(t, orgKey, "c"), "users": users, "groups": groups}
			}
			user := func(id any) map[string]any {
				return map[string]any{"id": id, "readOnly": false, "hidePasswords": false}
			}
			noID := map[string]any{"readOnly": true}
			type want struct {
				status     int
				validation map[string][]string
			}
			required := func(keys ...string) want {
				v := map[string][]string{}
				for _, k := range keys {
					v[k] = []string{"The Id field is required."}
				}
				return want{400, v}
			}
			notGUID := func(path string) want {
				return want{400, map[string][]string{path: {"The JSON value could not be converted to System.Guid. Path: " + path + "."}}}
			}
			tests := []struct {
				name   string
				users  []any
				groups []any
				want   map[safetest.Generation]want
			}{
				{"empty user id", []any{user("")}, nil, map[safetest.Generation]want{
					safetest.Gen2023: required("Users[0].Id"), safetest.GenCurrent: notGUID("$.users[0].id")}},
				{"blank and missing ids", []any{user(bob), user("  "), noID}, []any{user("")}, map[safetest.Generation]want{
					safetest.Gen2023:    required("Users[1].Id", "Users[2].Id", "Groups[0].Id"),
					safetest.GenCurrent: {400, map[string][]string{"$.users[1].id": {"The JSON value could not be converted to System.Guid. Path: $.users[1].id."}, "$.groups[0].id": {"The JSON value could not be converted to System.Guid. Path: $.groups[0].id."}}}}},
				{"not a GUID", []any{user("bob")}, nil, map[safetest.Generation]want{
					safetest.Gen2023: {500, nil}, safetest.GenCurrent: notGUID("$.users[0].id")}},
				{"a member of another team", []any{user(stranger), user(bob)}, nil, map[safetest.Generation]want{
					safetest.Gen2023: {200, nil}, safetest.GenCurrent: {200, nil}}},
			}
			for _, tt := range tests {
				w := tt.want[gen]
				for _, method := range []string{"POST", "PUT"} {
					path := org + "/collections"
					if method == "PUT" {
						path += "/" + f.ops
					}
					r := do(t, f.srv, method, path, f.alice.token, body(tt.users, tt.groups))
					if r.status != w.status {
						t.Errorf("%s %s: status %d, want %d (%s)", tt.name, method, r.status, w.status, r.body)
						continue
					}
					switch r.status {
					case 400:
						e := r.apiError(t)
						if e.Message != "The model state is invalid." {
							t.Errorf("%s %s: message %q", tt.name, method, e.Message)
						}
						if diff := cmp.Diff(w.validation, e.ValidationErrors); diff != "" {
							t.Errorf("%s %s: validation errors (-want +got):\n%s", tt.name, method, diff)
						}
					case 500:
						if e := r.apiError(t); e.Message != "An unhandled server error has occurred." {
							t.Errorf("%s %s: message %q", tt.name, method, e.Message)
						}
					case 200:
						// The stranger is dropped, bob is kept.
						var created collectionResp
						r.json(t, &created)
						var users []struct {
							ID string `json:"id"`
						}
						do(t, f.srv, "GET", org+"/collections/"+created.ID+"/users", f.alice.token, nil).json(t, &users)
						if len(users) != 1 || users[0].ID != bob {
							t.Errorf("%s %s: users = %+v, want only bob %s", tt.name, method, users, bob)
						}
					}
				}
			}
		})
	}
}

// TestCollectionCreatorAssigned: on 2023.8 a creator whose role edits only
// assigned collections is given access to the collection they create,
// whatever the request's users; and may list the members to find their
// own membership. Current servers do neither.
func TestCollectionCreatorAssigned(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newTeamFixture(t, safetest.WithGeneration(gen))
			u := addUser(t, f.srv, "frank@example.com", "frank-pw")
			m := mustV(f.srv.AddMember(f.team, u, safetest.RoleCustom))(t)
			if err := f.srv.SetCustomPermissions(m, "createNewCollections", "editAssignedCollections"); err != nil {
				t.Fatal(err)
			}
			frank := login(t, f.srv, "frank@example.com", "frank-pw")
			org := "/api/organizations/" + f.team.ID
			orgKey := frank.teamKey(t, f.srv, f.team.ID)
			r := do(t, f.srv, "POST", org+"/collections", frank.token, map[string]any{"name": enc(t, orgKey, "mine"), "users": []any{}, "groups": []any{}})
			if r.status != 200 {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			var created collectionResp
			r.json(t, &created)
			var mine listResp[collectionResp]
			do(t, f.srv, "GET", "/api/collections", frank.token, nil).json(t, &mine)
			assigned := slices.ContainsFunc(mine.Data, func(c collectionResp) bool { return c.ID == created.ID })
			if want := gen == safetest.Gen2023; assigned != want {
				t.Errorf("creator assigned = %v, want %v", assigned, want)
			}
			r = do(t, f.srv, "GET", org+"/users", frank.token, nil)
			if want := map[safetest.Generation]int{safetest.Gen2023: 200, safetest.GenCurrent: 404}[gen]; r.status != want {
				t.Errorf("member list for a Custom role that edits assigned collections: %d, want %d", r.status, want)
			}
		})
	}
}
