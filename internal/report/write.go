package report

import (
	"bufio"
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"
)

// Formats the report is written in.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
	FormatHTML = "html"
)

// Formats lists them, for flag help and validation.
var Formats = []string{FormatCSV, FormatJSON, FormatHTML}

// Write writes the report in one of Formats.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case FormatCSV:
		return r.WriteCSV(w)
	case FormatJSON:
		return r.WriteJSON(w)
	case FormatHTML:
		return r.WriteHTML(w)
	}
	return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
}

// MetadataColumns follow Columns in the CSV: the report's Metadata,
// repeated on every row, so that the file names its organization, sync and
// writer wherever its rows are copied, and spreadsheet tools read it as any
// other CSV.
var MetadataColumns = []string{
	"organization_id", "organization_name", "sync_id", "sync_started_at", "sync_ended_at", "tool_version",
}

// Record is the metadata as CSV fields, in the order of MetadataColumns;
// times are UTC, to the second, as RFC 3339.
func (m Metadata) Record() []string {
	return []string{m.OrganizationID, m.OrganizationName, m.SyncID, FormatTime(m.SyncStartedAt), FormatTime(m.SyncEndedAt), m.ToolVersion}
}

// FormatTime is a time as the CSV and the HTML page write it: UTC, to the
// second, RFC 3339; "" for a time the sync did not record.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// WriteCSV writes a header of Columns then MetadataColumns, and one record
// per row.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(slices.Concat(Columns, MetadataColumns)); err != nil {
		return err
	}
	meta := r.Metadata.Record()
	for _, row := range r.Rows {
		if err := cw.Write(slices.Concat(row.Record(), meta)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes one JSON object: the metadata, the summary and findings
// the HTML page shows, then the rows (the CSV's Columns), one per line. The rows are written
// as they are encoded, so a large review is never held twice in memory.
func (r *Report) WriteJSON(w io.Writer) error {
	metadata, err := json.Marshal(r.Metadata)
	if err != nil {
		return err
	}
	summary, err := json.Marshal(r.Summary())
	if err != nil {
		return err
	}
	findings, err := json.Marshal(r.Findings())
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if _, err := fmt.Fprintf(bw, "{\n\"metadata\": %s,\n\"summary\": %s,\n\"findings\": %s,\n\"rows\": [", metadata, summary, findings); err != nil {
		return err
	}
	for i, row := range r.Rows {
		line, err := json.Marshal(row)
		if err != nil {
			return err
		}
		separator := ",\n"
		if i == 0 {
			separator = "\n"
		}
		if _, err := bw.WriteString(separator); err != nil {
			return err
		}
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	if _, err := bw.WriteString("\n]}\n"); err != nil {
		return err
	}
	return bw.Flush()
}

//go:embed report.html.tmpl
var templates embed.FS

var page = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"accessLabel": accessLabel,
	"formatTime":  FormatTime,
	"day":         day,
}).ParseFS(templates, "report.html.tmpl"))

// day is the date of a time, as the page shows last activity; "never" for
// none.
func day(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.UTC().Format(time.DateOnly)
}

// LastActiveCell is the table's last-active cell of a row: the date of its
// last activity, "" when there is none.
func LastActiveCell(lastActive string) string {
	if len(lastActive) < len(time.DateOnly) {
		return ""
	}
	return lastActive[:len(time.DateOnly)]
}

// accessLabel is an access type as a reviewer reads it.
func accessLabel(accessType string) string {
	switch accessType {
	case AccessGroupMembership:
		return "group membership"
	case AccessWorkspaceRole:
		return "workspace role"
	case AccessOrganizationRole:
		return "organization role"
	}
	return accessType
}

// WriteHTML writes one self-contained page: no request leaves it, every
// style and script is inline.
func (r *Report) WriteHTML(w io.Writer) error {
	return page.Execute(w, pageData{r.Metadata, r.Summary(), r.Findings(), len(r.Rows), r.tableRows()})
}

// pageData is what the page's template shows.
type pageData struct {
	Metadata Metadata
	Summary  Summary
	Findings Findings
	Rows     int
	Table    template.HTML
}

// tableRows renders the table's rows.
func (r *Report) tableRows() template.HTML {
	var b strings.Builder
	for _, row := range r.Rows {
		appendTableRow(&b, row)
	}
	return template.HTML(b.String())
}

// appendTableRow renders one row of the table. html/template escapes by
// context at every action, which takes seconds for the tens of thousands
// of cells of a large organization; the cells here are all text in a
// <td>, where HTMLEscapeString is exactly the escaping needed.
func appendTableRow(b *strings.Builder, row Row) {
	cell := func(class, text string) {
		b.WriteString("<td")
		if class != "" {
			b.WriteString(` class="` + class + `"`)
		}
		b.WriteString(">")
		b.WriteString(template.HTMLEscapeString(text))
		b.WriteString("</td>")
	}
	b.WriteString("<tr>")
	cell("", row.Email)
	cell("", row.Name)
	if row.AccountStatus == "active" {
		cell("", row.AccountStatus)
	} else {
		b.WriteString(`<td><span class="tag bad">` + template.HTMLEscapeString(row.AccountStatus) + "</span></td>")
	}
	cell("", row.ClaimStatus)
	cell("", accessLabel(row.AccessType))
	cell("", row.ResourceName)
	cell("", row.Role)
	cell("", row.Path)
	cell("", LastActiveCell(row.LastActive))
	cell("id", row.AccountID)
	cell("id", row.ResourceID)
	b.WriteString("</tr>\n")
}
