package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
)

// The accounts built as Terraform's values read back, through the
// framework's own list type, as the same values: what a configuration that
// reads atlassian_accounts.accounts sees is what the data source wrote.
func TestAccountsListReadsBackAsWritten(t *testing.T) {
	ctx := context.Background()
	mfa := true
	active := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	accounts := []access.Account{{
		ID: "5b10ac8d82e05b22cc7d4ef5", Name: "Ada", Email: "ada@example.com", Status: "active",
		AccountType: "atlassian", ClaimStatus: "managed", PlatformRoles: []string{"atlassian/org-admin"},
		MFAEnabled: &mfa, ManagementSource: "identity_provider", LastActive: &active,
		ProductAccess: []access.ProductAccess{{WorkspaceID: "ari:cloud:jira::site/2", Product: "jira-software", LastActive: &active},
			{WorkspaceID: "ari:cloud:confluence::site/1", Product: "confluence"}},
	}, {ID: "712020:bot", Name: "Deploy bot", Status: "active", AccountType: "app"}}

	typ := accountsList{}.Type(ctx).(accountsListType)
	listType, ok := typ.TerraformType(ctx).(tftypes.List)
	if !ok {
		t.Fatalf("accounts' Terraform type is %T, not a list", typ.TerraformType(ctx))
	}
	written := accountsTerraformValue(listType, accounts)
	value, err := typ.ValueFromTerraform(ctx, written)
	if err != nil {
		t.Fatal(err)
	}
	list, diags := value.(accountsList).ToListValue(ctx)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if len(list.Elements()) != len(accounts) {
		t.Fatalf("read back %d accounts, wrote %d", len(list.Elements()), len(accounts))
	}
	readBack, err := list.ToTerraformValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !readBack.Equal(written) {
		t.Errorf("read back %s,\nwrote %s", readBack, written)
	}
	if null := (accountsList{}); !null.IsNull() || null.IsUnknown() {
		t.Error("the zero accounts value is not null")
	}
}
