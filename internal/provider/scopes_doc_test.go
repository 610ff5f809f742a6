package provider

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
)

// scopesGuide is the generated guide that lists the scopes of every part.
const scopesGuide = "../../docs/guides/api-key-scopes.md"

// scopeName matches a scope as the docs write it.
var scopeName = regexp.MustCompile(`(?:read|write):[a-z]+:admin`)

// documentedScopes reads the guide's table: for each "name|kind", the
// scopes it names, with "reads" standing for atlassian.ReadScopes.
func documentedScopes(t *testing.T) map[string][]string {
	t.Helper()
	raw, err := os.ReadFile(scopesGuide)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for line := range strings.Lines(string(raw)) {
		cells := strings.Split(strings.TrimSpace(line), "|")
		if len(cells) != 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		name, kind, text := strings.Trim(strings.TrimSpace(cells[1]), "`"), strings.TrimSpace(cells[2]), cells[3]
		var scopes []string
		if strings.HasPrefix(strings.TrimSpace(text), "reads") {
			scopes = append(scopes, atlassian.ReadScopes...)
		}
		for _, s := range scopeName.FindAllString(text, -1) {
			if !slices.Contains(scopes, s) {
				scopes = append(scopes, s)
			}
		}
		rows[name+"|"+kind] = scopes
	}
	if len(rows) == 0 {
		t.Fatalf("%s has no table of scopes", scopesGuide)
	}
	return rows
}

// The guide's table names every resource, data source, list resource and
// ephemeral resource of the provider, and only scopes the client knows
// (its map is checked against Atlassian's document); its read-only key is
// the client's read scopes; each resource page names the scopes of its row.
func TestScopesGuideCoversTheProvider(t *testing.T) {
	t.Parallel()
	rows := documentedScopes(t)
	p := New("test")().(*atlassianProvider)
	ctx := context.Background()
	var want []string
	for _, f := range p.Resources(ctx) {
		want = append(want, typeName(t, f())+"|resource")
	}
	for _, f := range p.DataSources(ctx) {
		want = append(want, typeName(t, f())+"|data source")
	}
	for _, f := range p.ListResources(ctx) {
		want = append(want, typeName(t, f())+"|list resource")
	}
	for _, f := range p.EphemeralResources(ctx) {
		want = append(want, typeName(t, f())+"|ephemeral resource")
	}
	for _, w := range want {
		if _, ok := rows[w]; !ok {
			t.Errorf("%s lists no scopes for %s", scopesGuide, strings.Replace(w, "|", " ", 1))
		}
	}

	known := map[string]bool{}
	for _, s := range atlassian.OperationScopes() {
		known[s] = true
	}
	raw, err := os.ReadFile(scopesGuide)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scopeName.FindAllString(string(raw), -1) {
		// The guide quotes the document's list, which has read:user:admin
		// beside the scopes the provider's calls need.
		if !known[s] && s != atlassian.ScopeReadUsers {
			t.Errorf("%s names %s, which no call of the client needs", scopesGuide, s)
		}
	}
	readOnly := regexp.MustCompile("(?m)^`(read:[a-z]+:admin)`(?:, `(read:[a-z]+:admin)`)*$").FindString(string(raw))
	if got := scopeName.FindAllString(readOnly, -1); !slices.Equal(got, atlassian.ReadScopes) {
		t.Errorf("%s gives the read-only key %v; the client's reads need %v", scopesGuide, got, atlassian.ReadScopes)
	}

	for _, f := range p.Resources(ctx) {
		name := typeName(t, f())
		page, err := os.ReadFile("../../docs/resources/" + strings.TrimPrefix(name, "atlassian_") + ".md")
		if err != nil {
			t.Fatal(err)
		}
		line := regexp.MustCompile(`(?m)^API key scopes: .*$`).FindString(string(page))
		var got []string
		if strings.HasPrefix(line, "API key scopes: reads") {
			got = append(got, atlassian.ReadScopes...)
		}
		got = append(got, scopeName.FindAllString(line, -1)...)
		if !slices.Equal(got, rows[name+"|resource"]) {
			t.Errorf("the page of %s says %q; the guide's table says %v", name, line, rows[name+"|resource"])
		}
	}
}

// typeName is the type name a resource, data source, list resource or
// ephemeral resource declares.
func typeName(t *testing.T, v any) string {
	t.Helper()
	ctx := context.Background()
	switch x := v.(type) {
	case resource.Resource:
		var resp resource.MetadataResponse
		x.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "atlassian"}, &resp)
		return resp.TypeName
	case datasource.DataSource:
		var resp datasource.MetadataResponse
		x.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "atlassian"}, &resp)
		return resp.TypeName
	case list.ListResource:
		var resp resource.MetadataResponse
		x.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "atlassian"}, &resp)
		return resp.TypeName
	case ephemeral.EphemeralResource:
		var resp ephemeral.MetadataResponse
		x.Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: "atlassian"}, &resp)
		return resp.TypeName
	}
	t.Fatalf("%T is no resource, data source, list resource or ephemeral resource", v)
	return ""
}
