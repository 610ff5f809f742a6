package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The users search (POST .../directories/{dirId}/users/search) takes its
// filters in a JSON body. Unlike the GET listing, its cursor does not carry
// the filters: the next page is the same body with `cursor` set to
// links.next, filters resent. The sandbox holds clients to that: a cursor
// remembers a fingerprint of the filters it was issued for and is refused
// (400) with any other filters, so a client that forgets to resend them
// fails loudly instead of paging a different result. Every filter and
// expand the document declares is honoured, except sortBy, which is
// refused (400): results come in account id order, the order the sandbox
// pages by, and the product never sorts.

const cursorUsersSearch cursorKind = "users-search"

// Values of expand[] the search accepts.
const (
	expandPlatformRoles  = "platformRoles"
	expandResourceCounts = "counts.resources"
	expandProductAccess  = "productAccess"
	expandGroups         = "groups"
)

var validExpands = enumOf(expandPlatformRoles, expandResourceCounts, expandProductAccess, expandGroups)

type userSortBy struct {
	Field     string `json:"field"`
	Direction string `json:"direction"`
}

// userSearchRules are the document's limits of the array fields of the
// users search (and of the same fields of the GET listing).
var userSearchRules = struct {
	accountIDs, directoryIDs, resourceIDs, groupIDs, roleIDs, status, accountStatus,
	membershipStatus, emailDomains, emails, expand arrayRule
}{
	accountIDs:       arrayRule{field: "accountIds", max: maxAccountIDsFilter},
	directoryIDs:     arrayRule{field: "directoryIds", max: maxDirectoryIDsFilter},
	resourceIDs:      arrayRule{field: "resourceIds", max: maxSearchResourceIDs},
	groupIDs:         arrayRule{field: "groupIds", max: maxGroupIDFilter},
	roleIDs:          arrayRule{field: "roleIds", max: maxRoleIDsFilter, allowed: searchRoleIDs},
	status:           arrayRule{field: "status", max: maxStatusFilter, allowed: validUserStatuses},
	accountStatus:    arrayRule{field: "accountStatus", max: maxAccountStatusFilter, allowed: accountStatuses},
	membershipStatus: arrayRule{field: "membershipStatus", max: maxMembershipStatus, allowed: membershipStatuses},
	emailDomains:     arrayRule{field: "emailDomains", max: maxEmailDomainsFilter},
	emails:           arrayRule{field: "emails", max: maxSearchEmails, unique: true},
	expand:           arrayRule{field: "expand", max: len(validExpands), allowed: validExpands, unique: true},
}

// userSearchBody is the body of the users search; every field is optional.
type userSearchBody struct {
	Cursor           string       `json:"cursor"`
	Limit            *int         `json:"limit"`
	AccountIDs       []string     `json:"accountIds"`
	DirectoryIDs     []string     `json:"directoryIds"`
	ResourceIDs      []string     `json:"resourceIds"`
	GroupIDs         []string     `json:"groupIds"`
	RoleIDs          []string     `json:"roleIds"`
	Status           []string     `json:"status"`
	AccountStatus    []string     `json:"accountStatus"`
	MembershipStatus []string     `json:"membershipStatus"`
	ClaimStatus      string       `json:"claimStatus"`
	MFAEnabled       *bool        `json:"mfaEnabled"`
	EmailDomains     []string     `json:"emailDomains"`
	SearchTerm       string       `json:"searchTerm"`
	Emails           []string     `json:"emails"`
	Expand           []string     `json:"expand"`
	SortBy           []userSortBy `json:"sortBy"`
}

// fingerprint identifies the filters of a search (everything but the cursor
// and the limit), so a cursor can tell whether it is resent with them.
func (b userSearchBody) fingerprint() string {
	b.Cursor, b.Limit = "", nil
	raw, _ := json.Marshal(b) // cannot fail: plain values only
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:8])
}

// searchedUser is the user object of the search: the v2 user with
// mfaEnabled, and platformRoles, groups, productAccess and counts only when
// expand[] asks for them.
type searchedUser struct {
	apiUser
	PlatformRoles *[]string `json:"platformRoles,omitempty"` // nil: not expanded
	MFAEnabled    bool      `json:"mfaEnabled"`
	// ManagementSource is null when it cannot be told (unmanaged accounts).
	ManagementSource *string          `json:"managementSource"`
	Groups           *[]userGroup     `json:"groups,omitempty"`
	ProductAccess    *[]productAccess `json:"productAccess,omitempty"`
	Counts           *userCounts      `json:"counts,omitempty"`
}

// userGroup is one item of the groups expand: a group the user is a member
// of.
type userGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// productAccess is one item of the productAccess expand: a workspace the
// user holds a role on, directly or through a group, with the user's last
// activity there; lastActiveTimestamp is left out for a product never used.
type productAccess struct {
	ID                  string `json:"id"`
	Key                 string `json:"key"`
	LastActiveTimestamp string `json:"lastActiveTimestamp,omitempty"`
}

// userCounts is the counts.resources expand: how many workspaces the user
// holds a role on, directly or through a group.
type userCounts struct {
	Resources int `json:"resources"`
}

type searchedUserPage struct {
	Data  []searchedUser `json:"data"`
	Links pageLinks      `json:"links"`
}

// userSearch is a validated search body.
type userSearch struct {
	base             *userFilter
	limit            int
	directoryIDs     map[string]bool
	resourceIDs      map[string]bool
	roleIDs          map[string]bool
	accountStatuses  map[string]bool
	membershipStatus map[string]bool
	claimStatus      string
	mfaEnabled       *bool
	emails           map[string]bool // lower-case
	expand           map[string]bool
}

func setOf(values []string, normalize func(string) string) map[string]bool {
	if len(values) == 0 {
		return nil
	}
	out := make(map[string]bool, len(values))
	for _, v := range values {
		if normalize != nil {
			v = normalize(v)
		}
		out[v] = true
	}
	return out
}

func parseUserSearch(body userSearchBody, directoryID string, defaultLimit int) (*userSearch, *apiError) {
	limit := defaultLimit
	if body.Limit != nil {
		var err *apiError
		if limit, err = checkLimit(*body.Limit); err != nil {
			return nil, err
		}
	}
	rules := userSearchRules
	err := checkArrays(
		checkOf(rules.accountIDs, body.AccountIDs), checkOf(rules.directoryIDs, body.DirectoryIDs),
		checkOf(rules.resourceIDs, body.ResourceIDs), checkOf(rules.groupIDs, body.GroupIDs),
		checkOf(rules.roleIDs, body.RoleIDs), checkOf(rules.status, body.Status),
		checkOf(rules.accountStatus, body.AccountStatus), checkOf(rules.membershipStatus, body.MembershipStatus),
		checkOf(rules.emailDomains, body.EmailDomains), checkOf(rules.emails, body.Emails),
		checkOf(rules.expand, body.Expand),
	)
	switch {
	case err != nil:
		return nil, err
	case body.SearchTerm != "" && len(body.Emails) > 0:
		return nil, errBadRequest("searchTerm and emails cannot be used together")
	case body.ClaimStatus != "" && !claimStatuses[body.ClaimStatus]:
		return nil, errBadRequest("claimStatus: %q is not an allowed value", body.ClaimStatus)
	case body.SortBy != nil:
		return nil, errBadRequest("sortBy is not supported by this server: results come in account id order")
	}
	q := url.Values{}
	if len(body.GroupIDs) > 0 {
		q["groupIds"] = body.GroupIDs
	}
	if len(body.AccountIDs) > 0 {
		q["accountIds"] = body.AccountIDs
	}
	if len(body.Status) > 0 {
		q["status"] = body.Status
	}
	if len(body.EmailDomains) > 0 {
		q["emailDomains"] = body.EmailDomains
	}
	if body.SearchTerm != "" {
		q.Set("searchTerm", body.SearchTerm)
	}
	base, err := parseUserFilter(q, directoryID)
	if err != nil {
		return nil, err
	}
	return &userSearch{
		base:             base,
		limit:            limit,
		directoryIDs:     setOf(body.DirectoryIDs, nil),
		resourceIDs:      setOf(body.ResourceIDs, nil),
		roleIDs:          setOf(body.RoleIDs, nil),
		accountStatuses:  setOf(body.AccountStatus, nil),
		membershipStatus: setOf(body.MembershipStatus, nil),
		claimStatus:      body.ClaimStatus,
		mfaEnabled:       body.MFAEnabled,
		emails:           setOf(body.Emails, strings.ToLower),
		expand:           setOf(body.Expand, nil),
	}, nil
}

// defaultSearchLimit is the search's default page size (the GET form's is
// smaller).
const defaultSearchLimit = 50

func (s *userSearch) match(d *store, u *User) bool {
	switch {
	case !s.base.match(u):
		return false
	case s.directoryIDs != nil && !s.directoryIDs[u.DirectoryID]:
		return false
	case s.accountStatuses != nil && !s.accountStatuses[u.AccountStatus]:
		return false
	case s.membershipStatus != nil && !s.membershipStatus[u.MembershipStatus]:
		return false
	case s.claimStatus != "" && u.ClaimStatus != s.claimStatus:
		return false
	case s.mfaEnabled != nil && u.MFAEnabled != *s.mfaEnabled:
		return false
	case s.emails != nil && !s.emails[strings.ToLower(u.Email)]:
		return false
	}
	if s.roleIDs == nil && s.resourceIDs == nil {
		return true
	}
	// Role and resource filters are matched independently: the reference
	// leaves open whether they must hold on the same assignment.
	roles := d.searchedRoles(u.AccountID)
	if s.roleIDs != nil && !slices.ContainsFunc(roles, func(r roleRow) bool { return s.roleIDs[r.role] }) {
		return false
	}
	if s.resourceIDs != nil && !slices.ContainsFunc(roles, func(r roleRow) bool { return s.resourceIDs[r.resourceID] }) {
		return false
	}
	return true
}

// searchedRoles are the role assignments the search's role and resource
// filters look at: the account's own, and with SearchFindsGroupAccess those
// of every group it is a member of.
func (d *store) searchedRoles(accountID string) []roleRow {
	var rows []roleRow
	for _, a := range d.userRoles(accountID) {
		rows = append(rows, roleRow{a.ResourceID, a.ResourceOwner, a.Role, ""})
	}
	if !d.st.Settings.SearchFindsGroupAccess {
		return rows
	}
	for i := range d.st.Groups {
		g := &d.st.Groups[i]
		if !isMember(g, accountID) {
			continue
		}
		for _, a := range d.groupRoles(g.ID) {
			rows = append(rows, roleRow{a.ResourceID, a.ResourceOwner, a.Role, ""})
		}
	}
	return rows
}

func (s *Server) searchUsers(w http.ResponseWriter, r *http.Request) error {
	var body userSearchBody
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	pos, err := decodeCursor(cursorUsersSearch, body.Cursor)
	if err != nil {
		return err
	}
	fingerprint := body.fingerprint()
	if body.Cursor != "" && pos.query.Get("f") != fingerprint {
		return errBadRequest("the cursor was issued for a search with other filters: send it with the same filters as the first request")
	}
	var page searchedUserPage
	readErr := s.read(func(d *store) error {
		dirID, err := d.readDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		search, err := parseUserSearch(body, dirID, defaultSearchLimit)
		if err != nil {
			return err
		}
		links := newLinker(r, d)
		page.Data = make([]searchedUser, 0, search.limit)
		for u := range d.userCandidates(search.base, pos.after) {
			if !search.match(d, u) || !d.listed(u) {
				continue
			}
			if len(page.Data) == search.limit {
				page.Links.Next = encodeCursor(cursorUsersSearch, page.Data[search.limit-1].AccountID, url.Values{"f": {fingerprint}})
				break
			}
			page.Data = append(page.Data, search.render(d, u, links))
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

// generateMFA turns on MFA for most active managed people. It hashes the
// account id rather than drawing from the generator's random source, so
// every other generated value stays what it was before MFA was modelled.
func generateMFA(users []User) {
	for i := range users {
		u := &users[i]
		if u.AccountType != "atlassian" {
			continue
		}
		h := fnv.New32a()
		_, _ = h.Write([]byte(u.AccountID))
		threshold := uint32(40)
		if u.ClaimStatus == "managed" {
			threshold = 80
		}
		u.MFAEnabled = h.Sum32()%100 < threshold
	}
}

// render is one user of the search's answer, with what expand[] asks for.
func (s *userSearch) render(d *store, u *User, links linker) searchedUser {
	found := searchedUser{apiUser: renderUser(u, links), MFAEnabled: u.MFAEnabled}
	if u.ManagementSource != "" {
		source := u.ManagementSource
		found.ManagementSource = &source
	}
	if s.expand[expandPlatformRoles] {
		// As every user read shows them: an organization role change within
		// its consistency delay is not visible yet.
		roles := append([]string{}, links.platformRoles(u)...)
		found.PlatformRoles = &roles
	}
	if s.expand[expandGroups] {
		groups := []userGroup{}
		for i := range d.st.Groups {
			if g := &d.st.Groups[i]; isMember(g, u.AccountID) {
				groups = append(groups, userGroup{ID: g.ID, Name: g.Name})
			}
		}
		found.Groups = &groups
	}
	if s.expand[expandProductAccess] || s.expand[expandResourceCounts] {
		workspaces := d.accessibleWorkspaces(u.AccountID)
		if s.expand[expandProductAccess] {
			access := make([]productAccess, 0, len(workspaces))
			for _, ws := range workspaces {
				access = append(access, productAccess{ID: ws.ID, Key: ws.TypeKey, LastActiveTimestamp: u.ProductActivity[ws.ID]})
			}
			found.ProductAccess = &access
		}
		if s.expand[expandResourceCounts] {
			found.Counts = &userCounts{Resources: len(workspaces)}
		}
	}
	return found
}

// accessibleWorkspaces are the workspaces an account holds a role on,
// itself or through a group, in id order.
func (d *store) accessibleWorkspaces(accountID string) []*Workspace {
	ids := map[string]bool{}
	for _, a := range d.userRoles(accountID) {
		ids[a.ResourceID] = true
	}
	for i := range d.st.Groups {
		g := &d.st.Groups[i]
		if !isMember(g, accountID) {
			continue
		}
		for _, a := range d.groupRoles(g.ID) {
			ids[a.ResourceID] = true
		}
	}
	var out []*Workspace
	for id := range ids {
		if ws, ok := d.workspace(id); ok {
			out = append(out, ws)
		}
	}
	slices.SortFunc(out, func(a, b *Workspace) int { return strings.Compare(a.ID, b.ID) })
	return out
}
