package provider

import (
	"fmt"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// accountInMessage is how warnings and errors name an account the
// provider holds: its id, then its email.
func accountInMessage(org *acctest.Org, id string) string {
	return id + " (" + emailLabels(org, []string{id})[id] + ")"
}

// groupInMessage is how warnings and errors name a group the provider
// holds: its name, then its id.
func groupInMessage(g sandbox.Group) string {
	return fmt.Sprintf("%q (%s)", g.Name, g.ID)
}
