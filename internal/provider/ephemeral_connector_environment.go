package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	tftypes "github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

var (
	_ ephemeral.EphemeralResource              = (*connectorEnvironmentResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*connectorEnvironmentResource)(nil)
)

// NewConnectorEnvironmentEphemeralResource returns the
// atlassian_connector_environment ephemeral resource: the environment of
// atlassian_connector's Kubernetes Secret, which Terraform never stores, for
// a connector whose secrets are write-only arguments.
func NewConnectorEnvironmentEphemeralResource() ephemeral.EphemeralResource {
	return &connectorEnvironmentResource{}
}

type connectorEnvironmentResource struct {
	data *providerData
}

type connectorEnvironmentModel struct {
	Name           tftypes.String `tfsdk:"name"`
	OrganizationID tftypes.String `tfsdk:"organization_id"`
	APIToken       tftypes.String `tfsdk:"api_token"`
	ClientID       tftypes.String `tfsdk:"client_id"`
	ClientSecret   tftypes.String `tfsdk:"client_secret"`
	SecretName     tftypes.String `tfsdk:"secret_name"`
	Environment    tftypes.Map    `tfsdk:"environment"`
}

func (r *connectorEnvironmentResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connector_environment"
}

func (r *connectorEnvironmentResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	dnsLabel := []validator.String{
		stringvalidator.LengthBetween(1, 63),
		stringvalidator.RegexMatches(kubernetesNamePattern,
			"must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit"),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The environment of an `atlassian_connector`'s Kubernetes Secret (`<name>-secrets`), " +
			"as an ephemeral value (Terraform 1.10 and later): it exists while Terraform runs and is never written " +
			"to the plan or the state. Use it with the write-only arguments of `atlassian_connector` " +
			"(`api_token_wo`, `client_secret_wo`, whose `environment` and `secret_manifest` are then null) to feed " +
			"the Kubernetes provider's write-only Secret data (`data_wo` of `kubernetes_secret_v1`), so that the " +
			"API key and the client secret never touch a state or plan file.\n\n" +
			"The environment is the one `atlassian_connector` renders, from the same arguments: the API key as " +
			"`BATON_API_TOKEN` and `BATON_ACCESS_TOKEN`, the organization id as `BATON_ORG` and " +
			"`BATON_ORGANIZATION_ID`, `BATON_CLIENT_ID` and `BATON_CLIENT_SECRET` when set, and `BATON_BASE_URL` " +
			"when the provider talks to an admin API other than Atlassian's. Opening it sends no request: " +
			"`atlassian_connector` validates the credentials when it is applied.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The connector's `name` (its Secret is `<name>-secrets`). Defaults to `" +
					defaultConnectorName + "`, as `atlassian_connector` does.",
				Validators: dnsLabel,
			},
			"organization_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The Atlassian organization id. Defaults to the provider's.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(orgconfig.OrganizationIDPattern,
						"must be a UUID such as 3f2a9c1e-5b7d-4e21-9a0b-6c8d2e4f1a37 (the part after /o/ in admin.atlassian.com URLs)"),
				},
			},
			"api_token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "The connector's organization API key: the value given to `api_token_wo`. Defaults to the provider's.",
				Validators:          []validator.String{secretShape{}},
			},
			"client_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The ConductorOne client id. Requires `client_secret`.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("client_secret")),
				},
			},
			"client_secret": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "The ConductorOne client secret: the value given to `client_secret_wo`. Requires `client_id`.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("client_id")),
				},
			},
			"secret_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The name of the Secret the Deployment of `atlassian_connector` reads: `<name>-secrets`.",
			},
			"environment": schema.MapAttribute{
				Computed:            true,
				Sensitive:           true,
				ElementType:         tftypes.StringType,
				MarkdownDescription: "The Secret's entries, variable name to value.",
			},
		},
	}
}

func (r *connectorEnvironmentResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Open renders the environment; it sends nothing.
func (r *connectorEnvironmentResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if !requireConfigured(r.data != nil, "ephemeral resource was opened", &resp.Diagnostics) {
		return
	}
	var m connectorEnvironmentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec := connectorDeploymentSpec{
		Name:           stringOr(m.Name, defaultConnectorName),
		OrganizationID: stringOr(m.OrganizationID, r.data.settings.OrganizationID),
		APIToken:       stringOr(m.APIToken, r.data.settings.APIToken),
		ClientID:       m.ClientID.ValueString(),
		ClientSecret:   m.ClientSecret.ValueString(),
	}
	if base := r.data.settings.BaseURL; base != "" && base != orgconfig.DefaultBaseURL {
		spec.BaseURL = base
	}
	values := map[string]attr.Value{}
	for k, v := range spec.environment() {
		values[k] = tftypes.StringValue(v)
	}
	env, diags := tftypes.MapValue(tftypes.StringType, values)
	resp.Diagnostics.Append(diags...)
	m.Name = tftypes.StringValue(spec.Name)
	m.OrganizationID = tftypes.StringValue(spec.OrganizationID)
	m.SecretName = tftypes.StringValue(spec.secretName())
	m.Environment = env
	resp.Diagnostics.Append(resp.Result.Set(ctx, m)...)
}

// stringOr is v's value, or fallback when v is null or empty.
func stringOr(v tftypes.String, fallback string) string {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return fallback
	}
	return v.ValueString()
}
