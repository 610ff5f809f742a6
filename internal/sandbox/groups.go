package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Values of the group's managedBy field.
const (
	managedByAdmins   = "admins"
	managedByExternal = "external"
)

const maxGroupNameLength = 255

// apiGroup is the v2 group object; field names are the reference's exactly.
type apiGroup struct {
	ID               string           `json:"id"`
	Name             string           `json:"name"`
	Description      string           `json:"description"`
	DirectoryID      string           `json:"directoryId"`
	ManagementAccess managementAccess `json:"managementAccess"`
	ExternalSynced   bool             `json:"externalSynced"`
	ManagedBy        string           `json:"managedBy"`
	Counts           groupCounts      `json:"counts"`
	Links            selfLinks        `json:"links"`
}

type managementAccess struct {
	Readable   bool `json:"readable"`
	Modifiable bool `json:"modifiable"`
	Deletable  bool `json:"deletable"`
}

type groupCounts struct {
	Users     int `json:"users"`
	Resources int `json:"resources"`
}

type groupPage struct {
	Data  []apiGroup `json:"data"`
	Links pageLinks  `json:"links"`
}

type groupResponse struct {
	Data apiGroup `json:"data"`
}

// groupDeletable is the single rule for deletion, shared by the delete
// endpoint and managementAccess.deletable so they never disagree.
func groupDeletable(g *Group) bool {
	return g.Deletable && !g.ExternalSynced && !g.Default
}

func renderGroup(g *Group, resources int, links linker) apiGroup {
	return apiGroup{
		ID:          g.ID,
		Name:        g.Name,
		Description: g.Description,
		DirectoryID: g.DirectoryID,
		ManagementAccess: managementAccess{
			Readable:   true,
			Modifiable: !g.ExternalSynced,
			Deletable:  groupDeletable(g),
		},
		ExternalSynced: g.ExternalSynced,
		ManagedBy:      g.ManagedBy,
		Counts:         groupCounts{Users: len(g.MemberAccountIDs), Resources: resources},
		Links:          selfLinks{Self: links.group(g)},
	}
}

// groupQuery is the filter set of GET .../groups and POST .../groups/search.
type groupQuery struct {
	limit      int
	searchTerm string          // lower-case
	groupIDs   map[string]bool // nil = any group
	accountIDs []string        // groups with any of these members
	// resourceIDs: groups holding a role on any of these resources (nil =
	// any group); the search's filter.
	resourceIDs map[string]bool
}

// groupFilterParams are the parameters a groups cursor carries.
var groupFilterParams = []string{"searchTerm", "groupIds", "accountIds", "resourceIds", "limit"}

func parseGroupQuery(values url.Values) (*groupQuery, *apiError) {
	limit, err := parseLimit(values)
	if err != nil {
		return nil, err
	}
	groupIDs := multiValues(values, "groupIds")
	if len(groupIDs) > maxGroupIDFilter {
		return nil, errBadRequest("groupIds accepts at most %d values", maxGroupIDFilter)
	}
	resourceIDs := multiValues(values, "resourceIds")
	if len(resourceIDs) > maxSearchResourceIDs {
		return nil, errBadRequest("resourceIds accepts at most %d values", maxSearchResourceIDs)
	}
	q := &groupQuery{
		limit:       limit,
		searchTerm:  strings.ToLower(strings.TrimSpace(values.Get("searchTerm"))),
		accountIDs:  multiValues(values, "accountIds"),
		resourceIDs: setOf(resourceIDs, nil),
	}
	if len(groupIDs) > 0 {
		q.groupIDs = make(map[string]bool, len(groupIDs))
		for _, id := range groupIDs {
			q.groupIDs[id] = true
		}
	}
	return q, nil
}

// groupSearchBody is the JSON body of POST .../groups/search: the filters of
// the GET query, with arrays for the multi-valued ones.
type groupSearchBody struct {
	Cursor     string   `json:"cursor"`
	Limit      *int     `json:"limit"`
	SearchTerm string   `json:"searchTerm"`
	GroupIDs   []string `json:"groupIds"`
	AccountIDs []string `json:"accountIds"`
	// ResourceIDs: only the search takes them.
	ResourceIDs []string `json:"resourceIds"`
}

// searchBodyValues turns a search body into the equivalent GET query, so
// both forms share one implementation and their cursors are interchangeable.
func searchBodyValues(r *http.Request) (url.Values, *apiError) {
	var body groupSearchBody
	if err := decodeBody(r, &body); err != nil {
		return nil, err
	}
	values := url.Values{}
	if body.Cursor != "" {
		values.Set("cursor", body.Cursor)
	}
	if body.Limit != nil {
		values.Set("limit", strconv.Itoa(*body.Limit))
	}
	if body.SearchTerm != "" {
		values.Set("searchTerm", body.SearchTerm)
	}
	if len(body.GroupIDs) > 0 {
		values["groupIds"] = body.GroupIDs
	}
	if len(body.AccountIDs) > 0 {
		values["accountIds"] = body.AccountIDs
	}
	if len(body.ResourceIDs) > 0 {
		values["resourceIds"] = body.ResourceIDs
	}
	return values, nil
}

func (q *groupQuery) match(g *Group, directoryID string) bool {
	if directoryID != "" && g.DirectoryID != directoryID {
		return false
	}
	if q.groupIDs != nil && !q.groupIDs[g.ID] {
		return false
	}
	if q.searchTerm != "" && !containsFold(g.Name, q.searchTerm) {
		return false
	}
	if len(q.accountIDs) > 0 && !slices.ContainsFunc(q.accountIDs, func(id string) bool { return isMember(g, id) }) {
		return false
	}
	return true
}

// holdsRoleOn applies the resourceIds filter: a role the group itself
// holds on one of the resources.
func (q *groupQuery) holdsRoleOn(d *store, g *Group) bool {
	return q.resourceIDs == nil || slices.ContainsFunc(d.groupRoles(g.ID), func(a GroupRoleAssignment) bool { return q.resourceIDs[a.ResourceID] })
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) error {
	return s.serveGroupPage(w, r, r.URL.Query())
}

func (s *Server) searchGroups(w http.ResponseWriter, r *http.Request) error {
	values, err := searchBodyValues(r)
	if err != nil {
		return err
	}
	return s.serveGroupPage(w, r, values)
}

// serveGroupPage pages through the id-sorted groups from the cursor key.
func (s *Server) serveGroupPage(w http.ResponseWriter, r *http.Request, values url.Values) error {
	pos, err := decodeCursor(cursorGroups, values.Get("cursor"))
	if err != nil {
		return err
	}
	query := effectiveQuery(values, pos)
	q, err := parseGroupQuery(query)
	if err != nil {
		return err
	}
	var page groupPage
	readErr := s.read(func(d *store) error {
		dirID, err := d.readDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		start, found := slices.BinarySearchFunc(d.st.Groups, pos.after, func(g Group, id string) int { return strings.Compare(g.ID, id) })
		if found {
			start++
		}
		links := newLinker(r, d)
		resources := d.groupResourceCounts()
		page.Data = make([]apiGroup, 0, min(q.limit, len(d.st.Groups)))
		for i := start; i < len(d.st.Groups); i++ {
			g := &d.st.Groups[i]
			if !q.match(g, dirID) || !q.holdsRoleOn(d, g) {
				continue
			}
			if len(page.Data) == q.limit {
				page.Links.Next = encodeCursor(cursorGroups, page.Data[q.limit-1].ID, carriedQuery(query, groupFilterParams...))
				break
			}
			page.Data = append(page.Data, renderGroup(g, resources[g.ID], links))
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

// lookupGroup finds {groupId} within the directory of the path ("" = any);
// a group of another directory is as unknown as a missing one.
func (d *store) lookupGroup(groupID, dirID string) (*Group, *apiError) {
	g, ok := d.group(groupID)
	if !ok || (dirID != "" && g.DirectoryID != dirID) {
		return nil, errGroupNotFound(groupID)
	}
	return g, nil
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) error {
	var resp groupResponse
	err := s.read(func(d *store) error {
		dirID, err := d.readDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		g, err := d.lookupGroup(r.PathValue("groupId"), dirID)
		if err != nil {
			return err
		}
		resp.Data = renderGroup(g, d.groupResourceCounts()[g.ID], newLinker(r, d))
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

type createGroupBody struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// createGroup answers 201 with {"data": Group}, the shape of GET one group,
// or an empty 201 when settings.create_group_returns_body is false.
func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) error {
	var body createGroupBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	name := strings.TrimSpace(body.Name)
	var resp *groupResponse
	var location string
	err := s.write(func(d *store) error {
		dirID, err := d.writeDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		switch {
		case name == "":
			return errBadRequest("name is required")
		case utf8.RuneCountInString(name) > maxGroupNameLength:
			return errBadRequest("name must be at most %d characters", maxGroupNameLength)
		}
		if existing, ok := d.groupByName(name); ok {
			return errConflict("a group named %q already exists (id %s)", existing.Name, existing.ID)
		}
		id := s.ids.uuid()
		for _, taken := d.group(id); taken; _, taken = d.group(id) {
			id = s.ids.uuid()
		}
		s.journalGroup(d, id, false)
		d.insertGroup(Group{
			ID:               id,
			Name:             name,
			Description:      body.Description,
			DirectoryID:      dirID,
			Deletable:        true,
			ManagedBy:        managedByAdmins,
			MemberAccountIDs: []string{},
		})
		g, _ := d.group(id)
		links := newLinker(r, d)
		if d.st.Settings.CreateGroupLocation {
			location = links.group(g)
		}
		if d.st.Settings.CreateGroupReturnsBody {
			resp = &groupResponse{Data: renderGroup(g, 0, links)}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if location != "" {
		w.Header().Set("Location", location)
	}
	if resp == nil { // documented: 201 with no body
		w.WriteHeader(http.StatusCreated)
		return nil
	}
	writeJSON(w, http.StatusCreated, resp)
	return nil
}

func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request) error {
	err := s.write(func(d *store) error {
		dirID, err := d.writeDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		g, err := d.lookupGroup(r.PathValue("groupId"), dirID)
		if err != nil {
			return err
		}
		switch {
		case g.ExternalSynced:
			return errForbidden("%s; it cannot be deleted here", detailExternalSynced)
		case g.Default:
			return errForbidden("group %s is a default product access group and cannot be deleted", g.Name)
		case !groupDeletable(g):
			return errForbidden("group %s cannot be deleted", g.Name)
		}
		s.journalGroup(d, g.ID, true)
		d.deleteGroup(g.ID)
		return nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
