package vaultcrypto

import (
	"context"
	"encoding/hex"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func TestDeriveMasterKeyVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, password, email string
		kdf                   KDFConfig
		wantHex, wantB64      string
	}{
		// crypto.md 7.1.1 (SDK test_master_key_derive_pbkdf2)
		{"sdk pbkdf2", "67t9b5g67$%Dh89n", "test_key", KDFConfig{Type: PBKDF2SHA256, Iterations: 10_000},
			"1f4f68e29647b15ac250acd1118184518aa745a7fe95021b27c5402a16c3564b", ""},
		// 7.1.2 (SDK test_master_key_derive_argon2)
		{"sdk argon2id", "67t9b5g67$%Dh89n", "test_key", KDFConfig{Type: Argon2id, Iterations: 4, Memory: 32, Parallelism: 2},
			"cff0e1b1a213a34c626ab3afe00911f01493ed2ff6968db83ee183f23335e1f2", ""},
		// 7.1.6 (SDK test_derive_key_connector)
		{"test account", "asdfasdfasdf", "test@bitwarden.com", DefaultPBKDF2,
			"c925ead5154b284695d5ea1013fba2f5a14a22f5d397d3c05f0a753258df179d", "ySXq1RVLKEaV1eoQE/ui9aFKIvXTl9PAXwp1MljfF50="},
		// 7.1.7 (clients web-crypto-function.service.spec.ts): raw UTF-8, no normalisation
		{"clients ascii", "password", "user@example.com", KDFConfig{Type: PBKDF2SHA256, Iterations: 5000},
			"", "pj9prw/OHPleXI6bRdmlaD+saJS4awrMiQsQiDjeu2I="},
		{"clients unicode", "pǻssword", "üser@example.com", KDFConfig{Type: PBKDF2SHA256, Iterations: 5000},
			"", "yqvoFXgMRmHR3QPYr5pyR4uVuoHkltv9aHUP63p8n7I="},
		{"clients emoji", "😀password🙏", "user@example.com", KDFConfig{Type: PBKDF2SHA256, Iterations: 5000},
			"", "ZdeOata6xoRpB4DLp8zHhXz5kLmkWtX5pd+TdRH8w8w="},
		// 7.1.8 (terraform-provider-bitwarden prelogin_key_test.go)
		{"tf argon2id", "test1234", "somesalt", KDFConfig{Type: Argon2id, Iterations: 3, Memory: 64, Parallelism: 4},
			"", "CAgX8/OUnQXSAzipUdqaQ9CFCflNf2lowXvfbpzNmXU="},
		// 7.1.9 (DERIVED in crypto.md with independent code)
		{"argon2id t6 m32 p4", "asdfasdfasdf", "test@bitwarden.com", KDFConfig{Type: Argon2id, Iterations: 6, Memory: 32, Parallelism: 4},
			"", "YONjg1tTkYIvw3a1k1JAQyDLBgLUJSA3kywIcZP6kBM="},
		{"argon2id defaults", "asdfasdfasdf", "test@bitwarden.com", DefaultArgon2id,
			"", "mCayAjo5jM6hDRPbBOJ+IIVXuBgLszV7EjdOQuLilj0="},
		// 7.7 (DERIVED): the 100 000-iteration state of the test account
		{"test account 100k", "asdfasdfasdf", "test@bitwarden.com", KDFConfig{Type: PBKDF2SHA256, Iterations: 100_000},
			"", "AbZOOmvuwDjiEyM3tL3U5n4/8Jt7zQ8zi0TogSxUZlw="},
		// 7.6 (DERIVED): the legacy account
		{"legacy account", "asdfasdfasdf", "legacy@bitwarden.com", DefaultPBKDF2,
			"", "xOav9vsIY8RgyVIRDWhbAr6Z70Imcy9Qpkxofv/+Fmo="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := DeriveMasterKey(tt.password, tt.email, tt.kdf)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantHex != "" {
				if got := hex.EncodeToString(m.k.b[:]); got != tt.wantHex {
					t.Errorf("master key = %s, want %s", got, tt.wantHex)
				}
			}
			if tt.wantB64 != "" {
				if got := b64(m.k.b[:]); got != tt.wantB64 {
					t.Errorf("master key = %s, want %s", got, tt.wantB64)
				}
			}
		})
	}
}

func TestMasterPasswordHashVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, password, email string
		kdf                   KDFConfig
		purpose               HashPurpose
		want                  string
	}{
		// 7.1.3: trim + lowercase give one hash for all three spellings
		{"pbkdf2 lower", "asdfasdf", "test@bitwarden.com", KDFConfig{Type: PBKDF2SHA256, Iterations: 100_000}, ServerAuthorization, "wmyadRMyBZOH7P/a/ucTCbSghKgdzDpPqUnu/DAVtSw="},
		{"pbkdf2 upper", "asdfasdf", "TEST@bitwarden.com", KDFConfig{Type: PBKDF2SHA256, Iterations: 100_000}, ServerAuthorization, "wmyadRMyBZOH7P/a/ucTCbSghKgdzDpPqUnu/DAVtSw="},
		{"pbkdf2 space", "asdfasdf", " test@bitwarden.com", KDFConfig{Type: PBKDF2SHA256, Iterations: 100_000}, ServerAuthorization, "wmyadRMyBZOH7P/a/ucTCbSghKgdzDpPqUnu/DAVtSw="},
		// 7.1.4
		{"argon2id", "asdfasdf", "test_salt", KDFConfig{Type: Argon2id, Iterations: 4, Memory: 32, Parallelism: 2}, ServerAuthorization, "PR6UjYmjmppTYcdyTiNbAhPJuQQOmynKbdEl1oyi/iQ="},
		// 7.1.5 (masterPasswordAuthenticationHash is the server hash)
		{"authentication hash", "test_password", "test@example.com", DefaultPBKDF2, ServerAuthorization, "Lyry95vlXEJ5FE0EXjeR9zgcsFSU0qGhP9l5X2jwE38="},
		// 7.5 and 7.7 (DERIVED)
		{"test account server", "asdfasdfasdf", "test@bitwarden.com", DefaultPBKDF2, ServerAuthorization, "8HT+qrqqhBaGEIHp9mwuv1ivoW9r6yaauAkOCYbe+SM="},
		{"test account local", "asdfasdfasdf", "test@bitwarden.com", DefaultPBKDF2, LocalAuthorization, "aOvkBXFhSdgrBWR3hZCMRoML9+h5yRblU3lFphCdkeA="},
		{"test account 100k", "asdfasdfasdf", "test@bitwarden.com", KDFConfig{Type: PBKDF2SHA256, Iterations: 100_000}, ServerAuthorization, "yduyQOY5Nzx7iJogsZgZv/d2lmhZoCehG/BiwqOvlQ0="},
		{"legacy account", "asdfasdfasdf", "legacy@bitwarden.com", DefaultPBKDF2, ServerAuthorization, "RxNOwY9LXNRPofa17ffTQjLWDk8tOWrOfIMwqNHhxo8="},
		// 7.1.9 (DERIVED)
		{"argon2id t6 server", "asdfasdfasdf", "test@bitwarden.com", KDFConfig{Type: Argon2id, Iterations: 6, Memory: 32, Parallelism: 4}, ServerAuthorization, "2t+k4VnGvB+1sETQa0va0kbCzIV0xhGk/idIQW/tY8M="},
		{"argon2id t6 local", "asdfasdfasdf", "test@bitwarden.com", KDFConfig{Type: Argon2id, Iterations: 6, Memory: 32, Parallelism: 4}, LocalAuthorization, "dHPh5TZXxmrs0BF53B4j6C8cUgUiBfjIOGizUJWVbH0="},
		{"argon2id defaults", "asdfasdfasdf", "test@bitwarden.com", DefaultArgon2id, ServerAuthorization, "0UxDVLCruT75iJoCSuqfCxNaPPGDt5wyVRIjdYVSHP0="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := DeriveMasterKey(tt.password, tt.email, tt.kdf)
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.Hash(tt.password, tt.purpose)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("hash = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestTerraformHashVector(t *testing.T) {
	t.Parallel()
	// 7.1.8: key = PBKDF2("password", "salt", 100000); HashPassword("somepassword", key)
	m, err := DeriveMasterKey("password", "salt", KDFConfig{Type: PBKDF2SHA256, Iterations: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Hash("somepassword", ServerAuthorization)
	if err != nil {
		t.Fatal(err)
	}
	if want := "F0/RWOCogHqaZ17uC/aFv0XgDMUAAkAhQR99wbQQL2I="; got != want {
		t.Errorf("hash = %s, want %s", got, want)
	}
}

func TestHashUnknownPurpose(t *testing.T) {
	t.Parallel()
	m := mustMasterKey(t, seq(0, 32))
	for _, p := range []HashPurpose{0, 3, -1} {
		if _, err := m.Hash("pw", p); err == nil {
			t.Errorf("Hash(purpose %d) succeeded", p)
		}
	}
}

func TestKDFLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kdf   KDFConfig
		param string // "" means valid
	}{
		{KDFConfig{Type: PBKDF2SHA256, Iterations: 5000}, ""},
		{KDFConfig{Type: PBKDF2SHA256, Iterations: 4999}, "iterations"},
		{KDFConfig{Type: PBKDF2SHA256, Iterations: 0}, "iterations"},
		{KDFConfig{Type: PBKDF2SHA256, Iterations: -1}, "iterations"},
		{KDFConfig{Type: PBKDF2SHA256, Iterations: 2_000_000}, ""},
		{KDFConfig{Type: PBKDF2SHA256, Iterations: 2_000_001}, "iterations"},
		{KDFConfig{Type: Argon2id, Iterations: 2, Memory: 16, Parallelism: 1}, ""},
		{KDFConfig{Type: Argon2id, Iterations: 1, Memory: 64, Parallelism: 4}, "iterations"},
		{KDFConfig{Type: Argon2id, Iterations: 3, Memory: 15, Parallelism: 4}, "memory"},
		{KDFConfig{Type: Argon2id, Iterations: 3, Memory: 0, Parallelism: 4}, "memory"},
		{KDFConfig{Type: Argon2id, Iterations: 3, Memory: 64, Parallelism: 0}, "parallelism"}, // x/crypto would panic
		{KDFConfig{Type: Argon2id, Iterations: 3, Memory: 64, Parallelism: -3}, "parallelism"},
		{KDFConfig{Type: Argon2id, Iterations: 3, Memory: 64, Parallelism: 256}, "parallelism"}, // would wrap in uint8
		{KDFConfig{Type: Argon2id, Iterations: 3, Memory: 1 << 40, Parallelism: 4}, "memory"},
		{KDFConfig{Type: Argon2id, Iterations: 11, Memory: 64, Parallelism: 4}, "iterations"},
	}
	for _, tt := range tests {
		err := tt.kdf.Validate()
		if tt.param == "" {
			if err != nil {
				t.Errorf("%+v: unexpected error %v", tt.kdf, err)
			}
			continue
		}
		var ke *KDFError
		if !errors.As(err, &ke) || !errors.Is(err, ErrWeakKDF) {
			t.Errorf("%+v: error %v, want a *KDFError matching ErrWeakKDF", tt.kdf, err)
			continue
		}
		if ke.Param != tt.param {
			t.Errorf("%+v: Param = %q, want %q", tt.kdf, ke.Param, tt.param)
		}
		// DeriveMasterKey must refuse it before running the KDF (a hostile
		// server's parameters must never reach x/crypto).
		if m, err := DeriveMasterKey("pw", "a@b.c", tt.kdf); m != nil || !errors.Is(err, ErrWeakKDF) {
			t.Errorf("%+v: DeriveMasterKey = %v, %v; want refusal", tt.kdf, m, err)
		}
	}
	if err := (KDFConfig{Type: 2, Iterations: 600000}).Validate(); !errors.Is(err, ErrWeakKDF) {
		t.Errorf("unknown KDF type: err = %v", err)
	}
}

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"test@bitwarden.com":           "test@bitwarden.com",
		" TEST@Bitwarden.com\t\n":      "test@bitwarden.com",
		"\uFEFFuser@example.com\u00a0": "user@example.com",
		"Üser@Example.com":             "üser@example.com",
	} {
		if got := NormalizeEmail(in); got != want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStretchVectors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, master, enc, mac string }{
		// 7.2.1 (SDK test_stretch_kdf_key): the master key of 7.1.1
		{"sdk", "1f4f68e29647b15ac250acd1118184518aa745a7fe95021b27c5402a16c3564b",
			"6f1fb22dee9825728fd77c5387adc3178e8678f93d84a3b671c5bdccbc15ed60",
			"dd7fceea651bca265634221c4e1cb910303d7fa6d1f7c257e81a3055c1f9b39b"},
		// 7.2.5 (DERIVED): the test account
		{"test account", "c925ead5154b284695d5ea1013fba2f5a14a22f5d397d3c05f0a753258df179d",
			"aadfd15d1d39fcb852ee64309ac21fc1d7102a5f881b1917f599ebaa07668c20",
			"19524b777636b49745b169087e618e40358ec771b0973a44270fd0385dec1197"},
	}
	for _, tt := range tests {
		sk, err := mustMasterKey(t, unhex(t, tt.master)).stretch()
		if err != nil {
			t.Fatal(err)
		}
		raw := sk.Bytes()
		if got := hex.EncodeToString(raw[:32]); got != tt.enc {
			t.Errorf("%s: enc = %s, want %s", tt.name, got, tt.enc)
		}
		if got := hex.EncodeToString(raw[32:]); got != tt.mac {
			t.Errorf("%s: mac = %s, want %s", tt.name, got, tt.mac)
		}
	}
	// 7.7 (DERIVED) in base64: the 100 000-iteration test account.
	sk, err := mustMasterKey(t, unb64(t, "AbZOOmvuwDjiEyM3tL3U5n4/8Jt7zQ8zi0TogSxUZlw=")).stretch()
	if err != nil {
		t.Fatal(err)
	}
	raw := sk.Bytes()
	if got, want := b64(raw[:32])+" "+b64(raw[32:]), "MARRwrWfO1Hx+Z7o8xYxZoOMa/hvXk7yUe20BKP/0Gg= wK46sWKl1ek/UeRGNDXSPNev7Ynfdc4IJ9PFno8ob2I="; got != want {
		t.Errorf("stretched = %s, want %s", got, want)
	}
}

func TestHKDFExpandVectors(t *testing.T) {
	t.Parallel()
	prk := unhex(t, "17987829d6109c8547e2b287d0ff4265bd46ad1e27d7afec26b4b43ec4049f46")
	// 7.2.2 (SDK test_hkdf_expand), 64 bytes.
	got, err := hkdfExpand(prk, "info", 64)
	if err != nil {
		t.Fatal(err)
	}
	if want := "06722a2657e71e6d1eff6881ff5e5c6c7c91d7d0113c8716469e28352db6083f4157efeab9e3997a73cd903866955c8bd96677392539fbb212345e4d84d7ef64"; hex.EncodeToString(got) != want {
		t.Errorf("HKDF-Expand 64 = %x, want %s", got, want)
	}
	// 7.2.3 (clients spec hkdfExpand), 32 bytes, PRK given in base64.
	got, err = hkdfExpand(unb64(t, "F5h4KdYQnIVH4rKH0P9CZb1GrR4n16/sJrS0PsQEn0Y="), "info", 32)
	if err != nil {
		t.Fatal(err)
	}
	if want := "BnIqJlfnHm0e/2iB/15cbHyR19ARPIcWRp4oNS22CD8="; b64(got) != want {
		t.Errorf("HKDF-Expand 32 = %s, want %s", b64(got), want)
	}
}

func TestDeriveMasterKeyContext(t *testing.T) {
	cfg := KDFConfig{Type: PBKDF2SHA256, Iterations: MinPBKDF2Iterations}
	want, err := DeriveMasterKey("pw", "a@example.com", cfg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DeriveMasterKeyContext(t.Context(), "pw", "a@example.com", cfg)
	if err != nil || got.k.b != want.k.b {
		t.Fatalf("DeriveMasterKeyContext = %v, %v; want the key of DeriveMasterKey", got, err)
	}
	if _, err := DeriveMasterKeyContext(t.Context(), "pw", "a@example.com", KDFConfig{Type: PBKDF2SHA256, Iterations: 1}); !errors.Is(err, ErrWeakKDF) {
		t.Errorf("weak KDF: %v", err)
	}

}

// TestDeriveMasterKeyContextReturnsBeforeDerivation: the caller returns
// at its deadline while the derivation is provably still under way (held
// in TestHookBeforeDerive), and the derivation then finishes in the
// background (synctest waits for its goroutine; a DeriveMasterKeyContext
// that waited for the derivation would deadlock the bubble and fail).
func TestDeriveMasterKeyContextReturnsBeforeDerivation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const email = "hook-kdf@example.com"
		entered, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
		hook := func(e string) {
			if e == email {
				close(entered)
				<-release
			}
		}
		TestHookBeforeDerive.Store(&hook)
		defer TestHookBeforeDerive.Store(nil)
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		cfg := KDFConfig{Type: PBKDF2SHA256, Iterations: MinPBKDF2Iterations}
		m, err := DeriveMasterKeyContext(ctx, "pw", email, cfg)
		if !errors.Is(err, context.DeadlineExceeded) || m != nil {
			t.Errorf("got %v, %v; want context.DeadlineExceeded", m, err)
		}
		select {
		case <-entered:
		default:
			t.Error("the derivation never started")
		}
		close(release) // only now may the derivation run
		go func() {
			// The slot is given back: another derivation runs.
			defer close(finished)
			if _, err := DeriveMasterKeyContext(t.Context(), "pw", "other@example.com", cfg); err != nil {
				t.Errorf("next derivation: %v", err)
			}
		}()
		<-finished
	})
}
