package plugindefaults

import (
	"os"
	"testing"
)

// The SDKs' loggers go quiet only when no variable asks for provider logs,
// and a level the environment sets is never overridden.
func TestQuietLogsNobodyReads(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want map[string]string // "" means unset
	}{{
		name: "nobody reads the logs",
		env:  map[string]string{},
		want: map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER": "off"},
	}, {
		name: "TF_LOG asks for logs",
		env:  map[string]string{"TF_LOG": "DEBUG"},
		want: map[string]string{"TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_SDK_FRAMEWORK": "", "TF_LOG_PROVIDER": ""},
	}, {
		name: "TF_LOG_PROVIDER asks for logs",
		env:  map[string]string{"TF_LOG_PROVIDER": "TRACE"},
		want: map[string]string{"TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_PROVIDER": "TRACE"},
	}, {
		name: "OpenTofu's TOFU_LOG asks for logs",
		env:  map[string]string{"TOFU_LOG": "debug"},
		want: map[string]string{"TF_LOG_SDK": "", "TF_LOG_PROVIDER": ""},
	}, {
		name: "an SDK level set on its own stays",
		env:  map[string]string{"TF_LOG_SDK_PROTO": "trace"},
		want: map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "trace", "TF_LOG_PROVIDER": "off"},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, name := range append(append([]string{}, sdkLogLevels...), observingLogs...) {
				t.Setenv(name, "")
				if err := os.Unsetenv(name); err != nil {
					t.Fatal(err)
				}
			}
			for name, value := range c.env {
				t.Setenv(name, value)
			}
			quietLogsNobodyReads()
			for name, want := range c.want {
				if got := os.Getenv(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}
