package tfdriver

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// environment is the environment of every command: the caller's, without
// what would change what the CLI does or which credentials the provider
// finds (logging, CLI configuration, reattached providers, input
// variables, this provider's ATLASSIAN_ and baton's BATON_ settings), with
// the CLI configuration and extra, the caller's NAME=value pairs.
//
// terraform-exec refuses the names it manages itself (TF_LOG, TF_INPUT,
// TF_IN_AUTOMATION, TF_REATTACH_PROVIDERS, TF_VAR_..., see
// tfexec.ProhibitedEnv) and sets them on every command; a name of extra
// among them is an error naming the option to use instead.
func environment(extra []string, cliConfig string) (map[string]string, error) {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TF_LOG"), name == "TF_CLI_CONFIG_FILE", name == "TF_REATTACH_PROVIDERS",
			strings.HasPrefix(name, "TF_VAR_"), strings.HasPrefix(name, "ATLASSIAN_"), strings.HasPrefix(name, "BATON_"):
			continue
		}
		env[name] = value
	}
	for _, name := range tfexec.ProhibitedEnv(env) {
		delete(env, name)
	}
	added := map[string]string{}
	for _, kv := range extra {
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("tfdriver: %q in Options.Env is not NAME=value", kv)
		}
		added[name] = value
	}
	if refused := tfexec.ProhibitedEnv(added); len(refused) > 0 {
		return nil, fmt.Errorf("tfdriver: terraform-exec sets %s itself: use Options.LogLevel, LogPath, Reattach or Variables", refused[0])
	}
	for name, value := range added {
		env[name] = value
	}
	env["CHECKPOINT_DISABLE"] = "1"
	env["TF_CLI_CONFIG_FILE"] = cliConfig
	return env, nil
}
