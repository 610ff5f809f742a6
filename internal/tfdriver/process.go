package tfdriver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// Process is a provider process the caller started in debug mode (the
// -debug flag of main.go): the CLI attaches to it through Reattach instead
// of launching it, so the caller owns the process and can read what it
// used (the benchmark reads its peak memory) before stopping it.
type Process struct {
	cmd *exec.Cmd
	// Reattach is what the process printed for the CLI to attach to it.
	Reattach tfexec.ReattachInfo
	// Started is how long it took to start serving.
	Started time.Duration
	done    chan struct{}
	waitErr error
}

// StartProvider starts cmd, whose stdout must be unset, and waits for the
// line terraform-plugin-go prints in managed debug mode:
//
//	TF_REATTACH_PROVIDERS='{"registry.terraform.io/...":{...}}'
func StartProvider(ctx context.Context, cmd *exec.Cmd) (*Process, error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if value, ok := strings.CutPrefix(line, "TF_REATTACH_PROVIDERS="); ok && !sent {
				found <- strings.Trim(value, "'")
				sent = true
			}
		}
		// Keep draining, so that the provider never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	select {
	case line := <-found:
		p.Started = time.Since(begin)
		if err := json.Unmarshal([]byte(line), &p.Reattach); err != nil {
			p.Stop()
			return nil, fmt.Errorf("%s printed a reattach configuration that does not parse (%v): %s", cmd.Path, err, line)
		}
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited before serving (%v)", cmd.Path, p.waitErr)
	case <-time.After(30 * time.Second):
		p.Stop()
		return nil, fmt.Errorf("%s printed no reattach configuration within 30s", cmd.Path)
	case <-ctx.Done():
		p.Stop()
		return nil, ctx.Err()
	}
}

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stop asks the provider to stop (SIGINT, as managed debug mode expects)
// and kills it if it does not within five seconds.
func (p *Process) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	// An error means the process is gone; the wait below sees it.
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Exited reports an exit (a crash, while the CLI used it); nil while it
// runs.
func (p *Process) Exited() error {
	select {
	case <-p.done:
		if p.waitErr != nil {
			return p.waitErr
		}
		return errors.New("the provider exited")
	default:
		return nil
	}
}
