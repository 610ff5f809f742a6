package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types"
	batonresource "github.com/conductorone/baton-sdk/pkg/types/resource"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// listingServer is a connector server that only lists groups: enough for
// the group data source's name lookup. Any other call panics through the
// nil embedded interface, which would fail the test loudly.
type listingServer struct {
	types.ConnectorServer
	groups []*v2.Resource
}

func (s listingServer) ListResources(_ context.Context, req *v2.ResourcesServiceListResourcesRequest) (*v2.ResourcesServiceListResourcesResponse, error) {
	if req.GetResourceTypeId() != connector.ResourceTypeGroup {
		return v2.ResourcesServiceListResourcesResponse_builder{}.Build(), nil
	}
	return v2.ResourcesServiceListResourcesResponse_builder{List: s.groups}.Build(), nil
}

// readDataSource runs a data source's Read with the given configured
// attributes (the others null), as Terraform would after validation.
func readDataSource(t *testing.T, ds datasource.DataSource, configured map[string]tftypes.Value) datasource.ReadResponse {
	t.Helper()
	ctx := context.Background()
	var schemaResp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	objectType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the schema is not an object")
	}
	values := map[string]tftypes.Value{}
	for name, attributeType := range objectType.AttributeTypes {
		if v, ok := configured[name]; ok {
			values[name] = v
		} else {
			values[name] = tftypes.NewValue(attributeType, nil)
		}
	}
	req := datasource.ReadRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, values)}}
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, nil)}}
	ds.Read(ctx, req, &resp)
	return resp
}

// The sandbox, like a single-directory organization, refuses two groups
// with one name, so the ambiguous-name error is exercised here, against a
// two-directory listing in which "Engineering" exists twice (in two cases).
func TestGroupDataSource_ambiguousName(t *testing.T) {
	groupType := v2.ResourceType_builder{Id: connector.ResourceTypeGroup, DisplayName: "Group"}.Build()
	newGroup := func(id, name, directory string) *v2.Resource {
		r, err := batonresource.NewGroupResource(name, groupType, id, nil,
			batonresource.WithResourceProfile(map[string]any{
				connector.ProfileDirectoryID: directory, connector.ProfileDescription: "", connector.ProfileExternalSynced: false,
			}))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	server := listingServer{groups: []*v2.Resource{
		newGroup("11111111-1111-4111-8111-111111111111", "Engineering", "dir-a"),
		newGroup("22222222-2222-4222-8222-222222222222", "engineering", "dir-b"),
		newGroup("33333333-3333-4333-8333-333333333333", "Design", "dir-a"),
	}}
	ds := &groupDataSource{accessDataSource{view: access.New(server, nil)}}

	resp := readDataSource(t, ds, map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "ENGINEERING")})
	if !resp.Diagnostics.HasError() {
		t.Fatal("an ambiguous name was accepted")
	}
	d := resp.Diagnostics.Errors()[0]
	withPath, ok := d.(interface{ Path() path.Path })
	if !ok || !withPath.Path().Equal(path.Root("name")) {
		t.Errorf("the error does not name the attribute name: %v", d)
	}
	for _, want := range []string{`name "ENGINEERING" matches 2 groups`, "11111111-1111-4111-8111-111111111111 (directory dir-a)",
		"22222222-2222-4222-8222-222222222222 (directory dir-b)", "group_id"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("the error detail %q lacks %q", d.Detail(), want)
		}
	}
	if d.Summary() != "Several groups have this name" {
		t.Errorf("summary %q", d.Summary())
	}
}

// expectGroup checks every attribute of an atlassian_group against the
// sandbox group, id and member_count included.
func expectGroup(address string, g sandbox.Group) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(g.ID)),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("member_count"), knownvalue.Int64Exact(int64(len(g.MemberAccountIDs)))),
	}
	for attribute, check := range expectGroupFields(g) {
		checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New(attribute), check))
	}
	return checks
}

func TestAccGroupDataSource_lookups(t *testing.T) {
	org := newTestOrg(t, 40, 10, 3)
	groups := org.State().Groups
	var synced, large, empty sandbox.Group
	for _, g := range groups {
		switch {
		case g.ExternalSynced && synced.ID == "":
			synced = g
		case !g.ExternalSynced && len(g.MemberAccountIDs) > len(large.MemberAccountIDs):
			large = g
		}
	}
	if synced.ID == "" || large.ID == "" {
		t.Fatal("the sandbox org lacks an externally synced group or a group with members")
	}
	// An empty group, made out of band, counts zero members.
	org.Update(func(st *sandbox.State) error {
		st.Groups = append(st.Groups, sandbox.Group{
			ID: "0f2b7c4e-1a3d-4b5c-8e9f-a0b1c2d3e4f5", Name: "Nobody Yet", Description: "Created empty",
			Deletable: true, ManagedBy: "admins", MemberAccountIDs: []string{},
		})
		return nil
	})
	for _, g := range org.State().Groups {
		if g.Name == "Nobody Yet" {
			empty = g
		}
	}

	var checks []statecheck.StateCheck
	checks = append(checks, expectGroup("data.atlassian_group.by_id", large)...)
	checks = append(checks, expectGroup("data.atlassian_group.by_name", synced)...)
	checks = append(checks, expectGroup("data.atlassian_group.empty", empty)...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: org.config(fmt.Sprintf(`
data "atlassian_group" "by_id" {
  group_id = %q
}

data "atlassian_group" "by_name" {
  name = %q
}

data "atlassian_group" "empty" {
  name = "nobody yet"
}
`, large.ID, strings.ToUpper(synced.Name))),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccGroupDataSource_errors(t *testing.T) {
	org := newTestOrg(t, 10, 3, 1)
	group := org.State().Groups[0]
	const missingID = "00000000-0000-4000-8000-00000000dead"
	const missingName = "No Such Team"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: org.config(fmt.Sprintf(`
data "atlassian_group" "x" {
  group_id = %q
}
`, missingID)),
				ExpectError: expectErrorMatching("Group not found", `group_id "`+missingID+`" names no group`),
			},
			{
				Config: org.config(fmt.Sprintf(`
data "atlassian_group" "x" {
  name = %q
}
`, missingName)),
				ExpectError: expectErrorMatching("Group not found", `name "`+missingName+`" matches no group`),
			},
			{
				Config: org.config(fmt.Sprintf(`
data "atlassian_group" "x" {
  group_id = %q
  name     = %q
}
`, group.ID, group.Name)),
				ExpectError: expectErrorMatching("Invalid Attribute Combination", "2 attributes specified when one (and only one) of [group_id,name] is required"),
			},
			{
				Config:      org.config(`data "atlassian_group" "x" {}`),
				ExpectError: expectErrorMatching("Invalid Attribute Combination", "No attribute specified when one (and only one) of [group_id,name] is required"),
			},
		},
	})
}
