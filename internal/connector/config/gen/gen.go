// Command gen writes conf.gen.go, the connector's typed configuration, into
// the current directory with the SDK's generator. go generate runs it from
// internal/connector/config.
package main

import (
	"fmt"
	"go/format"
	"os"

	sdkconfig "github.com/conductorone/baton-sdk/pkg/config"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector/config"
)

// genFile is the file config.Generate writes; it always writes this name into
// the working directory.
const genFile = "conf.gen.go"

func main() {
	if err := generate(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// generate runs the SDK's generator, then gofmt's its output: the template
// leaves trailing blanks and unaligned fields, which `make lint` would reject
// in a committed file.
func generate() error {
	sdkconfig.Generate(config.ConnectorName, config.ConfigurationSchema)
	src, err := os.ReadFile(genFile)
	if err != nil {
		return err
	}
	formatted, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("formatting %s: %w", genFile, err)
	}
	return os.WriteFile(genFile, formatted, 0o644)
}
