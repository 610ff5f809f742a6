// Command baton-atlassian is the Atlassian connector as a standalone baton
// binary: the SDK's usual CLI around internal/connector, plus an access
// review of a finished sync.
//
//	baton-atlassian --access-token KEY --organization-id ORG -f sync.c1z
//	baton-atlassian ... -f sync.c1z --grant-entitlement group:<id>:member \
//	    --grant-principal <accountId> --grant-principal-type user
//	baton-atlassian ... -f sync.c1z --revoke-grant <grant id>
//	baton-atlassian ... -f sync.c1z --create-account-email EMAIL \
//	    --create-account-profile '{"workspace_roles":[{"workspace_id":"<ARI>","role":"atlassian/user"}],"groups":["<id>"]}'
//	baton-atlassian ... -f sync.c1z --delete-resource <accountId> --delete-resource-type user
//	    (removes the account from its directory: irreversible from the API)
//	baton-atlassian ... --client-id ID --client-secret SECRET   (service mode)
//	baton-atlassian report -f sync.c1z --format csv|json|html [--output FILE]
//	baton-atlassian impact --access-token KEY --organization-id ORG --plan plan.json \
//	    --format markdown|json [--fail-on org_admin_gained,...]
//
// Besides BATON_ACCESS_TOKEN and BATON_ORGANIZATION_ID, the environment
// spellings of the ConductorOne setup guide's Kubernetes Secret,
// BATON_API_TOKEN and BATON_ORG, are accepted. The --base-url flag
// (BATON_BASE_URL) points the connector at the sandbox.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/conductorone/baton-sdk/pkg/config"
	"github.com/conductorone/baton-sdk/pkg/connectorrunner"
	"github.com/spf13/cobra"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// defaultWorkers is the sync parallelism when --workers is not given; see
// batonsync.DefaultWorkerCount for the measurements behind it.
const defaultWorkers = 8

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ownerOnlyFiles()
	// config.RunConnector builds the SDK's command and executes it in one
	// go, with no hook to add a subcommand (baton-sdk v0.25), so `report`
	// and `impact` are recognised here, as the first argument, and run on
	// their own.
	if len(os.Args) > 1 && (os.Args[1] == reportCommandName || os.Args[1] == impactCommandName) {
		// Under a root of the binary's name, so that their usage reads
		// "baton-atlassian report" and "baton-atlassian impact".
		root := &cobra.Command{Use: "baton-atlassian", Version: version, SilenceErrors: true, SilenceUsage: true}
		root.AddCommand(newReportCommand(), newImpactCommand())
		root.SetArgs(os.Args[1:])
		if err := root.Execute(); err != nil {
			fmt.Fprintln(os.Stderr, err.Error())
			var raised *flagRaisedError
			if errors.As(err, &raised) {
				os.Exit(exitFlagRaised)
			}
			os.Exit(1)
		}
		return
	}
	// Before the command runs: it builds its configuration from the
	// environment and re-executes this binary as the connector service,
	// which inherits the environment set here.
	connector.ApplyEnvAliases()
	config.RunConnector(context.Background(), "baton-atlassian", version, connector.ConfigurationSchema, connector.NewFromCLI(version),
		// The SDK syncs sequentially unless told otherwise; one role
		// listing per user makes that slow. --workers N (N > 0) still wins,
		// as the SDK appends it after these options.
		connectorrunner.WithWorkerCount(defaultWorkers))
}
