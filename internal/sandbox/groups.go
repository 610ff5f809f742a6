package sandbox

import (
	"encoding/json"
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
	Counts           *groupCounts     `json:"counts,omitempty"`
	Links            selfLinks        `json:"links"`
}

type managementAccess struct {
	Readable   bool `json:"readable"`
	Modifiable bool `json:"modifiable"`
	Deletable  bool `json:"deletable"`
}

type groupCounts struct {
	Users     *int `json:"users,omitempty"`
	Resources *int `json:"resources,omitempty"`
}

// searchedCounts keeps of a group's counts those the search's expand[]
// asks for, and none when it asks for none.
func searchedCounts(all *groupCounts, expand map[string]bool) *groupCounts {
	if !expand[expandGroupUsers] && !expand[expandGroupResources] {
		return nil
	}
	out := &groupCounts{}
	if expand[expandGroupUsers] {
		out.Users = all.Users
	}
	if expand[expandGroupResources] {
		out.Resources = all.Resources
	}
	return out
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
		Counts:         &groupCounts{Users: ptr(len(g.MemberAccountIDs)), Resources: ptr(resources)},
		Links:          selfLinks{Self: links.group(g)},
	}
}

// groupQuery is the filter set of GET .../groups and POST .../groups/search.
type groupQuery struct {
	limit      int
	searchTerm string          // lower-case
	groupIDs   map[string]bool // nil = any group
	// groupNames: exact names, compared as names are (case-insensitively);
	// nil = any name. The search's filter.
	groupNames   map[string]bool
	directoryIDs map[string]bool // nil = any directory
	accountIDs   []string        // groups with any of these members
	// resourceIDs, roleIDs, resourceOwners: groups holding a role on any of
	// these resources, any of these roles, on a resource of any of these
	// owners (nil = no such filter); together, one role must satisfy all.
	resourceIDs    map[string]bool
	roleIDs        map[string]bool
	resourceOwners map[string]bool
	// expand: the search's counts.users and counts.resources; the GET
	// listing always counts.
	expand map[string]bool
}

// Values of the groups search's expand[].
const (
	expandGroupUsers     = "counts.users"
	expandGroupResources = "counts.resources"
)

// groupSearchRules are the document's limits of the array fields of the
// groups search (and of the same fields of the GET listing).
var groupSearchRules = struct {
	accountIDs, directoryIDs, groupIDs, groupNames, resourceIDs, resourceOwners, roleIDs, expand arrayRule
}{
	accountIDs:     arrayRule{field: "accountIds", max: maxAccountIDsFilter, unique: true},
	directoryIDs:   arrayRule{field: "directoryIds", max: maxDirectoryIDsFilter, unique: true},
	groupIDs:       arrayRule{field: "groupIds", max: maxGroupIDFilter, unique: true},
	groupNames:     arrayRule{field: "groupNames", max: maxGroupNamesFilter, unique: true},
	resourceIDs:    arrayRule{field: "resourceIds", max: maxSearchResourceIDs, unique: true},
	resourceOwners: arrayRule{field: "resourceOwners", max: maxResourceOwners, unique: true},
	roleIDs:        arrayRule{field: "roleIds", max: maxRoleIDsFilter, unique: true},
	expand:         arrayRule{field: "expand", max: 2, allowed: enumOf(expandGroupUsers, expandGroupResources), unique: true},
}

// groupFilterParams are the parameters a groups cursor carries.
var groupFilterParams = []string{"searchTerm", "groupIds", "groupNames", "directoryIds", "accountIds",
	"resourceIds", "roleIds", "resourceOwners", "expand", "limit"}

func parseGroupQuery(values url.Values) (*groupQuery, *apiError) {
	limit, err := parseLimit(values)
	if err != nil {
		return nil, err
	}
	if _, sorted := values["sortBy"]; sorted {
		return nil, errBadRequest("sortBy is not supported by this server: results come in group id order")
	}
	rules := groupSearchRules
	// A present but empty array is not told from an absent one in a query;
	// the search body keeps the difference (see searchBodyValues).
	groupIDs, groupNames := multiValues(values, "groupIds"), values["groupNames"]
	accountIDs, directoryIDs := multiValues(values, "accountIds"), multiValues(values, "directoryIds")
	resourceIDs, roleIDs := multiValues(values, "resourceIds"), multiValues(values, "roleIds")
	resourceOwners, expand := multiValues(values, "resourceOwners"), multiValues(values, "expand")
	if err := checkArrays(
		checkOf(rules.accountIDs, accountIDs), checkOf(rules.directoryIDs, directoryIDs),
		checkOf(rules.groupIDs, groupIDs), checkOf(rules.groupNames, groupNames),
		checkOf(rules.resourceIDs, resourceIDs), checkOf(rules.resourceOwners, resourceOwners),
		checkOf(rules.roleIDs, roleIDs), checkOf(rules.expand, expand),
	); err != nil {
		return nil, err
	}
	return &groupQuery{
		limit:          limit,
		searchTerm:     strings.ToLower(strings.TrimSpace(values.Get("searchTerm"))),
		groupIDs:       setOf(groupIDs, nil),
		groupNames:     setOf(groupNames, strings.ToLower),
		directoryIDs:   setOf(directoryIDs, nil),
		accountIDs:     accountIDs,
		resourceIDs:    setOf(resourceIDs, nil),
		roleIDs:        setOf(roleIDs, nil),
		resourceOwners: setOf(resourceOwners, nil),
		expand:         setOf(expand, nil),
	}, nil
}

// groupSearchBody is the JSON body of POST .../groups/search.
type groupSearchBody struct {
	Cursor         string            `json:"cursor"`
	Limit          *int              `json:"limit"`
	SearchTerm     string            `json:"searchTerm"`
	GroupIDs       []string          `json:"groupIds"`
	GroupNames     []string          `json:"groupNames"`
	DirectoryIDs   []string          `json:"directoryIds"`
	AccountIDs     []string          `json:"accountIds"`
	ResourceIDs    []string          `json:"resourceIds"`
	RoleIDs        []string          `json:"roleIds"`
	ResourceOwners []string          `json:"resourceOwners"`
	Expand         []string          `json:"expand"`
	SortBy         []json.RawMessage `json:"sortBy"`
}

// searchBodyValues turns a search body into the equivalent GET query, so
// both forms share one implementation and their cursors are interchangeable.
func searchBodyValues(r *http.Request) (url.Values, *apiError) {
	var body groupSearchBody
	if err := decodeBody(r, &body); err != nil {
		return nil, err
	}
	rules := groupSearchRules
	// An array given empty breaks minItems; the query form cannot say it,
	// so the body is checked here for it.
	for _, c := range []arrayCheck{
		checkOf(rules.groupIDs, body.GroupIDs), checkOf(rules.groupNames, body.GroupNames),
		checkOf(rules.directoryIDs, body.DirectoryIDs), checkOf(rules.accountIDs, body.AccountIDs),
		checkOf(rules.resourceIDs, body.ResourceIDs), checkOf(rules.roleIDs, body.RoleIDs),
		checkOf(rules.resourceOwners, body.ResourceOwners), checkOf(rules.expand, body.Expand),
	} {
		if c.values != nil && len(c.values) == 0 {
			return nil, c.rule.check(c.values)
		}
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
	for name, list := range map[string][]string{
		"groupIds": body.GroupIDs, "groupNames": body.GroupNames, "directoryIds": body.DirectoryIDs,
		"accountIds": body.AccountIDs, "resourceIds": body.ResourceIDs, "roleIds": body.RoleIDs,
		"resourceOwners": body.ResourceOwners, "expand": body.Expand,
	} {
		if len(list) > 0 {
			values[name] = list
		}
	}
	if body.SortBy != nil {
		values.Set("sortBy", "given")
	}
	return values, nil
}

func (q *groupQuery) match(g *Group, directoryID string) bool {
	switch {
	case directoryID != "" && g.DirectoryID != directoryID:
		return false
	case q.directoryIDs != nil && !q.directoryIDs[g.DirectoryID]:
		return false
	case q.groupIDs != nil && !q.groupIDs[g.ID]:
		return false
	case q.groupNames != nil && !q.groupNames[strings.ToLower(g.Name)]:
		return false
	case q.searchTerm != "" && !containsFold(g.Name, q.searchTerm):
		return false
	case len(q.accountIDs) > 0 && !slices.ContainsFunc(q.accountIDs, func(id string) bool { return isMember(g, id) }):
		return false
	}
	return true
}

// holdsRoleOn applies the resourceIds, roleIds and resourceOwners filters:
// a role the group itself holds that satisfies every one given.
func (q *groupQuery) holdsRoleOn(d *store, g *Group) bool {
	if q.resourceIDs == nil && q.roleIDs == nil && q.resourceOwners == nil {
		return true
	}
	return slices.ContainsFunc(d.groupRoles(g.ID), func(a GroupRoleAssignment) bool {
		return (q.resourceIDs == nil || q.resourceIDs[a.ResourceID]) &&
			(q.roleIDs == nil || q.roleIDs[a.Role]) &&
			(q.resourceOwners == nil || q.resourceOwners[a.ResourceOwner])
	})
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) error {
	values := r.URL.Query()
	// groupNames and expand belong to the search body; the GET listing
	// declares neither (it counts always).
	delete(values, "groupNames")
	delete(values, "expand")
	return s.serveGroupPage(w, r, values, true)
}

func (s *Server) searchGroups(w http.ResponseWriter, r *http.Request) error {
	values, err := searchBodyValues(r)
	if err != nil {
		return err
	}
	return s.serveGroupPage(w, r, values, false)
}

// serveGroupPage pages through the id-sorted groups from the cursor key.
// countAlways: the GET listing's groups carry counts whatever is asked; the
// search's carry those expand[] names.
func (s *Server) serveGroupPage(w http.ResponseWriter, r *http.Request, values url.Values, countAlways bool) error {
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
			group := renderGroup(g, resources[g.ID], links)
			if !countAlways {
				group.Counts = searchedCounts(group.Counts, q.expand)
			}
			page.Data = append(page.Data, group)
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
		if existing, ok := d.groupByName(dirID, name); ok {
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

func ptr[T any](v T) *T { return &v }
