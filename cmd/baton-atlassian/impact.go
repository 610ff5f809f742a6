package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/spf13/cobra"

	"github.com/cureigad/terraform-provider-atlassian/internal/access"
	"github.com/cureigad/terraform-provider-atlassian/internal/connector"
	"github.com/cureigad/terraform-provider-atlassian/internal/impact"
	"github.com/cureigad/terraform-provider-atlassian/internal/orgconfig"
)

// impactCommandName is the first argument that runs the impact of a plan.
const impactCommandName = "impact"

// exitFlagRaised is the exit status when a flag listed in --fail-on is
// raised, told apart from a failure to compute the impact (1).
const exitFlagRaised = 2

// flagRaisedError is a --fail-on flag raised: the report was written.
type flagRaisedError struct{ flags []string }

func (e *flagRaisedError) Error() string {
	return "impact: raised " + strings.Join(e.flags, ", ") + " (listed in --fail-on)"
}

// credentialEnv are the environment variables of the credentials, each
// with the spellings the connector's own commands accept.
var credentialEnv = map[string][]string{
	"access-token":    {"BATON_ACCESS_TOKEN", "BATON_API_TOKEN"},
	"organization-id": {"BATON_ORGANIZATION_ID", "BATON_ORG"},
	"base-url":        {"BATON_BASE_URL"},
}

// newImpactCommand is `baton-atlassian impact`: who gains and who loses
// what if a saved Terraform plan is applied.
func newImpactCommand() *cobra.Command {
	var planFile, format, output, jsonOutput, failOn string
	var maxAccounts, markdownLimit int
	creds := map[string]*string{"access-token": new(string), "organization-id": new(string), "base-url": new(string)}
	cmd := &cobra.Command{
		Use:   impactCommandName,
		Short: "Write who gains and who loses what access if a saved Terraform plan is applied",
		Long: "Reads a saved plan in Terraform's JSON form (terraform show -json tfplan > plan.json; --plan - reads standard " +
			"input), reads the live organization through the connector (the listings of the groups whose members or roles " +
			"change, and on each workspace where a role changes, the groups and accounts holding one there) and writes, for " +
			"every account, the access it gains or loses: group memberships, workspace roles and organization roles, held " +
			"directly or through groups, suspensions, and invitations (a person not yet in the organization is named by " +
			"email; an invitation destroyed with remove_on_destroy loses its account everything). A gain is reported only when the account held the access no other way, a loss only when no path " +
			"remains. Risk flags (" + strings.Join(impact.Flags, ", ") + ") come first; --fail-on lists those that make " +
			"the command exit with status 2 once the report is written. The Markdown fits a GitHub pull request comment; " +
			"--json-output writes the full JSON beside it.",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if planFile == "" {
				return errors.New(`required flag(s) "plan" not set: give the saved plan's JSON file, or - for standard input`)
			}
			if !slices.Contains(impact.Formats, format) {
				return fmt.Errorf("--format %q: use one of %s", format, strings.Join(impact.Formats, ", "))
			}
			failOnFlags, err := impact.ParseFlags(failOn)
			if err != nil {
				return fmt.Errorf("--fail-on: %w", err)
			}
			if maxAccounts < 1 {
				return fmt.Errorf("--max-accounts %d: must be at least 1", maxAccounts)
			}
			if markdownLimit < 1 || markdownLimit > impact.MarkdownLimit {
				return fmt.Errorf("--markdown-limit %d: must be between 1 and %d", markdownLimit, impact.MarkdownLimit)
			}
			for name, value := range creds {
				if cmd.Flags().Changed(name) {
					continue
				}
				for _, env := range credentialEnv[name] {
					if v := os.Getenv(env); v != "" {
						*value = v
						break
					}
				}
			}
			plan, err := readPlanFile(planFile, cmd.InOrStdin())
			if err != nil {
				return err
			}
			org, err := orgconfig.New(orgconfig.Config{
				BaseURL:        *creds["base-url"],
				OrganizationID: *creds["organization-id"],
				APIToken:       *creds["access-token"],
				UserAgent:      "baton-atlassian/" + version,
			})
			if err != nil {
				return fmt.Errorf("baton-atlassian impact: %w", err)
			}
			conn, err := connector.Open(cmd.Context(), connector.Config{Config: org, RememberListedUsers: true})
			if err != nil {
				return err
			}
			rep, err := impact.Compute(cmd.Context(), access.New(conn), conn.OrganizationID(), plan, impact.Options{MaxAccounts: maxAccounts, Concurrency: 8})
			if err != nil {
				return err
			}
			if jsonOutput != "" {
				if err := writeFile(jsonOutput, func(w io.Writer) error { return rep.Write(w, impact.FormatJSON) }); err != nil {
					return fmt.Errorf("--json-output: %w", err)
				}
			}
			write := func(w io.Writer) error {
				if format == impact.FormatMarkdown {
					_, err := io.WriteString(w, rep.Markdown(markdownLimit))
					return err
				}
				return rep.Write(w, format)
			}
			if output == "" {
				w := bufio.NewWriter(cmd.OutOrStdout())
				if err := write(w); err != nil {
					return err
				}
				if err := w.Flush(); err != nil {
					return err
				}
			} else if err := writeFile(output, write); err != nil {
				return err
			}
			if raised := rep.Raised(failOnFlags); len(raised) > 0 {
				return &flagRaisedError{flags: raised}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&planFile, "plan", "", "The saved plan in JSON (terraform show -json tfplan), or - for standard input")
	cmd.Flags().StringVar(&format, "format", impact.FormatMarkdown, "The output format: "+strings.Join(impact.Formats, ", "))
	cmd.Flags().StringVarP(&output, "output", "o", "", "The file to write (default: standard output)")
	cmd.Flags().StringVar(&jsonOutput, "json-output", "", "Also write the full JSON to this file (for a CI artifact beside the Markdown comment)")
	cmd.Flags().StringVar(&failOn, "fail-on", "", "Exit with status 2 when one of these flags is raised, comma-separated: "+strings.Join(impact.Flags, ", "))
	cmd.Flags().IntVar(&markdownLimit, "markdown-limit", impact.MarkdownLimit, "The most characters the Markdown may have, "+
		"for a comment that carries more beside it (the default is GitHub's limit on a comment)")
	cmd.Flags().IntVar(&maxAccounts, "max-accounts", impact.DefaultMaxAccounts, "Flag a resource change that reaches more accounts than this ("+impact.FlagManyAccounts+")")
	cmd.Flags().StringVar(creds["access-token"], "access-token", "", "The organization's API key (env: BATON_ACCESS_TOKEN or BATON_API_TOKEN)")
	cmd.Flags().StringVar(creds["organization-id"], "organization-id", "", "The organization's id (env: BATON_ORGANIZATION_ID or BATON_ORG)")
	cmd.Flags().StringVar(creds["base-url"], "base-url", "", "The admin API's host, for testing against the sandbox organization (cmd/atlassian-sandbox); http:// only for a loopback host (env: BATON_BASE_URL)")
	return cmd
}

// readPlanFile reads a plan in Terraform's JSON form from a file, or from
// in when path is "-".
func readPlanFile(path string, in io.Reader) (*tfjson.Plan, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(in)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("--plan: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("--plan: the file is empty (write it with: terraform show -json tfplan > plan.json)")
	}
	var plan tfjson.Plan
	if err := json.Unmarshal(data, &plan); err != nil {
		return nil, fmt.Errorf("--plan: not a plan in Terraform's JSON form (terraform show -json tfplan): %w", err)
	}
	if plan.FormatVersion == "" {
		return nil, errors.New("--plan: not a plan in Terraform's JSON form (no format_version): write it with terraform show -json tfplan")
	}
	return &plan, nil
}
