package main_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/conductorone/baton-sdk/pkg/dotc1z"

	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox"
	"github.com/cureigad/terraform-provider-atlassian/internal/sandbox/sandboxtest"
)

// sqliteFixture is a sync written by baton-atlassian on baton-sdk v0.16,
// whose default engine was SQLite, with the report that release wrote of
// it (scripts/c1z-fixture.sh says how they were made).
const (
	sqliteFixture       = "../../internal/report/testdata/sqlite-sync.c1z"
	sqliteFixtureReport = "../../internal/report/testdata/sqlite-sync.report.csv"
)

// fixtureOrganization is the organization scripts/c1z-fixture.sh syncs:
// atlassian-sandbox -users 12 -groups 4 -workspaces 2 -seed 7.
func fixtureOrganization() sandbox.Options {
	opts := sandbox.DefaultOptions()
	opts.Users, opts.Groups, opts.Workspaces, opts.Seed = 12, 4, 2, 7
	return opts
}

// TestReportReadsBothStorageEngines: a sync written today (Pebble, the
// SDK's default for a new file), one written with --storage-engine sqlite,
// and the SQLite file an earlier release wrote, all of the same
// organization, give the report that earlier release gave, row for row.
func TestReportReadsBothStorageEngines(t *testing.T) {
	bin := buildBinary(t)
	env := sandboxtest.Start(t, fixtureOrganization())
	want := fixtureRows(t)
	organization := env.State().Organization

	cases := []struct {
		name       string
		engineArgs []string
		format     dotc1z.C1ZFormat
	}{
		{"default engine", nil, dotc1z.C1ZFormatV3},
		{"--storage-engine sqlite", []string{"--storage-engine", "sqlite"}, dotc1z.C1ZFormatV1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			syncPath := filepath.Join(t.TempDir(), "sync.c1z")
			args := append([]string{"--access-token", env.Token, "--organization-id", env.OrgID, "--base-url", env.URL, "-f", syncPath}, tc.engineArgs...)
			if out, err := run(t, bin, cleanEnv(), args...); err != nil {
				t.Fatalf("sync: %v\n%s", err, out)
			}
			if got := formatOf(t, syncPath); got != tc.format {
				t.Errorf("the sync was written in c1z format %s, want %s", got, tc.format)
			}
			if got := earlierColumns(reportRows(t, bin, syncPath, organization)); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("the report of this sync differs from the earlier release's report of the same organization:\n got %v\nwant %v", got, want)
			}
		})
	}
	t.Run("file of an earlier release", func(t *testing.T) {
		if got := formatOf(t, sqliteFixture); got != dotc1z.C1ZFormatV1 {
			t.Fatalf("the fixture is in c1z format %s, not SQLite (v1)", got)
		}
		rows := reportRows(t, bin, sqliteFixture, organization)
		if got := earlierColumns(rows); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("today's report of the earlier release's sync differs from that release's:\n got %v\nwant %v", got, want)
		}
		// That release's sync holds no activity: no row has a last activity.
		lastActive := len(fixtureColumns)
		if i := slices.IndexFunc(rows, func(r []string) bool { return r[lastActive] != "" }); i >= 0 {
			t.Errorf("row %d of a sync without activity has last activity %q", i, rows[i][lastActive])
		}
	})
}

// fixtureRows are the rows of the fixture's report: the row's columns,
// without the metadata columns a report written by scripts/c1z-fixture.sh
// today also has (the committed one, of an earlier release, has none).
func fixtureRows(t *testing.T) [][]string {
	t.Helper()
	data, err := os.ReadFile(sqliteFixtureReport)
	if err != nil {
		t.Fatal(err)
	}
	header, err := csv.NewReader(bytes.NewReader(data)).Read()
	if err != nil {
		t.Fatalf("%s: %v", sqliteFixtureReport, err)
	}
	if slices.Equal(header, fixtureColumns) {
		return readCSV(t, sqliteFixtureReport, fixtureColumns)
	}
	rows, _ := readReport(t, sqliteFixtureReport)
	return earlierColumns(rows)
}

// fixtureColumns are the row columns of the earlier release's report: the
// last_active column came after it.
var fixtureColumns = rowColumns[:slices.Index(rowColumns, "last_active")]

// earlierColumns are rows cut to fixtureColumns.
func earlierColumns(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r[:len(fixtureColumns)]
	}
	return out
}

// reportRows is the CSV report of a sync, without its header or its
// metadata, which must name organization and a finished sync.
func reportRows(t *testing.T, bin, syncPath string, organization sandbox.Organization) [][]string {
	t.Helper()
	syncPath, err := filepath.Abs(syncPath)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report.csv")
	if text, err := run(t, bin, cleanEnv(), "report", "-f", syncPath, "--format", "csv", "--output", out); err != nil {
		t.Fatalf("report: %v\n%s", err, text)
	}
	rows, metadata := readReport(t, out)
	if metadata["organization_id"] != organization.ID || metadata["organization_name"] != organization.Name {
		t.Errorf("the report names organization %q (%q), the sandbox's is %q (%q)",
			metadata["organization_id"], metadata["organization_name"], organization.ID, organization.Name)
	}
	started, errStarted := time.Parse(time.RFC3339, metadata["sync_started_at"])
	ended, errEnded := time.Parse(time.RFC3339, metadata["sync_ended_at"])
	if err := errors.Join(errStarted, errEnded); err != nil || ended.Before(started) {
		t.Errorf("the report's sync started %q and ended %q: %v", metadata["sync_started_at"], metadata["sync_ended_at"], err)
	}
	return rows
}

func formatOf(t *testing.T, path string) dotc1z.C1ZFormat {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	format, err := dotc1z.ReadHeaderFormat(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return format
}
