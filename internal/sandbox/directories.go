package sandbox

import (
	"net/http"
	"slices"
	"strings"
)

// apiDirectory is an item of GET /v2/orgs/{orgId}/directories.
type apiDirectory struct {
	DirectoryID string `json:"directoryId"`
	Name        string `json:"name"`
	Icon        string `json:"icon"`
}

type directoryPage struct {
	Data  []apiDirectory `json:"data"`
	Links pageLinks      `json:"links"`
}

const cursorDirectories cursorKind = "directories"

// directoryFilterParams are the parameters a directories cursor carries.
var directoryFilterParams = []string{"accountId", "directoryIds", "searchTerm", "limit"}

// listDirectories pages through the organization's directories in id order,
// filtered by the directory of one account, by ids and by a name search.
func (s *Server) listDirectories(w http.ResponseWriter, r *http.Request) error {
	values := r.URL.Query()
	pos, err := decodeCursor(cursorDirectories, values.Get("cursor"))
	if err != nil {
		return err
	}
	query := effectiveQuery(values, pos)
	limit, err := parseLimit(query)
	if err != nil {
		return err
	}
	directoryIDs := multiValues(query, "directoryIds")
	if err := (arrayRule{field: "directoryIds", max: maxDirectoryIDsFilter}).check(directoryIDs); err != nil {
		return err
	}
	ids := setOf(directoryIDs, nil)
	term := strings.ToLower(strings.TrimSpace(query.Get("searchTerm")))
	accountID := query.Get("accountId")
	var page directoryPage
	readErr := s.read(func(d *store) error {
		accountDirectory := ""
		if accountID != "" {
			u, ok := d.user(accountID)
			if !ok || !d.listed(u) {
				// No account, no directory holds it: an empty page.
				page.Data = []apiDirectory{}
				page.Links.Self = selfLink(r)
				return nil
			}
			accountDirectory = u.DirectoryID
		}
		sorted := slices.Clone(d.st.Directories)
		slices.SortFunc(sorted, func(a, b Directory) int { return strings.Compare(a.ID, b.ID) })
		page.Data = make([]apiDirectory, 0, min(limit, len(sorted)))
		for _, dir := range sorted[firstAfterFunc(sorted, pos.after):] {
			switch {
			case ids != nil && !ids[dir.ID]:
				continue
			case accountDirectory != "" && dir.ID != accountDirectory:
				continue
			case term != "" && !containsFold(dir.Name, term):
				continue
			}
			if len(page.Data) == limit {
				page.Links.Next = encodeCursor(cursorDirectories, page.Data[limit-1].DirectoryID, carriedQuery(query, directoryFilterParams...))
				break
			}
			page.Data = append(page.Data, apiDirectory{DirectoryID: dir.ID, Name: dir.Name, Icon: ""})
		}
		page.Links.Self = selfLink(r)
		return nil
	})
	if readErr != nil {
		return readErr
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func firstAfterFunc(sorted []Directory, after string) int {
	if after == "" {
		return 0
	}
	i, found := slices.BinarySearchFunc(sorted, after, func(d Directory, id string) int { return strings.Compare(d.ID, id) })
	if found {
		i++
	}
	return i
}

// removeFromDirectory is DELETE .../directories/{dirId}/users/{accountId}:
// the account leaves the directory with every group and role it held, and
// can only come back through a new invitation.
func (s *Server) removeFromDirectory(w http.ResponseWriter, r *http.Request) error {
	err := s.write(func(d *store) error {
		dirID, err := d.writeDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		u, err := d.lookupUser(r.PathValue("accountId"), dirID)
		if err != nil {
			return err
		}
		d.deleteUser(u.AccountID)
		return nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteUser removes an account, its group memberships and its role
// assignments.
func (d *store) deleteUser(accountID string) {
	i, ok := d.userPos[accountID]
	if !ok {
		return
	}
	for gi := range d.st.Groups {
		removeMember(&d.st.Groups[gi], accountID)
	}
	d.st.UserRoleAssignments = slices.DeleteFunc(d.st.UserRoleAssignments, func(a UserRoleAssignment) bool { return a.AccountID == accountID })
	d.st.Users = slices.Delete(d.st.Users, i, i+1)
	d.reindexUsers()
}

// insertUser adds an account at its sorted position.
func (d *store) insertUser(u User) {
	i, _ := slices.BinarySearchFunc(d.st.Users, u.AccountID, func(x User, id string) int { return strings.Compare(x.AccountID, id) })
	if u.PlatformRoles == nil {
		u.PlatformRoles = []string{}
	}
	d.st.Users = slices.Insert(d.st.Users, i, u)
	d.reindexUsers()
}

func (d *store) reindexUsers() {
	d.userPos = make(map[string]int, len(d.st.Users))
	for i, u := range d.st.Users {
		d.userPos[u.AccountID] = i
	}
}

// userByEmail finds an account by email, ignoring case.
func (d *store) userByEmail(email string) (*User, bool) {
	for i := range d.st.Users {
		if d.st.Users[i].Email != "" && strings.EqualFold(d.st.Users[i].Email, email) {
			return &d.st.Users[i], true
		}
	}
	return nil, false
}
