// Package diagnostics is where the access layer's errors become what a
// Terraform user reads. Each error kind has its words here, once: a summary,
// an explanation with the advice a user can act on, and the attribute it
// concerns. A resource describes its operation (what it tried, the objects
// it names, what a refusal means for it) and gets the diagnostic back, so
// the same failure reads the same in every resource.
//
// The connector's own message (which names the call and Atlassian's error
// code) is in every detail: it is what a support request needs. It follows
// the explanation, except for a refused credential, where the advice on
// which key or organization id to use comes after it.
package diagnostics

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// Write describes a change a resource asked Atlassian for.
type Write struct {
	// What completes "Could not ...": "add account 5b10... to group 8f2e...".
	What string
	// Verb and Subject name the change in a summary: "change" and "group
	// membership" give "Could not change the group membership".
	Verb, Subject string
	// Names are the objects the write names, in the order a user checks
	// them; any of them may have been deleted outside Terraform.
	Names []Name
	// Holder is the attribute of the account or group that would gain
	// access: a licence limit or an inactive account points there.
	Holder path.Path
	// Refusal says what a 403 means for this write, beyond the API key's
	// rights. Its zero value says nothing more.
	Refusal Refusal
	// RolesOf names what offers the roles a write gives ("workspace"), for
	// a role it does not offer. The connector's message says which to use.
	RolesOf string
	// Credentials name the organization and key the write used, for an
	// error that says one of them is wrong. Their zero value is the
	// provider's own.
	Credentials Credentials
}

// Credentials are the organization id and API key of a write.
type Credentials struct {
	// OrganizationID is the organization the key was used with; "" when it
	// is the provider's (the error then names no id).
	OrganizationID string
	// TokenAttribute is the resource's attribute the key came from; "" for
	// the provider's api_token, which is no attribute of the resource.
	TokenAttribute string
}

func (c Credentials) tokenSource() string {
	if c.TokenAttribute == "" {
		return "the provider's api_token"
	}
	return c.TokenAttribute
}

func (c Credentials) organization() string {
	if c.OrganizationID == "" {
		return "the organization"
	}
	return "organization " + c.OrganizationID
}

// Name is an object a write names, and how a user finds it.
type Name struct {
	Noun       string // "group"
	Attribute  string // "group_id"
	DataSource string // "atlassian_group", the data source that finds its id
}

// The objects the resources name, by the same attributes everywhere.
var (
	Account   = Name{Noun: "account", Attribute: "account_id", DataSource: "atlassian_account"}
	Group     = Name{Noun: "group", Attribute: "group_id", DataSource: "atlassian_group"}
	Workspace = Name{Noun: "workspace", Attribute: "workspace_id", DataSource: "atlassian_workspace"}
)

// Refusal is what a 403 means for a write.
type Refusal struct {
	// Summary replaces "Atlassian refused to <verb> the <subject>" when the
	// cause is known to be one thing.
	Summary string
	// Attribute is where the cause lies, if in one attribute.
	Attribute path.Path
	// Explanation comes before the common advice about the API key.
	Explanation string
}

// kinds is the one list of the access errors a write can explain, in the
// order they are tested. A new kind (the connector's credential check, say)
// is one line here and one function below.
var kinds = []struct {
	err     error
	explain func(Write, error) diag.Diagnostic
}{
	{access.ErrUnauthenticated, keyRejected},
	{access.ErrOrganizationNotFound, unknownOrganization},
	{access.ErrSuspensionRefused, suspensionRefused},
	{access.ErrInactiveUser, inactiveAccount},
	{access.ErrLicenceLimit, licenceLimit},
	{access.ErrForbidden, refused},
	{access.ErrInvalidRole, invalidRole},
	{access.ErrNotFound, notFound},
}

// WriteFailed is the diagnostic of a write that failed with err.
func WriteFailed(w Write, err error) diag.Diagnostic {
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			return k.explain(w, err)
		}
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("Could not %s the %s", w.Verb, w.Subject),
		fmt.Sprintf("Could not %s: %s", w.What, err))
}

// newError is an error diagnostic on attr, or on no attribute when attr is
// empty (the zero Path, which Path.Equal tells apart from path.Empty()).
// Terraform shows an error on no attribute with the resource block; on an
// empty attribute path, with no location at all.
func newError(attr path.Path, summary, detail string) diag.Diagnostic {
	if len(attr.Steps()) == 0 {
		return diag.NewErrorDiagnostic(summary, detail)
	}
	return diag.NewAttributeErrorDiagnostic(attr, summary, detail)
}

// explained is the detail of every explained failure: what was tried, why
// it failed, and the connector's message.
func explained(w Write, why string, err error) string {
	return fmt.Sprintf("Could not %s: %s\n\n%s", w.What, why, err)
}

func keyRejected(w Write, err error) diag.Diagnostic {
	var attr path.Path
	if w.Credentials.TokenAttribute != "" {
		attr = path.Root(w.Credentials.TokenAttribute)
	}
	// Atlassian's gateway refuses a wrong key and a key without the call's
	// scope with the same 401: the wrong key, the likelier, comes first.
	advice := "Use a current organization API key (admin.atlassian.com > Settings > API keys): one without scopes, " +
		"or one with the scopes the configuration needs (see the provider's documentation, API key scopes)."
	if scope, _ := access.MissingScope(err); scope != "" {
		advice += fmt.Sprintf(" A key with scopes needs the scope %s for this.", scope)
	}
	return newError(attr, "Invalid API key", fmt.Sprintf(
		"Atlassian rejected the API key (%s) for %s: %s\n\n%s",
		w.Credentials.tokenSource(), w.Credentials.organization(), err, advice))
}

func unknownOrganization(w Write, err error) diag.Diagnostic {
	return newError(path.Root("organization_id"), "Unknown organization id", fmt.Sprintf(
		"The API key (%s) has no %s: %s\n\nCopy the organization id from the address bar of "+
			"admin.atlassian.com, after /o/, and use a key created in that organization.",
		w.Credentials.tokenSource(), w.Credentials.organization(), err))
}

func suspensionRefused(w Write, err error) diag.Diagnostic {
	return newError(w.Holder, "Atlassian refused to suspend the account", explained(w,
		"Atlassian refused, as it does for an organization admin. Revoke the atlassian/org-admin role first "+
			"(atlassian_organization_role_assignment), in an earlier apply.", err))
}

func inactiveAccount(w Write, err error) diag.Diagnostic {
	return newError(w.Holder, "Account is not active", explained(w,
		"Atlassian changes the access of active accounts only, and this account is suspended or deactivated. "+
			"Restore the account's access (if suspended) or activate the account (if deactivated) in "+
			"admin.atlassian.com (Directory > Users > the account), then apply again.", err))
}

func licenceLimit(w Write, err error) diag.Diagnostic {
	return newError(w.Holder, "Licence limit reached", explained(w,
		"it gives product access, and the product has no free licence seat (ADMIN-UAM-409-3). Free seats "+
			"(take the product away from people who no longer need it) or raise the licence limit in "+
			"admin.atlassian.com > Billing, then apply again.", err))
}

func refused(w Write, err error) diag.Diagnostic {
	scope, certain := access.MissingScope(err)
	if certain {
		return scopeMissing(w, scope, err)
	}
	summary := w.Refusal.Summary
	if summary == "" {
		summary = fmt.Sprintf("Atlassian refused to %s the %s", w.Verb, w.Subject)
	}
	why := "Atlassian refused it (403). The API key must belong to an organization admin."
	if w.Refusal.Explanation != "" {
		why = "Atlassian refused it (403). " + w.Refusal.Explanation + " The API key must also belong to an organization admin."
	}
	if scope != "" {
		why += fmt.Sprintf(" If the key has scopes, it needs the scope %s for this change.", scope)
	}
	return newError(w.Refusal.Attribute, summary, explained(w, why, err))
}

// scopeMissing is a refusal Atlassian said was for want of a scope: the key
// is the cause, so the diagnostic is on its attribute when the resource has
// one, else on the whole block (the provider's key is no attribute of the
// resource).
func scopeMissing(w Write, scope string, err error) diag.Diagnostic {
	var attr path.Path
	if w.Credentials.TokenAttribute != "" {
		attr = path.Root(w.Credentials.TokenAttribute)
	}
	return newError(attr, "API key lacks the scope "+scope, explained(w, fmt.Sprintf(
		"Atlassian refused it (403): the API key (%s) lacks the scope %s, which this change needs. Add the scope "+
			"to the key (admin.atlassian.com > Settings > API keys), or apply with a key that has it.",
		w.Credentials.tokenSource(), scope), err))
}

func invalidRole(w Write, err error) diag.Diagnostic {
	return newError(path.Root("role"), "Invalid role for this "+w.RolesOf,
		explained(w, fmt.Sprintf("the %s does not offer this role.", w.RolesOf), err))
}

// notFound names every object that may be missing: Atlassian's 404 does not
// always say which. With one object, it points at that object's attribute.
func notFound(w Write, err error) diag.Diagnostic {
	nouns := make([]string, len(w.Names))
	attributes := make([]string, len(w.Names))
	dataSources := make([]string, len(w.Names))
	for i, n := range w.Names {
		nouns[i], attributes[i], dataSources[i] = n.Noun, n.Attribute, n.DataSource
	}
	summary := strings.Join(nouns, " or ") + " not found"
	summary = strings.ToUpper(summary[:1]) + summary[1:]
	objects := "the " + strings.Join(nouns, " or the ")
	finds := "data source finds its id"
	var attr path.Path
	if len(w.Names) == 1 {
		attr = path.Root(w.Names[0].Attribute)
	} else {
		finds = "data sources find their ids"
	}
	return newError(attr, summary, explained(w, fmt.Sprintf(
		"%s does not exist (any more) in the organization. Check %s (the %s %s); if %s was deleted outside "+
			"Terraform, remove this resource from the configuration.",
		objects, strings.Join(attributes, " and "), strings.Join(dataSources, " and "), finds, objects), err))
}
