// Command terraform-provider-atlassian serves the Atlassian provider to
// Terraform over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/cureigad/terraform-provider-atlassian/internal/heapprofile"
	"github.com/cureigad/terraform-provider-atlassian/internal/plugindefaults"
	"github.com/cureigad/terraform-provider-atlassian/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	plugindefaults.Apply()

	if err := serve(debug); err != nil {
		log.Fatal(err)
	}
}

// serve serves the provider until Terraform is done with it; a function of
// its own so that its deferred calls run before main exits on an error.
func serve(debug bool) error {
	stopProfiling, err := heapprofile.StartFromEnv(context.Background())
	if err != nil {
		return err
	}
	defer stopProfiling()
	return providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.Address,
		Debug:   debug,
	})
}
