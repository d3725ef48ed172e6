package safe

import "regexp"

// uuidRE is the form of every ID the servers give out and take in a
// path: team, member, user, item, folder, collection, group and device
// IDs are .NET Guids, written as 8-4-4-4-12 hex digits. The servers parse
// path IDs with new Guid(id), which fails some routes of Bravura Safe's
// 2023.8 server with a 500 (that the client would retry) rather than a
// 404, and take other Guid spellings ("N", braces) that bsafe never
// needs; so the client sends this form only.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// isGUID reports whether s is an ID in the servers' form (see uuidRE).
func isGUID(s string) bool { return uuidRE.MatchString(s) }

// validID refuses IDs that are not GUIDs (see uuidRE), with an error
// matching ErrInvalidArgument: such an ID names nothing on the server,
// and one that is no single URL path segment would change the meaning of
// the request's path.
func validID(ids ...string) error {
	for _, id := range ids {
		if !isGUID(id) {
			return invalidArg("an ID is not a GUID (want 8-4-4-4-12 hex digits)")
		}
	}
	return nil
}
