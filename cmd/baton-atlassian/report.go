package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cureigad/terraform-provider-atlassian/internal/report"
)

// reportCommandName is the first argument that runs the report instead of
// the connector.
const reportCommandName = "report"

// newReportCommand is `baton-atlassian report`: the access review of a
// finished sync. Its --file and --c1z-temp-dir flags and their
// environment variables are spelled as the SDK spells its own, so one
// setting serves both the sync and its report. It needs no credentials: it
// never calls Atlassian.
func newReportCommand() *cobra.Command {
	var format, output, file, tmpDir string
	var inactiveDays int
	cmd := &cobra.Command{
		Use:   reportCommandName,
		Short: "Write the access review of a finished sync (--file) as CSV, JSON or HTML",
		Long: "Reads the sync in --file (a .c1z written by this connector) and writes one row per account and " +
			"access it holds: group memberships, workspace roles and organization roles, each with its path " +
			"(direct, or the group it comes through). The HTML page is one self-contained file with findings, " +
			"summary counts and a table to filter and sort. Every format names the organization, the sync it reads " +
			"(the latest finished full sync: its id, start and end) and this binary's version: the HTML in its header, " +
			"the JSON in a top-level \"metadata\" object, the CSV in columns after the row's own on every row. " +
			"Product access unused for --inactive-days before the end of the sync, or never used, is a finding, " +
			"with the seats per workspace that removing it would free; so are admins without two-step verification, " +
			"and admins invited by hand in an organization whose accounts are synced from an identity provider. " +
			"Atlassian is never called. An --output file is " +
			"readable by its owner only: it lists every account's access.",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(report.Formats, format) {
				return fmt.Errorf("--format %q: use one of %s", format, strings.Join(report.Formats, ", "))
			}
			if inactiveDays < 1 {
				return fmt.Errorf("--inactive-days %d: give a number of days of one or more", inactiveDays)
			}
			if env := os.Getenv("BATON_FILE"); env != "" && !cmd.Flags().Changed("file") {
				file = env
			}
			if env := os.Getenv("BATON_C1Z_TEMP_DIR"); env != "" && !cmd.Flags().Changed("c1z-temp-dir") {
				tmpDir = env
			}
			if _, err := os.Stat(file); err != nil {
				return fmt.Errorf("--file: %w (run a sync first: baton-atlassian --access-token ... --organization-id ... -f %s)", err, file)
			}
			opts := report.Options{ToolVersion: version, InactiveDays: inactiveDays}
			write := func(w io.Writer) error { return report.WriteSync(cmd.Context(), file, tmpDir, w, format, opts) }
			if output == "" {
				w := bufio.NewWriter(cmd.OutOrStdout())
				if err := write(w); err != nil {
					return err
				}
				return w.Flush()
			}
			return writeFile(output, write)
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "sync.c1z", "The sync to report on (a .c1z written by this connector, either storage engine) (env: BATON_FILE)")
	cmd.Flags().StringVar(&tmpDir, "c1z-temp-dir", "", "The directory for the sync's decompressed copy while it is read (default: the system's) (env: BATON_C1Z_TEMP_DIR)")
	cmd.Flags().StringVar(&format, "format", report.FormatCSV, "The output format: "+strings.Join(report.Formats, ", "))
	cmd.Flags().IntVar(&inactiveDays, "inactive-days", report.DefaultInactiveDays, "How many days product access may go unused before the report names it")
	cmd.Flags().StringVarP(&output, "output", "o", "", "The file to write (default: standard output)")
	return cmd
}

// writeFile writes through a temporary file renamed into place, so that a
// failed report never leaves half a file behind under the name asked for.
// The temporary file, and so the report, is created readable by its owner
// only (os.CreateTemp's mode).
func writeFile(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriter(tmp)
	if err := write(w); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := errors.Join(w.Flush(), tmp.Close()); err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	return nil
}
