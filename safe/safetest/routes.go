package safetest

import "net/http"

// routes registers every endpoint of the server's generation. Anything
// else answers the official 404 error body.
func (s *Server) routes(mux *http.ServeMux) {
	current := s.cfg.gen == GenCurrent
	h := func(pattern string, f http.HandlerFunc) { mux.HandleFunc(pattern, f) }
	a := s.authed

	// Identity.
	h("POST /identity/accounts/prelogin", s.anon(s.prelogin))
	if current {
		h("POST /identity/accounts/prelogin/password", s.anon(s.prelogin))
	}
	h("POST /identity/connect/token", s.anon(s.token))

	// Configuration, account, sync.
	h("GET /api/config", s.optionalAuth(s.config))
	h("GET /api/accounts/profile", a(s.getProfile))
	h("GET /api/accounts/revision-date", a(s.revisionDate))
	h("POST /api/accounts/api-key", a(s.apiKeyRoute(false)))
	h("POST /api/accounts/rotate-api-key", a(s.apiKeyRoute(true)))
	h("POST /api/accounts/verify-password", a(s.verifyPasswordRoute))
	if current {
		h("POST /api/accounts/key-management/user-key-id", a(s.setUserKeyID))
	}
	h("GET /api/users/{id}/public-key", a(s.userPublicKey))
	h("GET /api/sync", a(s.sync))
	h("POST /events/collect", a(s.collectEvents))

	// Ciphers.
	h("GET /api/ciphers", a(s.listCiphers))
	h("GET /api/ciphers/organization-details", a(s.orgCipherDetails))
	h("GET /api/ciphers/{id}", a(s.getCipher))
	h("GET /api/ciphers/{id}/details", a(s.getCipherDetails))
	h("GET /api/ciphers/{id}/full-details", a(s.getCipherDetails))
	h("POST /api/ciphers", a(s.postCipher))
	h("POST /api/ciphers/create", a(s.postCipherCreate))
	h("PUT /api/ciphers/{id}", a(s.putCipher))
	h("POST /api/ciphers/{id}", a(s.putCipher))
	h("PUT /api/ciphers/{id}/partial", a(s.putCipherPartial))
	h("POST /api/ciphers/{id}/partial", a(s.putCipherPartial))
	h("PUT /api/ciphers/{id}/share", a(s.putCipherShare))
	h("POST /api/ciphers/{id}/share", a(s.putCipherShare))
	h("PUT /api/ciphers/{id}/collections", a(s.putCipherCollections))
	h("POST /api/ciphers/{id}/collections", a(s.putCipherCollections))
	if current {
		h("PUT /api/ciphers/{id}/collections_v2", a(s.putCipherCollectionsV2))
	}
	h("PUT /api/ciphers/{id}/delete", a(s.softDeleteCipher))
	h("DELETE /api/ciphers/{id}", a(s.deleteCipher))
	h("POST /api/ciphers/{id}/delete", a(s.deleteCipher))
	h("PUT /api/ciphers/{id}/restore", a(s.restoreCipher))
	h("PUT /api/ciphers/delete", a(s.bulkSoftDelete))
	h("DELETE /api/ciphers", a(s.bulkDelete))
	h("POST /api/ciphers/delete", a(s.bulkDelete))
	h("PUT /api/ciphers/restore", a(s.bulkRestore))
	h("PUT /api/ciphers/move", a(s.moveCiphers))
	h("POST /api/ciphers/move", a(s.moveCiphers))

	// Folders.
	h("GET /api/folders", a(s.listFolders))
	h("POST /api/folders", a(s.postFolder))
	h("GET /api/folders/{id}", a(s.getFolder))
	h("PUT /api/folders/{id}", a(s.putFolder))
	h("POST /api/folders/{id}", a(s.putFolder))
	h("DELETE /api/folders/{id}", a(s.deleteFolder))
	h("POST /api/folders/{id}/delete", a(s.deleteFolder))

	// Collections.
	h("GET /api/collections", a(s.userCollections))
	const cols = "/api/organizations/{orgId}/collections"
	h("GET "+cols, a(s.listOrgCollections))
	h("POST "+cols, a(s.postOrgCollection))
	h("GET "+cols+"/details", a(s.listOrgCollectionDetails))
	h("GET "+cols+"/{id}", a(s.getOrgCollection))
	h("GET "+cols+"/{id}/details", a(s.getOrgCollectionDetails))
	h("GET "+cols+"/{id}/users", a(s.getOrgCollectionUsers))
	if !current {
		h("PUT "+cols+"/{id}/users", a(s.putOrgCollectionUsers))
	}
	h("PUT "+cols+"/{id}", a(s.putOrgCollection))
	h("POST "+cols+"/{id}", a(s.putOrgCollection))
	h("DELETE "+cols+"/{id}", a(s.deleteOrgCollection))
	h("POST "+cols+"/{id}/delete", a(s.deleteOrgCollection))

	// Teams and members.
	const org = "/api/organizations/{orgId}"
	h("GET "+org+"/users", a(s.listOrgUsers))
	if current {
		h("GET "+org+"/users/mini-details", a(s.listOrgUsersMini))
	}
	h("GET "+org+"/users/{id}", a(s.getOrgUser))
	h("POST "+org+"/users/invite", a(s.inviteOrgUsers))
	h("POST "+org+"/users/reinvite", a(s.bulkReinviteOrgUsers))
	h("POST "+org+"/users/{id}/reinvite", a(s.reinviteOrgUser))
	h("POST "+org+"/users/confirm", a(s.bulkConfirmOrgUsers))
	h("POST "+org+"/users/{id}/confirm", a(s.confirmOrgUser))
	h("PUT "+org+"/users/{id}", a(s.putOrgUser))
	h("DELETE "+org+"/users/{id}", a(s.deleteOrgUser))
	if current {
		h("POST "+org+"/users/{id}/remove", a(s.deleteOrgUser))
	} else {
		h("POST "+org+"/users/{id}", a(s.putOrgUser))
		h("POST "+org+"/users/{id}/delete", a(s.deleteOrgUser))
	}
	for _, m := range []string{"PUT ", "PATCH "} {
		h(m+org+"/users/{id}/revoke", a(s.revokeOrgUser))
		h(m+org+"/users/{id}/restore", a(s.restoreOrgUser))
		if !current { // the names before 2022-07, kept by 2023.8
			h(m+org+"/users/{id}/deactivate", a(s.revokeOrgUser))
			h(m+org+"/users/{id}/activate", a(s.restoreOrgUser))
		}
	}
	h("GET "+org+"/keys", a(s.orgPublicKey))
	h("GET "+org+"/public-key", a(s.orgPublicKey))

	// Account recovery (recovery.go).
	h("POST "+org+"/keys", a(s.postOrgKeys))
	h("PUT "+org+"/users/{userId}/reset-password-enrollment", a(s.putResetPasswordEnrollment))
	h("GET "+org+"/users/{id}/reset-password-details", a(s.getResetPasswordDetails))
	if current { // reset-password was removed in 2026.6.2
		h("PUT "+org+"/users/{id}/recover-account", a(s.putRecoverAccount))
	} else {
		h("PUT "+org+"/users/{id}/reset-password", a(s.putResetPassword))
	}
	h("PUT /api/accounts/update-temp-password", a(s.putUpdateTempPassword))

	// The team API key and the Public API (public*.go).
	s.publicRoutes(mux)

	h("/", func(w http.ResponseWriter, r *http.Request) { writeError(w, errNotFound()) })
}
