package safetest

type folderJSON struct {
	Object       string `json:"object"`
	ID           string `json:"id"`
	Name         string `json:"name"`
	RevisionDate string `json:"revisionDate"`
}

func folderOut(f *folderRec) folderJSON {
	return folderJSON{Object: "folder", ID: f.id, Name: f.name, RevisionDate: fmtTime(f.revision)}
}

// folderName reads and validates {"name": "<EncString>"}.
func (c *call) folderName() (string, error) {
	var req struct {
		Name *string `json:"name"`
	}
	if err := c.decode(&req); err != nil {
		return "", err
	}
	if req.Name == nil {
		return "", errValidation("Name", "The Name field is required.")
	}
	raw := mustMarshal(*req.Name)
	if err := checkEnc(raw, "Name", "Name", maxNameLen); err != nil {
		return "", err
	}
	return *req.Name, nil
}

func (c *call) ownFolder() (*folderRec, error) {
	f := c.st.folders[c.id("id")]
	if f == nil || f.userID != c.user.id {
		return nil, errNotFound()
	}
	return f, nil
}

// GET /api/folders
func (s *Server) listFolders(c *call) (any, error) {
	var out []folderJSON
	for _, f := range c.st.userFolders(c.user.id) {
		out = append(out, folderOut(f))
	}
	return newList(out), nil
}

// GET /api/folders/{id}
func (s *Server) getFolder(c *call) (any, error) {
	f, err := c.ownFolder()
	if err != nil {
		return nil, err
	}
	return folderOut(f), nil
}

// POST /api/folders
func (s *Server) postFolder(c *call) (any, error) {
	name, err := c.folderName()
	if err != nil {
		return nil, err
	}
	f := &folderRec{id: newID(), userID: c.user.id, name: name, revision: c.now}
	c.st.folders[f.id] = f
	c.st.touchUser(c.user, c.now)
	return folderOut(f), nil
}

// PUT /api/folders/{id} (and legacy POST)
func (s *Server) putFolder(c *call) (any, error) {
	f, err := c.ownFolder()
	if err != nil {
		return nil, err
	}
	name, err := c.folderName()
	if err != nil {
		return nil, err
	}
	f.name = name
	f.revision = c.now
	c.st.touchUser(c.user, c.now)
	return folderOut(f), nil
}

// DELETE /api/folders/{id} (and legacy POST .../delete): the user's items
// in it move to "no folder".
func (s *Server) deleteFolder(c *call) (any, error) {
	f, err := c.ownFolder()
	if err != nil {
		return nil, err
	}
	for _, ci := range c.st.ciphers {
		if ci.folders[c.user.id] == f.id {
			delete(ci.folders, c.user.id)
		}
	}
	delete(c.st.folders, f.id)
	c.st.touchUser(c.user, c.now)
	return nil, nil
}
