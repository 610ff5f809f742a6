// Command contract-tally sums what the contract checkers of a test run
// appended to a tally directory (ATLASSIAN_CONTRACT_TALLY): per operation of
// Atlassian's document, the requests and answers checked, then the
// distinct violations with their counts.
//
//	ATLASSIAN_CONTRACT_TALLY=/tmp/tally make test; go run ./scripts/contract-tally /tmp/tally
package main

import (
	"fmt"
	"os"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/contract"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: contract-tally DIR (the "+contract.TallyEnv+" directory of a test run)")
		os.Exit(2)
	}
	t, err := contract.SumTally(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "contract-tally:", err)
		os.Exit(1)
	}
	if err := t.Print(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "contract-tally:", err)
		os.Exit(1)
	}
}
