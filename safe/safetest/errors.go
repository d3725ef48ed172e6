package safetest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// Messages of the official server, used verbatim because clients (and
// tests) compare them.
const (
	msgNotFound        = "Resource not found."
	msgUnauthorized    = "Unauthorized."
	msgModelInvalid    = "The model state is invalid."
	msgServerError     = "An unhandled server error has occurred."
	msgRateLimited     = "Slow down! Too many requests. Try again in 1m."
	msgBodyTooLarge    = "Request body too large."
	msgOutOfDate       = "The item cannot be saved because it is out of date. To edit this item, first sync your vault, or log out and back in."
	msgCannotEdit      = "You do not have permissions to edit this."
	msgCannotDelete    = "You do not have permissions to delete this."
	msgCannotRestore   = "You do not have permissions to restore this."
	msgWrongPassword   = "Username or password is incorrect. Try again."
	msgInvalidPassword = "Invalid password."
	msgTwoFactorBad    = "Two-step token is invalid. Try again."
	msgNewDevice       = "new device verification required"
	msgNoDevice        = "No device information provided."
	msgAuthEmail       = "Auth-Email header invalid."
	msgNotEncFor       = "Cipher was not encrypted for the current user. Please try again."
	msgNotEncByKey     = "Cipher was not encrypted with the current user key. Please try again."
	msgCollectionOrg   = "Specified CollectionId does not exist on the specified Organization."
	msgInvalidFolder   = "Invalid folder."
	msgNotInOrg        = "Cipher must belong to an organization."
)

// apiError is an error answered with the internal API's error body
// (api.md §6.3):
//
//	{"object":"error","message":...,"validationErrors":{...}|null,
//	 "exceptionMessage":null,"exceptionStackTrace":null,"innerExceptionMessage":null}
type apiError struct {
	status     int
	message    string
	validation map[string][]string
	retryAfter int // seconds; sets Retry-After when > 0
}

func (e *apiError) Error() string { return strconv.Itoa(e.status) + " " + e.message }

func errBadRequest(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, message: msg}
}

func errNotFound() *apiError { return &apiError{status: http.StatusNotFound, message: msgNotFound} }

func errUnauthorized() *apiError {
	return &apiError{status: http.StatusUnauthorized, message: msgUnauthorized}
}

// errValidation is the .NET model-state failure: 400 with one message per
// property path.
func errValidation(field, msg string) *apiError {
	return &apiError{
		status:     http.StatusBadRequest,
		message:    msgModelInvalid,
		validation: map[string][]string{field: {msg}},
	}
}

type errorBody struct {
	Object                string              `json:"object"`
	Message               string              `json:"message"`
	ValidationErrors      map[string][]string `json:"validationErrors"`
	ExceptionMessage      *string             `json:"exceptionMessage"`
	ExceptionStackTrace   *string             `json:"exceptionStackTrace"`
	InnerExceptionMessage *string             `json:"innerExceptionMessage"`
}

// oauthError is an error of the identity token endpoint: OAuth fields in
// snake_case plus Bitwarden's PascalCase extras (api.md §1.2.6).
type oauthError struct {
	status int
	body   map[string]any
}

func (e *oauthError) Error() string {
	s, _ := e.body["error"].(string)
	return strconv.Itoa(e.status) + " " + s
}

// newOAuthError builds {"error":code,"error_description":desc} and, when
// message is not empty, the ErrorModel clients read the text from.
func newOAuthError(code, desc, message string) *oauthError {
	body := map[string]any{"error": code}
	if desc != "" {
		body["error_description"] = desc
	}
	if message != "" {
		body["ErrorModel"] = map[string]any{"Message": message, "Object": "error"}
	}
	return &oauthError{status: http.StatusBadRequest, body: body}
}

// writeError answers err. Errors that are neither apiError nor oauthError
// are internal faults: they answer 500 without revealing their text.
func writeError(w http.ResponseWriter, err error) {
	var oe *oauthError
	if errors.As(err, &oe) {
		writeJSON(w, oe.status, oe.body)
		return
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{status: http.StatusInternalServerError, message: msgServerError}
	}
	if ae.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ae.retryAfter))
	}
	if ae.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	writeJSON(w, ae.status, errorBody{
		Object:           "error",
		Message:          ae.message,
		ValidationErrors: ae.validation,
	})
}

// writeJSON writes v as the whole response. Encoding errors cannot happen
// for the server's own types; if one did, the client gets a 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"object":"error","message":"` + msgServerError + `","validationErrors":null}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
