package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/bsafe-go/bsafe/safe"
)

// output is what a successful command prints, in one of the forms of bw's
// responses (its "object" member): a message, a string, a list, a template,
// or any other JSON object.
type output struct {
	object string // "message", "string", "list", "template" or "" (an object)
	value  any    // *messageData, string, or the JSON value
}

// messageData is bw's MessageResponse.
type messageData struct {
	Object  string  `json:"object"`
	Title   string  `json:"title"`
	Message *string `json:"message"`
	Raw     string  `json:"raw,omitempty"`
	NoColor bool    `json:"noColor"`
}

// message is a titled message; raw is what --raw prints instead (empty: nothing).
func message(title, text, raw string) *output {
	m := &messageData{Object: "message", Title: title, Raw: raw}
	if text != "" {
		m.Message = &text
	}
	return &output{object: "message", value: m}
}

// text is a bare string (bw's StringResponse): printed as is.
func text(s string) *output { return &output{object: "string", value: s} }

// object is a JSON object (an item, a folder...): printed as its JSON.
func object(v any) *output { return &output{value: v} }

// list is a JSON array of objects (bw's ListResponse).
func list(v any) *output { return &output{object: "list", value: v} }

// template is bw's TemplateResponse (status, get template): printed as its JSON.
func template(v any) *output { return &output{object: "template", value: v} }

// cliError is an error whose text is the whole line to print: one of bw's
// messages, free of secrets by construction.
type cliError struct{ msg string }

func (e *cliError) Error() string { return e.msg }

// fail returns a *cliError with msg.
func fail(msg string) error { return &cliError{msg: msg} }

// errorMessage is the line printed for err. Errors of package safe carry no
// secrets (that package's rule, tested there); the ones scripts look for get
// bw's wording.
func errorMessage(err error) string {
	var ce *cliError
	switch {
	case errors.As(err, &ce):
		return ce.msg
	case errors.Is(err, safe.ErrWrongPassword):
		return "Username or password is incorrect. Try again."
	case errors.Is(err, safe.ErrInvalidAPIKey):
		return "client_id or client_secret is incorrect. Try again."
	case errors.Is(err, safe.ErrNotFound):
		return "Not found."
	case errors.Is(err, context.Canceled):
		return "Interrupted."
	}
	return err.Error()
}

// finish prints out or err as bw's processResponse does and returns the
// exit code. An error is one line on stderr; with --response, the JSON
// envelope on stdout instead; with --quiet, nothing. Output goes to stdout.
// As bw, the last line ends in a newline only on a terminal.
func (a *app) finish(out *output, err error) int {
	if err != nil {
		if !a.quiet {
			if a.response {
				a.writeFinal(a.stdout, a.jsonText(struct {
					Success bool   `json:"success"`
					Message string `json:"message"`
				}{false, errorMessage(err)}))
			} else {
				a.writeFinal(a.stderr, []byte(errorMessage(err)))
			}
		}
		if a.cleanExit {
			return 0
		}
		return 1
	}
	if a.quiet {
		return 0
	}
	if a.response {
		env := struct {
			Success bool `json:"success"`
			Data    any  `json:"data,omitempty"`
		}{Success: true}
		if out != nil {
			env.Data = out.envelopeData()
		}
		a.writeFinal(a.stdout, a.jsonText(env))
		return 0
	}
	if out == nil {
		return 0
	}
	var b []byte
	switch out.object {
	case "string":
		b = []byte(out.value.(string))
	case "message":
		m := out.value.(*messageData)
		if a.raw {
			b = []byte(m.Raw)
		} else {
			s := m.Title
			if m.Message != nil {
				s += "\n" + *m.Message
			}
			b = []byte(s)
		}
	default:
		b = a.jsonText(out.value)
	}
	if len(b) > 0 {
		a.writeFinal(a.stdout, b)
	}
	return 0
}

// envelopeData is the "data" member of the --response envelope, shaped as
// bw's response objects are.
func (o *output) envelopeData() any {
	switch o.object {
	case "string", "list":
		return struct {
			Object string `json:"object"`
			Data   any    `json:"data"`
		}{o.object, o.value}
	case "template":
		return struct {
			Object   string `json:"object"`
			Template any    `json:"template"`
		}{o.object, o.value}
	}
	return o.value
}

// jsonArray is a JSON array whose elements are already encoded (compact),
// by encodeEach. jsonText joins them as they are; inside another value
// (the --response envelope) or with --pretty, encoding/json takes it
// through MarshalJSON like any other value.
type jsonArray [][]byte

// MarshalJSON joins the elements.
func (arr jsonArray) MarshalJSON() ([]byte, error) {
	n := 2
	for _, e := range arr {
		n += len(e) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, e := range arr {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	return append(b, ']'), nil
}

// encodeEach converts and encodes the elements of a long list on all CPUs:
// at 10,000 items, encoding the output was a fifth of "list items". Only
// values the commands build reach it, so an error is a bug.
func encodeEach[T, J any](elems []T, convert func(T) J) (jsonArray, error) {
	out := make(jsonArray, len(elems))
	var g errgroup.Group
	parts := 4 * runtime.GOMAXPROCS(0) // a few per CPU, for an even spread
	chunk := max(256, (len(elems)+parts-1)/parts)
	for start := 0; start < len(elems); start += chunk {
		end := min(start+chunk, len(elems))
		g.Go(func() error {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // as jsonText
			for i := start; i < end; i++ {
				buf.Reset()
				if err := enc.Encode(convert(elems[i])); err != nil {
					return err
				}
				out[i] = bytes.Clone(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
			}
			return nil
		})
	}
	if g.Wait() != nil {
		return nil, errors.New("internal error: cannot encode the output")
	}
	return out, nil
}

// jsonText is v's JSON: compact, or indented by two spaces with --pretty.
func (a *app) jsonText(v any) []byte {
	if arr, ok := v.(jsonArray); ok && !a.pretty {
		b, _ := arr.MarshalJSON()
		return b
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // bw's JSON.stringify leaves <, > and & alone
	if a.pretty {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		// Only values the commands build reach here; a failure is a bug.
		return []byte(`{"success":false,"message":"internal error: cannot encode the output"}`)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// writeFinal writes the last line of the output, with a newline only on a
// terminal (bw does the same, so that $(...) and pipes see no newline).
func (a *app) writeFinal(w io.Writer, b []byte) {
	if a.isTerminal(w) {
		b = append(b, '\n')
	}
	_, _ = w.Write(b)
}
