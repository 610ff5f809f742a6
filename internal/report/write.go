package report

import (
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
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

// WriteCSV writes a header of Columns and one record per row.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, row := range r.Rows {
		if err := cw.Write(row.Record()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonReport is the JSON document: the rows, as in the CSV, with the
// summary and findings the HTML page shows.
type jsonReport struct {
	Summary  Summary  `json:"summary"`
	Findings Findings `json:"findings"`
	Rows     []Row    `json:"rows"`
}

// WriteJSON writes the rows, summary and findings as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	rows := r.Rows
	if rows == nil {
		rows = []Row{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{Summary: r.Summary(), Findings: r.Findings(), Rows: rows})
}

//go:embed report.html.tmpl
var templates embed.FS

var page = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"accessLabel": accessLabel,
}).ParseFS(templates, "report.html.tmpl"))

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
	return page.Execute(w, struct {
		Summary  Summary
		Findings Findings
		Rows     []Row
		Columns  []string
	}{r.Summary(), r.Findings(), r.Rows, Columns})
}
