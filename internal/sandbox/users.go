package sandbox

import (
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// User status values of the v2 API.
const (
	statusActive      = "active"
	statusSuspended   = "suspended"
	statusNotInvited  = "not_invited"
	statusDeactivated = "deactivated"
	statusForDeletion = "for_deletion"
)

var validUserStatuses = map[string]bool{
	statusActive: true, statusSuspended: true, statusNotInvited: true,
	statusDeactivated: true, statusForDeletion: true,
}

// apiUser is the v2 user object; field names are the reference's exactly.
type apiUser struct {
	AccountID        string   `json:"accountId"`
	AccountType      string   `json:"accountType"`
	Status           string   `json:"status"`
	AccountStatus    string   `json:"accountStatus"`
	MembershipStatus string   `json:"membershipStatus"`
	Name             string   `json:"name"`
	Nickname         string   `json:"nickname"`
	Email            string   `json:"email"`
	EmailVerified    bool     `json:"emailVerified"`
	ClaimStatus      string   `json:"claimStatus"`
	AddedToOrg       string   `json:"addedToOrg"`
	PlatformRoles    []string `json:"platformRoles"`
	Picture          string   `json:"picture"`
	// Links is in listings only: the document gives a single user's answer
	// no links.
	Links *selfLinks `json:"links,omitempty"`
}

// linker builds the links.self of API objects for one request.
type linker struct {
	base  string // scheme://host
	orgID string
	// platformRoles is the user's platformRoles as this request sees them,
	// organization role changes within their consistency delay excluded.
	// Every user rendering already takes a linker, so it travels here.
	platformRoles func(u *User) []string
}

func newLinker(r *http.Request, d *store) linker {
	now := time.Now()
	return linker{base: baseURL(r), orgID: d.st.Organization.ID,
		platformRoles: func(u *User) []string { return d.visiblePlatformRoles(u, now) }}
}

func (l linker) directory(dirID string) string {
	return l.base + "/admin/v2/orgs/" + url.PathEscape(l.orgID) + "/directories/" + url.PathEscape(dirID)
}

func (l linker) user(u *User) string {
	return l.directory(u.DirectoryID) + "/users/" + url.PathEscape(u.AccountID)
}

func (l linker) group(g *Group) string {
	return l.directory(g.DirectoryID) + "/groups/" + url.PathEscape(g.ID)
}

func (l linker) workspace(ws *Workspace) string {
	return l.base + "/admin/v2/orgs/" + url.PathEscape(l.orgID) + "/workspaces/" + url.PathEscape(ws.ID)
}

func renderUser(u *User, links linker) apiUser {
	return apiUser{
		AccountID:        u.AccountID,
		AccountType:      u.AccountType,
		Status:           u.Status,
		AccountStatus:    u.AccountStatus,
		MembershipStatus: u.MembershipStatus,
		Name:             u.Name,
		Nickname:         u.Nickname,
		Email:            u.Email,
		EmailVerified:    u.EmailVerified,
		ClaimStatus:      u.ClaimStatus,
		AddedToOrg:       u.AddedToOrg,
		PlatformRoles:    links.platformRoles(u),
		Picture:          u.Picture,
		Links:            &selfLinks{Self: links.user(u)},
	}
}

type userPage struct {
	Data  []apiUser `json:"data"`
	Links pageLinks `json:"links"`
}

type userResponse struct {
	Data apiUser `json:"data"`
}

// userFilter is the part of a users search (and of the GET listing, read
// as one) that picks the candidates: ids, groups, statuses, domains, term.
type userFilter struct {
	directoryID  string          // "" = every directory
	groupIDs     []string        // source of candidates when set
	accountIDs   []string        // sorted, unique; source of candidates when set and no groupIDs
	accountIDSet map[string]bool // nil = no account filter
	statuses     map[string]bool // nil = any status
	emailDomains map[string]bool // lower-case; nil = any domain
	searchTerm   string          // lower-case; "" = no search
}

func parseUserFilter(q url.Values, directoryID string) (*userFilter, *apiError) {
	f := &userFilter{directoryID: directoryID}
	f.groupIDs = multiValues(q, "groupIds")
	if ids := multiValues(q, "accountIds"); len(ids) > 0 {
		slices.Sort(ids)
		f.accountIDs = slices.Compact(ids)
		f.accountIDSet = make(map[string]bool, len(f.accountIDs))
		for _, id := range f.accountIDs {
			f.accountIDSet[id] = true
		}
	}
	if statuses := multiValues(q, "status"); len(statuses) > 0 {
		f.statuses = make(map[string]bool, len(statuses))
		for _, st := range statuses {
			if !validUserStatuses[st] {
				return nil, errBadRequest("invalid status %q", st)
			}
			f.statuses[st] = true
		}
	}
	if domains := multiValues(q, "emailDomains"); len(domains) > 0 {
		f.emailDomains = make(map[string]bool, len(domains))
		for _, d := range domains {
			f.emailDomains[strings.ToLower(strings.TrimPrefix(d, "@"))] = true
		}
	}
	f.searchTerm = strings.ToLower(strings.TrimSpace(q.Get("searchTerm")))
	return f, nil
}

func (f *userFilter) match(u *User) bool {
	if f.directoryID != "" && u.DirectoryID != f.directoryID {
		return false
	}
	if f.accountIDSet != nil && !f.accountIDSet[u.AccountID] {
		return false
	}
	if f.statuses != nil && !f.statuses[u.Status] {
		return false
	}
	if f.emailDomains != nil {
		_, domain, _ := strings.Cut(u.Email, "@")
		if !f.emailDomains[strings.ToLower(domain)] {
			return false
		}
	}
	if f.searchTerm != "" &&
		!containsFold(u.Name, f.searchTerm) &&
		!containsFold(u.Nickname, f.searchTerm) &&
		!containsFold(u.Email, f.searchTerm) {
		return false
	}
	return true
}

// containsFold reports whether s contains the lower-case term, ignoring case.
func containsFold(s, lowerTerm string) bool {
	return strings.Contains(strings.ToLower(s), lowerTerm)
}

// firstAfter is the index of the first element of a sorted slice strictly
// greater than after ("" = from the start): the keyset resume position.
func firstAfter(sorted []string, after string) int {
	if after == "" {
		return 0
	}
	i, found := slices.BinarySearch(sorted, after)
	if found {
		i++
	}
	return i
}

// userCandidates yields, in account id order and strictly after the cursor
// key, the users a filter may match. It picks the narrowest source: the
// member lists of the requested groups, the requested account ids, or the
// whole user list. Every source is already sorted, so nothing is sorted per
// request and resuming is a binary search.
func (d *store) userCandidates(f *userFilter, after string) iter.Seq[*User] {
	switch {
	case len(f.groupIDs) > 0:
		var lists [][]string
		for _, id := range f.groupIDs {
			if g, ok := d.group(id); ok {
				lists = append(lists, g.MemberAccountIDs[firstAfter(g.MemberAccountIDs, after):])
			}
		}
		return func(yield func(*User) bool) {
			for id := range mergeSorted(lists) {
				if u, ok := d.user(id); ok && !yield(u) {
					return
				}
			}
		}
	case len(f.accountIDs) > 0:
		ids := f.accountIDs[firstAfter(f.accountIDs, after):]
		return func(yield func(*User) bool) {
			for _, id := range ids {
				if u, ok := d.user(id); ok && !yield(u) {
					return
				}
			}
		}
	default:
		start := 0
		if after != "" {
			i, found := slices.BinarySearchFunc(d.st.Users, after, func(u User, id string) int { return strings.Compare(u.AccountID, id) })
			if found {
				i++
			}
			start = i
		}
		return func(yield func(*User) bool) {
			for i := start; i < len(d.st.Users); i++ {
				if !yield(&d.st.Users[i]) {
					return
				}
			}
		}
	}
}

// mergeSorted yields the union of sorted string lists in order, each value
// once. At most ten lists are merged (the groupIds limit), so picking the
// smallest head by a linear scan beats a heap.
func mergeSorted(lists [][]string) iter.Seq[string] {
	return func(yield func(string) bool) {
		heads := make([]int, len(lists))
		for {
			best := ""
			found := false
			for i, l := range lists {
				if heads[i] < len(l) && (!found || l[heads[i]] < best) {
					best, found = l[heads[i]], true
				}
			}
			if !found {
				return
			}
			for i, l := range lists {
				if heads[i] < len(l) && l[heads[i]] == best {
					heads[i]++
				}
			}
			if !yield(best) {
				return
			}
		}
	}
}

// userFilterParams are the query parameters a users cursor carries: every
// filter of the listing.
var userFilterParams = []string{"accountIds", "directoryIds", "resourceIds", "groupIds", "roleIds", "status",
	"accountStatus", "membershipStatus", "claimStatus", "mfaEnabled", "emailDomains", "searchTerm", "sortBy", "limit"}

// listingSearch reads the query of the (deprecated) GET listing as the
// search body it is the GET form of, so that both honour the same filters
// with the same limits.
func listingSearch(q url.Values) (userSearchBody, *apiError) {
	body := userSearchBody{
		AccountIDs:       multiValues(q, "accountIds"),
		DirectoryIDs:     multiValues(q, "directoryIds"),
		ResourceIDs:      multiValues(q, "resourceIds"),
		GroupIDs:         multiValues(q, "groupIds"),
		RoleIDs:          multiValues(q, "roleIds"),
		Status:           multiValues(q, "status"),
		AccountStatus:    multiValues(q, "accountStatus"),
		MembershipStatus: multiValues(q, "membershipStatus"),
		EmailDomains:     multiValues(q, "emailDomains"),
		ClaimStatus:      q.Get("claimStatus"),
		SearchTerm:       q.Get("searchTerm"),
	}
	if raw := q.Get("mfaEnabled"); raw != "" {
		v, err := strconv.ParseBool(raw)
		if err != nil {
			return body, errBadRequest("mfaEnabled must be true or false")
		}
		body.MFAEnabled = &v
	}
	if _, sorted := q["sortBy"]; sorted {
		body.SortBy = []userSortBy{}
	}
	return body, nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	values := r.URL.Query()
	pos, err := decodeCursor(cursorUsers, values.Get("cursor"))
	if err != nil {
		return err
	}
	query := effectiveQuery(values, pos)
	limit, err := parseLimit(query)
	if err != nil {
		return err
	}
	body, err := listingSearch(query)
	if err != nil {
		return err
	}
	var page userPage
	readErr := s.read(func(d *store) error {
		dirID, err := d.readDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		search, err := parseUserSearch(body, dirID, limit)
		if err != nil {
			return err
		}
		links := newLinker(r, d)
		page.Data = make([]apiUser, 0, limit)
		for u := range d.userCandidates(search.base, pos.after) {
			if !search.match(d, u) || !d.listed(u) {
				continue
			}
			if len(page.Data) == limit {
				// One more match exists: there is a next page, which
				// resumes after the last user served.
				page.Links.Next = encodeCursor(cursorUsers, page.Data[limit-1].AccountID, carriedQuery(query, userFilterParams...))
				break
			}
			page.Data = append(page.Data, renderUser(u, links))
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

// listed reports whether the directory API shows an account. The document
// gives every answer accountType "atlassian": app and customer accounts are
// left out, unless Settings.ListNonAtlassianAccounts shows them with their
// own type, as the real service may.
func (d *store) listed(u *User) bool { return d.st.Settings.lists(u) }

func (s Settings) lists(u *User) bool {
	return u.AccountType == accountTypeAtlassian || s.ListNonAtlassianAccounts
}

// ListedUsers are the accounts of st the directory API shows (see
// Settings.ListNonAtlassianAccounts), in the state's order: what a test
// compares the API's user answers with.
func ListedUsers(st State) []User {
	var out []User
	for _, u := range st.Users {
		if st.Settings.lists(&u) {
			out = append(out, u)
		}
	}
	return out
}

// accountTypeAtlassian is the one accountType the document gives.
const accountTypeAtlassian = "atlassian"

// lookupUser finds {accountId} within the directory of the path ("" = any).
func (d *store) lookupUser(accountID, dirID string) (*User, *apiError) {
	u, ok := d.user(accountID)
	if !ok || !d.listed(u) || (dirID != "" && u.DirectoryID != dirID) {
		return nil, errNotFound("user %s not found", accountID)
	}
	return u, nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	var resp userResponse
	err := s.read(func(d *store) error {
		dirID, err := d.readDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		u, err := d.lookupUser(r.PathValue("accountId"), dirID)
		if err != nil {
			return err
		}
		resp.Data = renderUser(u, newLinker(r, d))
		resp.Data.Links = nil
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// lifecycleResponse is the body of suspend and restore.
type lifecycleResponse struct {
	Message string `json:"message"`
}

func (s *Server) suspendUser(w http.ResponseWriter, r *http.Request) error {
	return s.setUserSuspended(w, r, true)
}

func (s *Server) restoreUser(w http.ResponseWriter, r *http.Request) error {
	return s.setUserSuspended(w, r, false)
}

// setUserSuspended moves a user between active and suspended. Both
// directions are idempotent; users in other states (not invited, deactivated,
// being deleted) cannot be suspended or restored.
func (s *Server) setUserSuspended(w http.ResponseWriter, r *http.Request, suspend bool) error {
	accountID := r.PathValue("accountId")
	err := s.write(func(d *store) error {
		dirID, err := d.writeDirectory(r.PathValue("dirId"))
		if err != nil {
			return err
		}
		u, err := d.lookupUser(accountID, dirID)
		if err != nil {
			return err
		}
		if u.Status != statusActive && u.Status != statusSuspended {
			return errInactiveUser(accountID)
		}
		if suspend && d.isOrgAdmin(u.AccountID) {
			return errBadRequest(detailSuspendOrgAdmin, accountID)
		}
		if suspend {
			u.Status, u.MembershipStatus = statusSuspended, "suspended"
		} else {
			u.Status, u.MembershipStatus = statusActive, "active"
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !s.Settings().SuspendRestoreReturnBody {
		w.WriteHeader(http.StatusNoContent) // documented
		return nil
	}
	verb := "restored"
	if suspend {
		verb = "suspended"
	}
	writeJSON(w, http.StatusOK, lifecycleResponse{Message: "user " + accountID + " " + verb})
	return nil
}
