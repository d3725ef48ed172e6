package safe

import (
	"context"
	"fmt"

	"github.com/bsafe-go/bsafe"
)

// The methods in this file are for connectors built on this one, such as
// package usermgmt's User Management connector: they share its targets,
// logins, session cache and return codes instead of repeating them.

// Session returns the vault client and the team of the session k runs
// its operations on (see the type's documentation: a pinned Connector's,
// else the last Connect's), or an error of code 3 when k is not
// connected. The session belongs to the connector: use the client, but do
// not log it out; Close does.
func (k *Connector) Session() (*Client, *Team, error) {
	cn, err := k.current()
	if err != nil {
		return nil, nil, err
	}
	return cn.client, cn.team, nil
}

// TeamAPIClient returns the client of k's session logged in with the
// team's API key (the Public API's credential; see Client.Public), when
// the target gave one in sysid and syspw. Without one it is an error of
// code 11 that says so. The client belongs to the connector, as Session's
// does.
func (k *Connector) TeamAPIClient() (*Client, error) {
	cn, err := k.current()
	if err != nil {
		return nil, err
	}
	if cn.public == nil {
		return nil, fmt.Errorf("%w: this needs the team's API key (client_id \"organization.…\" and client_secret) in sysid and syspw", bsafe.ErrAccessDenied)
	}
	return cn.public, nil
}

// MapError gives an error of an operation on k's session the return code
// the connector contract gives it, as k's own operations do: the server
// refusing the session (401) is code 11 and makes the next Connect log in
// anew, a rate limit 41, a write whose outcome is unknown 1 whatever its
// cause, and so on. notFound is the code of an error matching ErrNotFound:
// bsafe.CodeInvalidUser (an account), bsafe.CodeInvalidModelUser (a
// template), bsafe.CodeInvalidGroup (a group), or bsafe.CodeInvalidServer
// (the login; network errors are then code 5 too); any other code means
// CodeInvalidUser. Errors that carry a code already keep it. MapError(nil,
// …) is nil.
func (k *Connector) MapError(err error, notFound bsafe.Code) error {
	if err == nil {
		return nil
	}
	about := onItem
	switch notFound {
	case bsafe.CodeInvalidModelUser:
		about = onTemplate
	case bsafe.CodeInvalidGroup:
		about = onCollection
	case bsafe.CodeInvalidServer:
		about = onLogin
	}
	cn, cerr := k.current()
	if cerr != nil {
		return connectorError(err, about)
	}
	return cn.fail(err, about)
}

// FindGroup returns the collection a groupid names, as k's group
// operations find it: a collection ID, else a name exactly one of the
// team's collections has (an administrator who manages collections sees
// every one, others those assigned to them). No collection is code 12
// (bsafe.ErrInvalidGroup), a name several have is code 38. It returns the
// team's collections too, for callers that need their names.
func (k *Connector) FindGroup(ctx context.Context, groupID string) (*Collection, []*Collection, error) {
	cn, err := k.current()
	if err != nil {
		return nil, nil, err
	}
	cols, err := cn.collections(ctx)
	if err != nil {
		return nil, nil, err
	}
	col, err := cn.findCollection(cols, groupID)
	if err != nil {
		return nil, nil, err
	}
	return col, cols, nil
}

// Groups returns the team's collections, as ListGroups lists them.
func (k *Connector) Groups(ctx context.Context) ([]*Collection, error) {
	cn, err := k.current()
	if err != nil {
		return nil, err
	}
	return cn.collections(ctx)
}
