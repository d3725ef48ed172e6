package main

import (
	"time"

	"github.com/bsafe-go/bsafe/safe"
)

// itemJSON is bw's item response (CipherResponse) as 2026.9.0 prints it:
// members that are null in bw's view of the item are left out, except
// login.passwordRevisionDate, which bw prints as null; the lists are never
// null. Fido2 credentials and attachments are not modelled by package safe
// and print as empty lists.
type itemJSON struct {
	Type            int            `json:"type"`
	Name            string         `json:"name"`
	Favorite        bool           `json:"favorite"`
	Reprompt        int            `json:"reprompt"`
	ID              string         `json:"id"`
	CollectionIDs   []string       `json:"collectionIds"`
	Object          string         `json:"object"`
	OrganizationID  string         `json:"organizationId,omitempty"`
	FolderID        string         `json:"folderId,omitempty"`
	Notes           string         `json:"notes,omitempty"`
	Fields          []fieldJSON    `json:"fields"`
	Login           *loginJSON     `json:"login,omitempty"`
	SecureNote      *secureNote    `json:"secureNote,omitempty"`
	Card            *cardJSON      `json:"card,omitempty"`
	Identity        *identityJSON  `json:"identity,omitempty"`
	SSHKey          *sshKeyJSON    `json:"sshKey,omitempty"`
	PasswordHistory *[]historyJSON `json:"passwordHistory,omitempty"` // nil: hidden
	CreationDate    string         `json:"creationDate,omitempty"`
	RevisionDate    string         `json:"revisionDate,omitempty"`
	DeletedDate     string         `json:"deletedDate,omitempty"`
	Attachments     []struct{}     `json:"attachments"`
}

// loginJSON is bw's LoginResponse.
type loginJSON struct {
	URIs                 []uriJSON  `json:"uris"`
	Fido2Credentials     []struct{} `json:"fido2Credentials"`
	Username             *string    `json:"username,omitempty"`
	Password             *string    `json:"password,omitempty"`
	TOTP                 *string    `json:"totp,omitempty"`
	PasswordRevisionDate *string    `json:"passwordRevisionDate"`
}

type uriJSON struct {
	URI   *string `json:"uri,omitempty"`
	Match *int    `json:"match,omitempty"`
}

type fieldJSON struct {
	Type     int     `json:"type"`
	Name     *string `json:"name,omitempty"`
	Value    *string `json:"value,omitempty"`
	LinkedID *int    `json:"linkedId,omitempty"`
}

type secureNote struct {
	Type int `json:"type"`
}

type cardJSON struct {
	CardholderName string `json:"cardholderName,omitempty"`
	Brand          string `json:"brand,omitempty"`
	Number         string `json:"number,omitempty"`
	ExpMonth       string `json:"expMonth,omitempty"`
	ExpYear        string `json:"expYear,omitempty"`
	Code           string `json:"code,omitempty"`
}

type identityJSON struct {
	Title          string `json:"title,omitempty"`
	FirstName      string `json:"firstName,omitempty"`
	MiddleName     string `json:"middleName,omitempty"`
	LastName       string `json:"lastName,omitempty"`
	Address1       string `json:"address1,omitempty"`
	Address2       string `json:"address2,omitempty"`
	Address3       string `json:"address3,omitempty"`
	City           string `json:"city,omitempty"`
	State          string `json:"state,omitempty"`
	PostalCode     string `json:"postalCode,omitempty"`
	Country        string `json:"country,omitempty"`
	Company        string `json:"company,omitempty"`
	Email          string `json:"email,omitempty"`
	Phone          string `json:"phone,omitempty"`
	SSN            string `json:"ssn,omitempty"`
	Username       string `json:"username,omitempty"`
	PassportNumber string `json:"passportNumber,omitempty"`
	LicenseNumber  string `json:"licenseNumber,omitempty"`
}

type sshKeyJSON struct {
	PrivateKey     string `json:"privateKey"`
	PublicKey      string `json:"publicKey"`
	KeyFingerprint string `json:"keyFingerprint"`
}

type historyJSON struct {
	LastUsedDate string `json:"lastUsedDate"`
	Password     string `json:"password"`
}

// optString is s as an optional JSON string: safe keeps "" for a null
// member, and bw leaves null members out.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optTime is t in bw's date form, "" (left out) when zero.
func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return isoTime(t)
}

// itemResponse is it in bw's item response shape. Without the right to see
// passwords, bw prints the password, TOTP and hidden fields as null and no
// password history; so does this.
func itemResponse(it *safe.Item) *itemJSON {
	out := &itemJSON{
		Type: int(it.Type), Name: it.Name, Favorite: it.Favorite, ID: it.ID,
		CollectionIDs: append([]string{}, it.CollectionIDs...), Object: "item",
		OrganizationID: it.TeamID, FolderID: it.FolderID, Notes: it.Notes,
		Fields:       []fieldJSON{},
		CreationDate: optTime(it.CreationDate), RevisionDate: optTime(it.RevisionDate),
		DeletedDate: optTime(it.DeletedDate), Attachments: []struct{}{},
	}
	if it.Reprompt {
		out.Reprompt = 1
	}
	hide := !it.ViewPassword
	for _, f := range it.Fields {
		fj := fieldJSON{Type: int(f.Type), Name: optString(f.Name), Value: optString(f.Value)}
		if f.Type == safe.FieldLinked && f.LinkedID != 0 {
			id := f.LinkedID
			fj.LinkedID = &id
		}
		if hide && f.Type == safe.FieldHidden {
			fj.Value = nil
		}
		out.Fields = append(out.Fields, fj)
	}
	switch it.Type {
	case safe.TypeLogin:
		l := it.Login
		if l == nil {
			l = &safe.Login{}
		}
		lj := &loginJSON{URIs: []uriJSON{}, Fido2Credentials: []struct{}{},
			Username: optString(l.Username), Password: optString(l.Password), TOTP: optString(l.TOTP)}
		if !l.PasswordRevisionDate.IsZero() {
			s := isoTime(l.PasswordRevisionDate)
			lj.PasswordRevisionDate = &s
		}
		for _, u := range l.URIs {
			uj := uriJSON{URI: optString(u.URI)}
			if u.Match != safe.MatchDefault {
				m := int(u.Match) - 1 // safe numbers "not set" 0, the wire's 0 as 1
				uj.Match = &m
			}
			lj.URIs = append(lj.URIs, uj)
		}
		if hide {
			lj.Password, lj.TOTP = nil, nil
		}
		out.Login = lj
	case safe.TypeSecureNote:
		out.SecureNote = &secureNote{}
	case safe.TypeCard:
		if c := it.Card; c != nil {
			out.Card = &cardJSON{c.CardholderName, c.Brand, c.Number, c.ExpMonth, c.ExpYear, c.Code}
		} else {
			out.Card = &cardJSON{}
		}
	case safe.TypeIdentity:
		out.Identity = &identityJSON{}
		if id := it.Identity; id != nil {
			*out.Identity = identityJSON{id.Title, id.FirstName, id.MiddleName, id.LastName,
				id.Address1, id.Address2, id.Address3, id.City, id.State, id.PostalCode, id.Country,
				id.Company, id.Email, id.Phone, id.SSN, id.Username, id.PassportNumber, id.LicenseNumber}
		}
	case safe.TypeSSHKey:
		out.SSHKey = &sshKeyJSON{}
		if k := it.SSHKey; k != nil {
			*out.SSHKey = sshKeyJSON{k.PrivateKey, k.PublicKey, k.KeyFingerprint}
		}
	}
	if !hide {
		history := make([]historyJSON, 0, len(it.PasswordHistory))
		for _, h := range it.PasswordHistory {
			history = append(history, historyJSON{isoTime(h.LastUsedDate), h.Password})
		}
		out.PasswordHistory = &history
	}
	return out
}
