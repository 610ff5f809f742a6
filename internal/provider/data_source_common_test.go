package provider

import (
	"context"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// wrapped matches text as Terraform prints it in a diagnostic: literally,
// except that any space may have become a line break (Terraform wraps
// diagnostic details to the terminal width).
func wrapped(text string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`)
}

// expectErrorMatching is an ExpectError regexp: the literal parts, in order,
// each as wrapped text, with anything between them.
func expectErrorMatching(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = wrapped(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// sandboxCheck is a state check that looks at the sandbox organization
// rather than Terraform's state: that an apply really reached the org.
// (A statecheck, unlike a Check function, works with for_each instances.)
func sandboxCheck(check func() error) statecheck.StateCheck { return sandboxStateCheck{check} }

type sandboxStateCheck struct{ check func() error }

func (c sandboxStateCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.check()
}
