package main

import (
	"context"
	"encoding/base64"
	"io"
	"strconv"
)

// cmdEncode is "encode": the base64 of standard input, as "bw encode" makes
// the argument of "create" and "edit". The bytes are encoded as read
// (including the newline echo adds, as bw); bw reads them as UTF-8 text
// first, so the two differ only for input that is not valid UTF-8.
func (a *app) cmdEncode(_ context.Context, in *input) (*output, error) {
	if len(in.args) > 0 {
		return nil, fail("error: too many arguments for 'encode'. Expected 0 arguments but got " + strconv.Itoa(len(in.args)) + ".")
	}
	if a.isTerminal(a.stdin) {
		return nil, fail("No stdin was piped in.")
	}
	b, err := io.ReadAll(a.stdin)
	if err != nil {
		return nil, fail("Cannot read standard input.")
	}
	return text(base64.StdEncoding.EncodeToString(b)), nil
}
