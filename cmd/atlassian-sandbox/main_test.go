package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
)

// TestMain lets the test binary act as the command itself when re-executed
// by TestSignalSavesState, so the real signal path is tested without a build.
func TestMain(m *testing.M) {
	if os.Getenv("ATLASSIAN_SANDBOX_RUN_MAIN") == "1" {
		os.Args = append([]string{"atlassian-sandbox"}, strings.Fields(os.Getenv("ATLASSIAN_SANDBOX_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// readAnnouncement reads and decodes the first line of the command's output.
func readAnnouncement(t *testing.T, r io.Reader) announcement {
	t.Helper()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v", err)
	}
	var a announcement
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("first line %q: %v", line, err)
	}
	if !strings.HasPrefix(a.BaseURL, "http://127.0.0.1:") || a.OrganizationID == "" || a.APIToken == "" {
		t.Fatalf("announcement = %+v", a)
	}
	return a
}

func countUsers(t *testing.T, a announcement) int {
	t.Helper()
	req, err := http.NewRequest("GET", a.BaseURL+"/admin/v2/orgs/"+a.OrganizationID+"/directories/-/users?limit=100", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.APIToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := resp.Body.Close(); err != nil {
			t.Error(err)
		}
	}()
	var page struct {
		Data []json.RawMessage `json:"data"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&page) != nil {
		t.Fatalf("listing users: %s", resp.Status)
	}
	return len(page.Data)
}

func TestRun(t *testing.T) {
	statePath := filepath.Join(t.TempDir(), "state.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutReader, stdoutWriter := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"--addr", "127.0.0.1:0", "--org-id", "org-under-test", "--token", "tok",
			"--users", "30", "--groups", "5", "--workspaces", "2", "--seed", "7", "--state", statePath}, stdoutWriter, io.Discard)
		done <- errors.Join(err, stdoutWriter.Close())
	}()

	a := readAnnouncement(t, stdoutReader)
	if a.OrganizationID != "org-under-test" || a.APIToken != "tok" {
		t.Fatalf("announcement = %+v", a)
	}
	if n := countUsers(t, a); n != 30 {
		t.Fatalf("%d users, want 30", n)
	}

	cancel()
	rest, _ := io.ReadAll(stdoutReader) // ends when run returns and closes the pipe
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	if len(rest) != 0 {
		t.Fatalf("more output after the first line: %q", rest)
	}
	raw, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatalf("state not saved: %v", err)
	}
	var st sandbox.State
	if err := json.Unmarshal(raw, &st); err != nil || len(st.Users) != 30 || st.Organization.ID != "org-under-test" {
		t.Fatalf("saved state: %v, %d users", err, len(st.Users))
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--users", "many"}, {"--nope"}, {"extra"}, {"--users", "-1"}, {"--addr", "not-an-address"}} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

// TestSignalSavesState runs the real main in a child process, stops it with
// SIGTERM, and restarts it from the saved state.
func TestSignalSavesState(t *testing.T) {
	statePath := filepath.Join(t.TempDir(), "org.json")
	start := func(users string) (*exec.Cmd, announcement) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "ATLASSIAN_SANDBOX_RUN_MAIN=1",
			"ATLASSIAN_SANDBOX_ARGS=--addr 127.0.0.1:0 --users "+users+" --state "+statePath)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd, readAnnouncement(t, stdout)
	}

	cmd, a := start("12")
	listed := countUsers(t, a)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	if _, err := os.Stat(statePath); err != nil {
		t.Fatalf("state not saved on SIGTERM: %v", err)
	}

	raw, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	var saved sandbox.State
	if err := json.Unmarshal(raw, &saved); err != nil || len(saved.Users) != 12 {
		t.Fatalf("saved state: %v, %d users, want 12", err, len(saved.Users))
	}
	if want := len(sandbox.ListedUsers(saved)); listed != want {
		t.Fatalf("%d users listed, want the %d the API lists of the 12", listed, want)
	}

	// The saved organization wins over --users on restart.
	_, a = start("50")
	if n := countUsers(t, a); n != listed {
		t.Fatalf("%d users after restart, want the saved %d", n, listed)
	}
}

// startRun runs the command in-process with these flags and returns its
// announcement, a stop function that waits for it to end, and its stderr.
func startRun(t *testing.T, args ...string) (announcement, func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	stdoutReader, stdoutWriter := io.Pipe()
	var stderr strings.Builder
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"--addr", "127.0.0.1:0", "--users", "10", "--groups", "3", "--workspaces", "1"}, args...), stdoutWriter, &stderr)
		done <- errors.Join(err, stdoutWriter.Close())
	}()
	a := readAnnouncement(t, stdoutReader)
	stop := func() string {
		t.Helper()
		cancel()
		_, _ = io.Copy(io.Discard, stdoutReader) // ends when run returns and closes the pipe
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("run did not stop")
		}
		return stderr.String()
	}
	return a, stop
}

// get sends an unauthenticated GET and returns the status and the decoded
// JSON body.
func get(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := resp.Body.Close(); err != nil {
			t.Error(err)
		}
	}()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("GET %s: %s, body not JSON: %v", url, resp.Status, err)
	}
	return resp.StatusCode, body
}

// withoutRequestFields drops what differs between two answers of the same
// kind: when, which path, which request.
func withoutRequestFields(body map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range body {
		switch k {
		case "timestamp", "path", "requestId", "message":
		default:
			out[k] = v
		}
	}
	return out
}

// With --api-only the control endpoints are unknown paths, answered exactly
// as any other unknown path, while the admin API serves as before; the
// requests served are reported on stderr at shutdown.
func TestRunAPIOnly(t *testing.T) {
	a, stop := startRun(t, "--api-only")
	if n := countUsers(t, a); n != 10 {
		t.Fatalf("%d users, want 10", n)
	}
	unknownStatus, unknown := get(t, a.BaseURL+"/no-such-path")
	if unknownStatus != http.StatusNotFound {
		t.Fatalf("an unknown path answered %d, want 404", unknownStatus)
	}
	for _, path := range []string{"/_sandbox/state", "/_sandbox/stats", "/_sandbox/faults", "/_sandbox/settings", "/_sandbox"} {
		status, body := get(t, a.BaseURL+path)
		if status != http.StatusNotFound {
			t.Errorf("GET %s answered %d with --api-only, want 404", path, status)
		}
		if got, want := withoutRequestFields(body), withoutRequestFields(unknown); !reflect.DeepEqual(got, want) {
			t.Errorf("GET %s answered %v, not as an unknown path does (%v)", path, got, want)
		}
	}
	req, err := http.NewRequest(http.MethodPut, a.BaseURL+"/_sandbox/faults", strings.NewReader(`{"error_rate":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("PUT /_sandbox/faults answered %s with --api-only, want 404", resp.Status)
	}
	if n := countUsers(t, a); n != 10 {
		t.Fatalf("%d users after the refused control request, want 10 (no fault took hold)", n)
	}

	// Two user listings, then one unknown path, five control paths and the
	// PUT, all unmatched.
	stderr := strings.TrimSpace(stop())
	total, byRoute, ok := strings.Cut(strings.TrimPrefix(stderr, "atlassian-sandbox: served "), " admin API requests: ")
	var routes map[string]int64
	if !ok || total != "9" || json.Unmarshal([]byte(byRoute), &routes) != nil || routes["UNMATCHED"] != 7 || len(routes) != 2 {
		t.Fatalf("stderr at shutdown: %q, want 9 requests served, 7 of them unmatched, the rest on one route", stderr)
	}
}

// Without --api-only the control endpoints answer.
func TestRunServesControlEndpoints(t *testing.T) {
	a, stop := startRun(t)
	defer stop()
	status, body := get(t, a.BaseURL+"/_sandbox/state")
	if status != http.StatusOK || body["organization"] == nil {
		t.Fatalf("GET /_sandbox/state answered %d: %v", status, body)
	}
}

// --scoped-key adds a key that reads with its read scopes and is refused a
// write, while --token stays unscoped.
func TestRunScopedKey(t *testing.T) {
	a, stop := startRun(t, "--scoped-key", "read-key=read:directories:admin,read:group:admin,read:org:admin")
	defer stop()
	call := func(token, method, path string) int {
		t.Helper()
		req, err := http.NewRequest(method, a.BaseURL+"/admin/v2/orgs/"+a.OrganizationID+path, strings.NewReader(`{"name":"scoped-key-test"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if err := resp.Body.Close(); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	if status := call("read-key", http.MethodGet, "/directories/-/users"); status != http.StatusOK {
		t.Errorf("a read with the read key answered %d", status)
	}
	status, state := get(t, a.BaseURL+"/_sandbox/state")
	directories, _ := state["directories"].([]any)
	if status != http.StatusOK || len(directories) == 0 {
		t.Fatalf("state: %d, %v", status, state)
	}
	directoryID, _ := directories[0].(map[string]any)["id"].(string)
	groups := "/directories/" + directoryID + "/groups"
	if status := call("read-key", http.MethodPost, groups); status != http.StatusForbidden {
		t.Errorf("a group create with the read key answered %d, want 403", status)
	}
	if status := call(a.APIToken, http.MethodPost, groups); status != http.StatusCreated {
		t.Errorf("a group create with the unscoped key answered %d, want 201", status)
	}
	if err := run(context.Background(), []string{"--scoped-key", "no-equals-sign"}, io.Discard, io.Discard); err == nil {
		t.Error("a --scoped-key without TOKEN= was accepted")
	}
}
