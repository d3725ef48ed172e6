package usermgmt

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/safe"
)

// Connector is the "Bravura Safe User Management" connector: it
// implements the connector contract of package bsafe on the members of a
// Bravura Safe team, the people who log into Safe. Accounts are the
// team's members, groups are the team's collections, and a member of a
// group is a member with access to the collection.
//
// # Target
//
// Connect takes the address options of the vault connector (see
// safe.Connector: server, organizationName and proxy, required and
// checked in the same way) and
//
//   - defaultAccessLevel: the access groupuseradd grants when its input
//     has no _accessLevel attribute, one of the five AccessLevel strings
//     ("Can view", "Can view except passwords", "Can edit", "Can edit
//     except passwords", "Can manage"; the comma spellings too). Empty
//     means "Can view", as Bravura's set-up configures it (seed 001).
//     Anything else is code 1.
//
// and the credentials: adminid and adminpw, the e-mail address and master
// password of a team owner or administrator, with which the connector logs
// in. Every operation needs that login: confirming a member and resetting
// a master password are client-side cryptography, and collection names
// are encrypted. sysid and syspw are optional: the administrator's
// personal API key (client_id "user.…" and client_secret), as for the
// vault connector, or the team's API key (client_id "organization.…",
// which Bravura's set-up calls the second administrator credential). The
// team API key is checked at Connect (it must be the team's, else code
// 11), and create and update use it to set the member's external ID,
// which only the Public API sets. Everything else uses the
// administrator's login.
//
// Connections and sessions are the vault connector's: Connect returns a
// *Connector pinned to its target, sessions are cached and shared, and
// the root Connector (the one NewConnector made) runs on the last
// successful Connect.
//
// # Accounts
//
// An account is a membership: longid is the member ID (the
// organization-user ID), shortid the e-mail address and fullname the name
// (empty until the invited person has an account). An acctid is a member
// ID or an e-mail address (compared ignoring case); no member is code 7.
// Attributes, in listusers, checkuser and userattributes:
//
//   - email;
//   - status: invited, accepted, confirmed or revoked;
//   - type: owner, admin, user, manager or custom;
//   - twoFactorEnabled and resetPasswordEnrolled: "1" or "0";
//   - externalId;
//   - _collectionNames (multi-valued): the names of the collections the
//     member has access to of their own (an owner's or admin's access to
//     every collection is not listed);
//   - assocID: the member's e-mail address, trimmed and in lower case.
//     This is the value mass password onboarding writes into the assocID
//     custom field of the vault item it creates for the member, so that
//     the member's account here (attached to the profile by e-mail, seed
//     001) and the vault item (attached by assocID) land on one profile.
//
// The member's groups are the IDs of those collections.
//
// # Operations
//
//   - listgroups, groupcreate and groupdelete are the vault connector's:
//     collections, found by ID or unique name (code 12 for none);
//   - listmembers lists the members with access of their own to a
//     collection, with the attribute accessLevel (an AccessLevel string);
//   - groupuseradd grants access at the input's _accessLevel attribute
//     (write-only: listmembers reports it as accessLevel), else at
//     defaultAccessLevel; a member who has access already is code 13.
//     groupuserdelete takes the access away (code 9 for none);
//   - create invites the e-mail address in the attribute email, else the
//     acctid, as a user (the attribute type may say admin, manager or
//     custom; owner needs an owner's login), with access at
//     defaultAccessLevel to the collections _collectionNames names (by ID
//     or unique name), and with the attribute externalId when given, which
//     only the Public API sets: an invitation with one goes through the
//     Public API and needs the team API key (else code 11).
//     The invited person chooses their own master password when they
//     accept, so newpw is not used. An address already in the team is
//     code 6;
//   - delete removes the member from the team;
//   - update sets externalId (the only attribute it sets) through the
//     Public API, which needs the team API key in sysid/syspw (else code
//     11). The Public API replaces a member whole, so update reads the
//     member's role and collection access and sends them back: a change
//     to them by someone else between the two requests is lost. Custom
//     members are refused (code 42): the Public API of Bravura Safe's
//     server cannot send back their permissions;
//   - isenabled, enable and disable: a member is enabled unless revoked;
//     enable restores, disable revokes (each succeeds when the member is
//     in that state already);
//   - reset sets the member's master password through account recovery
//     (MembersService.ResetPassword): the team must offer account
//     recovery and the member must be confirmed and enrolled (else code
//     42; 29 for a revoked member), only owners reset owners (code 11),
//     and nobody resets themself this way (code 1: change your own
//     password instead). A reset cannot be read back (that would be a
//     login as the member), so the server's answer decides: a lost answer
//     is repeated (the same reset twice is one), and an outcome that stays
//     unknown is code 1. Whether the member must change the password
//     at the next login is the server's choice (upstream: always; Bravura
//     Safe: the administrator's membership flag), see
//     safe.Client.MustUpdatePassword;
//   - custom_confirm (output none) confirms an accepted member: it wraps
//     the team key to the member's public key (code 42 for a member who
//     has not accepted, or is confirmed already).
//
// Errors never carry a password or a secret; they name members by ID.
//
// A Connector is safe for concurrent use.
type Connector struct {
	vault *safe.Connector
	// level is a pinned Connector's defaultAccessLevel.
	level  AccessLevel
	pinned bool
	// root is shared by a root Connector and those its Connect returned:
	// the last successful Connect's pinned Connector.
	root *atomic.Pointer[Connector]
}

// NewConnector returns a User Management connector that is not yet
// connected; Connect logs in. The options configure the vault client, as
// for safe.NewConnector.
func NewConnector(opts ...safe.Option) *Connector {
	return &Connector{vault: safe.NewConnector(opts...), root: new(atomic.Pointer[Connector])}
}

// AttachConnector returns a User Management connector on team (a name or
// ID) through c, a Client that is already logged in as an owner or
// administrator of it, with level as the defaultAccessLevel. Its Connect
// never logs in; see safe.AttachConnector.
func AttachConnector(ctx context.Context, c *safe.Client, team string, level AccessLevel) (*Connector, error) {
	if !level.valid() {
		return nil, fmt.Errorf("%w: %w", bsafe.ErrBadInput, ErrInvalidAccessLevel)
	}
	v, err := safe.AttachConnector(ctx, c, team, false)
	if err != nil {
		return nil, err
	}
	k := &Connector{vault: v, level: level, root: new(atomic.Pointer[Connector])}
	k.root.Store(&Connector{vault: v, level: level, pinned: true, root: k.root})
	return k, nil
}

// Connect logs in to the target's server and finds its team, or keeps
// the session of an earlier Connect with the same target (see the type's
// documentation). It returns a *Connector pinned to that target.
func (k *Connector) Connect(ctx context.Context, t bsafe.Target) (bsafe.Connector, error) {
	if k.vault == nil {
		return nil, fmt.Errorf("%w: a zero usermgmt.Connector cannot connect: use NewConnector", bsafe.ErrBadInput)
	}
	pinned, err := k.connect(ctx, t)
	if err != nil {
		k.root.Store(nil)
		return nil, err
	}
	k.root.Store(pinned)
	return pinned, nil
}

func (k *Connector) connect(ctx context.Context, t bsafe.Target) (*Connector, error) {
	level := DefaultAccessLevel
	if s := strings.TrimSpace(t.Options.Get("defaultAccessLevel")); s != "" {
		l, err := ParseAccessLevel(s)
		if err != nil {
			return nil, fmt.Errorf("usermgmt connector: the address option defaultAccessLevel: %w: %w", bsafe.ErrBadInput, err)
		}
		level = l
	}
	v, err := k.vault.Connect(ctx, t)
	if err != nil {
		return nil, err
	}
	return &Connector{vault: v.(*safe.Connector), level: level, pinned: true, root: k.root}, nil
}

// current is the pinned Connector operations run on.
func (k *Connector) current() (*Connector, error) {
	if k.pinned {
		return k, nil
	}
	if k.root != nil {
		if p := k.root.Load(); p != nil {
			return p, nil
		}
	}
	return nil, fmt.Errorf("usermgmt connector: %w (Connect first)", bsafe.ErrNotConnected)
}

// session is the client and team of the current connection.
func (k *Connector) session() (*Connector, *safe.Client, *safe.Team, error) {
	p, err := k.current()
	if err != nil {
		return nil, nil, nil, err
	}
	c, team, err := p.vault.Session()
	if err != nil {
		return nil, nil, nil, err
	}
	return p, c, team, nil
}

// Close logs out every session of the Connectors sharing k's cache, as
// safe.Connector.Close does.
func (k *Connector) Close() error {
	if k.vault == nil {
		return nil
	}
	if k.root != nil {
		k.root.Store(nil)
	}
	return k.vault.Close()
}

// ServerInfo reports the server's version and the team.
func (k *Connector) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	p, err := k.current()
	if err != nil {
		return bsafe.ServerInfo{}, err
	}
	info, err := p.vault.ServerInfo(ctx)
	if err != nil {
		return info, err
	}
	info.Name = strings.Replace(info.Name, "Bravura Safe", "Bravura Safe User Management", 1)
	return info, nil
}

// String describes the connector: its server and team, never its
// credentials.
func (k *Connector) String() string {
	p, err := k.current()
	if err != nil {
		return "usermgmt.Connector(not connected)"
	}
	return "usermgmt." + strings.TrimPrefix(p.vault.String(), "safe.")
}

// GoString is String.
func (k *Connector) GoString() string { return k.String() }

// Format prints String for every verb.
func (k *Connector) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }

// LogValue makes log/slog print String.
func (k *Connector) LogValue() slog.Value { return slog.StringValue(k.String()) }

// errAccount maps an error about a member to its code.
func (k *Connector) errAccount(err error) error { return k.vault.MapError(err, bsafe.CodeInvalidUser) }

// errGroup maps an error about a collection to its code.
func (k *Connector) errGroup(err error) error { return k.vault.MapError(err, bsafe.CodeInvalidGroup) }

// The capabilities the connector implements.
var (
	_ bsafe.TargetConnector       = (*Connector)(nil)
	_ bsafe.Resetter              = (*Connector)(nil)
	_ bsafe.Enabler               = (*Connector)(nil)
	_ bsafe.UserLister            = (*Connector)(nil)
	_ bsafe.UserChecker           = (*Connector)(nil)
	_ bsafe.AttributeLister       = (*Connector)(nil)
	_ bsafe.UserGroupsLister      = (*Connector)(nil)
	_ bsafe.GroupLister           = (*Connector)(nil)
	_ bsafe.MemberLister          = (*Connector)(nil)
	_ bsafe.GroupMembershipEditor = (*Connector)(nil)
	_ bsafe.GroupAddAttributer    = (*Connector)(nil)
	_ bsafe.GroupProvisioner      = (*Connector)(nil)
	_ bsafe.Creator               = (*Connector)(nil)
	_ bsafe.Deleter               = (*Connector)(nil)
	_ bsafe.Updater               = (*Connector)(nil)
	_ bsafe.CustomOperator        = (*Connector)(nil)
)

// ruleErrors are the client's refusals by the server's rules, code 42.
var ruleErrors = []error{safe.ErrNotAccepted, safe.ErrNotEnrolled, safe.ErrNotConfirmed, safe.ErrRecoveryDisabled}
