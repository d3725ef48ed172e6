package safe

import (
	"context"
	"strings"
)

// SyncCache keeps the last /api/sync response between processes, so that a
// short-lived program (a command-line tool run once per command) does not
// fetch and decrypt the whole vault every time it starts. Set one with
// WithSyncCache.
//
// The body handed to StoreSync is the server's response exactly as it
// came: the vault's fields in it are still encrypted (EncStrings under the
// user and team keys), and the client never gives the cache any plaintext.
// It does hold the account's metadata in the clear (item and folder IDs,
// dates, team names, the e-mail), as the server sent it: store it where
// the account's other files go, or encrypt it (examples/bsafe encrypts
// it under its session key).
//
// The client uses the cache only while it has no vault in memory (after
// login or ResumeSession): it asks the server for the account's revision
// date, one small request, and decodes the cached body if that date is
// the cached revision; otherwise, and whenever the body is not of the
// logged-in user, does not decode, or holds an item that does not decrypt
// (found by the first read of items), it syncs in full. After every full
// sync it calls StoreSync with the new body. The client calls the cache
// from one goroutine at a time, and never clears it: Logout does not, so
// delete the stored body where the program forgets the session.
type SyncCache interface {
	// LoadSync returns the stored body and its revision (the account
	// revision date in ms, as given to StoreSync), or ok false when there
	// is none. An error is logged and treated as no cache.
	LoadSync(ctx context.Context) (body []byte, revision int64, ok bool, err error)
	// StoreSync replaces the stored body. The client keeps using body, so
	// StoreSync must not modify it or keep it past its return. An error is
	// logged; it never fails the read that synced.
	StoreSync(ctx context.Context, body []byte, revision int64) error
}

// WithSyncCache sets a cache for the sync response (see SyncCache). The
// client logs (WithLogger) at warning level a cache it ignored and a cache
// that failed, without the body or any secret; the errors of the cache
// are logged as it returns them, so they must hold no secret either.
func WithSyncCache(c SyncCache) Option {
	return func(cfg *config) error {
		if c == nil {
			return invalidArg("WithSyncCache(nil)")
		}
		cfg.syncCache = c
		return nil
	}
}

// loadCache returns the snapshot in the sync cache if it decodes and is of
// s's user, with the cached revision, or nil. The caller compares that
// revision with the server's (cacheIsCurrent).
func (c *Client) loadCache(ctx context.Context, s *session) *vault {
	body, rev, ok, err := c.cfg.syncCache.LoadSync(ctx)
	log := c.cfg.logger
	switch {
	case err != nil && ctx.Err() != nil:
		return nil // the sync ended first (its revision request failed)
	case err != nil:
		log.WarnContext(ctx, "safe: sync cache: load failed; syncing in full", "err", err)
		return nil
	case !ok:
		return nil
	}
	v, err := c.decodeSync(body, s)
	if err != nil {
		log.WarnContext(ctx, "safe: sync cache does not decode; ignored, syncing in full", "err", err)
		return nil
	}
	if !strings.EqualFold(v.profile.ID, s.userID) {
		log.WarnContext(ctx, "safe: sync cache holds another user's vault; ignored, syncing in full")
		return nil
	}
	v.revision, v.fromCache = rev, true
	return v
}

// startLoadCache runs loadCache in a goroutine, so that the cache is read
// and decoded while the revision request is on its way (at 10,000 items
// each takes about 25 ms), and returns the channel of its result. A panic
// of the SyncCache is an ignored cache, not the end of the program.
func (c *Client) startLoadCache(ctx context.Context, s *session) <-chan *vault {
	ch := make(chan *vault, 1)
	go func() {
		var v *vault
		defer func() {
			if recover() != nil { // the value is not logged: it may hold a secret
				c.cfg.logger.ErrorContext(ctx, "safe: sync cache: LoadSync panicked; syncing in full")
				v = nil
			}
			ch <- v
		}()
		v = c.loadCache(ctx, s)
	}()
	return ch
}

// cacheIsCurrent reports whether a cached snapshot may stand for the server's
// revision serverRev: only if it is exactly the cached one. A revision
// below the cached one is not taken as current either: the server's state
// went back (a restore, a clock set back), and writes made since then may
// carry dates the cache claims to have seen.
func (c *Client) cacheIsCurrent(ctx context.Context, v *vault, serverRev int64) bool {
	if v == nil {
		return false
	}
	if v.revision != serverRev {
		c.cfg.logger.DebugContext(ctx, "safe: sync cache is out of date; syncing in full", "cached", v.revision, "server", serverRev)
		return false
	}
	return true
}

// toCache stores a full sync's body; a failure is only logged.
func (c *Client) toCache(ctx context.Context, body []byte, rev int64) {
	if c.cfg.syncCache == nil {
		return
	}
	if err := c.cfg.syncCache.StoreSync(ctx, body, rev); err != nil {
		c.cfg.logger.WarnContext(ctx, "safe: sync cache: store failed", "err", err)
	}
}
