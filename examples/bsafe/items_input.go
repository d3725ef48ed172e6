package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/safe"
)

// itemRequest is the JSON that "create item" and "edit item" take (bw's
// CipherExport): pointers tell a member that is absent or null from one
// that is set.
type itemRequest struct {
	Type            *int           `json:"type"`
	FolderID        *string        `json:"folderId"`
	OrganizationID  *string        `json:"organizationId"`
	CollectionIDs   []string       `json:"collectionIds"`
	Name            *string        `json:"name"`
	Notes           *string        `json:"notes"`
	Favorite        *bool          `json:"favorite"`
	Reprompt        *int           `json:"reprompt"`
	Fields          *[]fieldReq    `json:"fields"`
	Login           *loginReq      `json:"login"`
	SecureNote      *secureNote    `json:"secureNote"`
	Card            *cardJSON      `json:"card"`
	Identity        *identityJSON  `json:"identity"`
	SSHKey          *sshKeyJSON    `json:"sshKey"`
	PasswordHistory *[]historyJSON `json:"passwordHistory"`
}

type loginReq struct {
	URIs     *[]uriReq `json:"uris"`
	Username *string   `json:"username"`
	Password *string   `json:"password"`
	TOTP     *string   `json:"totp"`
}

type uriReq struct {
	URI   *string `json:"uri"`
	Match *int    `json:"match"`
}

type fieldReq struct {
	Name     *string `json:"name"`
	Value    *string `json:"value"`
	Type     *int    `json:"type"`
	LinkedID *int    `json:"linkedId"`
}

// errBadRequestData is bw's answer to an argument that is not the base64
// of JSON of the expected form.
var errBadRequestData = fail("Error parsing the encoded request data.")

// requestJSON returns the encoded JSON argument of create, edit and move:
// the positional argument, or else standard input (as bw, which reads it
// when the argument is missing), decoded from base64.
func (a *app) requestJSON(arg string) ([]byte, error) {
	if arg == "" && !a.isTerminal(a.stdin) {
		b, err := io.ReadAll(io.LimitReader(a.stdin, 64<<20))
		if err != nil {
			return nil, fail("Cannot read standard input.")
		}
		arg = string(b)
	}
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return nil, fail("`requestJson` was not provided.")
	}
	return decodeBase64(arg)
}

// decodeBase64 decodes s in any of the base64 forms "bw encode" and other
// tools produce: standard or URL alphabet, with or without padding, with
// line breaks.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimRight(s, "=")
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return nil, errBadRequestData
}

// decodeJSON parses b into v strictly: one JSON value of v's form, and
// nothing after it.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return errBadRequestData
	}
	if _, err := dec.Token(); err != io.EOF {
		return errBadRequestData
	}
	return nil
}

// parseItemRequest decodes the argument of create item and edit item. A
// JSON null or a non-object is refused.
func parseItemRequest(b []byte) (*itemRequest, error) {
	var req *itemRequest
	if err := decodeJSON(b, &req); err != nil || req == nil {
		return nil, errBadRequestData
	}
	return req, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// newItem is the item a create request describes (bw's CipherExport.toView
// on an empty item).
func (req *itemRequest) newItem() *safe.Item {
	it := &safe.Item{TeamID: deref(req.OrganizationID), CollectionIDs: req.CollectionIDs}
	req.applyTo(it)
	return it
}

// applyTo sets it from req as bw's edit does (CipherExport.toView on the
// item read): the name, notes, folder, favorite and reprompt are always
// taken from req (absent means empty); fields, the password history and the
// part of the item's type only when req has them. The type is kept when req
// has none (bw would send an item without a type, which the server refuses).
// A changed login password goes to the password history, as bw's client
// does on save.
func (req *itemRequest) applyTo(it *safe.Item) {
	if req.Type != nil {
		it.Type = safe.ItemType(*req.Type)
	}
	it.FolderID = deref(req.FolderID)
	it.Name = deref(req.Name)
	it.Notes = deref(req.Notes)
	it.Favorite = deref(req.Favorite)
	it.Reprompt = deref(req.Reprompt) == 1
	if req.Fields != nil {
		it.Fields = nil
		for _, f := range *req.Fields {
			it.Fields = append(it.Fields, safe.Field{Name: deref(f.Name), Value: deref(f.Value),
				Type: safe.FieldType(deref(f.Type)), LinkedID: deref(f.LinkedID)})
		}
	}
	if req.PasswordHistory != nil {
		it.PasswordHistory = nil
		for _, h := range *req.PasswordHistory {
			used, err := time.Parse(time.RFC3339Nano, h.LastUsedDate)
			if err != nil {
				used = time.Now().UTC() // bw: a missing date is now
			}
			it.PasswordHistory = append(it.PasswordHistory, safe.PasswordHistoryEntry{Password: h.Password, LastUsedDate: used})
		}
	}
	if it.Type == 0 {
		it.Type = safe.TypeLogin // bw's default, also for a create without a type
	}
	switch it.Type {
	case safe.TypeLogin:
		if req.Login != nil {
			old := it.Login
			l := &safe.Login{Username: deref(req.Login.Username), Password: deref(req.Login.Password), TOTP: deref(req.Login.TOTP)}
			if req.Login.URIs != nil {
				for _, u := range *req.Login.URIs {
					m := safe.MatchDefault
					if u.Match != nil {
						m = safe.URIMatch(*u.Match + 1)
					}
					l.URIs = append(l.URIs, safe.URI{URI: deref(u.URI), Match: m})
				}
			}
			if old != nil {
				l.PasswordRevisionDate = old.PasswordRevisionDate
				if now := time.Now().UTC(); it.RecordPasswordChange(l.Password, now) {
					l.PasswordRevisionDate = now
				}
			}
			it.Login = l
		} else if it.Login == nil {
			it.Login = &safe.Login{}
		}
	case safe.TypeSecureNote:
		it.SecureNote = &safe.SecureNote{}
	case safe.TypeCard:
		if c := req.Card; c != nil {
			it.Card = &safe.Card{CardholderName: c.CardholderName, Brand: c.Brand, Number: c.Number,
				ExpMonth: c.ExpMonth, ExpYear: c.ExpYear, Code: c.Code}
		}
	case safe.TypeIdentity:
		if p := req.Identity; p != nil {
			it.Identity = &safe.Identity{Title: p.Title, FirstName: p.FirstName, MiddleName: p.MiddleName,
				LastName: p.LastName, Address1: p.Address1, Address2: p.Address2, Address3: p.Address3,
				City: p.City, State: p.State, PostalCode: p.PostalCode, Country: p.Country,
				Company: p.Company, Email: p.Email, Phone: p.Phone, SSN: p.SSN, Username: p.Username,
				PassportNumber: p.PassportNumber, LicenseNumber: p.LicenseNumber}
		}
	case safe.TypeSSHKey:
		if k := req.SSHKey; k != nil {
			it.SSHKey = &safe.SSHKey{PrivateKey: k.PrivateKey, PublicKey: k.PublicKey, KeyFingerprint: k.KeyFingerprint}
		}
	}
}
