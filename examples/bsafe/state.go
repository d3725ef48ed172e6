package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// stateFile is the name of the state file in the app-data directory. It is
// not bw's data.json, so that bsafe and bw can share a directory.
const stateFile = "bsafe-data.json"

// defaultServer is what "config server" prints when none is set: bw's.
const defaultServer = "https://bitwarden.com"

// state is the content of the state file. It holds no secret in the clear:
// Session is safe.Client.ExportSession's blob, encrypted under the session
// key, which is never written (login and unlock print it; later commands
// take it from --session or BW_SESSION).
type state struct {
	ServerURL string `json:"serverUrl,omitempty"` // "" = defaultServer
	DeviceID  string `json:"deviceId"`

	// Set by login, kept by lock, cleared by logout.
	Email    string     `json:"email,omitempty"`
	UserID   string     `json:"userId,omitempty"`
	APIKey   bool       `json:"apiKey,omitempty"` // logged in with --apikey: unlock uses BW_CLIENTID/BW_CLIENTSECRET again when set
	LastSync *time.Time `json:"lastSync,omitempty"`

	// Session is the exported session; nil when locked or logged out.
	Session []byte `json:"session,omitempty"`
}

// loggedIn reports whether an account is logged in (locked or not).
func (s *state) loggedIn() bool { return s.Email != "" }

// dir returns the app-data directory: $BSAFE_APPDATA_DIR, else
// $BITWARDENCLI_APPDATA_DIR, else os.UserConfigDir()/bsafe.
func (a *app) dir() (string, error) {
	if a.dataDir != "" {
		return a.dataDir, nil
	}
	for _, env := range []string{"BSAFE_APPDATA_DIR", "BITWARDENCLI_APPDATA_DIR"} {
		if d := a.getenv(env); d != "" {
			a.dataDir = d
			return d, nil
		}
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fail("Cannot find the app-data directory; set BSAFE_APPDATA_DIR.")
	}
	a.dataDir = filepath.Join(d, "bsafe")
	return a.dataDir, nil
}

// loadState reads the state file. A missing file is a fresh state with a new
// device ID; a file that cannot be read or parsed is an error (it is never
// overwritten by a command that did not understand it). The state read is
// kept in a.st: every later call returns it.
func (a *app) loadState() (*state, error) {
	if a.st != nil {
		return a.st, nil
	}
	dir, err := a.dir()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, stateFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		id, err := newDeviceID()
		if err != nil {
			return nil, err
		}
		a.st = &state{DeviceID: id}
		return a.st, nil
	}
	if err != nil {
		return nil, fail("Cannot read the state file " + path + ".")
	}
	var s state
	if err := json.Unmarshal(b, &s); err != nil || s.DeviceID == "" {
		return nil, fail("The state file " + path + " is corrupt; remove it and log in again.")
	}
	a.st = &s
	return a.st, nil
}

// saveState writes the state file atomically, mode 0600 in a 0700
// directory.
func (a *app) saveState(s *state) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return a.writeFile(stateFile, "the state file", b, true)
}

// writeFile writes name (what, in the error) in the app-data directory
// atomically (a temporary file in the same directory, then a rename), mode
// 0600 in a 0700 directory. With durable, the data is synced to the disk
// before the rename, so that a crash leaves the old file or the new one
// whole; without, a crash may leave a file cut short, which only a reader
// that authenticates it (the vault cache) can accept.
func (a *app) writeFile(name, what string, b []byte, durable bool) error {
	dir, err := a.dir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail("Cannot create the app-data directory " + dir + ".")
	}
	tmp, err := os.CreateTemp(dir, name+".tmp*")
	if err != nil {
		return fail("Cannot write " + what + " in " + dir + ".")
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing left to remove
	if err := tmp.Chmod(0o600); err == nil {
		_, err = tmp.Write(b)
		if err == nil && durable {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), filepath.Join(dir, name))
		}
		if err == nil {
			return nil
		}
	} else {
		tmp.Close()
	}
	return fail("Cannot write " + what + " in " + dir + ".")
}

// newDeviceID returns a random UUID (version 4), the form servers expect.
func newDeviceID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}
