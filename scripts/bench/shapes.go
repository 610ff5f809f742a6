package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// The shapes measurement: what the shape of an authoritative member list
// costs in terraform-plugin-framework, which is why atlassian_group_members
// holds its members as a map. For each kind and size it applies n
// elements from an empty state (create), then the same with one element
// replaced (update). set, list and map are resources of the shape
// provider below, which only stores its configuration (no API calls, so
// only the framework and the CLI are measured); it is served inside the
// benchmark. real is atlassian_group_members itself, on a group it
// creates in the sandbox, so its numbers include its plan-time checks, the
// member listing and the writes.

// parseSizes reads -shape-sizes.
func parseSizes(list string) ([]int, error) {
	var sizes []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-shape-sizes: %q is not a positive number", s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

func shapes(ctx context.Context, b *bench) ([]*result, error) {
	config, stop, err := tfdriver.ServeInProcess(ctx, "registry.terraform.io/hashicorp/shape",
		providerserver.NewProtocol6(&shapeProvider{}))
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := stop(); err != nil {
			fmt.Println("bench: serving the shape provider:", err)
		}
	}()
	b.shapes = tfdriver.Reattach(config, "hashicorp/shape")
	var out []*result
	for _, kind := range b.shapeKinds {
		for _, size := range b.shapeSizes {
			n := b.n(size)
			r, err := b.measureShape(ctx, kind, n)
			if err != nil {
				return nil, fmt.Errorf("%s of %d: %w", kind, n, err)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func (b *bench) measureShape(ctx context.Context, kind string, n int) (*result, error) {
	ws, err := b.workspace(fmt.Sprintf("7-%s-%d", kind, n))
	if err != nil {
		return nil, err
	}
	p, config := shapePlugin, func(shift int) string { return shapeConfig(kind, n, shift) }
	if kind == "real" {
		if p, config, err = b.realMembersConfig(n); err != nil {
			return nil, err
		}
	}
	var steps [2]measurement
	for shift := range steps {
		if err := ws.write("main.tf", config(shift)); err != nil {
			return nil, err
		}
		if steps[shift], err = b.measure(ctx, ws, p, exitOK, applyCmd); err != nil {
			return nil, err
		}
	}
	create, update := steps[0], steps[1]
	r := &result{id: "7", m: create, budget: "report",
		title: fmt.Sprintf("shape %#q of %s elements: apply creating it (update: one element replaced)", kind, thousands(n))}
	r.note("Create %.2f s, update %.2f s (%d and %d admin API requests).",
		create.wall.Seconds(), update.wall.Seconds(), create.requests, update.requests)
	fmt.Printf("   SHAPE %-4s %5d elements: create %6.1fs, update %6.1fs\n", kind, n, create.wall.Seconds(), update.wall.Seconds())
	return r, nil
}

// realMembersConfig is the kind "real": atlassian_group_members itself, on
// a group it creates in a sandbox org (n adds, then one add and one
// removal).
func (b *bench) realMembersConfig(n int) (plugin, func(shift int) string, error) {
	// Without the sandbox's latency, as the other kinds have none.
	st := generatedOrg(2*n+20, 6, 1, 17)
	if err := b.sb.load(st); err != nil {
		return 0, nil, err
	}
	staff, labels := activeStaff(st), emails(st)
	if len(staff) < n+1 {
		return 0, nil, fmt.Errorf("the generated org has %d accounts that can join a group, want %d", len(staff), n+1)
	}
	return atlassianPlugin, func(shift int) string {
		var s strings.Builder
		s.WriteString(b.providerBlock("") + `
resource "atlassian_group" "g" {
  name = "shape-measurement"
}

resource "atlassian_group_members" "m" {
  group_id = atlassian_group.g.id
  members = {
`)
		for i := shift; i < n+shift; i++ {
			fmt.Fprintf(&s, "    %q = %q\n", staff[i], labels[staff[i]])
		}
		s.WriteString("  }\n}\n")
		return s.String()
	}, nil
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
