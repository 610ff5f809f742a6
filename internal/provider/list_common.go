package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// What the list resources (`list` blocks of `terraform query`, Terraform
// 1.14 and later) share. Each is named like the resource it lists and
// yields that resource's identity and, with include_resource (or
// -generate-config-out), the resource object exactly as a refresh after
// importing it would read it: the generated configuration then plans no
// change. Results stream as the access layer pages through the
// organization, and everything read is shared with the reads that follow
// in the same provider process.

// listBase is embedded by the list resources. They need what the group
// resources take from the provider (the access view, the organization and
// max_concurrency, which bounds the listings read at once), and Configure
// the same way.
type listBase struct{ accessResourceBase }

// results is the push side of a list: it stops at Terraform's limit and
// when Terraform stops reading.
type results struct {
	req   list.ListRequest
	push  func(list.ListResult) bool
	count int64
}

// add pushes one result: its identity, and the resource object when asked
// for. It reports whether the list goes on.
func (r *results) add(ctx context.Context, displayName string, identity, object any) bool {
	result := r.req.NewListResult(ctx)
	result.DisplayName = displayName
	result.Diagnostics.Append(result.Identity.Set(ctx, identity)...)
	if r.req.IncludeResource {
		result.Diagnostics.Append(result.Resource.Set(ctx, object)...)
	}
	if !r.push(result) || result.Diagnostics.HasError() {
		return false
	}
	r.count++
	return r.req.Limit <= 0 || r.count < r.req.Limit
}

// fail ends the list with an error.
func (r *results) fail(diags diag.Diagnostics) {
	r.push(list.ListResult{Diagnostics: diags})
}

// stream sets the list's results to what run pushes, once the provider is
// configured and the list block's config is read into config.
func (b *listBase) stream(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, config any, run func(*results)) {
	var diags diag.Diagnostics
	if b.view == nil {
		diags.AddError("Provider not configured",
			"The Atlassian provider was not configured before this list resource was used. This is a bug in the provider; please report it.")
	} else {
		diags.Append(req.Config.Get(ctx, config)...)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		run(&results{req: req, push: push})
	}
}

// groupDisplayName names a group in query output, marking groups synced
// from an identity provider.
func groupDisplayName(g access.Group) string {
	if g.ExternalSynced {
		return g.Name + " (synced from an identity provider)"
	}
	return g.Name
}
