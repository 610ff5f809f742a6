package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// providerProcess is a provider the benchmark started itself in debug mode
// (the -debug flag of main.go): Terraform attaches to it instead of
// launching it, so the benchmark owns the process and can read its peak
// memory before stopping it. One process serves one measured Terraform
// command, so the peak is that command's.
type providerProcess struct {
	*tfdriver.Process
	log *os.File
}

// startProvider runs `bin args...` with its stderr (its logs) in logPath.
// It runs in dir, as Terraform would run it, so that relative paths
// (sync_path) mean the same.
func startProvider(ctx context.Context, bin string, args []string, env []string, dir, logPath string) (*providerProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logFile
	p, err := tfdriver.StartProvider(ctx, cmd)
	if err != nil {
		return nil, fmt.Errorf("%w; its log is %s", err, logPath)
	}
	return &providerProcess{Process: p, log: logFile}, nil
}

// stop stops the process and closes its log.
func (p *providerProcess) stop() {
	p.Stop()
	_ = p.log.Close()
}

// peakRSS is the process's peak resident set size (VmHWM) in bytes, or 0
// where /proc is not available.
func (p *providerProcess) peakRSS() int64 {
	return procPeakRSS(p.Pid())
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
