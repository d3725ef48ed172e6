package safe

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/singleflight"

	"github.com/bsafe-go/bsafe/internal/jsonscan"
	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// shared runs fn once for all concurrent callers with the same key
// (singleflight), detached from every caller's context: each caller waits
// only as long as its own ctx allows and then gets its own ctx's error, and
// a caller that leaves does not cancel the work for the others. The work
// keeps the first caller's context values and is bounded by sharedTimeout.
func (c *Client) shared(ctx context.Context, g *singleflight.Group, key string, fn func(context.Context) (any, error)) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("safe: %s: %w", key, err) // start no work for a caller that left
	}
	ch := g.DoChan(key, func() (val any, err error) {
		// DoChan re-raises a panic of fn in a goroutine of its own, where
		// no caller can recover it: the host process would die. Turn it
		// into an error instead. The panic value is never formatted: it
		// may hold a secret (a key, a decrypted field).
		defer func() {
			if recover() != nil {
				c.cfg.logger.ErrorContext(ctx, "safe: internal error in shared work", "work", key)
				val, err = nil, fmt.Errorf("safe: internal error in shared %s", key)
			}
		}()
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.sharedTimeout())
		defer cancel()
		return fn(wctx)
	})
	select {
	case r := <-ch:
		return r.Val, r.Err
	case <-ctx.Done():
		return nil, fmt.Errorf("safe: %s: %w", key, ctx.Err())
	}
}

// sharedTimeout bounds detached shared work (a sync, a token refresh):
// two requests, each with all the attempts and backoffs the retry policy
// allows.
func (c *Client) sharedTimeout() time.Duration {
	perRequest := time.Duration(c.cfg.retry.MaxRetries+1) * (c.cfg.requestTimeout + c.cfg.retry.MaxDelay)
	return 2 * perRequest
}

// decodeSync turns a /api/sync response into a snapshot. The document is
// walked once with a zero-copy scanner, which finds the profile, folders,
// collections and the raw bytes of every cipher. The profile, team keys,
// folders and collections are decoded and decrypted here; the ciphers are
// kept raw, for decryptItems, which the first read that needs the items
// runs. So a sync that only refreshes the sync cache, or a process that
// only writes, never decrypts the whole vault. The snapshot keeps
// sub-slices of body, so body must not be modified afterwards.
func (c *Client) decodeSync(body []byte, s *session) (*vault, error) {
	var profileRaw, foldersRaw, collectionsRaw, udRaw, policiesRaw []byte
	var ciphers [][]byte
	d := jsonscan.NewDecoder(body)
	err := d.Object(func(key []byte) error {
		var err error
		switch {
		case jsonscan.EqualFoldASCII(key, "profile"):
			profileRaw, err = d.Raw()
		case jsonscan.EqualFoldASCII(key, "folders"):
			foldersRaw, err = d.Raw()
		case jsonscan.EqualFoldASCII(key, "collections"):
			collectionsRaw, err = d.Raw()
		case jsonscan.EqualFoldASCII(key, "userDecryption"):
			udRaw, err = d.Raw()
		case jsonscan.EqualFoldASCII(key, "policies"):
			policiesRaw, err = d.Raw()
		case jsonscan.EqualFoldASCII(key, "ciphers"):
			if d.Null() {
				return nil
			}
			err = d.Array(func(int) error {
				raw, err := d.Raw()
				ciphers = append(ciphers, raw)
				return err
			})
		default:
			err = d.Skip()
		}
		return err
	})
	if err == nil {
		err = d.End()
	}
	if err != nil {
		return nil, fmt.Errorf("safe: sync response: %w", err)
	}
	if profileRaw == nil {
		return nil, errors.New("safe: sync response has no profile")
	}
	if err := checkUserDecryption(udRaw, s); err != nil {
		return nil, err
	}
	v := &vault{teamKeys: map[string]*vaultcrypto.SymmetricKey{}}
	if err := c.decodeProfile(v, s, profileRaw); err != nil {
		return nil, err
	}
	decodePolicies(v, policiesRaw)
	if err := decodeFolders(v, s, foldersRaw, c.cfg.lenient); err != nil {
		return nil, err
	}
	if err := decodeCollections(v, collectionsRaw, c.cfg.lenient); err != nil {
		return nil, err
	}

	v.sess, v.ciphers = s, ciphers
	v.decrypting = make(chan struct{}, 1)
	return v, nil
}

// decryptItems decrypts v's ciphers, once: the first caller does the work
// (in parallel, stopping when its ctx ends) and the others wait for it,
// each as long as its own ctx allows. A failure to decrypt (strict mode)
// is kept and returned to every later caller, since the same answer fails
// the same way; a caller's ctx ending is not kept, and the next caller
// starts again. The client's own writes noted meanwhile (pending) are
// applied to the result.
func (c *Client) decryptItems(ctx context.Context, v *vault) error {
	c.mu.Lock()
	ready, err := v.itemsReady, v.itemsErr
	c.mu.Unlock()
	if ready || err != nil {
		return err
	}
	select {
	case v.decrypting <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("safe: decrypting the vault: %w", ctx.Err())
	}
	defer func() { <-v.decrypting }()
	c.mu.Lock()
	ready, err = v.itemsReady, v.itemsErr
	c.mu.Unlock()
	if ready || err != nil {
		return err // another caller finished meanwhile
	}

	ciphers := v.ciphers
	items := make([]*Item, len(ciphers))
	g, gctx := errgroup.WithContext(ctx)
	workers := max(1, c.cfg.decryptWorkers)
	chunk := max(64, (len(ciphers)+workers*4-1)/(workers*4))
	g.SetLimit(workers)
	for start := 0; start < len(ciphers); start += chunk {
		end := min(start+chunk, len(ciphers))
		g.Go(func() error {
			for i := start; i < end; i++ {
				if (i-start)%16 == 0 && gctx.Err() != nil {
					return gctx.Err()
				}
				it, err := c.decryptItem(v, v.sess, ciphers[i])
				if err != nil {
					return err
				}
				items[i] = it
			}
			return nil
		})
	}
	if err = g.Wait(); err != nil && ctx.Err() != nil {
		return fmt.Errorf("safe: decrypting the vault: %w", ctx.Err())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		v.itemsErr = err
		return err
	}
	v.items = make(map[string]*Item, len(items))
	v.order = make([]string, 0, len(items))
	for _, it := range items {
		if _, dup := v.items[it.ID]; !dup {
			v.order = append(v.order, it.ID)
		}
		v.items[it.ID] = it
	}
	v.itemsReady, v.ciphers, v.cipherIndex = true, nil, nil
	v.replay(v.pending)
	v.pending = nil
	return nil
}

// checkUserDecryption refuses the KDF and salt that newer servers send in
// a sync's userDecryption.masterPasswordUnlock when they are out of range,
// or when the salt is not the account's e-mail: the client does not use
// them, but a server that names such parameters is not to be trusted with
// the next login.
func checkUserDecryption(raw []byte, s *session) error {
	if raw == nil {
		return nil
	}
	var ud struct {
		MasterPasswordUnlock *struct {
			Kdf  *kdfSettings `json:"kdf"`
			Salt string       `json:"salt"`
		} `json:"masterPasswordUnlock"`
	}
	if err := unmarshalJSON("sync userDecryption", raw, &ud); err != nil {
		return err
	}
	mpu := ud.MasterPasswordUnlock
	if mpu == nil {
		return nil
	}
	if mpu.Kdf != nil {
		if err := mpu.Kdf.config().Validate(); err != nil {
			return fmt.Errorf("safe: sync: %w", err)
		}
	}
	return checkSalt("sync", mpu.Salt, s.email)
}

type wireProfile struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Email              string `json:"email"`
	Premium            bool   `json:"premium"`
	ForcePasswordReset bool   `json:"forcePasswordReset"`
	Organizations      []struct {
		ID                    string                `json:"id"`
		Name                  string                `json:"name"`
		Key                   vaultcrypto.EncString `json:"key"`
		Status                MemberStatus          `json:"status"`
		Type                  Role                  `json:"type"`
		Enabled               bool                  `json:"enabled"`
		OrganizationUserID    string                `json:"organizationUserId"`
		UseResetPassword      bool                  `json:"useResetPassword"`
		ResetPasswordEnrolled bool                  `json:"resetPasswordEnrolled"`
		HasKeyPair            bool                  `json:"hasPublicAndPrivateKeys"`
		Permissions           struct {
			ManageResetPassword bool `json:"manageResetPassword"`
		} `json:"permissions"`
	} `json:"organizations"`
}

// decodeProfile reads the profile and unwraps the team keys with the
// account's private key.
func (c *Client) decodeProfile(v *vault, s *session, raw []byte) error {
	var p wireProfile
	if err := unmarshalJSON("sync profile", raw, &p); err != nil {
		return err
	}
	v.profile = Profile{ID: p.ID, Name: p.Name, Email: p.Email, Premium: p.Premium, ForcePasswordReset: p.ForcePasswordReset}
	for _, o := range p.Organizations {
		t := &Team{
			ID: o.ID, Name: o.Name, MembershipID: o.OrganizationUserID, Role: o.Type, Status: o.Status,
			Enabled: o.Enabled, UseResetPassword: o.UseResetPassword, ResetPasswordEnrol: o.ResetPasswordEnrolled,
		}
		v.teams = append(v.teams, t)
		v.noteRecovery(o.ID, func(r *teamRecovery) {
			r.hasKeyPair, r.manageResetPassword = o.HasKeyPair, o.Permissions.ManageResetPassword
		})
		if o.Key.IsZero() || s.privateKey == nil {
			continue // invited or accepted, not yet confirmed: no key
		}
		k, err := s.privateKey.UnwrapKey(o.Key)
		if err != nil {
			de := &DecryptError{Kind: "team", ID: o.ID, Field: "key", Err: err}
			if !c.cfg.lenient {
				return de
			}
			t.DecryptErr = de
			if v.teamKeyErrs == nil {
				v.teamKeyErrs = map[string]error{}
			}
			v.teamKeyErrs[o.ID] = de
			continue
		}
		v.teamKeys[o.ID] = k
	}
	return nil
}

// decodeFolders decrypts the folder names; in lenient mode a folder whose
// name fails is kept with DecryptErr.
func decodeFolders(v *vault, s *session, raw []byte, lenient bool) error {
	if raw == nil {
		return nil
	}
	var fs []struct {
		ID           string                `json:"id"`
		Name         vaultcrypto.EncString `json:"name"`
		RevisionDate time.Time             `json:"revisionDate"`
	}
	if err := unmarshalJSON("sync folders", raw, &fs); err != nil {
		return err
	}
	for _, f := range fs {
		folder := &Folder{ID: f.ID, RevisionDate: f.RevisionDate}
		name, err := s.userKey.DecryptString(f.Name)
		if err != nil {
			de := &DecryptError{Kind: "folder", ID: f.ID, Field: "name", Err: err}
			if !lenient {
				return de
			}
			folder.DecryptErr = de
		}
		folder.Name = name
		v.folders = append(v.folders, folder)
	}
	return nil
}

type wireCollection struct {
	ID             string                `json:"id"`
	OrganizationID string                `json:"organizationId"`
	Name           vaultcrypto.EncString `json:"name"`
	ExternalID     string                `json:"externalId"`
	ReadOnly       bool                  `json:"readOnly"`
	HidePasswords  bool                  `json:"hidePasswords"`
	Manage         bool                  `json:"manage"`
}

func (w *wireCollection) decrypt(key *vaultcrypto.SymmetricKey) (*Collection, error) {
	name, err := key.DecryptString(w.Name)
	if err != nil {
		return nil, &DecryptError{Kind: "collection", ID: w.ID, Field: "name", Err: err}
	}
	col := w.view()
	col.Name = name
	return col, nil
}

// view is the collection without its (encrypted) name.
func (w *wireCollection) view() *Collection {
	return &Collection{ID: w.ID, TeamID: w.OrganizationID, ExternalID: w.ExternalID,
		ReadOnly: w.ReadOnly, HidePasswords: w.HidePasswords, Manage: w.Manage}
}

// decodeCollections decrypts the collection names; in lenient mode a
// collection whose name (or team key) fails is kept with DecryptErr.
func decodeCollections(v *vault, raw []byte, lenient bool) error {
	if raw == nil {
		return nil
	}
	var cs []wireCollection
	if err := unmarshalJSON("sync collections", raw, &cs); err != nil {
		return err
	}
	for i := range cs {
		key := v.teamKeys[cs[i].OrganizationID]
		if key == nil {
			if te := v.teamKeyErrs[cs[i].OrganizationID]; te != nil {
				col := cs[i].view()
				col.DecryptErr = &DecryptError{Kind: "collection", ID: cs[i].ID, Field: "name", Err: te}
				v.collections = append(v.collections, col)
			}
			continue // a team whose key we do not hold yet
		}
		col, err := cs[i].decrypt(key)
		if err != nil {
			if !lenient {
				return err
			}
			col = cs[i].view()
			col.DecryptErr = err
		}
		v.collections = append(v.collections, col)
	}
	return nil
}
