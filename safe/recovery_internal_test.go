package safe

import (
	"strings"
	"testing"
)

// FuzzParseResetDetails feeds arbitrary answers to the reset-details
// parser: it never panics, never names the input in an error, and what it
// accepts has a KDF within range and both keys.
func FuzzParseResetDetails(f *testing.F) {
	for _, s := range []string{
		`{"object":"organizationUserResetPasswordDetails","organizationUserId":"a","kdf":0,"kdfIterations":600000,"kdfMemory":null,"kdfParallelism":null,` +
			`"resetPasswordKey":"4.AAAA","encryptedPrivateKey":"2.AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`,
		`{"kdf":1,"kdfIterations":3,"kdfMemory":64,"kdfParallelism":4,"masterPasswordSalt":"a@b.c","resetPasswordKey":"4.AAAA","encryptedPrivateKey":"2.AA==|AA==|AA=="}`,
		`{"kdf":0,"kdfIterations":1,"resetPasswordKey":"4.AAAA","encryptedPrivateKey":"2.AA==|AA==|AA=="}`,
		`{"kdf":0,"kdfIterations":5000,"resetPasswordKey":null,"encryptedPrivateKey":"sensitive-not-an-encstring"}`,
		`{"kdf":"sensitive-x"}`, `{"kdf":1e400}`, `[]`, `null`, ``, `{"resetPasswordKey":"9.sensitive"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := parseResetDetails(body)
		if err != nil {
			if strings.Contains(err.Error(), "sensitive") {
				t.Fatalf("error names the input: %v", err)
			}
			return
		}
		if err := d.kdf.Validate(); err != nil {
			t.Fatalf("accepted a KDF out of range: %v", err)
		}
		if d.resetPasswordKey.IsZero() || d.encryptedPrivateKey.IsZero() {
			t.Fatal("accepted details without both keys")
		}
	})
}
