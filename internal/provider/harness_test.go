package provider

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cureigad/terraform-provider-atlassian/internal/provider/acctest"
)

// TestMain runs the sweepers instead of the tests when -sweep is given
// (resource.TestMain, see live_sweeper_test.go). For the tests it gives
// terraform an empty CLI configuration (some machines export
// TF_CLI_CONFIG_FILE pointing at a file that does not exist), and under
// OpenTofu sets the provider host the test framework uses.
func TestMain(m *testing.M) {
	tfresource.TestMain(testRun{m})
}

// testRun is the run of the tests resource.TestMain starts.
type testRun struct{ m *testing.M }

func (r testRun) Run() (code int) {
	f, err := os.CreateTemp("", "terraformrc-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() {
		if err := os.Remove(f.Name()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}()
	err = f.Close()
	if err == nil {
		err = os.Setenv("TF_CLI_CONFIG_FILE", f.Name())
	}
	if err == nil {
		err = acctest.DetectOpenTofu()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code = r.m.Run()
	// A live run that ran no live test would pass without testing anything.
	if code == 0 && liveMode() && liveTargetsStarted.Load() == 0 {
		fmt.Fprintf(os.Stderr, "FAIL: live mode (%s=1) ran no live test: select them with -run '^TestAccLive'\n", envLiveTests)
		return 1
	}
	return code
}

// testProviderFactories serve the provider in-process: no registry, no
// download, the real terraform CLI talking plugin protocol 6 to it.
var testProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"atlassian": providerserver.NewProtocol6WithError(New("test")()),
}
