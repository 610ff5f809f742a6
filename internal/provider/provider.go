// Package provider is the Terraform provider for Atlassian Cloud
// organizations: schemas, plans and diagnostics. It checks the provider
// block once (settings.go) and talks to internal/access alone, for every
// read and write of access and for what atlassian_connector deploys; access
// goes through the embedded baton connector's server, so Terraform sees
// exactly what the baton engine syncs and provisions.
package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/cureigad/atlassian"

// New returns a constructor of the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &atlassianProvider{version: version} }
}

type atlassianProvider struct {
	version string
	// clock is the time expiries are judged by; nil is the system clock.
	// Only the in-process test provider sets it (newWithClock), so that
	// tests can move time across an expiry without waiting for it.
	clock func() time.Time
}

var (
	_ provider.Provider                  = (*atlassianProvider)(nil)
	_ provider.ProviderWithListResources = (*atlassianProvider)(nil)
	// Ephemeral resources: Terraform 1.10 and later.
	_ provider.ProviderWithEphemeralResources = (*atlassianProvider)(nil)
)

// providerModel is the provider block.
type providerModel struct {
	OrganizationID    types.String  `tfsdk:"organization_id"`
	APIToken          types.String  `tfsdk:"api_token"`
	BaseURL           types.String  `tfsdk:"base_url"`
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
	MaxConcurrency    types.Int64   `tfsdk:"max_concurrency"`
	ExpiryWindow      types.String  `tfsdk:"expiry_warning_window"`
}

func (p *atlassianProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "atlassian"
	resp.Version = p.version
}

func (p *atlassianProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Governs who has access to what in an Atlassian Cloud organization: group memberships, " +
			"workspace (product) roles and the deployment of the ConductorOne Atlassian connector. Every read and write " +
			"goes through an embedded [baton](https://github.com/conductorone/baton-sdk) connector, so Terraform sees " +
			"exactly what an identity-governance sync sees.\n\n" +
			"Credentials come from an organization admin: an **API key** (admin.atlassian.com > Settings > API keys) " +
			"and the **organization id** (the UUID after `/o/` in admin.atlassian.com URLs). A key without scopes " +
			"does everything; a key with the read scopes alone plans, refreshes and reads the data sources, which " +
			"is the key a pull request's plan should hold (see the guide API key scopes for what each resource needs).",
		Attributes: map[string]schema.Attribute{
			"organization_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The Atlassian organization id: the UUID after `/o/` in admin.atlassian.com URLs. " +
					"Defaults to the first of the environment variables `" + envList(envOrganizationID) + "` that is set.",
			},
			"api_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "An organization API key, created by an organization admin: without scopes, or with " +
					"the scopes of what the configuration does (the guide API key scopes lists them; reads need " +
					"`read:directories:admin`, `read:group:admin` and `read:org:admin`). " +
					"Defaults to the first of the environment variables `" + envList(envAPIToken) + "` that is set. " +
					"It is never logged; prefer the environment over writing it in configuration.",
			},
			"base_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Where the admin API lives, without the `/admin` suffix. Defaults to `$" + envBaseURL +
					"`, else `" + orgconfig.DefaultBaseURL + "`. Point it at a local sandbox organization for tests and demos. " +
					"It must be `https://`, except for a loopback host (`127.0.0.1` or any `127.x.y.z`, `::1`, `localhost`), " +
					"where a local sandbox runs: any other `http://` URL fails the plan before a request is sent, so the API " +
					"key never crosses a network in clear text. A URL with user info (`name@`) is refused too.",
			},
			"requests_per_second": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "A client-side cap on admin API requests per second, retries included; `0` (the " +
					"default) means no cap beyond Atlassian's own rate limit, whose 429 answers are always honoured " +
					"(`Retry-After`, else `X-RateLimit-Reset`, else exponential backoff), so an apply converges without " +
					"errors either way. A cap does not make applies faster: against a rate limit, an apply takes about " +
					"as long with a cap at that limit as without one; without it, some requests are refused with 429 and " +
					"retried, with it none are (`make bench` scenarios 5a and 5b; BENCHMARKS.md has the figures). Set it, " +
					"to this tool's share, when several tools share the organization's rate limit, so that this one does " +
					"not spend the shared budget on refused requests.",
				Validators: []validator.Float64{float64validator.Between(0, 1000)},
			},
			"max_concurrency": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many admin API requests may be in flight at once. Defaults to `8`. Each " +
					"request waits a network round trip, so this bounds how fast large changes go: adding members to an " +
					"`atlassian_group_members` takes at least one round trip per this many members, so doubling it halves " +
					"that time, as long as Atlassian's rate limit allows it (BENCHMARKS.md, scenario 3, has measured " +
					"figures). Reads that page through a listing (a group's members, the organization's accounts) are " +
					"sequential whatever this says. " +
					"Terraform's own parallelism (`-parallelism`, default 10) bounds how many resources are applied at once " +
					"(each `atlassian_group_membership` is one request), while `atlassian_group_members` sends its writes " +
					"in parallel up to this number.",
				Validators: []validator.Int64{int64validator.Between(1, 64)},
			},
			"expiry_warning_window": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How far ahead plans warn about grants that are about to expire (`expires_at` of " +
					"`atlassian_group_membership`, `atlassian_workspace_role_assignment` and " +
					"`atlassian_organization_role_assignment`, `member_expiry` of " +
					"`atlassian_group_members`), so that a reviewer sees what is about to lapse: a Go duration such as " +
					"`72h` (the default), `24h` or `90m`; `0` turns the warnings off. Expired grants are warned about " +
					"whatever it says.",
			},
		},
	}
}

func (p *atlassianProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var model providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings, diags := resolveSettings(model, lookupEnv, p.version)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.SetField(ctx, "atlassian_organization_id", settings.OrganizationID)
	tflog.Debug(ctx, "configuring the Atlassian provider", map[string]any{
		"base_url":            settings.BaseURL,
		"requests_per_second": settings.RequestsPerSecond,
		"max_concurrency":     settings.MaxConcurrency,
	})
	window, diags := resolveExpiryWarningWindow(model.ExpiryWindow)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	data, err := newProviderData(ctx, settings)
	if err != nil {
		resp.Diagnostics.AddError("Could not start the Atlassian connector", err.Error())
		return
	}
	data.expiry = expiryPolicy{clock: p.clock, window: window}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	resp.EphemeralResourceData = data
}

func (p *atlassianProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewWorkspaceRoleAssignmentResource,
		NewConnectorResource(p.version),
		NewGroupResource,
		NewGroupMembershipResource,
		NewGroupMembersResource,
		NewInvitationResource,
		NewOrganizationRoleAssignmentResource,
		NewAccountSuspensionResource,
	}
}

// EphemeralResources are values Terraform never stores (Terraform 1.10 and
// later).
func (p *atlassianProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewConnectorEnvironmentEphemeralResource,
	}
}

// ListResources are the list blocks of terraform query (Terraform 1.14 and
// later; older CLIs never ask for them), named like the resources they list.
func (p *atlassianProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewGroupListResource,
		NewGroupMembershipListResource,
		NewGroupMembersListResource,
		NewWorkspaceRoleAssignmentListResource,
		NewOrganizationRoleAssignmentListResource,
		NewAccountSuspensionListResource,
	}
}

func (p *atlassianProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAccountsDataSource,
		NewAccountDataSource,
		NewGroupsDataSource,
		NewGroupDataSource,
		NewWorkspacesDataSource,
		NewWorkspaceDataSource,
		NewEffectiveAccessDataSource,
	}
}
