package safetest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"
)

// The Public API (/api/public/...), for a team API key's token only. Its
// controllers, for Gen2023 (Bravura Safe, Bitwarden 2023.8), are in
// src/Api/Public/Controllers (MembersController.cs, GroupsController.cs,
// CollectionsController.cs) with the models in src/Api/Models/Public; for
// GenCurrent (bitwarden/server) in src/Api/AdminConsole/Public/Controllers
// and src/Api/AdminConsole/Public/Models (collections:
// src/Api/AdminConsole/Models/Public). What both share:
//
//   - [Authorize("Organization")]: an authenticated token with the scope
//     api.organization (src/Api/Startup.cs). A user's token (scope api) is
//     refused with ASP.NET's bare 403; no token, a 401.
//   - src/Api/Utilities/PublicApiControllersModelConvention.cs gives these
//     controllers the public flavour of the model-state and exception
//     filters: errors are {"object":"error","message":...,"errors":...}
//     (src/Api/Models/Public/Response/ErrorResponseModel.cs), with
//     "errors" rather than the internal API's "validationErrors".
//   - The model-state filter runs before each action, so a body that
//     fails validation, or an {id} that is not a GUID, is a 400 even where
//     the object does not exist.
//   - An object of another team, or none, is NotFoundResult: a 404 with
//     no body. A NotFoundException thrown deeper is the public error
//     model with "Resource not found.".
//   - Lists are ListResponseModel: {"object":"list","data":[...]}, and on
//     2023.8 also "continuationToken":null.

// publicRoutes registers the Public API.
func (s *Server) publicRoutes(mux *http.ServeMux) {
	h := func(pattern string, f publicHandler) { mux.HandleFunc(pattern, s.public(f)) }
	const p = "/api/public"
	h("GET "+p+"/members", s.publicListMembers)
	h("POST "+p+"/members", s.publicInviteMember)
	h("GET "+p+"/members/{id}", s.publicGetMember)
	h("PUT "+p+"/members/{id}", s.publicPutMember)
	h("DELETE "+p+"/members/{id}", s.publicDeleteMember)
	h("GET "+p+"/members/{id}/group-ids", s.publicMemberGroupIDs)
	h("PUT "+p+"/members/{id}/group-ids", s.publicPutMemberGroupIDs)
	h("POST "+p+"/members/{id}/reinvite", s.publicReinviteMember)

	h("GET "+p+"/groups", s.publicListGroups)
	h("POST "+p+"/groups", s.publicPostGroup)
	h("GET "+p+"/groups/{id}", s.publicGetGroup)
	h("PUT "+p+"/groups/{id}", s.publicPutGroup)
	h("DELETE "+p+"/groups/{id}", s.publicDeleteGroup)
	h("GET "+p+"/groups/{id}/member-ids", s.publicGroupMemberIDs)
	h("PUT "+p+"/groups/{id}/member-ids", s.publicPutGroupMemberIDs)

	h("GET "+p+"/collections", s.publicListCollections)
	h("GET "+p+"/collections/{id}", s.publicGetCollection)
	h("PUT "+p+"/collections/{id}", s.publicPutCollection)
	h("DELETE "+p+"/collections/{id}", s.publicDeleteCollection)

	// The team API key itself, on the internal API, for the team's owners.
	a := s.authed
	h2 := func(pattern string, f handlerFunc) { mux.HandleFunc(pattern, a(f)) }
	h2("POST /api/organizations/{id}/api-key", s.orgAPIKeyRoute(false))
	h2("POST /api/organizations/{id}/rotate-api-key", s.orgAPIKeyRoute(true))
}

// publicHandler answers a Public API request for the team of the token.
// It runs with Server.mu held (c.user is nil).
type publicHandler func(c *call, o *orgRec) (any, error)

// public serves a Public API route: the "Organization" policy, then h
// with the token's team.
func (s *Server) public(h publicHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		cl, err := s.bearer(r)
		if err != nil {
			writeError(w, errUnauthorized())
			return
		}
		if !cl.hasScope(scopeTeamAPI) || !strings.HasPrefix(cl.ClientID, "organization.") {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		teamID := normID(cl.ClientSub)
		b, pooled, err := s.locked(r, body, nil, false, func(c *call) (any, error) {
			o := c.st.orgs[teamID]
			if o == nil {
				// The team was deleted after the token was issued: every
				// lookup of CurrentContext.OrganizationId finds nothing.
				return nil, errPublicNotFound
			}
			return h(c, o)
		})
		var pe *publicError
		switch {
		case errors.As(err, &pe):
			pe.write(w)
		case err != nil:
			writeError(w, err)
		default:
			s.writeAnswer(w, b, pooled)
		}
	}
}

// publicError is an error answer of the Public API: the public error
// model, or (bare) a status with no body.
type publicError struct {
	status  int
	bare    bool
	message string
	errors  map[string][]string
}

func (e *publicError) Error() string { return strconv.Itoa(e.status) + " " + e.message }

func (e *publicError) write(w http.ResponseWriter) {
	if e.bare {
		w.WriteHeader(e.status)
		return
	}
	writeJSON(w, e.status, struct {
		Object  string              `json:"object"`
		Message string              `json:"message"`
		Errors  map[string][]string `json:"errors"`
	}{"error", e.message, e.errors})
}

// errPublicNotFound is NotFoundResult: 404 with no body.
var errPublicNotFound = &publicError{status: http.StatusNotFound, bare: true}

// errPublicServerError is an unhandled exception in a Public API action.
var errPublicServerError = &publicError{status: http.StatusInternalServerError, message: msgServerError}

// publicNotFoundException is a NotFoundException thrown by a command.
func publicNotFoundException() *publicError {
	return &publicError{status: http.StatusNotFound, message: msgNotFound}
}

// publicBadRequest is a BadRequestException with a message.
func publicBadRequest(msg string) *publicError {
	return &publicError{status: http.StatusBadRequest, message: msg}
}

// modelState collects model-state errors as the public filter reports
// them: "The request's model state is invalid." and the errors by key.
type modelState map[string][]string

func (m modelState) add(key, msg string) { m[key] = append(m[key], msg) }

func (m modelState) err() error {
	if len(m) == 0 {
		return nil
	}
	return &publicError{status: http.StatusBadRequest, message: "The request's model state is invalid.", errors: m}
}

// pathGUID binds the route's {id} as a Guid: a value that is not one is a
// model-state error keyed "id".
func (c *call) pathGUID(ms modelState) string {
	raw := c.r.PathValue("id")
	id, ok := canonicalGUID(raw)
	if !ok {
		ms.add("id", "The value '"+raw+"' is not valid.")
	}
	return id
}

// pathOf binds the {id} of a route without a body (pathGUID) and finds
// that object of o with find, which answers the bare 404 for one o does
// not have.
func pathOf[T any](c *call, o *orgRec, find func(*call, string, *orgRec) (T, error)) (T, error) {
	ms := modelState{}
	id := c.pathGUID(ms)
	if err := ms.err(); err != nil {
		var none T
		return none, err
	}
	return find(c, id, o)
}

// bindIDList binds the {id} of PUT .../group-ids or .../member-ids and
// its body, into body, whose one property *list is the GUID list called
// name; ids is nil when the list is null.
func (c *call) bindIDList(body any, list **[]json.RawMessage, name string) (id string, ids []string, err error) {
	ms := modelState{}
	id = c.pathGUID(ms)
	if c.decodePublic(ms, body) && *list != nil {
		ids = guidList(ms, name, **list)
	}
	return id, ids, ms.err()
}

// decodePublic binds a JSON body ([FromBody] model): an empty body, JSON
// that is not of the model's shape, and a null body are model-state
// errors. It reports whether v was filled.
func (c *call) decodePublic(ms modelState, v any) bool {
	body := strings.TrimSpace(string(c.body))
	switch {
	case body == "":
		ms.add("", "A non-empty request body is required.")
		return false
	case body == "null":
		ms.add("", "Body is empty.") // ModelStateValidationFilterAttribute
		return false
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		path := "$"
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			path += "." + te.Field
		}
		ms.add(path, "The JSON value could not be converted. Path: "+path+".")
		return false
	}
	return true
}

// publicList is ListResponseModel of the generation.
func (c *call) publicList(data []any) any {
	if data == nil {
		data = []any{}
	}
	if c.current() {
		return struct {
			Object string `json:"object"`
			Data   []any  `json:"data"`
		}{"list", data}
	}
	return newList(data)
}

// association is AssociationWithPermissionsRequestModel: Id and ReadOnly
// are [Required]; 2023.8 knows no more.
type association struct {
	ID            json.RawMessage `json:"id"`
	ReadOnly      *bool           `json:"readOnly"`
	HidePasswords *bool           `json:"hidePasswords"`
	Manage        *bool           `json:"manage"`
}

// checkAssociations validates a list of associations under the model key
// name ("Collections", "Groups"), and returns them in the store's form:
// the id canonical and the access as each generation reads it.
func (c *call) checkAssociations(ms modelState, name string, list []association) []assoc {
	out := make([]assoc, 0, len(list))
	for i, a := range list {
		key := name + "[" + strconv.Itoa(i) + "]"
		path := "$." + strings.ToLower(name[:1]) + name[1:] + "[" + strconv.Itoa(i) + "].id"
		s, isString := rawString(a.ID)
		var id string
		switch {
		case len(a.ID) == 0 || isNull(a.ID):
			ms.add(key+".Id", "The Id field is required.")
		case !isString || !guidD.MatchString(s):
			ms.add(path, "The JSON value could not be converted to System.Nullable`1[System.Guid]. Path: "+path+".")
		default:
			id = normID(s)
		}
		if a.ReadOnly == nil {
			ms.add(key+".ReadOnly", "The ReadOnly field is required.")
		}
		x := assoc{id: id}
		if a.ReadOnly != nil {
			x.a.readOnly = *a.ReadOnly
		}
		if c.current() {
			x.a.hidePasswords = a.HidePasswords != nil && *a.HidePasswords
			x.a.manage = a.Manage != nil && *a.Manage
		}
		out = append(out, x)
	}
	return out
}

// assoc is one checked association.
type assoc struct {
	id string
	a  access
}

// checkManage is the current servers' rule on collection access: Manage
// excludes ReadOnly and HidePasswords.
func (c *call) checkManage(list []assoc) error {
	if !c.current() {
		return nil
	}
	for _, x := range list {
		if x.a.manage && (x.a.readOnly || x.a.hidePasswords) {
			return publicBadRequest("The Manage property is mutually exclusive and cannot be true while the ReadOnly or HidePasswords properties are also true.")
		}
	}
	return nil
}

// assocJSON is AssociationWithPermissionsResponseModel.
type assocJSON struct {
	ID            string `json:"id"`
	ReadOnly      bool   `json:"readOnly"`
	HidePasswords *bool  `json:"hidePasswords,omitempty"`
	Manage        *bool  `json:"manage,omitempty"`
}

func (c *call) assocOut(id string, a access) assocJSON {
	out := assocJSON{ID: id, ReadOnly: a.readOnly}
	if c.current() {
		hp, mg := a.hidePasswords, a.manage
		out.HidePasswords, out.Manage = &hp, &mg
	}
	return out
}

// assocsOut renders a request's associations as the answer echoes them
// (the response models are built from the request, not from the store);
// nil stays null.
func (c *call) assocsOut(list []assoc, given bool) []assocJSON {
	if !given {
		return nil
	}
	out := make([]assocJSON, 0, len(list))
	for _, x := range list {
		out = append(out, c.assocOut(x.id, x.a))
	}
	return out
}

// guidList binds an IEnumerable<Guid> member (name is its JSON name):
// every element must be a GUID string.
func guidList(ms modelState, name string, raw []json.RawMessage) []string {
	out := make([]string, 0, len(raw))
	for i, r := range raw {
		s, ok := rawString(r)
		if !ok || !guidD.MatchString(s) {
			path := "$." + name + "[" + strconv.Itoa(i) + "]"
			ms.add(path, "The JSON value could not be converted to System.Guid. Path: "+path+".")
			continue
		}
		out = append(out, normID(s))
	}
	return out
}

// checkLength is [StringLength(max)] on an optional string.
func checkLength(ms modelState, field string, v *string, max int) {
	if v != nil && len(utf16.Encode([]rune(*v))) > max { // .NET counts UTF-16 code units
		ms.add(field, "The field "+field+" must be a string with a maximum length of "+strconv.Itoa(max)+".")
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
