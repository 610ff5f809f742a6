package impact_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cureigad/terraform-provider-atlassian/internal/impact"
)

// bigReport is a report of accounts accounts, each gaining a workspace
// role through a group and losing a membership, over resources distinct
// workspaces; names carry characters Markdown would read as markup and
// characters of more than one byte.
func bigReport(accounts, resources int) *impact.Report {
	rep := &impact.Report{Changes: []impact.Entry{}, Flags: []impact.Flag{}}
	var ids []string
	for i := range accounts {
		id := fmt.Sprintf("acct-%05d", i)
		ids = append(ids, id)
		ws := fmt.Sprintf("ari:cloud:jira::site/%05d", i%resources)
		rep.Changes = append(rep.Changes,
			impact.Entry{AccountID: id, Email: fmt.Sprintf("person%05d@example.com", i), Name: fmt.Sprintf("Zoë *%05d* | <x>", i),
				Managed: i%2 == 0, Change: impact.ChangeGain, Access: impact.AccessWorkspaceRole, ResourceID: ws,
				ResourceName: "Jira " + ws, Role: "atlassian/admin", Paths: []string{"group-1"},
				Addresses: []string{"atlassian_workspace_role_assignment.admins"}},
			impact.Entry{AccountID: id, Email: fmt.Sprintf("person%05d@example.com", i), Name: fmt.Sprintf("Zoë *%05d* | <x>", i),
				Managed: i%2 == 0, Change: impact.ChangeLoss, Access: impact.AccessGroupMembership, ResourceID: "group-2",
				ResourceName: "old_team", Role: impact.RoleMember, Paths: []string{impact.PathDirect},
				Addresses: []string{"atlassian_group_members.old"}},
		)
	}
	rep.Flags = append(rep.Flags, impact.Flag{Name: impact.FlagAdminRoleGained, Accounts: ids,
		Addresses: []string{"atlassian_workspace_role_assignment.admins"}, Message: "admins"})
	return rep
}

var (
	moreLine     = regexp.MustCompile(`_…and (\d+) more accounts? not shown here`)
	moreRowsLine = regexp.MustCompile(`_…and (\d+) more rows? of this table`)
)

// shownAccounts counts the accounts the people section shows.
func shownAccounts(md string) int {
	at := strings.Index(md, "### People")
	if at < 0 {
		return 0
	}
	return strings.Count(md[at:], "\n**")
}

func TestMarkdownFitsAPullRequestComment(t *testing.T) {
	for _, tc := range []struct {
		name                string
		accounts, resources int
	}{
		{"many accounts", 5000, 3},
		{"many accounts and roles", 5000, 5000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			md := bigReport(tc.accounts, tc.resources).Markdown(impact.MarkdownLimit)
			if n := utf8.RuneCountInString(md); n > impact.MarkdownLimit {
				t.Fatalf("the Markdown has %d characters, above GitHub's %d", n, impact.MarkdownLimit)
			}
			if !strings.HasPrefix(md, "## Access impact of this plan\n\n**5000 gains, 5000 losses, 5000 accounts.**") {
				t.Errorf("the Markdown does not open with the counts:\n%s", md[:min(len(md), 300)])
			}
			flagsAt, rolesAt := strings.Index(md, "### Risk flags"), strings.Index(md, "### By role")
			if flagsAt < 0 || rolesAt < flagsAt || !strings.Contains(md[flagsAt:rolesAt], "| 5000 |") {
				t.Errorf("the flags, with their count, do not come first (flags at %d, roles at %d)", flagsAt, rolesAt)
			}
			m := moreLine.FindStringSubmatch(md)
			if m == nil {
				t.Fatalf("no \"and N more\" line at the end:\n%s", md[max(0, len(md)-500):])
			}
			more := atoi(t, m[1])
			if shown := shownAccounts(md); shown+more != tc.accounts {
				t.Errorf("%d accounts shown and %d more, want %d in all", shown, more, tc.accounts)
			}
			rows := strings.Count(md, "\n| workspace_role |") + strings.Count(md, "\n| group_membership |")
			moreRows := 0
			if m := moreRowsLine.FindStringSubmatch(md); m != nil {
				moreRows = atoi(t, m[1])
			}
			if shown := shownAccounts(md); shown < 50 {
				t.Errorf("only %d accounts shown: the role table crowds out the people", shown)
			}
			if rows+moreRows != tc.resources+1 {
				t.Errorf("%d role rows shown and %d more, want %d in all", rows, moreRows, tc.resources+1)
			}
			if !strings.HasSuffix(md, "lists every change._\n") {
				t.Errorf("the Markdown does not end with the \"and N more\" line:\n%s", md[max(0, len(md)-300):])
			}
		})
	}
}

func TestMarkdownShowsEveryoneWhenItFits(t *testing.T) {
	md := bigReport(20, 2).Markdown(impact.MarkdownLimit)
	if moreLine.MatchString(md) {
		t.Errorf("a small report says some are left out:\n%s", md)
	}
	if shown := shownAccounts(md); shown != 20 {
		t.Errorf("%d accounts shown, want 20", shown)
	}
	// A name is text, never markup: no table cell or emphasis breaks.
	if !strings.Contains(md, `**Zoë \*00003\* \| &lt;x&gt;** person00003@example.com `+"`acct-00003`") {
		t.Errorf("the names are not escaped:\n%s", md)
	}
	if !strings.Contains(md, "- :heavy_minus_sign: loses membership of old\\_team, directly: `atlassian_group_members.old`") {
		t.Errorf("a loss does not read as one:\n%s", md)
	}
}

func TestMarkdownOfNoChange(t *testing.T) {
	md := (&impact.Report{}).Markdown(impact.MarkdownLimit)
	if md != "## Access impact of this plan\n\nNo account gains or loses access.\n" {
		t.Errorf("the Markdown of no change is %q", md)
	}
}

// atoi reads a count the Markdown printed; the patterns match digits only.
func atoi(t *testing.T, digits string) int {
	t.Helper()
	n, err := strconv.Atoi(digits)
	if err != nil {
		t.Fatalf("count %q: %v", digits, err)
	}
	return n
}
