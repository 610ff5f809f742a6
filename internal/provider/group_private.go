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

// privateState is the part of the framework's private state getters and
// setters these resources use.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// readGroupFacts returns the facts kept in private, if any. Unreadable
// facts count as none: they only save requests.
func readGroupFacts(ctx context.Context, private privateGetter) (groupFacts, bool) {
	if private == nil {
		return groupFacts{}, false
	}
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

func writeGroupFacts(ctx context.Context, private privateSetter, g access.Group, diags *diag.Diagnostics) {
	if private == nil || g.DirectoryID == "" {
		return
	}
	raw, err := json.Marshal(factsOf(g))
	if err != nil {
		return
	}
	diags.Append(private.SetKey(ctx, groupFactsKey, raw)...)
}
