package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// groupFactsKey names, in an atlassian_group_members resource's private
// state, what the last refresh learned about its group. Terraform plans
// every change twice (once to show it, once more while applying, even a
// saved plan) and each run of the provider starts with nothing cached:
// without these facts both plans would read the group to see that it still
// accepts changes, and the writes would read it again for the directory id
// that their URLs need.
const groupFactsKey = "group"

// groupFacts is the JSON kept under groupFactsKey.
type groupFacts struct {
	Name           string `json:"name"`
	DirectoryID    string `json:"directory_id"`
	ExternalSynced bool   `json:"external_synced"`
}

func factsOf(g access.Group) groupFacts {
	return groupFacts{Name: g.Name, DirectoryID: g.DirectoryID, ExternalSynced: g.ExternalSynced}
}

// group rebuilds what the checks need to know about group id.
func (f groupFacts) group(id string) access.Group {
	return access.Group{ID: id, Name: f.Name, DirectoryID: f.DirectoryID, ExternalSynced: f.ExternalSynced}
}

// privateGetter and privateSetter are the framework's private state, as
// requests (GetKey) and responses (SetKey) of the resource calls carry it;
// the framework never hands a resource a nil one.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// readGroupFacts returns the facts kept in private, if any. Unreadable
// facts count as none: they only save requests.
func readGroupFacts(ctx context.Context, private privateGetter) (groupFacts, bool) {
	raw, diags := private.GetKey(ctx, groupFactsKey)
	if diags.HasError() || len(raw) == 0 {
		return groupFacts{}, false
	}
	var f groupFacts
	if err := json.Unmarshal(raw, &f); err != nil || f.DirectoryID == "" {
		return groupFacts{}, false
	}
	return f, true
}

// rememberGroupDirectory hands the directory id kept in private to the
// connector before writes, which need it in their URLs.
func rememberGroupDirectory(ctx context.Context, d *access.View, private privateGetter, groupID string) {
	if facts, ok := readGroupFacts(ctx, private); ok {
		d.RememberGroupDirectory(groupID, facts.DirectoryID)
	}
}

func writeGroupFacts(ctx context.Context, private privateSetter, g access.Group, diags *diag.Diagnostics) {
	if g.DirectoryID == "" {
		return
	}
	raw, err := json.Marshal(factsOf(g))
	if err != nil {
		return
	}
	diags.Append(private.SetKey(ctx, groupFactsKey, raw)...)
}
