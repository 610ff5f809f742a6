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
		accounts[accountOf(e)] = true
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

	out := head.String()
	// The role table takes at most half of what is left, so that some
	// people always show; the rows left out are counted below it.
	roleBudget := (limit - runeLen(out)) / 2
	table := "### By role\n\n| Access | Resource | Role | Gains | Losses |\n|---|---|---|---:|---:|\n"
	rows := r.byRole()
	for i, row := range rows {
		line := fmt.Sprintf("| %s | %s | %#q | %d | %d |\n", row.access, cell(row.resource), row.role, row.gains, row.losses)
		if runeLen(table)+runeLen(line) > roleBudget {
			left := len(rows) - i
			table += fmt.Sprintf("\n_…and %d more %s of this table: the JSON (`--format json`) lists every change._\n", left, plural(left, "row", "rows"))
			break
		}
		table += line
	}
	out += table + "\n### People\n\n"

	// The footer that says who was left out must always fit.
	const footerRoom = 300
	people := r.byAccount()
	for i, p := range people {
		if runeLen(out)+runeLen(p.text)+footerRoom > limit {
			left := len(people) - i
			out += fmt.Sprintf("\n_…and %d more %s not shown here: the JSON (`--format json`) lists every change._\n",
				left, plural(left, "account", "accounts"))
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
		if i == 0 || accountOf(r.Changes[i-1]) != accountOf(e) {
			if b.Len() > 0 {
				out = append(out, accountSection{b.String() + "\n", accountOf(r.Changes[i-1])})
				b.Reset()
			}
			switch {
			case e.AccountID == "":
				fmt.Fprintf(&b, "**%s** (invited: no account yet)\n", text(e.Email))
			case e.Managed:
				fmt.Fprintf(&b, "**%s** %s `%s`\n", text(cmp.Or(e.Name, e.AccountID)), text(e.Email), e.AccountID)
			default:
				fmt.Fprintf(&b, "**%s** %s `%s` (unmanaged)\n", text(cmp.Or(e.Name, e.AccountID)), text(e.Email), e.AccountID)
			}
		}
		sign, verb := ":heavy_plus_sign:", "gains"
		if e.Change == ChangeLoss {
			sign, verb = ":heavy_minus_sign:", "loses"
		}
		what := fmt.Sprintf("%#q on %s", e.Role, text(cmp.Or(e.ResourceName, e.ResourceID)))
		switch e.Access {
		case AccessGroupMembership:
			what = "membership of " + text(cmp.Or(e.ResourceName, e.ResourceID))
		case AccessSuspension:
			what = "a suspension from the organization"
		}
		fmt.Fprintf(&b, "- %s %s %s, %s", sign, verb, what, r.pathsText(e.Paths))
		if e.ExpiresAt != "" {
			fmt.Fprintf(&b, ", until %s", e.ExpiresAt)
		}
		if len(e.Addresses) > 0 {
			fmt.Fprintf(&b, ": %s", codeList(e.Addresses, 3))
		}
		b.WriteString("\n")
	}
	if b.Len() > 0 {
		out = append(out, accountSection{b.String(), accountOf(r.Changes[len(r.Changes)-1])})
	}
	return out
}

// pathsText says how access comes: directly, or through groups by name.
func (r *Report) pathsText(paths []string) string {
	var parts []string
	for _, p := range paths {
		if p == PathDirect {
			parts = append(parts, "directly")
			continue
		}
		if name := r.groupNames[p]; name != "" {
			parts = append(parts, "through group "+text(name))
		} else {
			parts = append(parts, "through group `"+p+"`")
		}
	}
	return strings.Join(parts, " and ")
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
