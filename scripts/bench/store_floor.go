package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	c1zpb "github.com/conductorone/baton-sdk/pb/c1/c1z/v1"
	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	reader_v2 "github.com/conductorone/baton-sdk/pb/c1/reader/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/dotc1z"

	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
)

// The store's floor: a report's process holds the SDK's store of the sync
// as well as the report. The store's memory (its decompression, its block
// cache) grows with the sync whatever the report does, so the reports'
// growth is read against what the store alone takes for the reads a report
// makes: `bench -read-sync FILE` makes them (every resource and grant of
// the latest full sync, then each account's grants by principal, with the
// report's page sizes) and holds nothing it reads.

// readSyncPageSize and readSyncPrincipalPageSize are internal/report's
// listing and per-account page sizes.
const (
	readSyncPageSize          = 500
	readSyncPrincipalPageSize = 250
)

func readSync(path string) (err error) {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "bench-read-sync-")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, os.RemoveAll(tmp)) }()
	store, err := dotc1z.NewStore(ctx, path, dotc1z.WithReadOnly(true), dotc1z.WithTmpDir(tmp))
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, store.Close(ctx)) }()
	run, err := store.SyncMeta().LatestFullSync(ctx)
	if err != nil {
		return err
	}
	if run == nil {
		return errors.New("no finished full sync")
	}
	ofSync := annotations.New(c1zpb.SyncDetails_builder{Id: run.ID}.Build())
	for token := ""; ; {
		resp, err := store.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{
			PageToken: token, PageSize: readSyncPageSize, Annotations: ofSync}.Build())
		if err != nil {
			return err
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	principals := map[string]bool{}
	for token := ""; ; {
		resp, err := store.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{
			PageToken: token, PageSize: readSyncPageSize, Annotations: ofSync}.Build())
		if err != nil {
			return err
		}
		for _, g := range resp.GetList() {
			if p := g.GetPrincipal().GetId(); p.GetResourceType() == connector.ResourceTypeUser {
				principals[p.GetResource()] = true
			}
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	for id := range principals {
		principal := v2.ResourceId_builder{ResourceType: connector.ResourceTypeUser, Resource: id}.Build()
		for token := ""; ; {
			resp, err := store.ListGrantsForPrincipal(ctx, reader_v2.GrantsReaderServiceListGrantsForPrincipalRequest_builder{
				PrincipalId: principal, PageToken: token, PageSize: readSyncPrincipalPageSize, Annotations: ofSync}.Build())
			if err != nil {
				return err
			}
			if token = resp.GetNextPageToken(); token == "" {
				break
			}
		}
	}
	return nil
}

// storeFloor is the peak RSS of `bench -read-sync c1z`: the least of
// three runs, since whatever else the machine does only adds to a peak.
func (b *bench) storeFloor(ctx context.Context, c1z string) (int64, error) {
	rssFile := filepath.Join(filepath.Dir(c1z), "read-sync.rss")
	var floor int64
	for run := range 3 {
		cmd := b.measuredCommand(ctx, rssFile, b.self, "-read-sync", c1z)
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("reading %s as a report does: %w: %s", c1z, err, out)
		}
		peak, err := measuredPeak(rssFile)
		if err != nil {
			return 0, err
		}
		if run == 0 || peak < floor {
			floor = peak
		}
	}
	return floor, nil
}

// A child's peak RSS as wait4 reports it is at least its parent's at the
// fork: Go starts children sharing the parent's memory until they exec, and
// the kernel keeps that memory's high-water mark as the child's. The bench
// holds the sandbox's organization, so a command it starts would measure the
// bench's own size. `bench -measure-rss FILE -- command...` is a fresh,
// small process that runs the command and writes its peak RSS to FILE:
// the floor under the measure is then that small process.

// measureChild runs args, writes its peak RSS in bytes to out and returns
// its exit status.
func measureChild(out string, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "bench: -measure-rss: no command")
		return 2
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState != nil {
		if usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			if werr := os.WriteFile(out, []byte(strconv.FormatInt(usage.Maxrss*1024, 10)), 0o644); werr != nil { // kB on Linux
				fmt.Fprintln(os.Stderr, "bench: -measure-rss:", werr)
				return 1
			}
		}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: -measure-rss:", err)
		return 1
	}
	return 0
}

// measuredCommand is the command b.self -measure-rss runs, and the file
// its peak RSS is written to.
func (b *bench) measuredCommand(ctx context.Context, rssFile string, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, b.self, append([]string{"-measure-rss", rssFile, "--", name}, args...)...)
}

// measuredPeak reads the peak RSS a measured command wrote.
func measuredPeak(rssFile string) (int64, error) {
	b, err := os.ReadFile(rssFile)
	if err != nil {
		return 0, fmt.Errorf("the measured peak RSS: %w", err)
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}
