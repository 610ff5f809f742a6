// Package tfdriver runs the real Terraform CLI against this provider, for
// the tests that must see what a user sees, for scripts/bench, scripts/demo
// and scripts/compat (the compatibility pass under other CLIs). It is a thin layer over github.com/hashicorp/terraform-exec
// that adds what those callers share: one clean environment, a transcript
// of everything the CLI printed (the secret tests search it), the ways to
// reach the provider (served inside the calling process, started by the
// caller in debug mode, or installed through dev_overrides), and the exit
// code and output of failed commands (tests match the diagnostics).
//
// It takes the executable's path and nothing else about it, so that the
// same driver can run OpenTofu or another Terraform release.
package tfdriver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
)

// Options say how a Workdir runs the CLI.
type Options struct {
	// Terraform is the CLI executable.
	Terraform string
	// Dir is the working directory; it must exist.
	Dir string
	// CLIConfig is the CLI configuration file every command reads
	// (TF_CLI_CONFIG_FILE). Empty means an empty configuration, never the
	// user's own ~/.terraformrc, whose provider installation settings would
	// change which provider runs.
	CLIConfig string
	// Reattach points the CLI at providers that already run (see
	// ServeInProcess and StartProvider); it may be changed between
	// commands through SetReattach.
	Reattach tfexec.ReattachInfo
	// Env adds NAME=value pairs to every command's environment. The names
	// terraform-exec manages itself are refused: use LogLevel, LogPath,
	// Reattach and Variables instead.
	Env []string
	// LogLevel and LogPath set TF_LOG and TF_LOG_PATH. terraform-exec keeps
	// logs off stderr, so a level takes effect only with a path.
	LogLevel, LogPath string
	// Variables are the root module's input variables. terraform-exec
	// refuses TF_VAR_ in the environment, and its -var puts values on the
	// command line, which Terraform writes into its log; they are written
	// into an auto-loaded file in Dir instead (VariablesFile).
	Variables map[string]string
	// Output, when set, also receives what the commands print, as they
	// print it (the demo shows the apply as it happens).
	Output io.Writer
}

// VariablesFile is the file in the working directory that holds
// Options.Variables: an *.auto.tfvars.json file, which plan, apply, import
// and destroy read without a flag.
const VariablesFile = "tfdriver.auto.tfvars.json"

// Workdir runs the CLI in one working directory. Its commands run one at a
// time: terraform-exec's output writers belong to the whole instance.
type Workdir struct {
	opts Options
	tf   *tfexec.Terraform
	// env is the environment of the commands run without terraform-exec
	// (Run, Command): the same as terraform-exec's, with the variables it
	// sets itself.
	env []string

	run sync.Mutex // held for the whole of a command

	mu         sync.Mutex
	transcript strings.Builder
	output     strings.Builder // the current command's stdout and stderr
	hideStdout bool            // the current command prints JSON with secrets in clear
	command    string          // the current command line, as terraform-exec logs it
}

// New prepares a working directory. It runs `terraform version` once:
// terraform-exec checks the version before some commands, and doing it now
// keeps that command out of the transcript.
func New(ctx context.Context, opts Options) (*Workdir, error) {
	if opts.CLIConfig == "" {
		return nil, errors.New("tfdriver: Options.CLIConfig is required (write an empty file for no settings)")
	}
	tf, err := tfexec.NewTerraform(opts.Dir, opts.Terraform)
	if err != nil {
		return nil, err
	}
	env, err := environment(opts.Env, opts.CLIConfig)
	if err != nil {
		return nil, err
	}
	if err := tf.SetEnv(env); err != nil {
		return nil, fmt.Errorf("tfdriver: %w", err)
	}
	if _, _, err := tf.Version(ctx, true); err != nil {
		return nil, fmt.Errorf("%s version: %w", opts.Terraform, err)
	}
	if opts.LogPath != "" {
		if opts.LogLevel != "" {
			if err := tf.SetLog(opts.LogLevel); err != nil {
				return nil, err
			}
		}
		if err := tf.SetLogPath(opts.LogPath); err != nil {
			return nil, err
		}
	} else if opts.LogLevel != "" {
		return nil, errors.New("tfdriver: Options.LogLevel needs a LogPath")
	}
	if len(opts.Variables) > 0 {
		data, err := json.Marshal(opts.Variables)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(opts.Dir, VariablesFile), data, 0o600); err != nil {
			return nil, err
		}
	}
	w := &Workdir{opts: opts, tf: tf}
	for name, value := range env {
		w.env = append(w.env, name+"="+value)
	}
	w.env = append(w.env, "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	if opts.LogPath != "" {
		level := opts.LogLevel
		if level == "" {
			level = "TRACE" // what terraform-exec sets for a path alone
		}
		w.env = append(w.env, "TF_LOG="+level, "TF_LOG_PATH="+opts.LogPath)
	}
	tf.SetStdout(writerFunc(func(p []byte) (int, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.hideStdout {
			w.write(p)
		}
		return len(p), nil
	}))
	tf.SetStderr(writerFunc(func(p []byte) (int, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.write(p)
		return len(p), nil
	}))
	tf.SetLogger(printfFunc(func(format string, v ...any) {
		line := fmt.Sprintf(format, v...)
		if cmd, ok := strings.CutPrefix(line, "[INFO] running Terraform command: "); ok {
			w.mu.Lock()
			w.command = strings.TrimPrefix(strings.TrimPrefix(cmd, opts.Terraform), " ")
			w.mu.Unlock()
		}
	}))
	return w, nil
}

// Dir is the working directory.
func (w *Workdir) Dir() string { return w.opts.Dir }

// SetReattach changes the providers the next commands attach to (the
// benchmark starts a provider process per measured command).
func (w *Workdir) SetReattach(info tfexec.ReattachInfo) {
	w.run.Lock()
	defer w.run.Unlock()
	w.opts.Reattach = info
}

// WriteFile writes a file of the working directory (main.tf, a state).
func (w *Workdir) WriteFile(name, content string) error {
	return os.WriteFile(filepath.Join(w.opts.Dir, name), []byte(content), 0o600)
}

// Result is what one command did.
type Result struct {
	// Command is the command line after the executable.
	Command string
	// Output is what the command printed, stdout and stderr interleaved
	// (line by line), except the JSON of Show and ShowPlanFile.
	Output string
	// ExitCode is the exit code, or -1 when the command did not run to an
	// exit (it could not start, or the context ended it).
	ExitCode int
	Took     time.Duration
	// Err is why the command failed; nil when it succeeded (for Plan, exit
	// code 2, changes, is success).
	Err error
}

// ExitCode is the Result.ExitCode of a command that ran under ctx and
// returned err: 0 when it succeeded, its exit code when it exited, -1 when
// it did not run to an exit (it could not start, or ctx ended it).
func ExitCode(ctx context.Context, err error) int {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.Exited() && ctx.Err() == nil:
		return exit.ExitCode()
	default:
		return -1
	}
}

func (r Result) String() string {
	return fmt.Sprintf("terraform %s (exit %d, %s):\n%s", r.Command, r.ExitCode, r.Took.Round(time.Millisecond), LastLines(r.Output, 60))
}

// CrashMarkers are what Terraform prints when a provider crashes.
var CrashMarkers = []string{"panic:", "plugin crashed", "The plugin encountered an error, and failed to respond"}

// Crash returns the first crash marker in the output, or "".
func (r Result) Crash() string {
	for _, marker := range CrashMarkers {
		if strings.Contains(r.Output, marker) {
			return marker
		}
	}
	return ""
}

// Plan runs `terraform plan -detailed-exitcode` and reports whether it
// wants changes.
func (w *Workdir) Plan(ctx context.Context, opts ...tfexec.PlanOption) (bool, Result, error) {
	var changes bool
	res := w.do(ctx, false, func() error {
		var err error
		changes, err = w.tf.Plan(ctx, append(opts, w.reattachOption())...)
		return err
	})
	if res.Err == nil && changes {
		res.ExitCode = 2
	}
	return changes, res, res.Err
}

// Apply runs `terraform apply` without asking (of a saved plan with
// tfexec.DirOrPlan).
func (w *Workdir) Apply(ctx context.Context, opts ...tfexec.ApplyOption) (Result, error) {
	res := w.do(ctx, false, func() error { return w.tf.Apply(ctx, append(opts, w.reattachOption())...) })
	return res, res.Err
}

// Destroy runs `terraform destroy` without asking.
func (w *Workdir) Destroy(ctx context.Context, opts ...tfexec.DestroyOption) (Result, error) {
	res := w.do(ctx, false, func() error { return w.tf.Destroy(ctx, append(opts, w.reattachOption())...) })
	return res, res.Err
}

// Import runs `terraform import address id`.
func (w *Workdir) Import(ctx context.Context, address, id string, opts ...tfexec.ImportOption) (Result, error) {
	res := w.do(ctx, false, func() error { return w.tf.Import(ctx, address, id, append(opts, w.reattachOption())...) })
	return res, res.Err
}

// Show reads the current state through `terraform show -json`. The JSON is
// left out of the output and the transcript: it holds sensitive values in
// clear (as documented), and the transcript is what the secret tests
// search.
func (w *Workdir) Show(ctx context.Context) (*tfjson.State, Result, error) {
	var st *tfjson.State
	res := w.do(ctx, true, func() error {
		var err error
		st, err = w.tf.Show(ctx, tfexec.JSONNumber(false), w.reattachOption())
		return err
	})
	return st, res, res.Err
}

// ShowPlanFile reads a saved plan through `terraform show -json`, left out
// of the transcript as Show's is.
func (w *Workdir) ShowPlanFile(ctx context.Context, path string) (*tfjson.Plan, Result, error) {
	var plan *tfjson.Plan
	res := w.do(ctx, true, func() error {
		var err error
		plan, err = w.tf.ShowPlanFile(ctx, path, tfexec.JSONNumber(false), w.reattachOption())
		return err
	})
	return plan, res, res.Err
}

// Run runs a command terraform-exec does not offer as a user types it:
// `terraform show` and `terraform output` in their human form (its Show and
// Output are JSON only, and Output's JSON holds sensitive values in clear),
// in the same environment as the other commands.
func (w *Workdir) Run(ctx context.Context, args ...string) (Result, error) {
	cmd := w.Command(ctx, args...)
	res := w.do(ctx, false, func() error {
		w.mu.Lock()
		w.command = strings.Join(args, " ")
		w.mu.Unlock()
		out := writerFunc(func(p []byte) (int, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.write(p)
			return len(p), nil
		})
		cmd.Stdout, cmd.Stderr = out, out
		return cmd.Run()
	})
	return res, res.Err
}

// Command returns a command to start by hand, in the environment of the
// others, in a process group of its own. It is for what terraform-exec
// cannot do: signalling the whole process group while the command runs,
// as a terminal's Ctrl-C does (terraform-exec interrupts terraform alone,
// when the context ends). Record adds what it printed to the transcript.
func (w *Workdir) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, w.opts.Terraform, args...)
	cmd.Dir = w.opts.Dir
	cmd.Env = slices.Clone(w.env)
	if info := w.opts.Reattach; len(info) > 0 {
		data, err := json.Marshal(info)
		if err == nil { // a map of plain structs: marshalling cannot fail
			cmd.Env = append(cmd.Env, "TF_REATTACH_PROVIDERS="+string(data))
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// As terraform-exec does: an ended context interrupts terraform, which
	// then has a minute to stop its providers.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	return cmd
}

// Record adds a command run through Command to the transcript.
func (w *Workdir) Record(res Result) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.record(res, false)
}

// Transcript returns every command so far and everything it printed (but
// the JSON of Show and ShowPlanFile).
func (w *Workdir) Transcript() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.transcript.String()
}

func (w *Workdir) record(res Result, json bool) {
	output := res.Output
	if json {
		output += "(JSON output left out of the transcript)\n"
	}
	fmt.Fprintf(&w.transcript, "$ terraform %s\n%s\n", res.Command, output)
}

// write adds to the current command's output; w.mu is held.
func (w *Workdir) write(p []byte) {
	w.output.Write(p)
	if w.opts.Output != nil {
		// Showing the output as it comes is a courtesy: the command's
		// result keeps all of it whatever happens to this copy.
		_, _ = w.opts.Output.Write(p)
	}
}

func (w *Workdir) reattachOption() *tfexec.ReattachOption {
	return tfexec.Reattach(w.opts.Reattach)
}

// do runs one command and records it.
func (w *Workdir) do(ctx context.Context, json bool, run func() error) Result {
	w.run.Lock()
	defer w.run.Unlock()
	w.mu.Lock()
	w.output.Reset()
	w.command, w.hideStdout = "", json
	w.mu.Unlock()
	start := time.Now()
	err := run()
	res := Result{Took: time.Since(start), Err: err, ExitCode: ExitCode(ctx, err)}
	w.mu.Lock()
	defer w.mu.Unlock()
	res.Command, res.Output = w.command, withPlanFailedNoteLast(w.output.String())
	w.hideStdout = false
	w.record(res, json)
	return res
}

// LastLines returns the last n lines of s, for failure messages.
func LastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

var _ io.Writer = writerFunc(nil)

type printfFunc func(format string, v ...any)

func (f printfFunc) Printf(format string, v ...any) { f(format, v...) }

// planFailedNote is the line terraform prints to stderr when a plan fails,
// at the same time as the plan's error diagnostics.
const planFailedNote = "Planning failed. Terraform encountered an error while generating this plan.\n"

// withPlanFailedNoteLast moves planFailedNote to the end of output. Merged
// with the other stream, it may land inside a diagnostic (between the
// summary and its "with <address>" line), where it would split what a
// reader, and a test, reads as one block.
func withPlanFailedNoteLast(output string) string {
	before, after, found := strings.Cut(output, planFailedNote)
	if !found {
		return output
	}
	return before + after + planFailedNote
}
