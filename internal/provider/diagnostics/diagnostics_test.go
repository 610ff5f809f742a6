package diagnostics

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// membershipAdd is a write naming two objects, with a refusal explained.
var membershipAdd = Write{
	What: "add account a1 to group g1", Verb: "change", Subject: "group membership",
	Names:   []Name{Group, Account},
	Holder:  path.Root("account_id"),
	Refusal: Refusal{Attribute: path.Root("group_id"), Explanation: "Groups synced from an identity provider accept no changes here."},
}

// suspension is a write naming one object, with no refusal explained.
var suspension = Write{
	What: "suspend account a1", Verb: "change", Subject: "account's access",
	Names:  []Name{Account},
	Holder: path.Root("account_id"),
}

var roleAssign = Write{
	What: "assign the role r on workspace w to group g1", Verb: "assign", Subject: "workspace role",
	Names:   []Name{Workspace, Group},
	Holder:  path.Root("group_id"),
	Refusal: Refusal{Summary: "Workspace role endpoints are not enabled", Explanation: "Atlassian support must enable them."},
	RolesOf: "workspace",
}

// connectorMessage stands for the access layer's error text, which every
// detail must end with.
const connectorMessage = "atlassian: POST /v1/orgs/{orgId}/...: 4xx ADMIN-UAM-xxx"

func TestWriteFailed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		write   Write
		kind    error
		summary string
		attr    path.Path // empty: no attribute
		phrases []string
	}{
		{name: "two objects, one missing", write: membershipAdd, kind: access.ErrNotFound,
			summary: "Group or account not found",
			phrases: []string{"Could not add account a1 to group g1: the group or the account does not exist (any more)",
				"Check group_id and account_id (the atlassian_group and atlassian_account data sources find their ids)",
				"remove this resource from the configuration"}},
		{name: "one object missing", write: suspension, kind: access.ErrNotFound,
			summary: "Account not found", attr: path.Root("account_id"),
			phrases: []string{"the account does not exist (any more)", "Check account_id (the atlassian_account data source finds its id)"}},
		{name: "workspace or group missing", write: roleAssign, kind: access.ErrNotFound,
			summary: "Workspace or group not found",
			phrases: []string{"Check workspace_id and group_id"}},
		{name: "refusal explained", write: membershipAdd, kind: access.ErrForbidden,
			summary: "Atlassian refused to change the group membership", attr: path.Root("group_id"),
			phrases: []string{"Atlassian refused it (403). Groups synced from an identity provider accept no changes here. The API key must also belong to an organization admin."}},
		{name: "refusal with its own summary", write: roleAssign, kind: access.ErrForbidden,
			summary: "Workspace role endpoints are not enabled",
			phrases: []string{"Atlassian support must enable them."}},
		{name: "refusal unexplained", write: suspension, kind: access.ErrForbidden,
			summary: "Atlassian refused to change the account's access",
			phrases: []string{"Atlassian refused it (403). The API key must belong to an organization admin."}},
		{name: "licence limit on the holder", write: roleAssign, kind: access.ErrLicenceLimit,
			summary: "Licence limit reached", attr: path.Root("group_id"),
			phrases: []string{"no free licence seat", "Free seats"}},
		{name: "inactive account", write: suspension, kind: access.ErrInactiveUser,
			summary: "Account is not active", attr: path.Root("account_id"),
			phrases: []string{"active accounts only", "Restore the account's access"}},
		{name: "invalid role", write: roleAssign, kind: access.ErrInvalidRole,
			summary: "Invalid role for this workspace", attr: path.Root("role"),
			phrases: []string{"the workspace does not offer this role"}},
		{name: "suspension refused", write: suspension, kind: access.ErrSuspensionRefused,
			summary: "Atlassian refused to suspend the account", attr: path.Root("account_id"),
			phrases: []string{"as it does for an organization admin", "Revoke the atlassian/org-admin role first"}},
		{name: "a kind without words of its own", write: roleAssign, kind: access.ErrUnavailable,
			summary: "Could not assign the workspace role",
			phrases: []string{"Could not assign the role r on workspace w to group g1: "}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := WriteFailed(c.write, fmt.Errorf("%w: %s", c.kind, connectorMessage))
			checkDiagnostic(t, d, c.summary, c.attr, c.phrases)
			if !strings.HasSuffix(d.Detail(), connectorMessage) {
				t.Errorf("detail does not end with the access layer's message:\n%s", d.Detail())
			}
		})
	}
}

// TestEveryKindHasItsOwnWords: each error the table names gets a summary
// of its own, not the one of the failures it does not explain.
func TestEveryKindHasItsOwnWords(t *testing.T) {
	t.Parallel()
	unexplained := WriteFailed(roleAssign, errors.New(connectorMessage)).Summary()
	seen := map[string]error{}
	for _, k := range kinds {
		summary := WriteFailed(roleAssign, fmt.Errorf("%w: %s", k.err, connectorMessage)).Summary()
		if summary == unexplained {
			t.Errorf("%v reads as an unexplained failure (%q)", k.err, summary)
		}
		if other, ok := seen[summary]; ok {
			t.Errorf("%v and %v share the summary %q", k.err, other, summary)
		}
		seen[summary] = k.err
	}
}

// TestCredentialErrors: a refused key points at the attribute it came from
// (none for the provider's api_token), an unknown organization at
// organization_id; both name the key's source and keep the connector's
// message, followed by what to do.
func TestCredentialErrors(t *testing.T) {
	t.Parallel()
	connectorCheck := Write{What: "validate the API key and organization id o1", Verb: "validate", Subject: "connector's credentials",
		Credentials: Credentials{OrganizationID: "o1", TokenAttribute: "api_token"}}
	cases := []struct {
		name    string
		write   Write
		kind    error
		summary string
		attr    path.Path
		phrases []string
	}{
		{name: "key of an attribute", write: connectorCheck, kind: access.ErrUnauthenticated,
			summary: "Invalid API key", attr: path.Root("api_token"),
			phrases: []string{"Atlassian rejected the API key (api_token) for organization o1: ", connectorMessage, "organization API key (admin.atlassian.com > Settings > API keys): one without scopes"}},
		{name: "the provider's key", write: suspension, kind: access.ErrUnauthenticated,
			summary: "Invalid API key",
			phrases: []string{"Atlassian rejected the API key (the provider's api_token) for the organization: ", connectorMessage}},
		{name: "unknown organization", write: connectorCheck, kind: access.ErrOrganizationNotFound,
			summary: "Unknown organization id", attr: path.Root("organization_id"),
			phrases: []string{"The API key (api_token) has no organization o1: ", connectorMessage, "after /o/"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			checkDiagnostic(t, WriteFailed(c.write, fmt.Errorf("%w: %s", c.kind, connectorMessage)), c.summary, c.attr, c.phrases)
		})
	}
}

// checkDiagnostic checks that d is the error summary, on attr (on no
// attribute when attr is empty), with each phrase in its detail.
func checkDiagnostic(t *testing.T, d diag.Diagnostic, summary string, attr path.Path, phrases []string) {
	t.Helper()
	if d.Severity() != diag.SeverityError || d.Summary() != summary {
		t.Errorf("got %s %q, want the error %q", d.Severity(), d.Summary(), summary)
	}
	// An error on no attribute must carry no path at all: on an empty
	// path, Terraform shows it without the resource block.
	withPath, onAttribute := d.(diag.DiagnosticWithPath)
	switch {
	case len(attr.Steps()) == 0 && onAttribute:
		t.Errorf("on the attribute %q, want none", withPath.Path())
	case len(attr.Steps()) > 0 && (!onAttribute || !withPath.Path().Equal(attr)):
		t.Errorf("not on %q", attr)
	}
	for _, p := range phrases {
		if !strings.Contains(d.Detail(), p) {
			t.Errorf("detail lacks %q:\n%s", p, d.Detail())
		}
	}
}

// scopedRefusal is an access error whose call needs a scope, as the access
// layer's errors say it.
type scopedRefusal struct {
	kind    error
	scope   string
	certain bool
}

func (e scopedRefusal) Error() string                 { return connectorMessage }
func (e scopedRefusal) Unwrap() error                 { return e.kind }
func (e scopedRefusal) RequiredScope() (string, bool) { return e.scope, e.certain }

// A refusal Atlassian said was for want of a scope names the scope to add,
// on the attribute of the key when the resource has one, else on the block
// (not on the attribute of the write's other causes). A refusal that may
// have another cause keeps its words and attribute, and names the scope a
// key with scopes needs after them; so does a rejected key.
func TestRefusalNamesTheScope(t *testing.T) {
	t.Parallel()
	d := WriteFailed(membershipAdd, scopedRefusal{access.ErrForbidden, "write:group:admin", true})
	checkDiagnostic(t, d, "API key lacks the scope write:group:admin", path.Path{}, []string{
		"Could not add account a1 to group g1: Atlassian refused it (403): the API key (the provider's api_token) lacks the scope write:group:admin, which this change needs",
	})
	keyed := membershipAdd
	keyed.Credentials = Credentials{TokenAttribute: "api_token"}
	d = WriteFailed(keyed, scopedRefusal{access.ErrForbidden, "write:group:admin", true})
	checkDiagnostic(t, d, "API key lacks the scope write:group:admin", path.Root("api_token"), []string{
		"the API key (api_token) lacks the scope write:group:admin"})

	d = WriteFailed(membershipAdd, scopedRefusal{access.ErrForbidden, "write:group:admin", false})
	checkDiagnostic(t, d, "Atlassian refused to change the group membership", path.Root("group_id"), []string{
		"Groups synced from an identity provider accept no changes here. The API key must also belong to an organization admin. " +
			"If the key has scopes, it needs the scope write:group:admin for this change."})
	d = WriteFailed(suspension, scopedRefusal{access.ErrUnauthenticated, "read:org:admin", false})
	checkDiagnostic(t, d, "Invalid API key", path.Path{}, []string{"one without scopes", "A key with scopes needs the scope read:org:admin for this."})
}
