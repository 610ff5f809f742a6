package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// Bad input, in one table: each input a user can get wrong, with the exact
// diagnostic terraform prints for it (summary, the resource and the
// configuration line of the attribute, the words of the explanation). The
// provider runs as the plugin process users run, so a crash would show in
// terraform's output ("plugin crashed", "panic:"): every case checks that
// it does not. No refused input may change the organization.

// badInputOrg is what the cases refer to.
type badInputOrg struct {
	*acctest.Org
	group     sandbox.Group // writable, with members
	synced    sandbox.Group // synced from an identity provider
	member    string        // a member of group
	outsider  string        // an active account outside group, holding no role on ws
	suspended string        // a suspended account
	ws        string        // a workspace ARI
}

func newBadInputOrg(t *testing.T, change func(*sandbox.State)) *badInputOrg {
	t.Helper()
	org := acctest.NewOrg(t, 30, 6, 2)
	b := &badInputOrg{Org: org, group: org.WritableGroup(t), synced: grpSyncedGroup(t, org), ws: org.State().Workspaces[0].ID}
	b.member = b.group.MemberAccountIDs[0]
	others := grpNonMembers(t, org, b.group, 2)
	b.outsider, b.suspended = others[0].AccountID, others[1].AccountID
	// Neither holds any access: no group, no role (so that giving the
	// outsider access takes a new licence seat).
	org.Update(func(st *sandbox.State) error {
		bare := func(id string) bool { return id == b.outsider || id == b.suspended }
		for i := range st.Groups {
			st.Groups[i].MemberAccountIDs = slices.DeleteFunc(st.Groups[i].MemberAccountIDs, bare)
		}
		st.UserRoleAssignments = slices.DeleteFunc(st.UserRoleAssignments, func(a sandbox.UserRoleAssignment) bool { return bare(a.AccountID) })
		return nil
	})
	setAccountStatus(org, b.suspended, "suspended")
	if change != nil {
		org.Update(func(st *sandbox.State) error { change(st); return nil })
	}
	return b
}

// badInput is one row of the table.
type badInput struct {
	name string
	// env, when set, gives the case a sandbox of its own, changed by env
	// (settings, faults); the others share one.
	env      func(b *badInputOrg)
	provider func(b *badInputOrg) string // the provider block; default: b.ProviderBlock()
	config   func(b *badInputOrg) string
	// importArgs, when set, makes the command terraform import with these
	// arguments (address and id); apply runs terraform apply; otherwise
	// terraform plan.
	importArgs func(b *badInputOrg) []string
	apply      bool
	// cliEnv is the environment of the terraform command, beyond the
	// test's.
	cliEnv func(b *badInputOrg) []string
	// notShown are strings (secrets) terraform's output must not hold.
	notShown []string
	// The diagnostic: its summary, the address and attribute it is on
	// (attribute "" for a whole block, address "" for none), and phrases
	// of its detail, in order.
	summary, address, attribute string
	phrases                     func(b *badInputOrg) []string
}

func (c badInput) pattern(b *badInputOrg) *regexp.Regexp {
	var phrases []string
	if c.phrases != nil {
		phrases = c.phrases(b)
	}
	switch {
	case c.address == "":
		return acctest.PlainError(c.summary, phrases...)
	case c.attribute == "":
		return acctest.BlockError(c.summary, c.address, phrases...)
	}
	return acctest.AttrError(c.summary, c.address, c.attribute, phrases...)
}

const (
	absentAccount   = "5b10ac8d82e05b22deadbeef"
	absentGroup     = "00000000-0000-4000-8000-00000000dead"
	absentWorkspace = "ari:cloud:jira::site/00000000-0000-4000-8000-000000000000"
	absentOrg       = "00000000-0000-4000-8000-00000000beef"
)

func membershipHCL(groupID, accountID string) string {
	return fmt.Sprintf(`
resource "atlassian_group_membership" "m" {
  group_id   = %q
  account_id = %q
}
`, groupID, accountID)
}

func membersHCL(groupID string, ids ...string) string {
	labels := map[string]string{}
	for _, id := range ids {
		labels[id] = "someone"
	}
	return fmt.Sprintf(`
resource "atlassian_group_members" "all" {
  group_id = %q
  members  = %s
}
`, groupID, grpMembersHCL(labels))
}

func roleHCL(workspaceID, role, principal, id string) string {
	return fmt.Sprintf(`
resource "atlassian_workspace_role_assignment" "r" {
  workspace_id = %q
  role         = %q
  %-12s = %q
}
`, workspaceID, role, principal, id)
}

func groupHCL(name string) string {
	return fmt.Sprintf("\nresource \"atlassian_group\" \"g\" {\n  name = %q\n}\n", name)
}

// providerAddress is the provider block's address in terraform's
// diagnostics (configurations without required_providers).
const providerAddress = `provider["registry.terraform.io/hashicorp/atlassian"]`

// providerWithBaseURL is the case's provider block with base_url set.
func providerWithBaseURL(base string) func(b *badInputOrg) string {
	return func(b *badInputOrg) string {
		return fmt.Sprintf("provider \"atlassian\" {\n  organization_id = %q\n  api_token = %q\n  base_url = %q\n}\n", b.OrgID, b.Token, base)
	}
}

// insecureBaseURL is the case of an http:// base URL to host, which is
// not a loopback host.
func insecureBaseURL(base, host string) badInput {
	return badInput{name: "provider: cleartext base_url " + base,
		provider: providerWithBaseURL(base),
		config:   func(b *badInputOrg) string { return membershipHCL(b.group.ID, b.member) },
		summary:  "Insecure base_url", address: providerAddress, attribute: "base_url",
		phrases: phraseList(fmt.Sprintf("The base URL %q uses http:// to %q, which is not a loopback host", base, host),
			"the organization's API key would cross the network in clear text", "The value comes from the provider block.")}
}

// importBlock is an import block of address by identity.
func importBlock(address, identity string) string {
	return fmt.Sprintf("\nimport {\n  to       = %s\n  identity = %s\n}\n", address, identity)
}

// connectorHCL is an atlassian_connector with body.
func connectorHCL(body string) string {
	return "\nresource \"atlassian_connector\" \"c\" {\n" + body + "}\n"
}

func phraseList(p ...string) func(*badInputOrg) []string {
	return func(*badInputOrg) []string { return p }
}

func badInputs() []badInput {
	const (
		membership = "atlassian_group_membership.m"
		members    = "atlassian_group_members.all"
		role       = "atlassian_workspace_role_assignment.r"
		group      = "atlassian_group.g"
		connector  = "atlassian_connector.c"
	)
	importOf := func(address string, id func(b *badInputOrg) string) func(b *badInputOrg) []string {
		return func(b *badInputOrg) []string { return []string{address, id(b)} }
	}
	fixed := func(s string) func(*badInputOrg) string { return func(*badInputOrg) string { return s } }
	membershipOfGroup := func(b *badInputOrg) string { return membershipHCL(b.group.ID, b.member) }
	return []badInput{
		// ---- atlassian_group_membership ----
		{name: "membership: unknown account", config: func(b *badInputOrg) string { return membershipHCL(b.group.ID, absentAccount) },
			summary: "Unknown account", address: membership, attribute: "account_id",
			phrases: func(b *badInputOrg) []string {
				return []string{"Organization " + b.OrgID + ` has no account "` + absentAccount + `"`, "atlassian_account data source"}
			}},
		{name: "membership: unknown group", config: func(b *badInputOrg) string { return membershipHCL(absentGroup, b.member) },
			summary: "Unknown group", address: membership, attribute: "group_id",
			phrases: phraseList(`has no group with id "`+absentGroup+`"`, "atlassian_group data source")},
		{name: "membership: group synced from an identity provider", config: func(b *badInputOrg) string { return membershipHCL(b.synced.ID, b.outsider) },
			summary: "Group is managed by an identity provider", address: membership, attribute: "group_id",
			phrases: func(b *badInputOrg) []string {
				return []string{fmt.Sprintf("Group %q (%s) is synced from an identity provider (SCIM)", b.synced.Name, b.synced.ID), "Change its members in the identity provider"}
			}},
		{name: "membership: empty group_id", config: func(b *badInputOrg) string { return membershipHCL("", b.member) },
			summary: "Invalid Attribute Value Match", address: membership, attribute: "group_id",
			phrases: phraseList("Attribute group_id must not be empty or contain white space or /")},
		{name: "membership: empty account_id", config: func(b *badInputOrg) string { return membershipHCL(b.group.ID, "") },
			summary: "Invalid Attribute Value Match", address: membership, attribute: "account_id",
			phrases: phraseList("Attribute account_id must not be empty or contain white space or /")},
		{name: "membership: malformed group_id (a membership id)", config: func(b *badInputOrg) string { return membershipHCL(b.group.ID+"/"+b.member, b.member) },
			summary: "Invalid Attribute Value Match", address: membership, attribute: "group_id",
			phrases: phraseList("Attribute group_id must not be empty or contain white space or /")},
		{name: "membership: malformed account_id (white space)", config: func(b *badInputOrg) string { return membershipHCL(b.group.ID, " "+b.member) },
			summary: "Invalid Attribute Value Match", address: membership, attribute: "account_id",
			phrases: phraseList("Attribute account_id must not be empty or contain white space or /")},
		{name: "membership import: no separator", config: membershipOfGroup,
			importArgs: importOf(membership, func(b *badInputOrg) string { return b.group.ID + b.member }),
			summary:    "Malformed import id for atlassian_group_membership",
			phrases: func(b *badInputOrg) []string {
				return []string{fmt.Sprintf("The id %q is not <group_id>/<account_id>", b.group.ID+b.member)}
			}},
		{name: "membership import: three parts", config: membershipOfGroup,
			importArgs: importOf(membership, func(b *badInputOrg) string { return b.group.ID + "/" + b.member + "/x" }),
			summary:    "Malformed import id for atlassian_group_membership", phrases: phraseList("is not <group_id>/<account_id>")},
		{name: "membership import: empty account part", config: membershipOfGroup,
			importArgs: importOf(membership, func(b *badInputOrg) string { return b.group.ID + "/" }),
			summary:    "Malformed import id for atlassian_group_membership", phrases: phraseList("is not <group_id>/<account_id>")},
		{name: "membership import: not a member", config: membershipOfGroup,
			importArgs: importOf(membership, func(b *badInputOrg) string { return b.group.ID + "/" + b.outsider }),
			summary:    "Cannot import a membership that does not exist",
			phrases: func(b *badInputOrg) []string {
				return []string{fmt.Sprintf("Account %s is not a member of group %s", accountInMessage(b.Org, b.outsider), groupInMessage(b.group))}
			}},
		{name: "membership import: unknown group", config: membershipOfGroup,
			importArgs: importOf(membership, func(b *badInputOrg) string { return absentGroup + "/" + b.member }),
			summary:    "Cannot import a membership of a group that does not exist",
			phrases:    phraseList(`has no group with id "` + absentGroup + `"`)},

		// ---- atlassian_group_members ----
		{name: "members: unknown account key", config: func(b *badInputOrg) string {
			return membersHCL(b.group.ID, append(append([]string{}, b.group.MemberAccountIDs...), absentAccount)...)
		},
			// The CLI shows the map entry's line for members["<id>"].
			summary: "Unknown account", address: members, attribute: `"` + absentAccount + `"`,
			phrases: phraseList(`has no account "` + absentAccount + `"`)},
		{name: "members: empty account key", config: func(b *badInputOrg) string {
			return membersHCL(b.group.ID, append(append([]string{}, b.group.MemberAccountIDs...), "")...)
		},
			summary: "Invalid Attribute Value Match", address: members, attribute: `""`,
			phrases: phraseList(`Attribute members[""] must not be empty or contain white space or /`)},
		{name: "members: group synced from an identity provider", config: func(b *badInputOrg) string { return membersHCL(b.synced.ID, b.outsider) },
			summary: "Group is managed by an identity provider", address: members, attribute: "group_id",
			phrases: phraseList("is synced from an identity provider")},
		{name: "members: existing members left out on create", config: func(b *badInputOrg) string { return membersHCL(b.group.ID, b.outsider) },
			summary: "Group already has members that are not in members", address: members, attribute: "members",
			phrases: func(b *badInputOrg) []string {
				return []string{fmt.Sprintf("Group %s has %d members that are not in members", groupInMessage(b.group), len(b.group.MemberAccountIDs)),
					"remove_unlisted_members_on_create = true"}
			}},
		{name: "members import: not a group id", config: func(b *badInputOrg) string { return membersHCL(b.group.ID, b.group.MemberAccountIDs...) },
			importArgs: importOf(members, fixed("not a group")),
			summary:    "Malformed import id for atlassian_group_members", phrases: phraseList(`The import id "not a group" is not a group id`)},
		{name: "members import: unknown group", config: func(b *badInputOrg) string { return membersHCL(b.group.ID, b.group.MemberAccountIDs...) },
			importArgs: importOf(members, fixed(absentGroup)),
			summary:    "Cannot import the members of a group that does not exist", phrases: phraseList(`has no group with id "` + absentGroup + `"`)},

		// ---- atlassian_workspace_role_assignment ----
		{name: "role: unknown workspace", config: func(b *badInputOrg) string {
			return roleHCL(absentWorkspace, "atlassian/user", "account_id", b.outsider)
		},
			summary: "Unknown workspace", address: role, attribute: "workspace_id",
			phrases: func(b *badInputOrg) []string {
				return []string{"has no workspace " + absentWorkspace, "Its workspaces are:", b.ws}
			}},
		{name: "role: unknown role", config: func(b *badInputOrg) string { return roleHCL(b.ws, "atlassian/site-admin", "account_id", b.outsider) },
			summary: "Invalid Attribute Value Match", address: role, attribute: "role",
			phrases: phraseList(`Attribute role value must be one of`, `"atlassian/user"`, `got: "atlassian/site-admin"`)},
		{name: "role: unknown account", config: func(b *badInputOrg) string {
			return roleHCL(b.ws, "atlassian/user", "account_id", absentAccount)
		},
			summary: "Unknown account", address: role, attribute: "account_id", phrases: phraseList("has no account " + absentAccount)},
		{name: "role: unknown group", config: func(b *badInputOrg) string { return roleHCL(b.ws, "atlassian/user", "group_id", absentGroup) },
			summary: "Unknown group", address: role, attribute: "group_id", phrases: phraseList("has no group " + absentGroup)},
		{name: "role: both account_id and group_id", config: func(b *badInputOrg) string {
			return strings.Replace(roleHCL(b.ws, "atlassian/user", "account_id", b.outsider), "}", fmt.Sprintf("  group_id = %q\n}", b.group.ID), 1)
		},
			summary: "Invalid Attribute Combination", address: role, attribute: "account_id",
			phrases: phraseList("Exactly one of these attributes must be configured: [account_id,group_id]")},
		{name: "role: neither account_id nor group_id", config: func(b *badInputOrg) string {
			return fmt.Sprintf("resource \"atlassian_workspace_role_assignment\" \"r\" {\n  workspace_id = %q\n  role         = \"atlassian/user\"\n}\n", b.ws)
		},
			summary: "Missing Attribute Configuration", address: role,
			phrases: phraseList("Exactly one of these attributes must be configured: [account_id,group_id]")},
		{name: "role: malformed workspace id", config: func(b *badInputOrg) string {
			return roleHCL("jira-site-1", "atlassian/user", "account_id", b.outsider)
		},
			summary: "Invalid Attribute Value Match", address: role, attribute: "workspace_id",
			phrases: phraseList("Attribute workspace_id must be a workspace ARI such as ari:cloud:jira::site/<uuid>")},
		{name: "role: empty account_id", config: func(b *badInputOrg) string { return roleHCL(b.ws, "atlassian/user", "account_id", "") },
			summary: "Invalid Attribute Value Match", address: role, attribute: "account_id",
			phrases: phraseList("Attribute account_id must not be empty or contain white space or |")},
		{name: "role: suspended account", config: func(b *badInputOrg) string { return roleHCL(b.ws, "atlassian/user", "account_id", b.suspended) },
			summary: "Account is not active", address: role, attribute: "account_id",
			phrases: func(b *badInputOrg) []string {
				return []string{"Account " + b.suspended, "is suspended", "ADMIN-UAM-400-2", "Restore the account's access"}
			}},
		{name: "role import: slashes for separators", config: func(b *badInputOrg) string { return roleHCL(b.ws, "atlassian/user", "account_id", b.outsider) },
			importArgs: importOf(role, func(b *badInputOrg) string { return b.ws + "/atlassian/user/" + b.outsider }),
			summary:    "Malformed import id for atlassian_workspace_role_assignment",
			phrases:    phraseList(`has no "|" separators`, "<workspace ARI>|<role>|user:<account id>")},
		{name: "role import: unknown role", config: func(b *badInputOrg) string { return roleHCL(b.ws, "atlassian/user", "account_id", b.outsider) },
			importArgs: importOf(role, func(b *badInputOrg) string { return b.ws + "|atlassian/site-admin|user:" + b.outsider }),
			summary:    "Malformed import id for atlassian_workspace_role_assignment",
			phrases:    phraseList(`"atlassian/site-admin" is not a workspace role`)},
		{name: "role import: empty", config: func(b *badInputOrg) string { return roleHCL(b.ws, "atlassian/user", "account_id", b.outsider) },
			importArgs: importOf(role, fixed(" ")),
			summary:    "Malformed import id for atlassian_workspace_role_assignment", phrases: phraseList("the id is empty")},

		// ---- atlassian_group ----
		{name: "group: empty name", config: fixed(groupHCL("")),
			summary: "Invalid Attribute Value Length", address: group, attribute: "name",
			phrases: phraseList("Attribute name string length must be between 1 and 255")},
		{name: "group: name with a leading space", config: fixed(groupHCL(" padded")),
			summary: "Invalid Attribute Value Match", address: group, attribute: "name",
			phrases: phraseList("Attribute name must not start or end with white space")},
		{name: "group: name taken (other case)", config: func(b *badInputOrg) string { return groupHCL(strings.ToUpper(b.group.Name)) },
			summary: "Group name already taken", address: group, attribute: "name",
			phrases: func(b *badInputOrg) []string {
				return []string{fmt.Sprintf("already has a group named %q (id %s)", b.group.Name, b.group.ID), "To manage that group with Terraform, import it"}
			}},
		{name: "group import: unknown group", config: fixed(groupHCL("tf-import-target")),
			importArgs: importOf(group, fixed(absentGroup)),
			summary:    "Cannot import a group that does not exist", phrases: phraseList(`has no group with id "` + absentGroup + `"`)},

		// ---- atlassian_connector ----
		{name: "connector: organization_id not a UUID", config: fixed("\nresource \"atlassian_connector\" \"c\" {\n  organization_id = \"acme\"\n}\n"),
			summary: "Invalid Attribute Value Match", address: connector, attribute: "organization_id",
			phrases: phraseList("Attribute organization_id must be a UUID")},
		{name: "connector: client_id without client_secret", config: fixed("\nresource \"atlassian_connector\" \"c\" {\n  client_id = \"bright-otter\"\n}\n"),
			summary: "Invalid Attribute Combination", address: connector, attribute: "client_id",
			phrases: phraseList(`Attribute "client_secret" must be specified when "client_id" is specified, or its write-only form "client_secret_wo"`)},
		{name: "connector: image at latest", config: fixed(connectorHCL("  image = \"ghcr.io/conductorone/baton-atlassian:latest\"\n")),
			summary: "Connector image not pinned", address: connector, attribute: "image",
			phrases: phraseList(`Attribute image: "ghcr.io/conductorone/baton-atlassian:latest" is the moving tag latest`, "name@sha256:")},
		{name: "connector: image without a tag", config: fixed(connectorHCL("  image = \"registry.example:5000/baton-atlassian\"\n")),
			summary: "Connector image not pinned", address: connector, attribute: "image",
			phrases: phraseList(`Attribute image: "registry.example:5000/baton-atlassian" names no tag or digest`)},
		{name: "connector: resource quantity not a quantity", config: fixed(connectorHCL("  resources = {\n    requests = {\n      memory = \"lots\"\n    }\n  }\n")),
			summary: "Invalid resource quantity", address: connector, attribute: "memory",
			phrases: phraseList(`Attribute resources.requests["memory"] must be a positive Kubernetes quantity`, `got "lots"`)},
		{name: "connector: resource the container cannot request", config: fixed(connectorHCL("  resources = {\n    limits = {\n      gpu = \"1\"\n    }\n  }\n")),
			summary: "Unknown resource", address: connector, attribute: "gpu",
			phrases: phraseList(`Attribute resources.limits["gpu"]: "gpu" is not a resource`, "cpu, ephemeral-storage, memory")},
		{name: "connector: request above the default limit", config: fixed(connectorHCL("  resources = {\n    requests = {\n      memory = \"2Gi\"\n    }\n  }\n")),
			summary: "Request above its limit", address: connector, attribute: "memory",
			phrases: phraseList("The memory request 2Gi is above the memory limit 512Mi", "take their defaults where the configuration leaves them out")},
		{name: "connector: limit below the default request", config: fixed(connectorHCL("  resources = {\n    limits = {\n      memory = \"64Mi\"\n    }\n  }\n")),
			summary: "Request above its limit", address: connector, attribute: "memory",
			phrases: phraseList("The memory request 256Mi is above the memory limit 64Mi", "Lower the request or raise the limit")},
		{name: "connector: wrong API key (401)", apply: true, config: fixed("\nresource \"atlassian_connector\" \"c\" {\n  api_token = \"not-the-key\"\n}\n"),
			summary: "Invalid API key", address: connector, attribute: "api_token",
			phrases: phraseList("Atlassian rejected the API key (api_token)", "401", "organization API key (admin.atlassian.com > Settings > API keys): one without scopes")},
		{name: "connector: organization the key does not reach (404)", apply: true,
			config:  fixed(fmt.Sprintf("\nresource \"atlassian_connector\" \"c\" {\n  organization_id = %q\n}\n", absentOrg)),
			summary: "Unknown organization id", address: connector, attribute: "organization_id",
			phrases: phraseList("has no organization "+absentOrg, "after /o/")},

		// ---- the provider block and the organization ----
		{name: "provider: organization_id not a UUID",
			provider: func(b *badInputOrg) string {
				return fmt.Sprintf("provider \"atlassian\" {\n  organization_id = \"acme\"\n  api_token = %q\n  base_url = %q\n}\n", b.Token, b.URL)
			},
			config:  membershipOfGroup,
			summary: "Malformed organization_id", address: `provider["registry.terraform.io/hashicorp/atlassian"]`, attribute: "organization_id",
			phrases: phraseList(`The organization id "acme" (from the provider block) is not a UUID`)},
		{name: "provider: base_url not a URL",
			provider: func(b *badInputOrg) string {
				return fmt.Sprintf("provider \"atlassian\" {\n  organization_id = %q\n  api_token = %q\n  base_url = \"api.atlassian.com\"\n}\n", b.OrgID, b.Token)
			},
			config:  membershipOfGroup,
			summary: "Malformed base_url", address: `provider["registry.terraform.io/hashicorp/atlassian"]`, attribute: "base_url",
			phrases: phraseList("must be an absolute http or https URL")},
		{name: "provider: wrong API key (401)",
			provider: func(b *badInputOrg) string {
				return fmt.Sprintf("provider \"atlassian\" {\n  organization_id = %q\n  api_token = \"not-the-key\"\n  base_url = %q\n}\n", b.OrgID, b.URL)
			},
			config:  membershipOfGroup,
			summary: "Could not look up the group", address: membership, attribute: "group_id",
			phrases: phraseList("401", "The API key was rejected")},
		{name: "provider: wrong organization (404)",
			provider: func(b *badInputOrg) string {
				return fmt.Sprintf("provider \"atlassian\" {\n  organization_id = %q\n  api_token = %q\n  base_url = %q\n}\n", absentOrg, b.Token, b.URL)
			},
			config: membershipOfGroup,
			// Not "Unknown group": a 404 on the organization says nothing
			// about the group (see TestAccWrongOrganizationIsNotDrift).
			summary: "Could not look up the group", address: membership, attribute: "group_id",
			phrases: phraseList("404 ADMIN-UAM-404-2", "Check the organization id")},

		// ---- base URLs: https, or http:// to a loopback host only ----
		insecureBaseURL("http://api.atlassian.com", "api.atlassian.com"),
		insecureBaseURL("http://localhost.evil.com", "localhost.evil.com"),
		insecureBaseURL("http://127.0.0.1.nip.io:8080", "127.0.0.1.nip.io"),
		insecureBaseURL("http://10.20.30.40/admin", "10.20.30.40"),
		insecureBaseURL("http://[2001:db8::1]:8080", "2001:db8::1"),
		{name: "provider: base_url with user info (password not shown)",
			provider: providerWithBaseURL("https://admin:hunter2-not-shown@api.atlassian.com"),
			config:   membershipOfGroup,
			summary:  "Malformed base_url", address: providerAddress, attribute: "base_url",
			phrases:  phraseList(`The base URL "https://admin:xxxxx@api.atlassian.com" holds user info (a name before @)`, "remove the part before @"),
			notShown: []string{"hunter2-not-shown"}},
		{name: "provider: base_url with a fragment",
			provider: providerWithBaseURL("https://api.atlassian.com/#admin"),
			config:   membershipOfGroup,
			summary:  "Malformed base_url", address: providerAddress, attribute: "base_url",
			phrases: phraseList(`The base URL "https://api.atlassian.com/#admin" must be an absolute http or https URL without a query`)},
		{name: "provider: base_url with a websocket scheme",
			provider: providerWithBaseURL("ws://127.0.0.1:8080"),
			config:   membershipOfGroup,
			summary:  "Malformed base_url", address: providerAddress, attribute: "base_url",
			phrases: phraseList(`The base URL "ws://127.0.0.1:8080" must be an absolute http or https URL`)},
		{name: "provider: insecure base URL from $ATLASSIAN_BASE_URL",
			provider: func(b *badInputOrg) string {
				return fmt.Sprintf("provider \"atlassian\" {\n  organization_id = %q\n  api_token = %q\n}\n", b.OrgID, b.Token)
			},
			cliEnv: func(*badInputOrg) []string {
				return []string{"ATLASSIAN_BASE_URL=http://atlassian.internal.example:8080"}
			},
			config:  membershipOfGroup,
			summary: "Insecure base_url",
			phrases: phraseList(`The base URL "http://atlassian.internal.example:8080" uses http:// to "atlassian.internal.example"`,
				"clear text", "The value comes from $ATLASSIAN_BASE_URL.")},

		// ---- import ids and identities of every resource ----
		{name: "group import: not a group id", config: fixed(groupHCL("tf-import-target")),
			importArgs: importOf(group, fixed("not a/group")),
			summary:    "Malformed import id for atlassian_group",
			phrases:    phraseList(`The import id "not a/group" is not a group id: use the group's id`)},
		{name: "group import block: identity id with white space",
			config:  fixed(importBlock(group, `{ id = "two words" }`) + groupHCL("tf-import-target")),
			summary: "Malformed import id for atlassian_group", phrases: phraseList(`The import id "two words" is not a group id`)},
		{name: "group import block: identity of a group that does not exist",
			config:  fixed(importBlock(group, fmt.Sprintf(`{ id = %q }`, absentGroup)) + groupHCL("tf-import-target")),
			summary: "Cannot import a group that does not exist", phrases: phraseList(`has no group with id "` + absentGroup + `"`)},
		{name: "membership import block: identity with a slash in account_id", config: func(b *badInputOrg) string {
			return importBlock(membership, fmt.Sprintf(`{ group_id = %q, account_id = "a/b" }`, b.group.ID)) + membershipOfGroup(b)
		},
			summary: "Malformed import id for atlassian_group_membership",
			phrases: func(b *badInputOrg) []string {
				return []string{fmt.Sprintf("The id %q is not <group_id>/<account_id>", b.group.ID+"/a/b")}
			}},
		{name: "membership import block: identity of a group that does not exist", config: func(b *badInputOrg) string {
			return importBlock(membership, fmt.Sprintf(`{ group_id = %q, account_id = %q }`, absentGroup, b.member)) + membershipOfGroup(b)
		},
			summary: "Cannot import a membership of a group that does not exist", phrases: phraseList(`has no group with id "` + absentGroup + `"`)},
		{name: "members import block: identity not a group id", config: func(b *badInputOrg) string {
			return importBlock(members, `{ group_id = "" }`) + membersHCL(b.group.ID, b.group.MemberAccountIDs...)
		},
			summary: "Malformed import id for atlassian_group_members", phrases: phraseList(`The import id "" is not a group id`)},
		{name: "role import: one separator", config: func(b *badInputOrg) string { return roleHCL(b.ws, "atlassian/user", "account_id", b.outsider) },
			importArgs: importOf(role, func(b *badInputOrg) string { return b.ws + "|atlassian/user" }),
			summary:    "Malformed import id for atlassian_workspace_role_assignment",
			phrases:    phraseList(`has one "|" separator, not two`)},
		{name: "role import: principal neither user nor group", config: func(b *badInputOrg) string { return roleHCL(b.ws, "atlassian/user", "account_id", b.outsider) },
			importArgs: importOf(role, func(b *badInputOrg) string { return b.ws + "|atlassian/user|team:" + b.outsider }),
			summary:    "Malformed import id for atlassian_workspace_role_assignment",
			phrases:    phraseList("must be user:<account id> or group:<group id>")},
		{name: "role import block: identity principal_type robot", config: func(b *badInputOrg) string {
			return importBlock(role, fmt.Sprintf(`{ workspace_id = %q, role = "atlassian/user", principal_type = "robot", principal_id = %q }`, b.ws, b.outsider)) +
				roleHCL(b.ws, "atlassian/user", "account_id", b.outsider)
		},
			summary: "Malformed identity for atlassian_workspace_role_assignment",
			phrases: phraseList(`the identity's principal_type is "robot"; it must be "user"`)},
		{name: "role import block: identity with an unknown role", config: func(b *badInputOrg) string {
			return importBlock(role, fmt.Sprintf(`{ workspace_id = %q, role = "atlassian/owner", principal_type = "user", principal_id = %q }`, b.ws, b.outsider)) +
				roleHCL(b.ws, "atlassian/user", "account_id", b.outsider)
		},
			summary: "Malformed identity for atlassian_workspace_role_assignment",
			phrases: phraseList(`"atlassian/owner" is not a workspace role`)},
		{name: "connector import: organization id not a UUID", config: fixed(connectorHCL("")),
			importArgs: importOf(connector, fixed("acme/baton-atlassian")),
			summary:    "Malformed import id for atlassian_connector",
			phrases:    phraseList(`the organization id "acme" is not a UUID; expected <organization_id>/<name>`)},
		{name: "connector import: name not a DNS label", config: fixed(connectorHCL("")),
			importArgs: importOf(connector, func(b *badInputOrg) string { return b.OrgID + "/Baton_Atlassian" }),
			summary:    "Malformed import id for atlassian_connector",
			phrases:    phraseList(`the name "Baton_Atlassian" is not a DNS label`)},
		{name: "connector import block: identity organization id not a UUID",
			config:  fixed(importBlock(connector, `{ organization_id = "acme" }`) + connectorHCL("")),
			summary: "Malformed import id for atlassian_connector",
			phrases: phraseList(`"acme/baton-atlassian": the organization id "acme" is not a UUID`)},

		// ---- write-only secrets ----
		{name: "connector: api_token and api_token_wo", config: fixed(connectorHCL(`  api_token = "stored-key"
  api_token_wo = "write-only-key"
`)),
			summary: "Invalid Attribute Combination", address: connector, attribute: "api_token_wo",
			phrases: phraseList(`Attribute "api_token" cannot be specified when "api_token_wo" is specified`)},
		{name: "connector: client_secret and client_secret_wo", config: fixed(connectorHCL(`  client_id = "bright-otter"
  client_secret = "stored-secret"
  client_secret_wo = "write-only-secret"
`)),
			summary: "Invalid Attribute Combination", address: connector, attribute: "client_secret_wo",
			phrases: phraseList(`Attribute "client_secret" cannot be specified when "client_secret_wo" is specified`)},
		{name: "connector: api_token_wo_version without api_token_wo", config: fixed(connectorHCL("  api_token_wo_version = 1\n")),
			summary: "Invalid Attribute Combination", address: connector, attribute: "api_token_wo_version",
			phrases: phraseList(`Attribute "api_token_wo" must be specified when "api_token_wo_version" is specified`)},
		{name: "connector: client_secret_wo_version without client_secret_wo", config: fixed(connectorHCL("  client_secret_wo_version = 2\n")),
			summary: "Invalid Attribute Combination", address: connector, attribute: "client_secret_wo_version",
			phrases: phraseList(`Attribute "client_secret_wo" must be specified when "client_secret_wo_version" is specified`)},
		{name: "connector: client_secret_wo without client_id", config: fixed(connectorHCL(`  client_secret_wo = "write-only-secret"
`)),
			summary: "Invalid Attribute Combination", address: connector, attribute: "client_secret_wo",
			phrases: phraseList(`Attribute "client_id" must be specified when "client_secret_wo" is specified`)},
		{name: "connector: api_token_wo with white space (not shown)", config: fixed(connectorHCL(`  api_token_wo = "split wo-key-not-shown"
`)),
			summary: "Invalid Attribute Value Match", address: connector, attribute: "api_token_wo",
			phrases:  phraseList("Attribute api_token_wo must not be empty or contain white space (the value is secret, so it is not shown)"),
			notShown: []string{"wo-key-not-shown"}},
		{name: "connector: api_token with white space (not shown)", config: fixed(connectorHCL(`  api_token = "split stored-key-not-shown"
`)),
			summary: "Invalid Attribute Value Match", address: connector, attribute: "api_token",
			phrases:  phraseList("Attribute api_token must not be empty or contain white space (the value is secret, so it is not shown)"),
			notShown: []string{"stored-key-not-shown"}},
		{name: "connector: wrong api_token_wo (401)", apply: true, config: fixed(connectorHCL(`  api_token_wo = "wrong-wo-key-not-shown"
  api_token_wo_version = 1
`)),
			summary: "Invalid API key", address: connector, attribute: "api_token_wo",
			phrases:  phraseList("Atlassian rejected the API key (api_token_wo)", "401"),
			notShown: []string{"wrong-wo-key-not-shown"}},
		{name: "connector environment: organization_id not a UUID",
			config:  fixed("\nephemeral \"atlassian_connector_environment\" \"e\" {\n  organization_id = \"acme\"\n}\n"),
			summary: "Invalid Attribute Value Match", address: "ephemeral.atlassian_connector_environment.e", attribute: "organization_id",
			phrases: phraseList("Attribute organization_id must be a UUID")},
		{name: "connector environment: client_secret without client_id",
			config:  fixed("\nephemeral \"atlassian_connector_environment\" \"e\" {\n  client_secret = \"s3cret\"\n}\n"),
			summary: "Invalid Attribute Combination", address: "ephemeral.atlassian_connector_environment.e", attribute: "client_secret",
			phrases: phraseList(`Attribute "client_id" must be specified when "client_secret" is specified`)},

		// ---- allow_replace ----
		{name: "group: allow_replace not a bool",
			config: fixed("\nresource \"atlassian_group\" \"g\" {\n  name          = \"tf-replace\"\n  allow_replace = \"sometimes\"\n}\n"),
			// Terraform's own type check: its diagnostic names the block and
			// the line, without a "with" line.
			summary: "Incorrect attribute value type",
			phrases: phraseList(`in resource "atlassian_group" "g":`, `allow_replace = "sometimes"`,
				`Inappropriate value for attribute "allow_replace": a bool is required.`)},
		{name: "group: adopted with another description (would replace a group with members)", config: func(b *badInputOrg) string {
			return importBlock(group, fmt.Sprintf(`{ id = %q }`, b.group.ID)) +
				fmt.Sprintf("\nresource \"atlassian_group\" \"g\" {\n  name        = %q\n  description = \"not what Atlassian has\"\n}\n", b.group.Name)
		},
			summary: "Replacing the group would remove access", address: group, attribute: "description",
			phrases: func(b *badInputOrg) []string {
				return []string{fmt.Sprintf("changing it from %q to \"not what Atlassian has\" replaces group %q (%s)", b.group.Description, b.group.Name, b.group.ID),
					fmt.Sprintf("its %d members and", len(b.group.MemberAccountIDs)), "set allow_replace = true on this resource"}
			}},
		{name: "group: adopted under another name, allow_replace = false", config: func(b *badInputOrg) string {
			return importBlock(group, fmt.Sprintf(`{ id = %q }`, b.group.ID)) +
				fmt.Sprintf("\nresource \"atlassian_group\" \"g\" {\n  name          = \"renamed-by-config\"\n  description   = %q\n  allow_replace = false\n}\n", b.group.Description)
		},
			summary: "Replacing the group would remove access", address: group, attribute: "name",
			phrases: func(b *badInputOrg) []string {
				return []string{fmt.Sprintf("The admin API cannot change a group's name, so changing it from %q to \"renamed-by-config\"", b.group.Name),
					fmt.Sprintf("its %d members and", len(b.group.MemberAccountIDs))}
			}},

		// ---- what Atlassian refuses at apply time ----
		{name: "membership: licence limit (group gives product access)", apply: true,
			env: func(b *badInputOrg) {
				b.Update(func(st *sandbox.State) error {
					ws := st.Workspaces[0]
					st.GroupRoleAssignments = append(st.GroupRoleAssignments, sandbox.GroupRoleAssignment{
						GroupID: b.group.ID, ResourceID: ws.ID, ResourceOwner: ws.Type, Role: "atlassian/user"})
					return nil
				})
				b.Update(func(st *sandbox.State) error {
					st.Settings.LicenceLimit = len(sandboxtest.LicensedAccounts(*st, b.ws))
					return nil
				})
			},
			config:  func(b *badInputOrg) string { return membershipHCL(b.group.ID, b.outsider) },
			summary: "Licence limit reached", address: membership, attribute: "account_id",
			phrases: phraseList("the product has no free licence seat", "ADMIN-UAM-409-3", "Free seats")},
		{name: "role: licence limit", apply: true,
			env: func(b *badInputOrg) {
				b.Update(func(st *sandbox.State) error {
					st.Settings.LicenceLimit = len(sandboxtest.LicensedAccounts(*st, b.ws))
					return nil
				})
			},
			config:  func(b *badInputOrg) string { return roleHCL(b.ws, "atlassian/user", "account_id", b.outsider) },
			summary: "Licence limit reached", address: role, attribute: "account_id",
			phrases: phraseList("no free licence seat", "ADMIN-UAM-409-3")},
		{name: "role: workspace role endpoints not enabled (403)", apply: true,
			env: func(b *badInputOrg) {
				b.Update(func(st *sandbox.State) error { st.Settings.WorkspaceRolesEnabled = false; return nil })
			},
			config:  func(b *badInputOrg) string { return roleHCL(b.ws, "atlassian/user", "group_id", b.group.ID) },
			summary: "Workspace role endpoints are not enabled", address: role,
			phrases: phraseList("Atlassian support must enable the workspace role endpoints", "403")},

		// ---- an admin API that answers garbage ----
		{name: "sandbox answers truncated JSON (garbage_kind json)",
			env: func(b *badInputOrg) {
				b.Server.SetFaults(sandbox.Faults{GarbageRate: 1, GarbageKind: sandbox.GarbageJSON})
			},
			config:  membershipOfGroup,
			summary: "Could not look up the group", address: membership, attribute: "group_id",
			phrases: phraseList("the answer is not the JSON expected", "unexpected end of JSON input", "Check that the base URL")},
		{name: "sandbox answers a proxy's HTML page (garbage_kind html)",
			// A 502 is retried: on one route only, so that one call (not
			// every look-up of the plan) spends the retry budget.
			env: func(b *badInputOrg) {
				b.Server.SetFaults(sandbox.Faults{GarbageRate: 1, GarbageKind: sandbox.GarbageHTML,
					Routes: []string{"GET /admin/v2/orgs/{orgId}/directories/{dirId}/groups/{groupId}"}})
			},
			config:  membershipOfGroup,
			summary: "Could not look up the group", address: membership, attribute: "group_id",
			phrases: phraseList("502", "after 8 attempts")},
	}
}

// TestAccBadInputs runs the table, each case a terraform command of its
// own, in parallel.
func TestAccBadInputs(t *testing.T) { //nolint:tparallel // the "cases" group is not parallel on purpose: it returns once every parallel case has, so the checks after it see every row
	acctest.RequireTerraform(t)
	t.Parallel()
	acctest.ProviderBinary(t) // built once, before the parallel cases, and kept until they end
	shared := newBadInputOrg(t, nil)
	sharedBefore := acctest.AccessOf(shared.State())
	cases := badInputs()
	if len(cases) < 25 {
		t.Fatalf("only %d bad inputs", len(cases))
	}
	var (
		mu   sync.Mutex
		rows = map[string]string{}
	)
	t.Run("cases", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				b := shared
				if c.env != nil {
					b = newBadInputOrg(t, nil)
					c.env(b)
				}
				before := acctest.AccessOf(b.State())
				var cliEnv []string
				if c.cliEnv != nil {
					cliEnv = c.cliEnv(b)
				}
				cli := acctest.NewPluginCLI(t, tfdriver.Options{Env: cliEnv})
				providerBlock := b.ProviderBlock()
				if c.provider != nil {
					providerBlock = c.provider(b)
				}
				cli.WriteConfig(providerBlock + c.config(b))
				var res tfdriver.Result
				switch {
				case c.importArgs != nil:
					args := c.importArgs(b)
					res = cli.TryImport(args[0], args[1])
				case c.apply:
					res = cli.TryApply()
				default:
					res = cli.TryPlan()
				}
				cli.ExpectNoCrash(res)
				want := c.pattern(b)
				if res.Err == nil {
					t.Fatalf("terraform succeeded; want the error %s\n%s", want, res)
				}
				if !want.MatchString(res.Output) {
					t.Errorf("the error does not match %s\n%s", want, res)
				}
				// The configuration's own lines, which diagnostics quote, may
				// hold a secret written there; nothing else may.
				quoted := regexp.MustCompile(`(?m)^\s*\d+:\s.*$`)
				for _, secret := range c.notShown {
					if rest := quoted.ReplaceAllString(res.Output, ""); strings.Contains(rest, secret) {
						t.Errorf("terraform's output shows %q outside the quoted configuration", secret)
					}
				}
				if d := before.Diff(acctest.AccessOf(b.State())); d != "" {
					t.Errorf("the refused input changed the organization:\n%s", d)
				}
				if c.apply { // a refused create leaves nothing in the state
					for _, r := range cli.StateResources() {
						t.Errorf("the refused apply left %s in the state", r.Address)
					}
				}
				t.Logf("%s:\n%s", c.name, errorBlock(res.Output))
				where := c.attribute
				if strings.HasPrefix(where, `"`) {
					where = "members[" + where + "]" // a map key: the CLI shows its line
				}
				if where == "" {
					where = "(the resource block)"
				}
				switch {
				case c.address == "" && (c.importArgs != nil || strings.Contains(c.config(b), "import {")):
					where = "(no location: import id)"
				case c.address == "":
					where = "(no resource address)"
				}
				mu.Lock()
				rows[c.name] = fmt.Sprintf("%-55s | %-55s | %s", c.name, c.summary, where)
				mu.Unlock()
			})
		}
	})
	if d := sharedBefore.Diff(acctest.AccessOf(shared.State())); d != "" {
		t.Errorf("the refused inputs changed the shared organization:\n%s", d)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%d bad inputs:\n%-55s | %-55s | %s\n", len(cases), "input", "diagnostic summary", "attribute")
	for _, c := range cases {
		if row, ok := rows[c.name]; ok {
			table.WriteString(row + "\n")
		}
	}
	t.Logf("\n%s", table.String())
}

// errorBlock returns terraform's first error diagnostic: from its
// "Error:" line to the end of its detail.
func errorBlock(output string) string {
	i := strings.Index(output, "Error: ")
	if i < 0 {
		return ""
	}
	block := output[i:]
	// The detail ends where the next diagnostic (or the output) does.
	if j := strings.Index(block[1:], "\nError: "); j >= 0 {
		block = block[:j+1]
	}
	if j := strings.Index(block[1:], "\nWarning: "); j >= 0 {
		block = block[:j+1]
	}
	return strings.TrimSpace(block)
}

// FuzzMembershipImportID checks the import id of atlassian_group_membership,
// <group_id>/<account_id>: parsing never panics; what it accepts is exactly
// two parts the schema accepts, and formats back to the same id; and every
// pair of ids the schema accepts formats into an id that parses back to it.
// The committed corpus is in testdata/fuzz/FuzzMembershipImportID.
func FuzzMembershipImportID(f *testing.F) {
	f.Add("0f8fad5b-d9cb-469f-a165-70867728950e/5b10ac8d82e05b22cc7d4ef5", "0f8fad5b-d9cb-469f-a165-70867728950e", "712020:9f3c1e2a-7b3d-4c8e-9a61-2d4b8f0e7c35")
	f.Add("/", "", "")
	f.Add("a/b/c", "a/b", "c")
	f.Add(" g/a", "g", "qm:6f1e2d3c-4b5a-4978-8877-665544332211:0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9")
	f.Fuzz(func(t *testing.T, raw, groupID, accountID string) {
		if g, a, err := parseMembershipID(raw); err == nil {
			if !groupMemberIDPattern.MatchString(g) || !groupMemberIDPattern.MatchString(a) {
				t.Fatalf("parse(%q) accepted parts the schema refuses: %q, %q", raw, g, a)
			}
			if membershipID(g, a) != raw {
				t.Fatalf("parse(%q) = %q, %q, which formats as %q", raw, g, a, membershipID(g, a))
			}
		} else if !strings.Contains(err.Error(), fmt.Sprintf("%q", raw)) {
			t.Fatalf("the error for %q does not quote the id: %v", raw, err)
		}
		if !groupMemberIDPattern.MatchString(groupID) || !groupMemberIDPattern.MatchString(accountID) {
			return // not ids a configuration could hold
		}
		g, a, err := parseMembershipID(membershipID(groupID, accountID))
		if err != nil || g != groupID || a != accountID {
			t.Fatalf("%q, %q format as %q, which parses to %q, %q, %v", groupID, accountID, membershipID(groupID, accountID), g, a, err)
		}
	})
}
