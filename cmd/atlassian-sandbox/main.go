// Command atlassian-sandbox serves an in-memory fake of the Atlassian Cloud
// organization admin REST API ("the sandbox organization") for tests, demos
// and benchmarks of the Terraform provider and the ConductorOne connector.
//
// It prints one JSON line with the base URL, organization id and API token,
// then serves until SIGINT or SIGTERM:
//
//	atlassian-sandbox --addr 127.0.0.1:0 --users 200 --groups 12 --workspaces 3 --seed 1 [--state org.json] [--api-only] [--scoped-key TOKEN=SCOPE,...]
//	{"base_url": "http://127.0.0.1:40123", "organization_id": "...", "api_token": "..."}
//
// With --state, the organization is loaded from the file when it exists and
// saved back to it on shutdown. With --api-only, the /_sandbox/ control
// endpoints are off (they answer 404 like any unknown path), so the process
// stands in for Atlassian: the provider's live tests run against it. Each
// --scoped-key adds an API key with scopes beside the unscoped --token. On
// shutdown it writes to stderr how many admin API requests it served, by
// route, since nothing else can read them then.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

func main() {
	// stop runs before os.Exit, which skips deferred calls.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "atlassian-sandbox:", err)
		}
		os.Exit(2)
	}
}

// announcement is the single JSON line printed once the listener is up, so a
// parent process can read where to connect.
type announcement struct {
	BaseURL        string `json:"base_url"`
	OrganizationID string `json:"organization_id"`
	APIToken       string `json:"api_token"`
}

// run parses args, serves until ctx is done, then shuts down gracefully and
// saves the state when --state was given.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opts := sandbox.DefaultOptions()
	// The demo's activity is recent as of its start, so inactivity filters
	// and findings find what a real organization shows.
	opts.ActivityAsOf = time.Now().UTC()
	flags := flag.NewFlagSet("atlassian-sandbox", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	flags.StringVar(&opts.OrgID, "org-id", opts.OrgID, "organization id")
	flags.StringVar(&opts.OrgName, "org-name", opts.OrgName, "organization name")
	flags.StringVar(&opts.Token, "token", opts.Token, "API token clients must send as a bearer token")
	flags.IntVar(&opts.Users, "users", opts.Users, "number of users to generate")
	flags.IntVar(&opts.Groups, "groups", opts.Groups, "number of groups to generate")
	flags.IntVar(&opts.Workspaces, "workspaces", opts.Workspaces, "number of workspaces to generate")
	flags.Uint64Var(&opts.Seed, "seed", opts.Seed, "generator seed (same seed, same organization)")
	flags.StringVar(&opts.StatePath, "state", "", "state file: loaded at start when it exists, saved on shutdown")
	apiOnly := flags.Bool("api-only", false, "serve the admin API alone: the /_sandbox/ control endpoints answer 404, as at Atlassian")
	scopedKeys := map[string][]string{}
	flags.Func("scoped-key", "an API key with scopes, TOKEN=SCOPE,SCOPE (repeatable): refused the operations its scopes do not cover, "+
		"e.g. read-key=read:directories:admin,read:group:admin,read:org:admin", func(v string) error {
		token, scopes, ok := strings.Cut(v, "=")
		if !ok || token == "" {
			return errors.New("want TOKEN=SCOPE,SCOPE")
		}
		if token == opts.Token {
			return errors.New("the token is the organization's unscoped key (--token)")
		}
		scopedKeys[token] = strings.FieldsFunc(scopes, func(r rune) bool { return r == ',' })
		return nil
	})
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", flags.Args())
	}
	if opts.Users < 0 || opts.Groups < 0 || opts.Workspaces < 0 {
		return errors.New("--users, --groups and --workspaces must not be negative")
	}

	srv, err := sandbox.New(opts)
	if err != nil {
		return err
	}
	for token, scopes := range scopedKeys {
		srv.AddScopedKey(token, scopes...)
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	var handler http.Handler = srv
	if *apiOnly {
		handler = srv.APIOnly()
	}
	httpServer := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		// Hijacked connections (the reset fault) and client aborts would
		// otherwise log per request; the sandbox logs nothing per request.
		ErrorLog: log.New(io.Discard, "", 0),
	}

	line, err := json.Marshal(announcement{
		BaseURL:        "http://" + listener.Addr().String(),
		OrganizationID: srv.State().Organization.ID,
		APIToken:       opts.Token,
	})
	if err != nil {
		return errors.Join(err, listener.Close())
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return errors.Join(err, listener.Close())
	}

	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(listener) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// A failed shutdown still reports the requests and saves the state;
	// every failure ends up in the exit status.
	var errs []error
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		errs = append(errs, fmt.Errorf("shutdown: %w", err))
	}
	errs = append(errs, reportRequests(stderr, srv.Stats()))
	if opts.StatePath != "" {
		errs = append(errs, srv.Save(opts.StatePath))
	}
	return errors.Join(errs...)
}

// reportRequests writes one line with the admin API requests served, in
// total and by route (the JSON of GET /_sandbox/stats without its timing
// windows), for whoever ran the process with its control endpoints off.
func reportRequests(w io.Writer, stats sandbox.Stats) error {
	byRoute, err := json.Marshal(stats.ByRoute)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "atlassian-sandbox: served %d admin API requests: %s\n", stats.Total, byRoute)
	return err
}
