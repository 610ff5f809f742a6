package sandbox

import (
	"net/http"
	"net/url"
)

// allDirectories is the {dirId} that means "every directory" on reads.
const allDirectories = "-"

// readDirectory resolves {dirId} for a read: "-" yields "" (no directory
// filter), a known id yields itself, anything else is a 404.
func (d *store) readDirectory(dirID string) (string, *apiError) {
	if dirID == allDirectories {
		return "", nil
	}
	if !d.hasDirectory(dirID) {
		return "", errNotFound("directory %s not found", dirID)
	}
	return dirID, nil
}

// writeDirectory resolves {dirId} for a write, which needs the real id: the
// reference's "read the group's directoryId first" rule.
func (d *store) writeDirectory(dirID string) (string, *apiError) {
	if dirID == allDirectories {
		return "", errBadRequest(detailRealDirectoryRequired)
	}
	if !d.hasDirectory(dirID) {
		return "", errNotFound("directory %s not found", dirID)
	}
	return dirID, nil
}

// organizationResponse is GET /v1/orgs/{orgId}.
type organizationResponse struct {
	Data organizationData `json:"data"`
}

type organizationData struct {
	ID            string                    `json:"id"`
	Type          string                    `json:"type"`
	Attributes    organizationAttributes    `json:"attributes"`
	Relationships organizationRelationships `json:"relationships"`
	Links         selfLinks                 `json:"links"`
}

// organizationRelationships points at the organization's users and domains,
// as the document requires; the sandbox serves neither listing.
type organizationRelationships struct {
	Domains relatedLinks `json:"domains"`
	Users   relatedLinks `json:"users"`
}

type relatedLinks struct {
	Links struct {
		Related string `json:"related"`
	} `json:"links"`
}

func related(url string) relatedLinks {
	var r relatedLinks
	r.Links.Related = url
	return r
}

type organizationAttributes struct {
	Name string `json:"name"`
}

type selfLinks struct {
	Self string `json:"self"`
}

func (s *Server) getOrganization(w http.ResponseWriter, r *http.Request) error {
	var resp organizationResponse
	_ = s.read(func(d *store) error {
		org := d.st.Organization
		self := baseURL(r) + "/admin/v1/orgs/" + url.PathEscape(org.ID)
		resp.Data = organizationData{
			ID:         org.ID,
			Type:       "orgs",
			Attributes: organizationAttributes{Name: org.Name},
			Relationships: organizationRelationships{
				Domains: related(self + "/domains"),
				Users:   related(self + "/users"),
			},
			Links: selfLinks{Self: self},
		}
		return nil
	})
	writeJSON(w, http.StatusOK, resp)
	return nil
}
