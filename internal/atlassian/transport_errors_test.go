package atlassian_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/cureigad/terraform-provider-atlassian/internal/atlassian"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

const routeCreateGroup = "POST /admin/v2/orgs/{orgId}/directories/{dirId}/groups"

// refusingAddress is a local address nothing listens on: a dial to it is
// refused by the kernel.
func refusingAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// TestGroupCreateIsResentWhenItsFirstDialFailed: a create is not safe to
// replay, but one whose connection was never made did not reach Atlassian,
// so the client sends it again; the sandbox receives it once and the group
// is created.
func TestGroupCreateIsResentWhenItsFirstDialFailed(t *testing.T) {
	env := startSandbox(t, 10, 4, 1)
	refused := refusingAddress(t)
	// The network fails the first connection for real (a dial to a port
	// nothing listens on); the client and its retry policy are untouched.
	var dials atomic.Int32
	transport := cleanhttp.DefaultPooledTransport()
	dialer := &net.Dialer{}
	transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return dialer.DialContext(ctx, network, refused)
		}
		return dialer.DialContext(ctx, network, addr)
	}
	c, err := atlassian.New(atlassian.Config{
		Config:     orgconfig.Config{BaseURL: env.URL, OrganizationID: env.OrgID, APIToken: env.Token},
		Retry:      quickRetries,
		HTTPClient: &http.Client{Transport: transport},
	})
	if err != nil {
		t.Fatal(err)
	}
	env.ResetStats()
	dir := env.State().Directories[0].ID
	created, err := c.CreateGroup(context.Background(), dir, "made-after-a-refused-dial", "")
	if err != nil {
		t.Fatalf("a create whose first dial was refused: %v", err)
	}
	received := env.Stats()
	if got := received.ByRoute[routeCreateGroup]; got != 1 {
		t.Fatalf("the sandbox received the create %d times, want 1", got)
	}
	// Every attempt but the refused one reached the sandbox (the create,
	// and the read that finds the group it made), on the one connection
	// the second dial opened.
	if s := c.Stats(); s.Retries != 1 || s.Requests != received.Total+1 || dials.Load() != 2 {
		t.Fatalf("client stats %+v after %d dials, sandbox received %d; want one retry, after the refused dial", s, dials.Load(), received.Total)
	}
	got, err := c.GetGroup(context.Background(), atlassian.AllDirectories, created.ID)
	if err != nil || got.Name != "made-after-a-refused-dial" {
		t.Fatalf("GetGroup(%s) = %+v, %v", created.ID, got, err)
	}
}

// TestGroupCreateThatReachedTheServerIsNotResent: a create whose answer was
// lost after the sandbox carried it out may have created the group, so it
// is sent once and reported as a transport error.
func TestGroupCreateThatReachedTheServerIsNotResent(t *testing.T) {
	env := startSandbox(t, 10, 4, 1)
	c := newClient(t, env, 0)
	dir := env.State().Directories[0].ID
	env.ResetStats()
	env.SetFaults(sandbox.Faults{LoseAnswerRate: 1, Routes: []string{routeCreateGroup}})
	_, err := c.CreateGroup(context.Background(), dir, "made-but-unanswered", "")
	if !errors.Is(err, atlassian.ErrTransport) || !strings.Contains(err.Error(), "after 1 attempt") {
		t.Fatalf("want a transport error after one attempt, got %v", err)
	}
	if got := env.Stats().ByRoute[routeCreateGroup]; got != 1 {
		t.Fatalf("the sandbox received the create %d times, want 1", got)
	}
}

// TestHostThatDoesNotResolveIsNotRetried: a base URL whose host has no DNS
// record is a configuration mistake no retry can fix: one attempt, and an
// error that names the host. The network answers as a resolver does for a
// name without a record (.invalid never has one, RFC 2606), so the test
// does not depend on the machine's resolver, which may be unreachable.
func TestHostThatDoesNotResolveIsNotRetried(t *testing.T) {
	const host = "admin.atlassian.invalid"
	transport := cleanhttp.DefaultPooledTransport()
	transport.DialContext = func(_ context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
	c, err := atlassian.New(atlassian.Config{
		Config:     orgconfig.Config{BaseURL: "https://" + host, OrganizationID: "org-1", APIToken: "key-of-a-test"},
		Retry:      quickRetries,
		HTTPClient: &http.Client{Transport: transport},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetOrganization(context.Background())
	if !errors.Is(err, atlassian.ErrTransport) || !strings.Contains(err.Error(), `"`+host+`" does not resolve`) {
		t.Fatalf("want a transport error saying the host does not resolve, got %v", err)
	}
	if s := c.Stats(); s.Requests != 1 || s.Retries != 0 {
		t.Fatalf("client stats %+v; want one attempt and no retry", s)
	}
}
