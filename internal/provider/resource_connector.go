package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	tftypes "github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider/diagnostics"
)

var (
	_ resource.Resource                   = (*connectorResource)(nil)
	_ resource.ResourceWithConfigure      = (*connectorResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*connectorResource)(nil)
	_ resource.ResourceWithImportState    = (*connectorResource)(nil)
	_ resource.ResourceWithIdentity       = (*connectorResource)(nil)
	_ resource.ResourceWithValidateConfig = (*connectorResource)(nil)
)

const (
	defaultConnectorName      = "baton-atlassian"
	defaultConnectorNamespace = "default"
	// connectorImageRepository is the name the release's image tarballs
	// (scripts/image) carry; `docker load` and `kind load image-archive`
	// apply it. Unqualified, a registry would read it as Docker Hub's
	// library/ namespace, which only Docker publishes to, so a cluster that
	// has not loaded the tarball fails to pull it rather than running
	// someone else's image.
	connectorImageRepository = "baton-atlassian"
	// devImageTag is what `make image` tags a build that is not a release.
	devImageTag = "dev"
)

// releaseVersionPattern is a release version as the release build stamps
// it (goreleaser's version, without a "v"), which is also a valid image tag.
var releaseVersionPattern = regexp.MustCompile(`^[0-9][0-9A-Za-z_.-]{0,127}$`)

// defaultConnectorImage is the image of the provider's own release: the
// release attaches an image tarball of baton-atlassian tagged with the
// provider's version. A build that is not a release ("dev" from go build,
// "test" in the tests) uses the tag `make image` gives, so that the default
// still names an image built from the same source.
func defaultConnectorImage(version string) string {
	if releaseVersionPattern.MatchString(version) {
		return connectorImageRepository + ":" + version
	}
	return connectorImageRepository + ":" + devImageTag
}

// The container's default resources, sized from the connector's peak
// resident memory in a full sync (BENCHMARKS.md, scenario 6 and the
// baton-sdk v0.25 table): the request holds the two processes of the
// connector (the SDK re-executes the binary as the connector service) at
// that peak, and the limit leaves room for an organization larger than the
// benchmark's before the kernel kills the pod. The sync mostly waits on
// Atlassian, so a fraction of a core is requested, and a core is the limit.
var (
	defaultConnectorRequests = map[string]string{"cpu": "100m", "memory": "256Mi"}
	defaultConnectorLimits   = map[string]string{"cpu": "1", "memory": "512Mi"}
)

// kubernetesNamePattern is a DNS-1123 label: the Deployment's name is also
// its app label value and container name, which allow no more.
var kubernetesNamePattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// NewConnectorResource returns the atlassian_connector resource of a
// provider of version, whose image it deploys by default.
func NewConnectorResource(version string) func() resource.Resource {
	return func() resource.Resource { return &connectorResource{defaultImage: defaultConnectorImage(version)} }
}

type connectorResource struct {
	data         *providerData
	defaultImage string
}

type connectorModel struct {
	ID                tftypes.String `tfsdk:"id"`
	Name              tftypes.String `tfsdk:"name"`
	Namespace         tftypes.String `tfsdk:"namespace"`
	OrganizationID    tftypes.String `tfsdk:"organization_id"`
	APIToken          tftypes.String `tfsdk:"api_token"`
	APITokenWO        tftypes.String `tfsdk:"api_token_wo"`
	APITokenWOVersion tftypes.Int64  `tfsdk:"api_token_wo_version"`
	ClientID          tftypes.String `tfsdk:"client_id"`
	ClientSecret      tftypes.String `tfsdk:"client_secret"`
	ClientSecretWO    tftypes.String `tfsdk:"client_secret_wo"`
	// ClientSecretWOVersion triggers the use of a new client_secret_wo.
	ClientSecretWOVersion tftypes.Int64  `tfsdk:"client_secret_wo_version"`
	Image                 tftypes.String `tfsdk:"image"`
	Resources             tftypes.Object `tfsdk:"resources"`
	SyncPath              tftypes.String `tfsdk:"sync_path"`
	OrganizationName      tftypes.String `tfsdk:"organization_name"`
	Environment           tftypes.Map    `tfsdk:"environment"`
	SecretManifest        tftypes.String `tfsdk:"secret_manifest"`
	DeploymentManifest    tftypes.String `tfsdk:"deployment_manifest"`
	Accounts              tftypes.Int64  `tfsdk:"accounts"`
	Groups                tftypes.Int64  `tfsdk:"groups"`
	Workspaces            tftypes.Int64  `tfsdk:"workspaces"`
	Grants                tftypes.Int64  `tfsdk:"grants"`
	SyncedAt              tftypes.String `tfsdk:"synced_at"`
}

func (r *connectorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connector"
}

func (r *connectorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	syncResult := func(what string) schema.Int64Attribute {
		return schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: "How many " + what + " the last sync wrote to `sync_path`. Null without `sync_path`.",
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One deployment of the ConductorOne Atlassian connector (`baton-atlassian`) for an " +
			"organization, self-hosted on Kubernetes as ConductorOne's setup guide describes: a Secret with the " +
			"ConductorOne client credentials and the Atlassian API key and organization id, and a Deployment of the " +
			"connector image that reads them.\n\n" +
			"The resource checks the Atlassian credentials through the connector's own validation (one call that " +
			"proves both the key and the organization id, and says which is wrong) and renders the two manifests, " +
			"ready for `kubernetes_manifest { manifest = yamldecode(...) }` of the Kubernetes provider; it does not " +
			"talk to Kubernetes or ConductorOne itself. With `sync_path` it also runs the connector's full sync " +
			"in-process on every create and update and writes the `.c1z` file a ConductorOne upload would carry, " +
			"so a pipeline can check what the connector sees before deploying it.\n\n" +
			"A deployment is not observable through the Atlassian API, so reading the resource (refresh, plan) sends " +
			"no request: the credentials are validated when the resource is created or changed, and on import.\n\n" +
			"The API key and the client secret appear only in attributes marked sensitive (`api_token`, " +
			"`client_secret`, `environment`, `secret_manifest`), but like every value they are stored in the " +
			"Terraform state: keep the state encrypted, or keep them out of it. **With Terraform 1.11 and later, " +
			"the write-only arguments `api_token_wo` and `client_secret_wo` keep both secrets out of the state " +
			"and the plan**: Terraform hands them to the provider while it plans and applies, and stores neither " +
			"them nor anything made from them. `environment` and `secret_manifest` are then null (they would hold " +
			"the secrets); the ephemeral resource `atlassian_connector_environment` yields the same environment " +
			"for the Kubernetes provider's write-only Secret data (`data_wo` of `kubernetes_secret_v1`). A " +
			"write-only value is not compared between runs: change `api_token_wo_version` or " +
			"`client_secret_wo_version` to apply a new one.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<organization_id>/<name>`. This is also the import id.",
			},
			"name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(defaultConnectorName),
				MarkdownDescription: "The name of the Deployment, its container and its `app` label; the Secret is " +
					"`<name>-secrets`. A DNS label of at most 63 characters. Defaults to `" + defaultConnectorName +
					"`, as in the guide. Changing it forces a new resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 63),
					stringvalidator.RegexMatches(kubernetesNamePattern,
						"must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit"),
				},
			},
			"namespace": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(defaultConnectorNamespace),
				MarkdownDescription: "The Kubernetes namespace of both manifests. Defaults to `" + defaultConnectorNamespace +
					"`. It is always written into the manifests, so that they do not depend on the namespace of " +
					"whichever kubeconfig context applies them.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 63),
					stringvalidator.RegexMatches(kubernetesNamePattern,
						"must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit"),
				},
			},
			"organization_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The Atlassian organization the connector syncs: the UUID after `/o/` in " +
					"admin.atlassian.com URLs (`BATON_ORG`). Defaults to the provider's. Changing it forces a new resource.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(orgconfig.OrganizationIDPattern,
						"must be a UUID such as 3f2a9c1e-5b7d-4e21-9a0b-6c8d2e4f1a37 (the part after /o/ in admin.atlassian.com URLs)"),
				},
			},
			"api_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The organization API key the connector uses (`BATON_API_TOKEN`): an API key " +
					"without scopes, or with the scopes of what ConductorOne provisions through it (its sync reads " +
					"with the read scopes alone). Defaults to the provider's. Give the connector a key of its own, so that it can " +
					"be rotated without touching Terraform's.",
				Validators: []validator.String{secretShape{}},
			},
			"api_token_wo": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				MarkdownDescription: "The connector's API key as a write-only argument (Terraform 1.11 and later): " +
					"like `api_token`, but never stored in the state or the plan, and neither are `environment` and " +
					"`secret_manifest`, which are null. Feed it from an ephemeral source (an `ephemeral = true` " +
					"variable, a secret manager's ephemeral resource). The key is validated when the resource is " +
					"created and whenever `api_token_wo_version` changes; a new key with the same version is not " +
					"noticed. Conflicts with `api_token`.",
				Validators: []validator.String{
					secretShape{},
					stringvalidator.ConflictsWith(path.MatchRoot("api_token")),
				},
			},
			"api_token_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Any number, stored in the state in place of `api_token_wo`: change it to make " +
					"the next apply use (and validate) a new `api_token_wo`. Requires `api_token_wo`.",
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("api_token_wo"))},
			},
			"client_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The ConductorOne client id of the connector (`BATON_CLIENT_ID`), from " +
					"ConductorOne > Connectors > the connector > Settings > Rotate. With `client_secret`, it runs " +
					"the connector in service mode, syncing to ConductorOne at intervals; without them the Secret " +
					"holds only the Atlassian credentials. Not secret by itself, it is still written only to the " +
					"Secret and the sensitive `environment`. Requires `client_secret` or `client_secret_wo`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"client_secret": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "The ConductorOne client secret of the connector (`BATON_CLIENT_SECRET`). Requires `client_id`. Conflicts with `client_secret_wo`.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("client_id")),
				},
			},
			"client_secret_wo": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				MarkdownDescription: "The ConductorOne client secret as a write-only argument (Terraform 1.11 and " +
					"later): like `client_secret`, but never stored in the state or the plan, and `environment` and " +
					"`secret_manifest` are null. A new secret is used when `client_secret_wo_version` changes. " +
					"Requires `client_id`; conflicts with `client_secret`.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("client_id")),
					stringvalidator.ConflictsWith(path.MatchRoot("client_secret")),
				},
			},
			"client_secret_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Any number, stored in the state in place of `client_secret_wo`: change it to " +
					"make the next apply use a new `client_secret_wo`. Requires `client_secret_wo`.",
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("client_secret_wo"))},
			},
			"image": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(r.defaultImage),
				MarkdownDescription: "The connector image, pinned: a tag other than `latest`, or a digest " +
					"(`registry.example/baton-atlassian@sha256:...`). Defaults to this provider's own build of " +
					"`baton-atlassian` at the provider's version, `" + connectorImageRepository + ":<version>` " +
					"(`" + connectorImageRepository + ":" + devImageTag + "` for a provider that is not a release build), " +
					"the reference the release's image tarball carries " +
					"(`baton-atlassian_<version>_linux_<arch>.image.tar`, see the Notes): `kind load image-archive` " +
					"runs it as is; push it to a registry the cluster pulls from and set `image` to that reference, " +
					"preferably by digest. Another image must run a baton connector of baton-sdk v0.25 or later (the " +
					"Deployment uses its health-check flags) as a non-root user. Changing it updates the Deployment " +
					"in place.",
				Validators: []validator.String{pinnedImage{}},
			},
			"resources": schema.SingleNestedAttribute{
				Optional: true,
				Computed: true,
				Default:  objectdefault.StaticValue(connectorResourcesValue(defaultConnectorRequests, defaultConnectorLimits)),
				MarkdownDescription: "The connector container's resource requests and limits, as in a Kubernetes " +
					"container spec. The defaults are sized from the connector's measured memory on a full sync " +
					"(see the provider's BENCHMARKS.md): raise the memory of both for a much larger organization. " +
					"Setting `resources` with only one of the two keeps the default of the other.",
				Attributes: map[string]schema.Attribute{
					"requests": schema.MapAttribute{
						Optional:    true,
						Computed:    true,
						ElementType: tftypes.StringType,
						Default:     mapdefault.StaticValue(stringMapValue(defaultConnectorRequests)),
						MarkdownDescription: "What the scheduler reserves, by resource: `cpu`, `memory` or " +
							"`ephemeral-storage`, each a Kubernetes quantity such as `250m` or `512Mi`. Defaults to " +
							defaultQuantities(defaultConnectorRequests) + ". Each must not exceed its limit.",
						Validators: []validator.Map{resourceQuantities{}},
					},
					"limits": schema.MapAttribute{
						Optional:    true,
						Computed:    true,
						ElementType: tftypes.StringType,
						Default:     mapdefault.StaticValue(stringMapValue(defaultConnectorLimits)),
						MarkdownDescription: "The most the container may use, by resource, as `requests`. Defaults to " +
							defaultQuantities(defaultConnectorLimits) + ". `{}` sets none.",
						Validators: []validator.Map{resourceQuantities{}},
					},
				},
			},
			"sync_path": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Where to write a full sync (a `.c1z` file, readable with `baton` and the " +
					"baton SDK) each time the resource is created or updated. The file is written in the SDK's " +
					"default storage format for a new file, Pebble (c1z v3), which tools built on an SDK older than " +
					"its current Pebble layout (baton-sdk v0.16, for one) refuse; a SQLite (c1z v1) file an earlier release wrote there is " +
					"replaced by the next sync like any other. A relative path is relative to the " +
					"directory Terraform runs in. The file is written beside its final name and renamed into place, " +
					"with mode 0600 (it lists people and their access); missing directories are created. Destroying " +
					"the resource leaves the file. To sync again without another change, use " +
					"`terraform apply -replace=<address>`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"organization_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The organization's name, as Atlassian returned it when the credentials were validated.",
			},
			"environment": schema.MapAttribute{
				Computed:    true,
				Sensitive:   true,
				ElementType: tftypes.StringType,
				MarkdownDescription: "The environment the connector reads, as in the Secret: the API key as both " +
					"`BATON_API_TOKEN` and `BATON_ACCESS_TOKEN`, the organization id as both `BATON_ORG` and " +
					"`BATON_ORGANIZATION_ID` (the guide's spellings and the upstream image's), and `BATON_CLIENT_ID` " +
					"and `BATON_CLIENT_SECRET` when set; `BATON_BASE_URL` too when " +
					"the provider talks to an admin API other than Atlassian's (a sandbox organization). For running " +
					"the connector elsewhere than Kubernetes. Sensitive: it holds the API key. Null when a write-only " +
					"argument is used (`atlassian_connector_environment` yields it then).",
			},
			"secret_manifest": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "YAML of the guide's Kubernetes Secret `<name>-secrets` (type `Opaque`, " +
					"`stringData` = `environment`). Sensitive: it holds the API key and the client secret. Null when a " +
					"write-only argument is used.",
			},
			"deployment_manifest": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "YAML of the guide's Kubernetes Deployment `<name>`: labels `app: <name>` (pods " +
					"also `baton: \"true\"` and `baton-app: atlassian`), the image with `imagePullPolicy: IfNotPresent`, " +
					"and the environment from the Secret (`envFrom.secretRef`). It holds no credentials. It passes the " +
					"`restricted` Pod Security Standard: the pod runs as the image's non-root user (uid `" +
					strconv.Itoa(connectorUserID) + "`) with the runtime's default seccomp profile, no privilege " +
					"escalation, every capability dropped, a read-only root filesystem and a size-limited `emptyDir` at `" +
					connectorScratchDir + "` for the connector's temporary and sync files, and no service account token. " +
					"The container has `resources`, and the SDK's health-check server (`--health-check`, port `" +
					strconv.Itoa(connectorHealthPort) + "`, named `" + connectorHealthPortName + "`) answers a startup " +
					"and a liveness probe on `" + connectorLivePath + "` and a readiness probe on `" + connectorReadyPath +
					"`. The health server runs in service mode only (with `client_id`), the mode a Deployment is for; " +
					"it listens on the pod's addresses without authentication, so restrict the port with a " +
					"NetworkPolicy where other pods should not reach it.",
			},
			"accounts":   syncResult("accounts (users)"),
			"groups":     syncResult("groups"),
			"workspaces": syncResult("workspaces"),
			"grants":     syncResult("grants (group memberships and role assignments)"),
			"synced_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the last sync to `sync_path` finished (RFC 3339, UTC). Null without `sync_path`.",
			},
		},
	}
}

// IdentitySchema: a deployment is named by its organization and its name.
func (r *connectorResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"organization_id": requiredIdentity("The Atlassian organization id the connector syncs."),
			"name": identityschema.StringAttribute{
				OptionalForImport: true,
				Description:       "The name of the Deployment. Defaults to `" + defaultConnectorName + "`.",
			},
		},
	}
}

func (m connectorModel) identity() connectorIdentityModel {
	return connectorIdentityModel{OrganizationID: m.OrganizationID, Name: m.Name}
}

func (r *connectorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *connectorResource) configured(diags *diag.Diagnostics) bool {
	return requireConfigured(r.data != nil, "resource was used", diags)
}

// writeOnlySecrets are the write-only arguments, which only the
// configuration holds, and only while Terraform plans and applies: never
// the plan, the state, or a refresh.
type writeOnlySecrets struct {
	APIToken, ClientSecret tftypes.String
}

// writeOnlyOf reads the write-only arguments of a configuration.
func writeOnlyOf(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) writeOnlySecrets {
	w := writeOnlySecrets{APIToken: tftypes.StringNull(), ClientSecret: tftypes.StringNull()}
	diags.Append(config.GetAttribute(ctx, path.Root("api_token_wo"), &w.APIToken)...)
	diags.Append(config.GetAttribute(ctx, path.Root("client_secret_wo"), &w.ClientSecret)...)
	return w
}

// used reports whether the configuration sets a write-only argument (an
// unknown value counts: it will be set).
func (w writeOnlySecrets) used() bool { return !w.APIToken.IsNull() || !w.ClientSecret.IsNull() }

// effective returns the organization id and API key the connector uses:
// the resource's own (api_token, else api_token_wo), else the provider's;
// tokenAttr names the attribute the key came from ("" for the provider's).
// ok is false while either is unknown.
func (r *connectorResource) effective(m connectorModel, wo writeOnlySecrets) (orgID, token, tokenAttr string, ok bool) {
	if m.OrganizationID.IsUnknown() || m.APIToken.IsUnknown() || wo.APIToken.IsUnknown() {
		return "", "", "", false
	}
	orgID, token = r.data.settings.OrganizationID, r.data.settings.APIToken
	if !m.OrganizationID.IsNull() {
		orgID = m.OrganizationID.ValueString()
	}
	switch {
	case !m.APIToken.IsNull():
		token, tokenAttr = m.APIToken.ValueString(), "api_token"
	case !wo.APIToken.IsNull():
		token, tokenAttr = wo.APIToken.ValueString(), "api_token_wo"
	}
	return orgID, token, tokenAttr, true
}

// spec is what the manifests are rendered from, and the attribute the key
// came from; ok is false while any input is unknown.
func (r *connectorResource) spec(m connectorModel, wo writeOnlySecrets) (connectorDeploymentSpec, string, bool) {
	orgID, token, tokenAttr, ok := r.effective(m, wo)
	for _, v := range []tftypes.String{m.Name, m.Namespace, m.Image, m.ClientID, m.ClientSecret, wo.ClientSecret} {
		if v.IsUnknown() {
			ok = false
		}
	}
	requests, limits, known := connectorResourcesOf(m.Resources)
	if !ok || !known {
		return connectorDeploymentSpec{}, "", false
	}
	clientSecret := m.ClientSecret.ValueString()
	if !wo.ClientSecret.IsNull() {
		clientSecret = wo.ClientSecret.ValueString()
	}
	s := connectorDeploymentSpec{
		Name:           m.Name.ValueString(),
		Namespace:      m.Namespace.ValueString(),
		Image:          m.Image.ValueString(),
		Requests:       requests,
		Limits:         limits,
		OrganizationID: orgID,
		APIToken:       token,
		ClientID:       m.ClientID.ValueString(),
		ClientSecret:   clientSecret,
		writeOnly:      wo.used(),
	}
	if base := r.data.settings.BaseURL; base != "" && base != orgconfig.DefaultBaseURL {
		s.BaseURL = base
	}
	return s, tokenAttr, true
}

// render sets the id, the environment and the manifests of m from spec.
// With write-only secrets, the environment and the Secret manifest, which
// would hold them, are null.
func render(spec connectorDeploymentSpec, m *connectorModel) diag.Diagnostics {
	var diags diag.Diagnostics
	secret := tftypes.StringNull()
	env := tftypes.MapNull(tftypes.StringType)
	if !spec.writeOnly {
		manifest, err := spec.secretManifest()
		if err != nil {
			diags.AddError("Could not render the Secret manifest", err.Error())
			return diags
		}
		secret = tftypes.StringValue(manifest)
		values := map[string]attr.Value{}
		for k, v := range spec.environment() {
			values[k] = tftypes.StringValue(v)
		}
		env = tftypes.MapValueMust(tftypes.StringType, values)
	}
	deployment, err := spec.deploymentManifest()
	if err != nil {
		diags.AddError("Could not render the Deployment manifest", err.Error())
		return diags
	}
	m.ID = tftypes.StringValue(spec.OrganizationID + "/" + spec.Name)
	m.OrganizationID = tftypes.StringValue(spec.OrganizationID)
	m.Environment = env
	m.SecretManifest = secret
	m.DeploymentManifest = tftypes.StringValue(deployment)
	return diags
}

// ValidateConfig: client_id needs a client secret, in either form.
func (r *connectorResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var clientID, secret, secretWO tftypes.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("client_id"), &clientID)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("client_secret"), &secret)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("client_secret_wo"), &secretWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !clientID.IsNull() && secret.IsNull() && secretWO.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("client_id"), "Invalid Attribute Combination",
			`Attribute "client_secret" must be specified when "client_id" is specified, or its write-only form "client_secret_wo".`)
	}
}

// ModifyPlan renders the manifests at plan time (they depend only on the
// configuration and the provider's credentials), so a plan shows exactly
// what changes; it fills in the provider's organization id, replaces the
// resource when the organization changes, and plans a new sync when
// anything changes and sync_path is set.
func (r *connectorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config connectorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The plan holds the defaults the configuration left out, so a request
	// is checked against a default limit too.
	resp.Diagnostics.Append(requestsWithinLimits(plan.Resources, config.Resources)...)
	if resp.Diagnostics.HasError() || r.data == nil {
		return
	}
	var state *connectorModel
	if !req.State.Raw.IsNull() {
		state = &connectorModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	wo := writeOnlyOf(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// organization_id is Optional+Computed: the framework marks it unknown
	// when it is not configured; the provider's is the answer.
	plan.OrganizationID = config.OrganizationID

	if spec, _, ok := r.spec(plan, wo); ok {
		resp.Diagnostics.Append(render(spec, &plan)...)
		if resp.Diagnostics.HasError() {
			return
		}
	} else {
		plan.ID = tftypes.StringUnknown()
		if plan.OrganizationID.IsNull() {
			plan.OrganizationID = tftypes.StringValue(r.data.settings.OrganizationID)
		}
		plan.Environment = tftypes.MapUnknown(tftypes.StringType)
		plan.SecretManifest = tftypes.StringUnknown()
		if wo.used() {
			plan.Environment, plan.SecretManifest = tftypes.MapNull(tftypes.StringType), tftypes.StringNull()
		}
		plan.DeploymentManifest = tftypes.StringUnknown()
	}

	changed := state == nil || !sameInputs(plan, *state)
	if state != nil && !plan.OrganizationID.Equal(state.OrganizationID) {
		// Another organization is another deployment.
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("organization_id"))
	}

	// Nothing changed: no apply, the state stands. Anything changed: the
	// apply validates again (the organization may have been renamed) and,
	// with sync_path, syncs again.
	switch {
	case !changed:
		plan.OrganizationName = state.OrganizationName
		plan.Accounts, plan.Groups, plan.Workspaces, plan.Grants = state.Accounts, state.Groups, state.Workspaces, state.Grants
		plan.SyncedAt = state.SyncedAt
	case plan.SyncPath.IsNull():
		plan.OrganizationName = tftypes.StringUnknown()
		plan.Accounts, plan.Groups, plan.Workspaces, plan.Grants = tftypes.Int64Null(), tftypes.Int64Null(), tftypes.Int64Null(), tftypes.Int64Null()
		plan.SyncedAt = tftypes.StringNull()
	default:
		plan.OrganizationName = tftypes.StringUnknown()
		plan.Accounts, plan.Groups, plan.Workspaces, plan.Grants = tftypes.Int64Unknown(), tftypes.Int64Unknown(), tftypes.Int64Unknown(), tftypes.Int64Unknown()
		plan.SyncedAt = tftypes.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// sameInputs reports whether nothing the resource is made from changed.
func sameInputs(plan, state connectorModel) bool {
	return plan.Name.Equal(state.Name) &&
		plan.Namespace.Equal(state.Namespace) &&
		plan.OrganizationID.Equal(state.OrganizationID) &&
		plan.APIToken.Equal(state.APIToken) &&
		plan.APITokenWOVersion.Equal(state.APITokenWOVersion) &&
		plan.ClientID.Equal(state.ClientID) &&
		plan.ClientSecret.Equal(state.ClientSecret) &&
		plan.ClientSecretWOVersion.Equal(state.ClientSecretWOVersion) &&
		plan.Image.Equal(state.Image) &&
		plan.Resources.Equal(state.Resources) &&
		plan.SyncPath.Equal(state.SyncPath) &&
		plan.Environment.Equal(state.Environment) &&
		plan.SecretManifest.Equal(state.SecretManifest) &&
		plan.DeploymentManifest.Equal(state.DeploymentManifest)
}

// Create and Update are one path: either way the resource is made from the
// whole plan (see apply), so an update validates and syncs like a create.
func (r *connectorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.applyPlan(ctx, req.Plan, req.Config, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *connectorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.applyPlan(ctx, req.Plan, req.Config, &resp.State, resp.Identity, &resp.Diagnostics)
}

// applyPlan applies plan (with the write-only arguments of config) and,
// when that succeeds, records it as state (and its identity); the
// framework stores no write-only value.
func (r *connectorResource) applyPlan(ctx context.Context, plan tfsdk.Plan, config tfsdk.Config, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	var m connectorModel
	diags.Append(plan.Get(ctx, &m)...)
	wo := writeOnlyOf(ctx, config, diags)
	if diags.HasError() || !r.configured(diags) {
		return
	}
	r.apply(ctx, &m, wo, diags)
	if diags.HasError() {
		return
	}
	diags.Append(state.Set(ctx, m)...)
	setIdentity(ctx, identity, m.identity(), diags)
}

// apply validates the credentials, renders the manifests and, with
// sync_path, writes a full sync: everything Create and Update do.
func (r *connectorResource) apply(ctx context.Context, m *connectorModel, wo writeOnlySecrets, diags *diag.Diagnostics) {
	spec, tokenAttr, ok := r.spec(*m, wo)
	if !ok {
		diags.AddError("Unknown connector arguments", "Every argument of atlassian_connector must be known when it is applied. This is a bug in the provider; please report it.")
		return
	}
	diags.Append(render(spec, m)...)
	if diags.HasError() {
		return
	}
	conn, name, ok := r.validate(ctx, spec.OrganizationID, spec.APIToken, tokenAttr, diags)
	if !ok {
		return
	}
	m.OrganizationName = tftypes.StringValue(name)

	m.Accounts, m.Groups, m.Workspaces, m.Grants = tftypes.Int64Null(), tftypes.Int64Null(), tftypes.Int64Null(), tftypes.Int64Null()
	m.SyncedAt = tftypes.StringNull()
	if m.SyncPath.IsNull() {
		return
	}
	counts, err := conn.SyncTo(ctx, m.SyncPath.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("sync_path"), "Could not sync the organization",
			fmt.Sprintf("Writing a full sync of organization %s to %s failed: %s", spec.OrganizationID, m.SyncPath.ValueString(), err))
		return
	}
	m.Accounts = tftypes.Int64Value(int64(counts.Accounts))
	m.Groups = tftypes.Int64Value(int64(counts.Groups))
	m.Workspaces = tftypes.Int64Value(int64(counts.Workspaces))
	m.Grants = tftypes.Int64Value(int64(counts.Grants))
	m.SyncedAt = tftypes.StringValue(time.Now().UTC().Format(time.RFC3339))
	tflog.Info(ctx, "synced the organization", map[string]any{
		"sync_path": m.SyncPath.ValueString(), "accounts": counts.Accounts,
		"groups": counts.Groups, "workspaces": counts.Workspaces,
		"grants": counts.Grants, "duration": counts.Duration.String(),
	})
}

// validate proves the connector's credentials with the connector's own
// Validate and returns the access view for them and the organization's
// name. The provider's credentials use the provider's connector; others get
// one of their own, kept for the provider's lifetime. tokenAttr names the attribute the key came from ("" for
// the provider's), for the attribute of an error.
func (r *connectorResource) validate(ctx context.Context, orgID, token, tokenAttr string, diags *diag.Diagnostics) (*access.View, string, bool) {
	conn, err := r.data.viewFor(ctx, orgID, token)
	if err != nil {
		diags.AddError("Could not start the Atlassian connector", err.Error())
		return nil, "", false
	}
	name, err := conn.CheckCredentials(ctx)
	if err != nil {
		addCredentialError(diags, orgID, tokenAttr, err)
		return nil, "", false
	}
	return conn, name, true
}

// addCredentialError names what is wrong: the connector's message already
// says whether the key or the organization id was refused.
func addCredentialError(diags *diag.Diagnostics, orgID, tokenAttr string, err error) {
	diags.Append(diagnostics.WriteFailed(diagnostics.Write{
		What: "validate the API key and organization id " + orgID, Verb: "validate", Subject: "connector's credentials",
		Credentials: diagnostics.Credentials{OrganizationID: orgID, TokenAttribute: tokenAttr},
		Refusal: diagnostics.Refusal{
			Summary: "API key may not read the organization", Attribute: path.Root("organization_id"),
			Explanation: "The key may not read organization " + orgID + ": use a key created in that organization.",
		},
	}, err))
}

// Read sends no request: a deployment is not observable through the
// Atlassian API, and a refresh must not cost one. After an import, when only
// the organization and the name are known, it fills in the rest from the
// provider's credentials and validates them (the one request).
func (r *connectorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state connectorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.Name.IsNull() {
		state.Name = tftypes.StringValue(defaultConnectorName)
	}
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	if !state.OrganizationName.IsNull() {
		return
	}
	if !r.configured(&resp.Diagnostics) {
		return
	}
	if state.Namespace.IsNull() {
		state.Namespace = tftypes.StringValue(defaultConnectorNamespace)
	}
	if state.Image.IsNull() {
		state.Image = tftypes.StringValue(r.defaultImage)
	}
	if state.Resources.IsNull() {
		state.Resources = connectorResourcesValue(defaultConnectorRequests, defaultConnectorLimits)
	}
	// A refresh has no configuration, so no write-only value: an imported
	// connector is validated with its api_token or the provider's key.
	spec, tokenAttr, ok := r.spec(state, writeOnlySecrets{APIToken: tftypes.StringNull(), ClientSecret: tftypes.StringNull()})
	if !ok {
		return
	}
	resp.Diagnostics.Append(render(spec, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, name, ok := r.validate(ctx, spec.OrganizationID, spec.APIToken, tokenAttr, &resp.Diagnostics)
	if !ok {
		return
	}
	state.OrganizationName = tftypes.StringValue(name)
	state.Accounts, state.Groups, state.Workspaces, state.Grants = tftypes.Int64Null(), tftypes.Int64Null(), tftypes.Int64Null(), tftypes.Int64Null()
	state.SyncedAt = tftypes.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Delete forgets the deployment. Nothing was created in Atlassian, and the
// Kubernetes objects belong to whatever applied the manifests; a file at
// sync_path is kept.
func (r *connectorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// ImportState takes `<organization_id>/<name>`, or an identity holding
// them (the name defaulting to the resource's default); the API key is the
// provider's (set api_token in the configuration to use another, which
// then plans an update).
func (r *connectorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	rawID := req.ID
	var identity connectorIdentityModel
	if importIdentity(ctx, req, &identity, &resp.Diagnostics) {
		name := defaultConnectorName
		if !identity.Name.IsNull() {
			name = identity.Name.ValueString()
		}
		rawID = identity.OrganizationID.ValueString() + "/" + name
	}
	if resp.Diagnostics.HasError() {
		return
	}
	orgID, name, err := parseConnectorID(rawID)
	if err != nil {
		resp.Diagnostics.AddError("Malformed import id for atlassian_connector", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), orgID+"/"+name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("organization_id"), orgID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	setIdentity(ctx, resp.Identity, connectorIdentityModel{
		OrganizationID: tftypes.StringValue(orgID), Name: tftypes.StringValue(name),
	}, &resp.Diagnostics)
}

// parseConnectorID reads `<organization_id>/<name>`: neither part can hold
// a slash (a UUID and a DNS label).
func parseConnectorID(raw string) (orgID, name string, err error) {
	const format = "<organization_id>/<name>, such as 3f2a9c1e-5b7d-4e21-9a0b-6c8d2e4f1a37/baton-atlassian"
	orgID, name, ok := strings.Cut(strings.TrimSpace(raw), "/")
	switch {
	case !ok:
		return "", "", fmt.Errorf("%q has no \"/\"; expected %s", raw, format)
	case !orgconfig.OrganizationIDPattern.MatchString(orgID):
		return "", "", fmt.Errorf("%q: the organization id %q is not a UUID; expected %s", raw, orgID, format)
	case len(name) > 63 || !kubernetesNamePattern.MatchString(name):
		return "", "", fmt.Errorf("%q: the name %q is not a DNS label (lower-case letters, digits and '-', at most 63); expected %s", raw, name, format)
	}
	return orgID, name, nil
}

// secretShape refuses an empty secret or one with white space without
// quoting it, as the framework's pattern validators do with the values
// they refuse.
type secretShape struct{}

func (secretShape) Description(context.Context) string {
	return "must not be empty or contain white space"
}

func (v secretShape) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (secretShape) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v := req.ConfigValue.ValueString(); v == "" || strings.ContainsAny(v, " \t\r\n") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value Match",
			fmt.Sprintf("Attribute %s must not be empty or contain white space (the value is secret, so it is not shown).", req.Path))
	}
}
