package safe

import (
	"context"
	"net/http"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// FoldersService reads and writes the user's folders. Get it as
// Client.Folders.
type FoldersService service

// List returns the user's folders from the synced vault.
func (s *FoldersService) List(ctx context.Context) ([]*Folder, error) {
	v, err := s.c.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	out := make([]*Folder, len(v.folders))
	for i, f := range v.folders {
		cp := *f
		out[i] = &cp
	}
	return out, nil
}

// Create makes a folder.
func (s *FoldersService) Create(ctx context.Context, name string) (*Folder, error) {
	return s.write(ctx, http.MethodPost, "", name)
}

// Rename renames a folder.
func (s *FoldersService) Rename(ctx context.Context, id, name string) (*Folder, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	return s.write(ctx, http.MethodPut, id, name)
}

// Delete deletes a folder; its items move to no folder.
func (s *FoldersService) Delete(ctx context.Context, id string) error {
	if err := validID(id); err != nil {
		return err
	}
	_, err := s.c.send(ctx, apiRequest{method: http.MethodDelete, url: s.c.apiURL + "/folders/" + id, path: "/api/folders/" + id, auth: true})
	s.c.invalidate()
	return err
}

func (s *FoldersService) write(ctx context.Context, method, id, name string) (*Folder, error) {
	if name == "" {
		return nil, invalidArg("a folder needs a name")
	}
	sess, err := s.c.current()
	if err != nil {
		return nil, err
	}
	enc, err := sess.userKey.EncryptString(name)
	if err != nil {
		return nil, err
	}
	path := "/folders"
	if id != "" {
		path += "/" + id
	}
	b, err := jsonValue(map[string]any{"name": enc})
	if err != nil {
		return nil, err
	}
	req := apiRequest{method: method, url: s.c.apiURL + path, path: "/api" + path, auth: true,
		contentType: "application/json", body: b}
	body, err := s.c.send(ctx, req)
	if err != nil {
		return nil, s.c.writeFailed(id, err)
	}
	var w struct {
		ID           string                `json:"id"`
		Name         vaultcrypto.EncString `json:"name"`
		RevisionDate time.Time             `json:"revisionDate"`
	}
	if err := unmarshalJSON("folder", body, &w); err != nil {
		return nil, s.c.appliedUnreadable(&req, id, err)
	}
	s.c.invalidate()
	plain, err := sess.userKey.DecryptString(w.Name)
	if err != nil {
		return nil, s.c.appliedUnreadable(&req, w.ID, &DecryptError{Kind: "folder", ID: w.ID, Field: "name", Err: err})
	}
	return &Folder{ID: w.ID, Name: plain, RevisionDate: w.RevisionDate}, nil
}
