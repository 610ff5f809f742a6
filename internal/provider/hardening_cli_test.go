package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// newReattachedCLI runs terraform against p served inside the test
// process under this provider's address (see acctest.NewReattachedCLI).
func newReattachedCLI(t *testing.T, p provider.Provider, opts tfdriver.Options) *acctest.CLI {
	t.Helper()
	return acctest.NewReattachedCLI(t, Address, p, opts)
}
