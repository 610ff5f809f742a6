// Command terraform-provider-atlassian serves the Atlassian provider to
// Terraform over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	runtimedebug "runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider"
)

// softMemoryLimit is the provider's default soft memory limit.
const softMemoryLimit = 224 << 20

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	// Large reads hold their result in several copies inside the plugin
	// framework at once (the atlassian_accounts of a large organization),
	// and the garbage collector's default pacing lets the heap grow to
	// twice the live size before collecting. A soft limit makes it collect
	// sooner instead, which keeps the peak well below what it is without
	// (BENCHMARKS.md, scenario 4 and the changes made for it, has the
	// figures). It is soft: a larger live heap is still allowed, at the
	// cost of more frequent collections. GOMEMLIMIT, when set, wins.
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		runtimedebug.SetMemoryLimit(softMemoryLimit)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.Address,
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
