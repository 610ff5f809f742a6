package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestGroupMembersShapes measures what the shape of an authoritative member
// list costs in terraform-plugin-framework, which is why atlassian_group_members
// holds its members as a map: run it with
//
//	ATLASSIAN_MEASURE_SHAPES=1 TF_ACC=1 TF_ACC_TERRAFORM_PATH=$(scripts/terraform-cli.sh) \
//	  go test -count=1 -v -timeout 60m -run TestGroupMembersShapes ./internal/provider/
//
// ATLASSIAN_MEASURE_SIZES (default "1000,2000,5000") and ATLASSIAN_MEASURE_KINDS
// (default "set,list,map"; "real" is atlassian_group_members itself against
// a sandbox) choose what runs. Each size runs two steps: create (plan,
// apply, and the harness's post-apply plans) and update (one element
// replaced). set, list and map use a resource that only stores its
// configuration (no API calls, so only the framework and the CLI are
// measured). It is a measurement, not a check, so it runs only when asked:
// a set of 5,000 strings takes many minutes.
func TestGroupMembersShapes(t *testing.T) {
	if os.Getenv("ATLASSIAN_MEASURE_SHAPES") != "1" {
		t.Skip("a measurement, not a check: set ATLASSIAN_MEASURE_SHAPES=1 to run it")
	}
	sizes := []int{1000, 2000, 5000}
	if v := os.Getenv("ATLASSIAN_MEASURE_SIZES"); v != "" {
		sizes = nil
		for _, s := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 {
				t.Fatalf("ATLASSIAN_MEASURE_SIZES: %q is not a positive number", s)
			}
			sizes = append(sizes, n)
		}
	}
	kinds := []string{"set", "list", "map"}
	if v := os.Getenv("ATLASSIAN_MEASURE_KINDS"); v != "" {
		kinds = strings.Split(v, ",")
	}
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"shape": providerserver.NewProtocol6WithError(&shapeProvider{}),
	}
	for _, kind := range kinds {
		for _, n := range sizes {
			t.Run(fmt.Sprintf("%s/%d", kind, n), func(t *testing.T) {
				providers, config := factories, func(shift int) string { return shapeConfig(kind, n, shift) }
				if kind == "real" {
					providers, config = testProviderFactories, realMembersConfig(t, n)
				}
				var started time.Time
				var created, updated time.Duration
				tfresource.UnitTest(t, tfresource.TestCase{
					ProtoV6ProviderFactories: providers,
					Steps: []tfresource.TestStep{
						{
							PreConfig: func() { started = time.Now() },
							Config:    config(0),
						},
						{
							PreConfig: func() { created = time.Since(started); started = time.Now() },
							Config:    config(1),
						},
					},
				})
				updated = time.Since(started)
				t.Logf("SHAPE %-4s %5d elements: create step %6.1fs, update step %6.1fs",
					kind, n, created.Seconds(), updated.Seconds())
			})
		}
	}
}

// realMembersConfig is the kind "real": atlassian_group_members itself, on
// a group it creates in a sandbox org, so the numbers include its plan-time
// checks, the member listing and the writes (n adds, then one add and one
// removal).
func realMembersConfig(t *testing.T, n int) func(shift int) string {
	org := newTestOrg(t, n+n/10+10, 6, 1)
	users := org.State().Users
	return func(shift int) string {
		var b strings.Builder
		b.WriteString(`
resource "atlassian_group" "g" {
  name = "shape-measurement"
}

resource "atlassian_group_members" "m" {
  group_id = atlassian_group.g.id
  members = {
`)
		for i := shift; i < n+shift; i++ {
			fmt.Fprintf(&b, "    %q = %q\n", users[i].AccountID, users[i].Email)
		}
		b.WriteString("  }\n}\n")
		return org.config(b.String())
	}
}

// shapeConfig writes n account-id-like strings; shift replaces the first
// `shift` of them with new ones (an update).
func shapeConfig(kind string, n, shift int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"shape_%s\" \"m\" {\n  values = ", kind)
	open, closing := "[", "]"
	if kind == "map" {
		open, closing = "{", "}"
	}
	b.WriteString(open + "\n")
	for i := range n {
		id := fmt.Sprintf("5b10ac8d82e05b22%08x", i)
		if i < shift {
			id = fmt.Sprintf("6c21bd9e93f16c33%08x", i)
		}
		if kind == "map" {
			fmt.Fprintf(&b, "    %q = \"user%d@example.com\"\n", id, i)
		} else {
			fmt.Fprintf(&b, "    %q,\n", id)
		}
	}
	b.WriteString("  " + closing + "\n}\n")
	return b.String()
}

// shapeProvider serves shape_set, shape_list and shape_map: resources that
// store their configuration and nothing else.
type shapeProvider struct{}

func (*shapeProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "shape"
}
func (*shapeProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (*shapeProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (*shapeProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (*shapeProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &shapeResource{kind: "set"} },
		func() resource.Resource { return &shapeResource{kind: "list"} },
		func() resource.Resource { return &shapeResource{kind: "map"} },
	}
}

type shapeResource struct{ kind string }

func (r *shapeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind
}

func (r *shapeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	var values schema.Attribute
	switch r.kind {
	case "set":
		values = schema.SetAttribute{ElementType: types.StringType, Required: true}
	case "list":
		values = schema.ListAttribute{ElementType: types.StringType, Required: true}
	default:
		values = schema.MapAttribute{ElementType: types.StringType, Required: true}
	}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":     schema.StringAttribute{Computed: true},
		"values": values,
	}}
}

func (r *shapeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue("m"))...)
}

func (r *shapeResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *shapeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue("m"))...)
}

func (r *shapeResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
