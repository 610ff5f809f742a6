// Package plugindefaults sets the process-wide defaults a provider plugin
// runs with: a soft memory limit, and the plugin SDKs' log levels when
// nothing will read their logs. The provider applies them at start, and the
// benchmark's no-op provider applies the same, so that what the benchmark
// attributes to the provider is the provider's own work.
package plugindefaults

import (
	"os"
	"runtime/debug"
)

// SoftMemoryLimit is the soft memory limit a plugin runs with unless
// GOMEMLIMIT says otherwise. Large reads hold their result in several
// copies inside the plugin framework at once (the atlassian_accounts of a
// large organization), and the garbage collector's default pacing lets the
// heap grow to twice the live size before collecting. A soft limit makes it
// collect sooner instead, which keeps the peak well below what it is
// without (BENCHMARKS.md, scenario 4 and the changes made for it, has the
// figures). It is soft: a larger live heap is still allowed, at the cost of
// more frequent collections.
const SoftMemoryLimit = 224 << 20

// sdkLogLevels are the variables that set the levels of the loggers of
// terraform-plugin-go, terraform-plugin-framework and the provider's own
// tflog calls. Unset, each logs at trace.
var sdkLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"}

// observingLogs are the variables with which a user asks Terraform (or
// OpenTofu) to show or keep provider logs. With none set, Terraform reads
// every line a plugin writes, decodes it and drops it.
var observingLogs = []string{"TF_LOG", "TF_LOG_PROVIDER", "TOFU_LOG", "TOFU_LOG_PROVIDER"}

// Apply sets the defaults. It changes nothing the environment sets.
func Apply() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(SoftMemoryLimit)
	}
	quietLogsNobodyReads()
}

// quietLogsNobodyReads turns the SDKs' loggers off when no variable asks
// for provider logs. The plugin SDKs log every request at trace by default
// and leave the filtering to Terraform, which, without TF_LOG, decodes each
// line only to drop it: at thousands of resources in one plan, writing and
// decoding those lines is most of the provider's memory and a visible part
// of the plan's time (BENCHMARKS.md, scenario 8). When a user sets TF_LOG
// or TF_LOG_PROVIDER, the loggers keep their defaults and Terraform filters
// as before; an SDK level set on its own is left as it is.
func quietLogsNobodyReads() {
	for _, name := range observingLogs {
		if os.Getenv(name) != "" {
			return
		}
	}
	for _, name := range sdkLogLevels {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "off")
		}
	}
}
