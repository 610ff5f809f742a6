package impact

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Output formats.
const (
	FormatJSON     = "json"
	FormatMarkdown = "markdown"
)

// Formats are the output formats, the default first.
var Formats = []string{FormatMarkdown, FormatJSON}

// MarkdownLimit is the most characters the Markdown may have: GitHub's
// limit on a pull request comment.
const MarkdownLimit = 65536

// Write writes the report in a format.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case FormatMarkdown:
		_, err := io.WriteString(w, r.Markdown(MarkdownLimit))
		return err
	}
	return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
}

// Markdown renders the report for a pull request comment of at most limit
// characters: the summary first (the counts, the flags raised, the gains
// and losses per role), then the people, each with what they gain and
// lose. What does not fit is counted in an "and N more" line.
func (r *Report) Markdown(limit int) string {
	var head strings.Builder
	head.WriteString("## Access impact of this plan\n\n")
	gains, losses := 0, 0
	accounts := map[string]bool{}
	for _, e := range r.Changes {
		accounts[e.AccountID] = true
		if e.Change == ChangeGain {
			gains++
		} else {
			losses++
		}
	}
	if len(r.Changes) == 0 {
		head.WriteString("No account gains or loses access.\n")
		return truncateRunes(head.String(), limit)
	}
	fmt.Fprintf(&head, "**%d %s, %d %s, %s.**\n\n", gains, plural(gains, "gain", "gains"), losses, plural(losses, "loss", "losses"),
		countAccounts(len(accounts)))
	if len(r.Flags) == 0 {
		head.WriteString("No risk flag raised.\n\n")
	} else {
		head.WriteString("### Risk flags\n\n| Flag | Accounts | Raised by |\n|---|---:|---|\n")
		for _, f := range r.Flags {
			fmt.Fprintf(&head, "| :warning: %s (`%s`) | %d | %s |\n", flagTitles[f.Name], f.Name, len(f.Accounts), codeList(f.Addresses, 5))
		}
		head.WriteString("\n")
	}

	// The body's parts, each with the account it shows ("" for the role
	// table's), added while they fit.
	type part struct{ text, account string }
	parts := []part{{text: "### By role\n\n| Access | Resource | Role | Gains | Losses |\n|---|---|---|---:|---:|\n"}}
	for _, row := range r.byRole() {
		parts = append(parts, part{text: fmt.Sprintf("| %s | %s | `%s` | %d | %d |\n", row.access, cell(row.resource), row.role, row.gains, row.losses)})
	}
	parts = append(parts, part{text: "\n### People\n\n"})
	for _, p := range r.byAccount() {
		parts = append(parts, part{text: p.text, account: p.accountID})
	}

	out := head.String()
	// The footer that says what was left out must always fit.
	const footerRoom = 300
	for i, p := range parts {
		if runeLen(out)+runeLen(p.text)+footerRoom > limit {
			rows, people := 0, 0
			for _, left := range parts[i:] {
				if left.account != "" {
					people++
				} else {
					rows++
				}
			}
			out += fmt.Sprintf("\n_…and %d more %s", people, plural(people, "account", "accounts"))
			if rows > 0 {
				out += fmt.Sprintf(" (and %d more %s of the role table)", rows, plural(rows, "row", "rows"))
			}
			out += " not shown here: the JSON (`--format json`) lists every change._\n"
			return truncateRunes(out, limit)
		}
		out += p.text
	}
	return out
}

type roleRow struct {
	access, resource, role string
	gains, losses          int
}

// byRole counts gains and losses per access, resource and role.
func (r *Report) byRole() []roleRow {
	index := map[[3]string]*roleRow{}
	var rows []*roleRow
	for _, e := range r.Changes {
		k := [3]string{e.Access, e.ResourceID, e.Role}
		row := index[k]
		if row == nil {
			row = &roleRow{access: e.Access, resource: cmp.Or(e.ResourceName, e.ResourceID), role: e.Role}
			index[k] = row
			rows = append(rows, row)
		}
		if e.Change == ChangeGain {
			row.gains++
		} else {
			row.losses++
		}
	}
	slices.SortFunc(rows, func(a, b *roleRow) int {
		return cmp.Or(cmp.Compare(a.access, b.access), cmp.Compare(a.resource, b.resource), cmp.Compare(a.role, b.role))
	})
	out := make([]roleRow, len(rows))
	for i, row := range rows {
		out[i] = *row
	}
	return out
}

// accountSection is one account's changes in Markdown.
type accountSection struct{ text, accountID string }

// byAccount renders each account's changes as one section (the entries are
// sorted by account).
func (r *Report) byAccount() []accountSection {
	var out []accountSection
	var b strings.Builder
	for i, e := range r.Changes {
		if i == 0 || r.Changes[i-1].AccountID != e.AccountID {
			if b.Len() > 0 {
				out = append(out, accountSection{b.String() + "\n", r.Changes[i-1].AccountID})
				b.Reset()
			}
			managed := ""
			if !e.Managed {
				managed = " (unmanaged)"
			}
			fmt.Fprintf(&b, "**%s** %s `%s`%s\n", text(cmp.Or(e.Name, e.AccountID)), text(e.Email), e.AccountID, managed)
		}
		sign, verb := "+", "gains"
		if e.Change == ChangeLoss {
			sign, verb = "-", "loses"
		}
		what := fmt.Sprintf("`%s` on %s", e.Role, text(cmp.Or(e.ResourceName, e.ResourceID)))
		switch e.Access {
		case AccessGroupMembership:
			what = "membership of " + text(cmp.Or(e.ResourceName, e.ResourceID))
		case AccessSuspension:
			what = "a suspension from the organization"
		}
		fmt.Fprintf(&b, "- %s %s %s (%s), through %s", sign, verb, what, e.Access, strings.Join(e.Paths, ", "))
		if e.ExpiresAt != "" {
			fmt.Fprintf(&b, ", until %s", e.ExpiresAt)
		}
		if len(e.Addresses) > 0 {
			fmt.Fprintf(&b, ": %s", codeList(e.Addresses, 3))
		}
		b.WriteString("\n")
	}
	if b.Len() > 0 {
		out = append(out, accountSection{b.String(), r.Changes[len(r.Changes)-1].AccountID})
	}
	return out
}

func codeList(items []string, most int) string {
	shown := items[:min(len(items), most)]
	parts := make([]string, len(shown))
	for i, s := range shown {
		parts[i] = "`" + strings.ReplaceAll(s, "`", "'") + "`"
	}
	out := strings.Join(parts, ", ")
	if len(items) > most {
		out += fmt.Sprintf(" and %d more", len(items)-most)
	}
	return out
}

// text escapes what Markdown would read as markup in a name.
var textEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "|", `\|`, "#", `\#`, "\n", " ")

func text(s string) string { return textEscaper.Replace(s) }

func cell(s string) string { return text(s) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func runeLen(s string) int { return len([]rune(s)) }

func truncateRunes(s string, limit int) string {
	r := []rune(s)
	if len(r) <= limit {
		return s
	}
	return string(r[:limit])
}
