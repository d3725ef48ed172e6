package safe

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// Fingerprint is what lets a person check, before a member is confirmed,
// that the public key the server gave for the member is the member's own:
// the team key is wrapped to that key, and a server that handed out its
// own key could read the team's items. The member reads the same phrase
// in their client (the web vault's account settings, or
// "bw get fingerprint me").
type Fingerprint struct {
	// UserID is the member's user (account) ID, the fingerprint's
	// material; not the membership ID.
	UserID string
	// PublicKey is the member's public key as the server sent it: RSA,
	// X.509 SubjectPublicKeyInfo DER.
	PublicKey []byte
}

// Phrase returns the fingerprint phrase Bitwarden clients show for the
// account: five words of the EFF large word list joined by hyphens, such
// as "turban-deftly-anime-chatroom-unselfish". It is derived as the
// official clients derive it (HKDF-SHA256 over the SHA-256 of the public
// key, with the user ID as info; see Digest), so it is the phrase the
// member sees.
func (f Fingerprint) Phrase() string {
	p, err := vaultcrypto.FingerprintPhrase(f.UserID, f.PublicKey)
	if err != nil {
		return "" // only a damaged build's word list: never matches a phrase
	}
	return p
}

// Words returns the five words of the phrase. Four words of the list have
// a hyphen of their own ("t-shirt"): split a phrase with Words, not at its
// hyphens.
func (f Fingerprint) Words() []string {
	w, err := vaultcrypto.FingerprintWords(f.UserID, f.PublicKey)
	if err != nil {
		return nil
	}
	return w
}

// Digest returns the 32 bytes the phrase is made of: HKDF-Expand with
// SHA-256, the SHA-256 of PublicKey as the key and UserID as info.
func (f Fingerprint) Digest() []byte {
	d, err := vaultcrypto.FingerprintDigest(f.UserID, f.PublicKey)
	if err != nil {
		return nil
	}
	return d
}

// String returns the phrase.
func (f Fingerprint) String() string { return f.Phrase() }

// Confirm confirms a member who accepted the invitation: it fetches the
// member's public key (GET /users/{userId}/public-key), lets check judge
// it, wraps the team key to it (RSA-OAEP, type 4) and sends it, after
// which the member can decrypt the team's items.
//
// check receives the fingerprint of the key; an error from it ends
// Confirm with that error (wrapped), and no confirmation is sent. A nil check
// accepts the key the server gave: trust on first use, the server being
// trusted not to substitute a key of its own. Compare Phrase with the
// phrase the member reads out to do better.
//
// A member who has not accepted (invited), or is confirmed or revoked
// already, is an error matching ErrNotAccepted, and no confirmation is sent; an
// unknown member matches ErrNotFound. A confirmation whose answer was lost
// is repeated; a repeat the server refuses because the member is now
// confirmed succeeded.
func (s *MembersService) Confirm(ctx context.Context, teamID, memberID string, check func(Fingerprint) error) error {
	if err := validID(teamID, memberID); err != nil {
		return err
	}
	teamKey, err := s.c.teamKey(ctx, teamID)
	if err != nil {
		return err
	}
	m, err := s.state(ctx, teamID, memberID)
	if err != nil {
		return err
	}
	if err := notAccepted(memberID)(m); err != nil {
		return err
	}
	fp, pub, err := s.publicKey(ctx, m.UserID)
	if err != nil {
		return fmt.Errorf("safe: confirm member %s: %w", memberID, err)
	}
	if check != nil {
		if err := check(fp); err != nil {
			return fmt.Errorf("safe: confirm member %s: the fingerprint check refused the key: %w", memberID, err)
		}
	}
	wrapped, err := pub.WrapKey(teamKey)
	if err != nil {
		return err
	}
	r := s.memberReq(http.MethodPost, teamID, memberID, "/confirm", map[string]string{"key": wrapped.String()})
	// Repeatable: a repeat of an applied confirmation is refused (the
	// member is no longer accepted), and settle reads it as done.
	r.retry = retryReplay
	_, err = s.c.send(ctx, r)
	return s.settle(ctx, teamID, memberID, err, func(m *Member) bool { return m != nil && m.Status == StatusConfirmed }, notAccepted(memberID))
}

// notAccepted returns the check that a member can be confirmed.
func notAccepted(memberID string) func(*Member) error {
	return func(m *Member) error {
		if m.Status != StatusAccepted || m.UserID == "" {
			return fmt.Errorf("%w: member %s is %s", ErrNotAccepted, memberID, m.Status)
		}
		return nil
	}
}

// publicKey reads a user's public key, which any logged-in user may.
func (s *MembersService) publicKey(ctx context.Context, userID string) (Fingerprint, *vaultcrypto.PublicKey, error) {
	if err := validID(userID); err != nil {
		return Fingerprint{}, nil, fmt.Errorf("the member's user ID: %w", err)
	}
	path := "/users/" + userID + "/public-key"
	body, err := s.c.send(ctx, apiRequest{method: http.MethodGet, url: s.c.apiURL + path, path: "/api" + path, auth: true, maxBody: maxSmallBody})
	if err != nil {
		return Fingerprint{}, nil, err
	}
	return parsePublicKey(body, userID)
}

// parsePublicKey reads the answer of GET /users/{userID}/public-key, which
// must be that user's RSA key.
func parsePublicKey(body []byte, userID string) (Fingerprint, *vaultcrypto.PublicKey, error) {
	var k struct {
		UserID    string `json:"userId"`
		PublicKey string `json:"publicKey"`
	}
	if err := unmarshalJSON("public key", body, &k); err != nil {
		return Fingerprint{}, nil, err
	}
	if !strings.EqualFold(k.UserID, userID) {
		return Fingerprint{}, nil, fmt.Errorf("safe: the server answered the public key of another user for user %s", userID)
	}
	der, err := base64.StdEncoding.DecodeString(k.PublicKey)
	if err != nil {
		return Fingerprint{}, nil, fmt.Errorf("safe: the user's public key is not base64")
	}
	pub, err := vaultcrypto.ParsePublicKey(der)
	if err != nil {
		return Fingerprint{}, nil, fmt.Errorf("safe: the user's public key: %w", err)
	}
	return Fingerprint{UserID: userID, PublicKey: der}, pub, nil
}
