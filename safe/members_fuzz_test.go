package safe

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// FuzzMemberAnswers feeds arbitrary answers to the parsers of the member
// list, of one member and of a user's public key: no panic; what they
// accept is the member or user asked for, with an RSA key whose phrase
// has five words; and no error repeats the answer's values (the seeds
// carry "sensitive-" canaries in every string).
func FuzzMemberAnswers(f *testing.F) {
	const (
		memberID = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
		userID   = "a09726a0-9590-49d1-a5f5-afe300b6a515"
	)
	pk, err := vaultcrypto.GeneratePrivateKey()
	if err != nil {
		f.Fatal(err)
	}
	pub, err := pk.Public().Base64()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(`{"object":"list","data":[{"id":"`+memberID+`","userId":"`+userID+`","name":"sensitive-n","email":"sensitive-e","type":2,"status":2,`+
		`"externalId":"sensitive-x","collections":[{"id":"sensitive-c","readOnly":true}],"groups":[]}],"continuationToken":null}`, memberID, userID)
	f.Add(`{"object":"organizationUserDetails","id":"`+memberID+`","userId":null,"type":3,"status":-1,"collections":[]}`, memberID, userID)
	f.Add(`{"object":"userKey","userId":"`+userID+`","publicKey":"`+pub+`"}`, memberID, userID)
	f.Add(`{"userId":"`+userID+`","publicKey":"sensitive-not-base64"}`, memberID, userID)
	f.Add(`{"userId":"`+userID+`","publicKey":"`+base64.StdEncoding.EncodeToString([]byte("sensitive-der"))+`"}`, memberID, userID)
	f.Add(`{"data":[{"id":1}]}`, memberID, userID)
	f.Add(`{"\u212Ad":"x"}`, memberID, userID)
	f.Fuzz(func(t *testing.T, body, memberID, userID string) {
		// The IDs are the caller's and may be named in errors.
		canary := !strings.Contains(memberID+userID, "sensitive-")
		leaks := func(what string, err error) {
			if canary && err != nil && strings.Contains(err.Error(), "sensitive-") {
				t.Fatalf("%s: the error repeats the answer: %v", what, err)
			}
		}
		_, err := parseMembers([]byte(body))
		leaks("parseMembers", err)
		fp, key, err := parsePublicKey([]byte(body), userID)
		leaks("parsePublicKey", err)
		if err != nil {
			return
		}
		if key == nil || fp.UserID != userID || len(fp.Words()) != 5 {
			t.Fatalf("parsePublicKey accepted %+v, key %v", fp, key)
		}
		if _, err := vaultcrypto.ParsePublicKey(fp.PublicKey); err != nil {
			t.Fatalf("the fingerprint's key does not parse: %v", err)
		}
	})
}
