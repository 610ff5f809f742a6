package acctest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// OrgAccess is the access an organization grants: the members of each
// group and the workspace role assignments, as sets.
type OrgAccess struct {
	Members    map[string]map[string]bool // group id => account ids
	UserRoles  map[sandbox.UserRoleAssignment]bool
	GroupRoles map[sandbox.GroupRoleAssignment]bool
}

func AccessOf(st sandbox.State) OrgAccess {
	a := OrgAccess{Members: map[string]map[string]bool{}, UserRoles: map[sandbox.UserRoleAssignment]bool{}, GroupRoles: map[sandbox.GroupRoleAssignment]bool{}}
	for _, g := range st.Groups {
		set := map[string]bool{}
		for _, m := range g.MemberAccountIDs {
			set[m] = true
		}
		a.Members[g.ID] = set
	}
	for _, r := range st.UserRoleAssignments {
		a.UserRoles[r] = true
	}
	for _, r := range st.GroupRoleAssignments {
		a.GroupRoles[r] = true
	}
	return a
}

// Diff describes how got differs from want, or returns "" when they are
// the same.
func (want OrgAccess) Diff(got OrgAccess) string {
	var problems []string
	groups := map[string]bool{}
	for id := range want.Members {
		groups[id] = true
	}
	for id := range got.Members {
		groups[id] = true
	}
	for id := range groups {
		missing, extra := SetDiff(want.Members[id], got.Members[id])
		if len(missing) > 0 {
			problems = append(problems, fmt.Sprintf("group %s lacks %d members: %s", id, len(missing), firstN(missing, 5)))
		}
		if len(extra) > 0 {
			problems = append(problems, fmt.Sprintf("group %s has %d extra members: %s", id, len(extra), firstN(extra, 5)))
		}
	}
	for r := range want.UserRoles {
		if !got.UserRoles[r] {
			problems = append(problems, fmt.Sprintf("missing user role %+v", r))
		}
	}
	for r := range got.UserRoles {
		if !want.UserRoles[r] {
			problems = append(problems, fmt.Sprintf("extra user role %+v", r))
		}
	}
	for r := range want.GroupRoles {
		if !got.GroupRoles[r] {
			problems = append(problems, fmt.Sprintf("missing group role %+v", r))
		}
	}
	for r := range got.GroupRoles {
		if !want.GroupRoles[r] {
			problems = append(problems, fmt.Sprintf("extra group role %+v", r))
		}
	}
	sort.Strings(problems)
	if len(problems) > 12 {
		problems = append(problems[:12], fmt.Sprintf("... and %d more differences", len(problems)-12))
	}
	return strings.Join(problems, "\n")
}

func SetDiff(want, got map[string]bool) (missing, extra []string) {
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	for id := range got {
		if !want[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

func firstN(ids []string, n int) string {
	if len(ids) > n {
		return strings.Join(ids[:n], ", ") + ", ..."
	}
	return strings.Join(ids, ", ")
}
