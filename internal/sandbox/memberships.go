package sandbox

import (
	"net/http"
	"strings"
)

type addMemberBody struct {
	AccountID string `json:"accountId"`
}

// addMember is POST .../groups/{groupId}/memberships. Checks run in the order
// a client can act on them: the group, the user, whether the group accepts
// writes, whether the user is already in, and finally the licence.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	var body addMemberBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	accountID := strings.TrimSpace(body.AccountID)
	err := s.write(func(d *store) error {
		dirID, err := d.writeDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		if accountID == "" {
			return errBadRequest("accountId is required")
		}
		g, err := d.lookupGroup(r.PathValue("groupId"), dirID)
		if err != nil {
			return err
		}
		if _, err := d.lookupUser(accountID, g.DirectoryID); err != nil {
			return err
		}
		if g.ExternalSynced {
			return errForbidden(detailExternalSynced)
		}
		if isMember(g, accountID) {
			if d.st.Settings.RepeatedAddReturns204 {
				return nil
			}
			return errConflict("user %s is already a member of group %s", accountID, g.ID)
		}
		if err := d.checkLicence(d.groupWorkspaces(g.ID), []string{accountID}); err != nil {
			return err
		}
		s.journalGroup(d, g.ID, false)
		addMember(g, accountID)
		return nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// removeMember is DELETE .../groups/{groupId}/memberships/{accountId}.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	accountID := r.PathValue("accountId")
	err := s.write(func(d *store) error {
		dirID, err := d.writeDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		g, err := d.lookupGroup(r.PathValue("groupId"), dirID)
		if err != nil {
			return err
		}
		if _, err := d.lookupUser(accountID, g.DirectoryID); err != nil {
			return err
		}
		if g.ExternalSynced {
			return errForbidden(detailExternalSynced)
		}
		if !isMember(g, accountID) {
			return errNotFound("user %s is not a member of group %s", accountID, g.ID)
		}
		s.journalGroup(d, g.ID, false)
		removeMember(g, accountID)
		return nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
