package safe

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// TestEncodeErrorsInsteadOfPanics (point 3): a value encoding/json cannot
// encode is an error, not a panic, both as a request body and as a member
// of an item.
func TestEncodeErrorsInsteadOfPanics(t *testing.T) {
	if _, err := jsonValue(map[string]any{"f": func() {}}); err == nil {
		t.Errorf("jsonValue of a func: no error")
	}
	key, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		t.Fatal(err)
	}
	e := &encoder{key: key}
	if got := e.value(object{"bad": json.RawMessage("{not json")}); string(got) != "null" || e.err == nil {
		t.Errorf("encoder.value of invalid JSON: %s, %v", got, e.err)
	}
	// A request whose body did not encode is never sent.
	c := &Client{}
	if _, err := c.send(t.Context(), apiRequest{bodyErr: errors.New("bad body")}); err == nil || err.Error() != "bad body" {
		t.Errorf("send with a body error: %v", err)
	}
}

// TestCheckPartsUnknownType: an item of a type bsafe does not model (a
// newer server's) can be updated, its part kept from the wire, but not
// created.
func TestCheckPartsUnknownType(t *testing.T) {
	if _, err := checkParts(&Item{Type: 7}, false); err != nil {
		t.Errorf("update of type 7: %v", err)
	}
	if _, err := checkParts(&Item{Type: 7}, true); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("create of type 7: %v", err)
	}
	if _, err := checkParts(&Item{Type: 7, Login: &Login{}}, false); err == nil {
		t.Errorf("type 7 with a login part accepted")
	}
}

// TestOutcomeUnknownMessage: the request is named once, with the cause.
func TestOutcomeUnknownMessage(t *testing.T) {
	e := &OutcomeUnknownError{Method: "PUT", Path: "/api/ciphers/x", ItemID: "x",
		Err: errors.New("safe: PUT /api/ciphers/x: Put: unexpected EOF")}
	want := "safe: PUT /api/ciphers/x (item x): outcome unknown, the write may have been applied: Put: unexpected EOF"
	if got := e.Error(); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if !errors.Is(e, ErrOutcomeUnknown) {
		t.Errorf("does not match ErrOutcomeUnknown")
	}
}
