package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// PocketBase keeps OAuth2 links as records of its `_externalAuths` system
// collection, which owners may list and delete; its SDK reaches them
// through pb.collection("_externalAuths"). Gatehouse serves the same
// routes over core's identities.
const (
	externalAuthsName = "_externalAuths"
	externalAuthsID   = "pbc_2281828961" // crc32("base_externalAuths"), as PocketBase derives ids
)

// identityJSON renders a link as an _externalAuths record.
func identityJSON(i core.Identity) map[string]any {
	return map[string]any{
		"collectionId": externalAuthsID, "collectionName": externalAuthsName,
		"id": i.ID, "collectionRef": i.CollectionID, "recordRef": i.UserID,
		"provider": i.Provider, "providerId": i.ProviderID,
		"created": formatTime(i.Created), "updated": formatTime(i.Created),
	}
}

// handleListExternalAuths answers GET /api/collections/_externalAuths/records
// with the caller's links.
func (s *server) handleListExternalAuths() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		p := principal(r)
		if p == nil {
			// PocketBase's owner rule filters a guest's list to nothing.
			return respond(w, r, http.StatusOK, readPaging(r.URL.Query()).list(0, 0))
		}
		return s.writeIdentities(w, r, p, p.Collection, p.User.ID)
	})
}

// handleDeleteExternalAuth answers DELETE
// /api/collections/_externalAuths/records/{id} for the caller's own link.
func (s *server) handleDeleteExternalAuth() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		p := principal(r)
		if p == nil {
			return core.NewError(core.KindNotFound, core.CodeNotFound)
		}
		if err := s.svc.UnlinkIdentity(r.Context(), p, p.Collection, p.User.ID, r.PathValue("id")); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}

// handleListIdentities answers GET /records/{id}/identities (the user
// itself or a superuser).
func (s *server) handleListIdentities() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		return s.writeIdentities(w, r, principal(r), c, r.PathValue("id"))
	})
}

// handleUnlinkIdentity answers DELETE /records/{id}/identities/{iid}.
func (s *server) handleUnlinkIdentity() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		if err := s.svc.UnlinkIdentity(r.Context(), principal(r), c, r.PathValue("id"), r.PathValue("iid")); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}

func (s *server) writeIdentities(w http.ResponseWriter, r *http.Request, p *core.Principal, c *core.Collection, userID string) error {
	list, err := s.svc.ListIdentities(r.Context(), p, c, userID)
	if err != nil {
		return err
	}
	// Paged like any PocketBase list: the SDK's getFullList asks for
	// pages until one comes back short.
	pg := readPaging(r.URL.Query())
	from := min(pg.offset(), len(list))
	page := list[from:min(from+pg.perPage, len(list))]
	out := pg.list(len(list), len(page))
	for _, i := range page {
		out.Items = append(out.Items, identityJSON(i))
	}
	return respond(w, r, http.StatusOK, out)
}
