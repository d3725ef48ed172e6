package vaultcrypto

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"testing"
)

func rsaTestKey(t *testing.T) *PrivateKey {
	t.Helper()
	blk, _ := pem.Decode([]byte(vec(t, "rsa_private_key_pem")))
	if blk == nil {
		t.Fatal("bad PEM in testdata")
	}
	pk, err := ParsePrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return pk
}

func TestRSAVectors(t *testing.T) {
	t.Parallel()
	pk := rsaTestKey(t)
	// 7.4: the public key extracted from the private key.
	pub, err := pk.Public().Base64()
	if err != nil || pub != vec(t, "rsa_public_key") {
		t.Errorf("public key = %.40s…, %v", pub, err)
	}
	// 7.4.1 (clients spec rsaDecrypt): raw OAEP-SHA1.
	pt, err := pk.Decrypt(EncString{typ: Rsa2048OaepSha1B64, data: unb64(t, vec(t, "rsa_oaep_sha1_raw"))})
	if err != nil || string(pt) != "EncryptMe!" {
		t.Errorf("OAEP-SHA1 = %q, %v", pt, err)
	}
	// 7.4.2 (SDK asymmetric.rs): types 3, 4 and 6 decapsulate the same key.
	want := "fSfkd76R0EZKfOLOPlTkjzll9Et5qRCs0DMMv5O/56n6SWhLgTwe7DOrufLppwxRXUnAY+1D7jsmVG8wO5JdhA=="
	for _, s := range []string{vec(t, "rsa_type3"), vec(t, "rsa_type4"), "6." + vec(t, "rsa_type4")[2:] + "|AA==", "5." + vec(t, "rsa_type3")[2:] + "|AA=="} {
		k, err := pk.UnwrapKey(mustParse(t, s))
		if err != nil {
			t.Errorf("type %c: %v", s[0], err)
			continue
		}
		if got := b64(k.Bytes()); got != want {
			t.Errorf("type %c: key %s, want %s", s[0], got, want)
		}
	}
	// OAEP hash must match the type: type 3 body under type 4 fails.
	if _, err := pk.Decrypt(mustParse(t, "4."+vec(t, "rsa_type3")[2:])); !errors.Is(err, ErrDecrypt) {
		t.Errorf("type 3 body as type 4: %v", err)
	}
	// Symmetric strings are not for RSA keys.
	if _, err := pk.Decrypt(mustParse(t, vec(t, "test_user_key_enc"))); !errors.Is(err, ErrWrongKeyType) {
		t.Errorf("type 2 with RSA key: %v", err)
	}
	// And RSA strings are not for symmetric keys.
	if _, err := mustSymKey(t, seq(0, 64)).Decrypt(mustParse(t, vec(t, "rsa_type4"))); !errors.Is(err, ErrWrongKeyType) {
		t.Errorf("type 4 with symmetric key: %v", err)
	}
}

func TestRSARoundTrip(t *testing.T) {
	t.Parallel()
	pk, err := GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	if pk.k.N.BitLen() != RSAKeyBits {
		t.Errorf("generated %d-bit key", pk.k.N.BitLen())
	}
	der, err := pk.PKCS8()
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParsePrivateKey(der)
	if err != nil {
		t.Fatal(err)
	}
	spki, _ := pk.Public().SPKI()
	pub, err := ParsePublicKey(spki)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := GenerateSymmetricKey()
	w, err := pub.WrapKey(k)
	if err != nil {
		t.Fatal(err)
	}
	if w.Type() != Rsa2048OaepSha1B64 || len(w.String()) != 2+344 {
		t.Errorf("wrapped key: type %d, %d chars", w.Type(), len(w.String()))
	}
	got, err := again.UnwrapKey(mustParse(t, w.String()))
	if err != nil || !got.Equal(k) {
		t.Errorf("unwrap: %v", err)
	}
	// The private key wrapped under a symmetric key round-trips too.
	uk, _ := GenerateSymmetricKey()
	wp, err := uk.WrapPrivateKey(pk)
	if err != nil {
		t.Fatal(err)
	}
	pk2, err := uk.UnwrapPrivateKey(wp)
	if err != nil || !pk2.k.Equal(pk.k) {
		t.Errorf("UnwrapPrivateKey: %v", err)
	}
	for _, bad := range [][]byte{nil, []byte("not DER"), spki} {
		if _, err := ParsePrivateKey(bad); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("ParsePrivateKey(bad): %v", err)
		}
	}
	for _, bad := range []string{"", "!!!", "AAAA"} {
		if _, err := ParsePublicKeyBase64(bad); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("ParsePublicKeyBase64(%q): %v", bad, err)
		}
	}
}

// TestTestAccount walks the whole key hierarchy of test@bitwarden.com
// (crypto.md 7.5), from the password down to a collection name, and then
// does the account-recovery exercise.
func TestTestAccount(t *testing.T) {
	t.Parallel()
	m, err := DeriveMasterKey("asdfasdfasdf", "test@bitwarden.com", DefaultPBKDF2)
	if err != nil {
		t.Fatal(err)
	}
	userKey, err := m.UnwrapUserKey(mustParse(t, vec(t, "test_user_key_enc")))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b64(userKey.Bytes()), "bYCsk857hl8QJJtxyRK65tjUrbxKC4aDifJpsml+NIv4W9cVgFvi3qVD+yJTUU2T4UwNKWYtt9pqWf7Q+2WCCg=="; got != want {
		t.Errorf("user key = %s, want %s", got, want)
	}
	// A wrong password fails the MAC.
	wrong, _ := DeriveMasterKey("asdfasdfasdg", "test@bitwarden.com", DefaultPBKDF2)
	if _, err := wrong.UnwrapUserKey(mustParse(t, vec(t, "test_user_key_enc"))); !errors.Is(err, ErrMAC) {
		t.Errorf("wrong password: %v, want ErrMAC", err)
	}

	priv, err := userKey.UnwrapPrivateKey(mustParse(t, vec(t, "test_private_key_enc")))
	if err != nil {
		t.Fatal(err)
	}
	der, _ := priv.PKCS8()
	if len(der) != 1219 {
		t.Errorf("PKCS#8 is %d bytes, want 1219", len(der))
	}
	if sum := sha256.Sum256(der); hex.EncodeToString(sum[:]) != "40e0760c94f066359c5d664c162a12765db8a25d57fe928da4a2f290c67ff8d4" {
		t.Errorf("PKCS#8 SHA-256 = %x", sum)
	}
	if pub, _ := priv.Public().Base64(); pub != vec(t, "test_public_key") {
		t.Errorf("public key does not match PublicKey")
	}

	orgKey, err := priv.UnwrapKey(mustParse(t, vec(t, "test_org_key_enc")))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b64(orgKey.Bytes()), "Suevr+OFaGpv34STcpCt0xG7djBQmLxfjW28+5oyHDYLLKNQmMFIoR41FCVFurEkW/EdrJmZ9gjJjz1uN6egRg=="; got != want {
		t.Errorf("org key = %s, want %s", got, want)
	}
	orgPriv, err := orgKey.UnwrapPrivateKey(mustParse(t, vec(t, "test_org_private_key_enc")))
	if err != nil {
		t.Fatal(err)
	}
	if pub, _ := orgPriv.Public().Base64(); pub != vec(t, "test_org_public_key") {
		t.Errorf("org public key does not match")
	}
	name, err := orgKey.DecryptString(mustParse(t, vec(t, "test_collection_name")))
	if err != nil || name != "Default collection" {
		t.Errorf("collection name = %q, %v", name, err)
	}
	// The collection name is under the org key, not the user key.
	if _, err := userKey.DecryptString(mustParse(t, vec(t, "test_collection_name"))); !errors.Is(err, ErrMAC) {
		t.Errorf("collection name under user key: %v", err)
	}

	// Account recovery (crypto.md 7.5 exercise, 5.2): enroll the user key
	// to the org public key, recover it with the org private key, and
	// re-wrap it under a new password's master key.
	orgPub, err := ParsePublicKeyBase64(vec(t, "test_org_public_key"))
	if err != nil {
		t.Fatal(err)
	}
	resetPasswordKey, err := orgPub.WrapKey(userKey)
	if err != nil {
		t.Fatal(err)
	}
	recovered, err := orgPriv.UnwrapKey(mustParse(t, resetPasswordKey.String()))
	if err != nil || !recovered.Equal(userKey) {
		t.Fatalf("recover user key: %v", err)
	}
	newMaster, err := DeriveMasterKey("a new password", " Test@Bitwarden.com", KDFConfig{Type: PBKDF2SHA256, Iterations: 5000})
	if err != nil {
		t.Fatal(err)
	}
	newKey, err := newMaster.WrapUserKey(recovered)
	if err != nil {
		t.Fatal(err)
	}
	unlocked, err := newMaster.UnwrapUserKey(mustParse(t, newKey.String()))
	if err != nil || !unlocked.Equal(userKey) {
		t.Errorf("unlock after reset: %v", err)
	}
	if name, err := unlocked.UnwrapPrivateKey(mustParse(t, vec(t, "test_private_key_enc"))); err != nil {
		t.Errorf("private key after reset: %v %v", name, err)
	}
}

// TestLegacyAccount: legacy@bitwarden.com has its user key as a type 0
// string under the unstretched master key (crypto.md 7.6).
func TestLegacyAccount(t *testing.T) {
	t.Parallel()
	m, err := DeriveMasterKey("asdfasdfasdf", "legacy@bitwarden.com", DefaultPBKDF2)
	if err != nil {
		t.Fatal(err)
	}
	uk, err := m.UnwrapUserKey(mustParse(t, vec(t, "legacy_user_key_enc")))
	if err != nil {
		t.Fatal(err)
	}
	raw := uk.Bytes()
	if got := hex.EncodeToString(raw[:32]); got != "0c5f97cb2504ec4389615a3a067ff21cd1a87d1d7618d52c75ca027384a57d94" {
		t.Errorf("enc = %s", got)
	}
	if got := hex.EncodeToString(raw[32:]); got != "bad7ea8918a9e31dda39b4ed495bbd33fd1a1134e204864bc2d0b28580e08ca7" {
		t.Errorf("mac = %s", got)
	}
	priv, err := uk.UnwrapPrivateKey(mustParse(t, vec(t, "legacy_private_key_enc")))
	if err != nil {
		t.Fatal(err)
	}
	if pub, _ := priv.Public().Base64(); pub != vec(t, "legacy_public_key") {
		t.Error("legacy public key does not match")
	}

	// Second type 0 case (SDK master_key.rs test_decrypt_cbc256).
	m2 := mustMasterKey(t, unb64(t, "hvBMMb1t79YssFZkpetYsM3deyVuQv4r88Uj9gvYe08="))
	uk2, err := m2.UnwrapUserKey(mustParse(t, "0.tn/heK4HLbbEe+yEkC+kvw==|8QM94f7aVTtjm/bmvRdVxOxiLiiZtHYYO7+oBdjFCkilncesx0iVrXPl+tMKqW+Jo7+FtZdPNsTrL6RdoG7i5QbCRVwK+9010+xm7MTQY8s="))
	if err != nil {
		t.Fatal(err)
	}
	raw = uk2.Bytes()
	if hex.EncodeToString(raw) != "74aabb2b50d4c1caeab5394297f93b2f46103904aa4e55f198e85b390957d1f5"+"28f56a8c02e18ad562df5ca887d016c21f15b2fccbc623ae35dafe97eb390762" {
		t.Errorf("user key = %x", raw)
	}
}

// TestVaultItemVectors decrypts the SDK's vault items with the 100 000
// iteration state of the test account, including a per-item key and
// attachments (crypto.md 7.7).
func TestVaultItemVectors(t *testing.T) {
	t.Parallel()
	m, err := DeriveMasterKey("asdfasdfasdf", "test@bitwarden.com", KDFConfig{Type: PBKDF2SHA256, Iterations: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	uk, err := m.UnwrapUserKey(mustParse(t, vec(t, "v100k_user_key_enc")))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b64(uk.Bytes()), "w2LO+nwV4oxwswVYCxlOfRUseXfvU03VzvKQHrqeklPgiMZrspUe6sOBToCnDn9Ay0tuCBn8ykVVRb7PWhub2Q=="; got != want {
		t.Fatalf("user key = %s, want %s", got, want)
	}
	for enc, want := range map[string]string{
		"2.d3rzo0P8rxV9Hs1m1BmAjw==|JOwna6i0zs+K7ZghwrZRuw==|SJqKreLag1ID+g6H1OdmQr0T5zTrVWKzD6hGy3fDqB0=":                                         "My test login",
		"2.EBNGgnaMHeO/kYnI3A0jiA==|9YXlrgABP71ebZ5umurCJQ==|GDk5jxiqTYaU7e2AStCFGX+a1kgCIk8j0NEli7Jn0L4=":                                         "test_username",
		"2.M7ZJ7EuFDXCq66gDTIyRIg==|B1V+jroo6+m/dpHx6g8DxA==|PIXPBCwyJ1ady36a7jbcLg346pm/7N/06W4UZxc1TUo=":                                         "test_password",
		"2.hqdioUAc81FsKQmO1XuLQg==|oDRdsJrQjoFu9NrFVy8tcJBAFKBx95gHaXZnWdXbKpsxWnOr2sKipIG43pKKUFuq|3gKZMiboceIB5SLVOULKg2iuyu6xzos22dfJbvx0EHk=": "DKWOW4PCP3MYFWLN53BLYAMYQEQJU4MJ",
	} {
		if got, err := uk.DecryptString(mustParse(t, enc)); err != nil || got != want {
			t.Errorf("field = %q, %v; want %q", got, err, want)
		}
	}

	// Per-item key: the cipher name is under the cipher key, and fails the
	// MAC under the user key.
	cipherKey, err := uk.UnwrapKey(mustParse(t, vec(t, "cipher_key_enc")))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b64(cipherKey.Bytes()), "CjIDXmWcYqXEYz6/RqRsf/+FPzit85klntsgkBygGHqK4K31Q8W2DeyjJjhJayyMmUWCCXuWYU2/R4zJkEqkjw=="; got != want {
		t.Errorf("cipher key = %s, want %s", got, want)
	}
	name := mustParse(t, vec(t, "cipher_name_enc"))
	if got, err := cipherKey.DecryptString(name); err != nil || got != "Bruce Wayne" {
		t.Errorf("cipher name = %q, %v", got, err)
	}
	if _, err := uk.DecryptString(name); !errors.Is(err, ErrMAC) {
		t.Errorf("cipher name under the user key: %v, want ErrMAC", err)
	}

	// Attachment key under the cipher key, and the binary file under it.
	attKey, err := cipherKey.UnwrapKey(mustParse(t, vec(t, "attachment_key_enc")))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b64(attKey.Bytes()), "62xEeYgG+asG+mPAvVGWRJawgX6VSdPRBqUMO/b24LbGiXuBX36g8EOj0RzybXG2SYBzvZtYXS19D+FDxn6S2w=="; got != want {
		t.Errorf("attachment key = %s, want %s", got, want)
	}
	wantFile := unb64(t, vec(t, "attachment_plain"))
	if got, err := attKey.DecryptBuffer(unb64(t, vec(t, "attachment_file"))); err != nil || !bytes.Equal(got, wantFile) {
		t.Errorf("attachment = %x, %v", got, err)
	}
	// Legacy attachment with no key: directly under the user key.
	if got, err := uk.DecryptBuffer(unb64(t, vec(t, "attachment_file_legacy"))); err != nil || !bytes.Equal(got, wantFile) {
		t.Errorf("legacy attachment = %x, %v", got, err)
	}
	// test_encrypt_attachment: 100 bytes encrypt to 161.
	buf, err := attKey.EncryptBuffer(make([]byte, 100))
	if err != nil || len(buf) != 161 {
		t.Errorf("encrypted 100-byte file is %d bytes, %v; want 161", len(buf), err)
	}
	if got, err := attKey.DecryptBuffer(buf); err != nil || !bytes.Equal(got, make([]byte, 100)) {
		t.Errorf("attachment round trip: %v", err)
	}
}

func TestTerraformUserKey(t *testing.T) {
	t.Parallel()
	// 7.8 (terraform-provider-bitwarden encryption_test.go)
	m := mustMasterKey(t, unb64(t, "hBKIbo+rT8Yy22BXGsAkbDSYvZ6x+4NAiovYlfuxyIM="))
	uk, err := m.UnwrapUserKey(mustParse(t, vec(t, "tf_user_key_enc")))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b64(uk.Bytes()), "KMlbBD455mKScW+BtOZ0W26jIi9/gzv8B2WZMLnREy3j6IWlnJ0JyiTrYJcfGybu1du95bbQJ9A1RcwWnUyX0Q=="; got != want {
		t.Errorf("user key = %s, want %s", got, want)
	}
}
