package vaultcrypto

import "errors"

// Bitwarden decodes base64 permissively (the SDK's BASE64_PERMISSIVE):
// standard alphabet, trailing "=" optional, trailing bits not checked.
// encoding/base64 would also skip '\r' and '\n' and needs []byte input; this
// small decoder accepts exactly the SDK's language and reads strings and
// byte slices alike without copying them.

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// b64Value maps a byte to its 6-bit value, or 0xff if it is not in the
// alphabet.
var b64Value = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(b64Alphabet); i++ {
		t[b64Alphabet[i]] = byte(i)
	}
	return t
}()

var (
	errBase64Char   = errors.New("bad base64 character")
	errBase64Length = errors.New("bad base64 length")
)

// trimPadding drops trailing '=' characters.
func trimPadding[T ~string | ~[]byte](s T) T {
	for len(s) > 0 && s[len(s)-1] == '=' {
		s = s[:len(s)-1]
	}
	return s
}

// decodedLen is the number of bytes s decodes to (if it is valid).
func decodedLen[T ~string | ~[]byte](s T) int { return len(trimPadding(s)) * 6 / 8 }

// appendDecodeBase64 decodes s and appends the bytes to dst.
func appendDecodeBase64[T ~string | ~[]byte](dst []byte, s T) ([]byte, error) {
	s = trimPadding(s)
	if len(s)%4 == 1 {
		return dst, errBase64Length
	}
	i := 0
	for ; i+4 <= len(s); i += 4 {
		a, b, c, d := b64Value[s[i]], b64Value[s[i+1]], b64Value[s[i+2]], b64Value[s[i+3]]
		if (a|b|c|d)&0xc0 != 0 {
			return dst, errBase64Char
		}
		dst = append(dst, a<<2|b>>4, b<<4|c>>2, c<<6|d)
	}
	switch len(s) - i {
	case 2:
		a, b := b64Value[s[i]], b64Value[s[i+1]]
		if (a|b)&0xc0 != 0 {
			return dst, errBase64Char
		}
		dst = append(dst, a<<2|b>>4)
	case 3:
		a, b, c := b64Value[s[i]], b64Value[s[i+1]], b64Value[s[i+2]]
		if (a|b|c)&0xc0 != 0 {
			return dst, errBase64Char
		}
		dst = append(dst, a<<2|b>>4, b<<4|c>>2)
	}
	return dst, nil
}
