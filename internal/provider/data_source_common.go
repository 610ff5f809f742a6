package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// accessDataSource is embedded by every data source: it keeps the
// provider's shared access view, so all data sources of one run share one
// listing per resource type.
type accessDataSource struct {
	view *access.View
}

func (d *accessDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if pd := providerDataFrom(req.ProviderData, &resp.Diagnostics); pd != nil {
		d.view = pd.view
	}
}

// configured reports an error instead of panicking when Read runs without a
// configured provider (Terraform never does this, but a bug must not crash).
func (d *accessDataSource) configured(diags *diag.Diagnostics) bool {
	return requireConfigured(d.view != nil, "data source was read", diags)
}

// filtersID is the id of a listing data source: kind itself when no filter
// is set (there is one such listing per organization), else a stable hash of
// the filters, so the same filters always give the same id and different
// filters different ids. filters are name, value pairs in a fixed order.
func filtersID(kind string, filters ...string) string {
	set := false
	var b strings.Builder
	b.WriteString(kind)
	for i := 0; i+1 < len(filters); i += 2 {
		if filters[i+1] != "" {
			set = true
		}
		// Length-prefixed, so no two different filter sets encode alike
		// whatever characters their values hold.
		fmt.Fprintf(&b, "|%d:%s=%d:%s", len(filters[i]), filters[i], len(filters[i+1]), filters[i+1])
	}
	if !set {
		return kind
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

// containsFold reports whether s contains substr, ignoring case.
func containsFold(s, substr string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(substr))
}

// quotedList renders ids for an error message: "a", "b", "c".
func quotedList(ids []string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = `"` + id + `"`
	}
	return strings.Join(quoted, ", ")
}
