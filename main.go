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

	stopProfiling, err := heapprofile.StartFromEnv(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	defer stopProfiling()

	err = providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.Address,
		Debug:   debug,
	})
	if err != nil {
		stopProfiling()
		log.Fatal(err)
	}
}
