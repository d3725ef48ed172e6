package main

import (
	"bufio"
	"context"
	"crypto/sha1" //nolint:gosec // the Pwned Passwords range API is keyed by SHA-1
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// pwnedPasswordsURL is the Pwned Passwords range API bw asks; the
// environment variable BSAFE_PWNED_PASSWORDS_URL replaces it (tests, a
// mirror, a proxy).
const pwnedPasswordsURL = "https://api.pwnedpasswords.com/range/"

// getExposed is "get exposed <id|search>": how many times the login's
// password appears in known breaches, from the Pwned Passwords service by
// k-anonymity, as bw: only the first five hex digits of the password's
// SHA-1 leave the machine, and the answer lists every suffix with that
// prefix ("Add-Padding" asks for decoys, so that the answer's size tells
// nothing either). This is the one command that talks to a server other
// than the vault's.
func (a *app) getExposed(ctx context.Context, in *input) (*output, error) {
	out, err := a.getPassword(ctx, in)
	if err != nil {
		return nil, err
	}
	n, err := a.pwnedCount(ctx, out.value.(string))
	if err != nil {
		return nil, err
	}
	return text(strconv.Itoa(n)), nil
}

// pwnedCount asks the range API about password.
func (a *app) pwnedCount(ctx context.Context, password string) (int, error) {
	sum := sha1.Sum([]byte(password)) //nolint:gosec // the API's key, not a protection
	hash := strings.ToUpper(hex.EncodeToString(sum[:]))
	base := a.getenv("BSAFE_PWNED_PASSWORDS_URL")
	if base == "" {
		base = pwnedPasswordsURL
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+hash[:5], nil)
	if err != nil {
		return 0, fail("Invalid Pwned Passwords URL.")
	}
	req.Header.Set("Add-Padding", "true")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fail("Cannot reach the Pwned Passwords service.")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fail(fmt.Sprintf("The Pwned Passwords service answered with status %d.", resp.StatusCode))
	}
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 16<<20))
	for sc.Scan() {
		suffix, count, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":")
		if ok && suffix == hash[5:] {
			n, err := strconv.Atoi(count)
			if err != nil {
				return 0, fail("The Pwned Passwords service's answer is not understood.")
			}
			return n, nil
		}
	}
	if sc.Err() != nil {
		return 0, fail("Cannot read the Pwned Passwords service's answer.")
	}
	return 0, nil
}
