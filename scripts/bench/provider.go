package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// providerProcess is a provider the benchmark started itself in debug mode
// (the -debug flag of main.go): Terraform attaches to it through
// TF_REATTACH_PROVIDERS instead of launching it, so the benchmark owns the
// process and can read its peak memory before stopping it. One process
// serves one measured Terraform command, so the peak is that command's.
type providerProcess struct {
	cmd      *exec.Cmd
	reattach string // the TF_REATTACH_PROVIDERS value
	started  time.Duration
	done     chan struct{}
	waitErr  error
}

// startProvider runs `bin args...` and waits for the reattach line that
// terraform-plugin-go prints in managed debug mode:
//
//	TF_REATTACH_PROVIDERS='{"registry.terraform.io/...":{...}}'
//
// The provider's stderr (its logs) goes to logPath. It runs in dir, as
// Terraform would run it, so that relative paths (sync_path) mean the same.
func startProvider(ctx context.Context, bin string, args []string, env []string, dir, logPath string) (*providerProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = logFile.Close()
		return nil, err
	}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	p := &providerProcess{cmd: cmd, done: make(chan struct{})}
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
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		p.waitErr = cmd.Wait()
		_ = logFile.Close()
		close(p.done)
	}()
	select {
	case p.reattach = <-found:
		p.started = time.Since(begin)
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited before serving (%v); its log is %s", bin, p.waitErr, logPath)
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, fmt.Errorf("%s printed no reattach configuration within 30s; its log is %s", bin, logPath)
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
}

// peakRSS is the process's peak resident set size (VmHWM) in bytes, or 0
// where /proc is not available.
func (p *providerProcess) peakRSS() int64 {
	return procPeakRSS(p.cmd.Process.Pid)
}

func procPeakRSS(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fields := strings.Fields(rest) // "123456 kB"
			if len(fields) == 2 && fields[1] == "kB" {
				kb, err := strconv.ParseInt(fields[0], 10, 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	return 0
}

// stop asks the provider to stop (SIGINT, as managed debug mode expects)
// and kills it if it does not within five seconds.
func (p *providerProcess) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// exited reports an unexpected exit (a crash) while Terraform used it.
func (p *providerProcess) exited() error {
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
