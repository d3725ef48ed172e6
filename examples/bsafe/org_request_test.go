package main

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// FuzzEncodedRequest: whatever the argument, decoding an org-collection
// request never panics, and fails only with a one-line *cliError that
// repeats no value of the request (a canary string in it) but the
// organizationId, which bw's "is not a GUID" line names too.
func FuzzEncodedRequest(f *testing.F) {
	for _, s := range []string{
		`{"name":"x"}`, `{"organizationId":"0f0e0d0c-0b0a-0908-0706-050403020100","name":"n","externalId":null,"groups":[],"users":[{"id":"a","manage":true}]}`,
		`{"name":5}`, `{"users":"sensitive-canary"}`, `{"externalId":{"sensitive-canary":1}}`, `[]`, `null`, `{`, "",
	} {
		f.Add(base64.StdEncoding.EncodeToString([]byte(s)))
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		a := newApp(strings.NewReader(""), nil, nil, func(string) string { return "" })
		a.isTerminal = func(any) bool { return false }
		var req orgCollectionRequest
		err := a.encodedRequest(arg, &req)
		if err == nil {
			_, _, err = orgCollectionTeam(&input{flags: map[string]string{}}, &req)
		}
		if err == nil {
			return
		}
		var ce *cliError
		if !errors.As(err, &ce) {
			t.Fatalf("error %v is not a message line", err)
		}
		echoesID := req.OrganizationID != nil && strings.Contains(*req.OrganizationID, "sensitive-canary")
		if strings.ContainsAny(ce.msg, "\n\r") || (strings.Contains(ce.msg, "sensitive-canary") && !echoesID) {
			t.Fatalf("error line %q: not one line, or repeats the request", ce.msg)
		}
	})
}

// TestEncodedRequestForms: the spellings of base64 that bw's decoder
// (Node's Buffer) reads are read; others are bw's parse error.
func TestEncodedRequestForms(t *testing.T) {
	a := newApp(strings.NewReader(""), nil, nil, func(string) string { return "" })
	a.isTerminal = func(any) bool { return false }
	raw := `{"name":"ä?>~"}` // "?>~" makes + and / in standard base64
	std := base64.StdEncoding.EncodeToString([]byte(raw))
	if !strings.ContainsAny(std, "+/") || !strings.HasSuffix(std, "=") {
		t.Fatalf("test input %q does not exercise the alphabets and padding", std)
	}
	for _, s := range []string{std, strings.TrimRight(std, "="), base64.URLEncoding.EncodeToString([]byte(raw)),
		base64.RawURLEncoding.EncodeToString([]byte(raw)), std[:8] + "\n" + std[8:] + "\n", " " + std + " "} {
		var req folderRequest
		if err := a.encodedRequest(s, &req); err != nil || req.Name == nil || *req.Name != "ä?>~" {
			t.Errorf("%q: got %v, %v", s, req.Name, err)
		}
	}
	for _, s := range []string{"*" + std, std[:len(std)-5], "e30=e30="} {
		var req folderRequest
		if err := a.encodedRequest(s, &req); err == nil || err.Error() != errBadRequestData.Error() {
			t.Errorf("%q: got %v, want %q", s, err, errBadRequestData.Error())
		}
	}
}
