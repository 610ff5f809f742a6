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
//
// Besides BATON_ACCESS_TOKEN and BATON_ORGANIZATION_ID, the environment
// spellings of the ConductorOne setup guide's Kubernetes Secret,
// BATON_API_TOKEN and BATON_ORG, are accepted. The hidden --base-url flag
// (BATON_BASE_URL) points the connector at the sandbox.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/conductorone/baton-sdk/pkg/cli"
	"github.com/conductorone/baton-sdk/pkg/config"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/conductorone/baton-sdk/pkg/connectorrunner"
	"github.com/conductorone/baton-sdk/pkg/types"
	"github.com/grpc-ecosystem/go-grpc-middleware/logging/zap/ctxzap"
	"go.uber.org/zap"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	connectorconfig "github.com/cureigad/terraform-provider-atlassian/internal/connector/config"
)

// defaultWorkers is the sync parallelism when --workers is not given; see
// batonsync.DefaultWorkerCount for the measurements behind it.
const defaultWorkers = 8

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// Before the command runs: it builds its configuration from the
	// environment and re-executes this binary as the connector service,
	// which inherits the environment set here.
	connector.ApplyEnvAliases()
	ctx := context.Background()
	// What config.RunConnector does, with one more subcommand on the SDK's
	// command: RunConnector builds and executes the command in one go,
	// leaving no way to add one.
	_, cmd, err := config.DefineConfigurationV2(ctx, "baton-atlassian", newServer(connector.NewFromCLI(version)), connector.ConfigurationSchema,
		// The SDK syncs sequentially unless told otherwise; one role
		// listing per user makes that slow. --workers N (N > 0) still wins,
		// as the SDK appends it after these options.
		connectorrunner.WithWorkerCount(defaultWorkers))
	if err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
		os.Exit(1)
	}
	cmd.Version = version
	cmd.AddCommand(newReportCommand())
	if err := cmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
		os.Exit(1)
	}
}

// newServer is config.RunConnector's adapter from the connector's
// constructor to the connector server the SDK's commands run.
func newServer(newConnector cli.NewConnector[*connectorconfig.Atlassian]) cli.GetConnectorFunc2[*connectorconfig.Atlassian] {
	return func(ctx context.Context, cfg *connectorconfig.Atlassian, runTimeOpts cli.RunTimeOpts) (types.ConnectorServer, error) {
		c, builderOpts, err := newConnector(ctx, cfg, &cli.ConnectorOpts{
			TokenSource:         runTimeOpts.TokenSource,
			SelectedAuthMethod:  runTimeOpts.SelectedAuthMethod,
			SyncResourceTypeIDs: runTimeOpts.SyncResourceTypeIDs,
		})
		if err != nil {
			return nil, err
		}
		builderOpts = append(builderOpts, connectorbuilder.WithSessionStore(runTimeOpts.SessionStore))
		server, err := connectorbuilder.NewConnector(ctx, c, builderOpts...)
		if err != nil {
			ctxzap.Extract(ctx).Error("error creating connector", zap.Error(err))
			return nil, err
		}
		return server, nil
	}
}
