package jsonscan_test

import (
	"fmt"

	"github.com/bsafe-go/bsafe/internal/jsonscan"
)

// A hand-written decoder for part of a sync response: it reads the fields
// it knows, whatever their capitalisation, takes each cipher's raw bytes
// for later decoding, and skips the rest.
func Example() {
	body := []byte(`{
		"Object": "sync",
		"profile": {"id": "u1", "email": "a@example.com"},
		"ciphers": [
			{"id": "c1", "type": 1, "name": "2.aaaa|bbbb\u002Bcc|dddd"},
			{"id": "c2", "type": 2, "name": null}
		],
		"unknown": [1, 2, {"deep": true}]
	}`)

	d := jsonscan.NewDecoder(body)
	var kind string
	var ciphers [][]byte
	err := d.Object(func(key []byte) error {
		switch {
		case jsonscan.EqualFoldASCII(key, "object"):
			s, err := d.String()
			kind = string(s) // copy: s may alias body
			return err
		case jsonscan.EqualFoldASCII(key, "ciphers"):
			return d.Array(func(int) error {
				raw, err := d.Raw()
				ciphers = append(ciphers, raw)
				return err
			})
		}
		return nil // anything else is skipped, and validated
	})
	if err == nil {
		err = d.End()
	}
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(kind, len(ciphers))

	// Each cipher can now be decoded on its own, e.g. on another goroutine.
	for _, raw := range ciphers {
		c := jsonscan.NewDecoder(raw)
		var id, name string
		var typ int64
		err := c.Object(func(key []byte) error {
			var err error
			switch {
			case jsonscan.EqualFoldASCII(key, "id"):
				var s []byte
				s, err = c.String()
				id = string(s)
			case jsonscan.EqualFoldASCII(key, "type"):
				typ, err = c.Int()
			case jsonscan.EqualFoldASCII(key, "name"):
				var s []byte
				s, _, err = c.StringOrNull()
				name = string(s)
			}
			return err
		})
		fmt.Printf("%s type=%d name=%q err=%v\n", id, typ, name, err)
	}

	// Errors give an offset, never the input's bytes.
	bad := jsonscan.NewDecoder([]byte(`{"password": "s3cret`))
	fmt.Println(bad.Skip())

	// Output:
	// sync 2
	// c1 type=1 name="2.aaaa|bbbb+cc|dddd" err=<nil>
	// c2 type=2 name="" err=<nil>
	// jsonscan: syntax error at offset 20: unexpected end of input
}
