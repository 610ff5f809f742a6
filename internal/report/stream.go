package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"slices"
	"strings"
)

// Options are what a report takes besides the sync.
type Options struct {
	// ToolVersion is the version of the tool writing the report.
	ToolVersion string
	// InactiveDays is as Report's; 0 is DefaultInactiveDays.
	InactiveDays int
}

// WriteSync writes the report of the latest finished full sync of a c1z
// file in one of Formats, as Load then Write would, byte for byte, without
// holding its rows: they are read account by account and written as they
// are read, so memory grows with the accounts and groups of the
// organization (what the report knows of each), never with its rows. The
// CSV reads the sync once. The JSON and the HTML page read it twice, since
// their summary and findings come before the rows: the JSON spools the
// findings that list an entry per account and workspace to files in
// tmpDir, the page holds them (it lists them all).
func WriteSync(ctx context.Context, c1zPath, tmpDir string, w io.Writer, format string, opts Options) error {
	if !slices.Contains(Formats, format) {
		return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
	}
	return withLatestFullSync(ctx, c1zPath, tmpDir, func(s *syncIndex) error {
		s.meta.ToolVersion = opts.ToolVersion
		switch format {
		case FormatCSV:
			return s.writeCSV(ctx, w)
		case FormatHTML:
			return s.writeHTML(ctx, w, opts.InactiveDays)
		}
		return s.writeJSON(ctx, w, tmpDir, opts.InactiveDays)
	})
}

func (s *syncIndex) writeCSV(ctx context.Context, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(slices.Concat(Columns, MetadataColumns)); err != nil {
		return err
	}
	meta := s.meta.Record()
	err := s.eachEmail(ctx, func(rows []Row) error {
		for _, row := range rows {
			if err := cw.Write(slices.Concat(row.Record(), meta)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// readFindings is the first reading of the sync: the summary, and the
// findings, each email's findings taken as its rows end. The findings that
// list an entry per account and workspace are handed to unused and
// neverUsed as they are found, and left empty in the findings returned.
func (s *syncIndex) readFindings(ctx context.Context, inactiveDays int, unused, neverUsed func(UnusedAccess) error) (Summary, Findings, error) {
	if inactiveDays <= 0 {
		inactiveDays = DefaultInactiveDays
	}
	synced := false
	for _, a := range s.accounts {
		if a.ManagementSource == "synced" {
			synced = true
			break
		}
	}
	groups := s.sortedGroups()
	summary := newSummaryBuilder(groups)
	findings := newFindingsBuilder(inactiveDays, asOf(s.meta), synced, s.account)
	f := findings.findings(groups)
	err := s.eachEmail(ctx, func(rows []Row) error {
		for _, row := range rows {
			summary.add(row)
			findings.add(row)
		}
		summary.settle()
		batch := findings.take()
		f.OrganizationAdmins = append(f.OrganizationAdmins, batch.organizationAdmins...)
		f.InactiveWithAccess = append(f.InactiveWithAccess, batch.inactiveWithAccess...)
		f.UnmanagedAdmins = append(f.UnmanagedAdmins, batch.unmanagedAdmins...)
		f.AdminsWithoutTwoStep = append(f.AdminsWithoutTwoStep, batch.adminsWithoutTwoStep...)
		f.HandInvitedAdmins = append(f.HandInvitedAdmins, batch.handInvitedAdmins...)
		for _, u := range batch.unused {
			if err := unused(u); err != nil {
				return err
			}
		}
		for _, u := range batch.neverUsed {
			if err := neverUsed(u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Summary{}, Findings{}, err
	}
	f.ReclaimableSeats = findings.reclaimableSeats()
	return summary.summary(len(s.accounts)), f, nil
}

func (s *syncIndex) writeJSON(ctx context.Context, w io.Writer, tmpDir string, inactiveDays int) (err error) {
	unused, err := newSpool(tmpDir)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, unused.remove()) }()
	neverUsed, err := newSpool(tmpDir)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, neverUsed.remove()) }()
	summaryOf, f, err := s.readFindings(ctx, inactiveDays,
		func(u UnusedAccess) error { return unused.add(u) }, func(u UnusedAccess) error { return neverUsed.add(u) })
	if err != nil {
		return err
	}

	metadata, err := json.Marshal(s.meta)
	if err != nil {
		return err
	}
	summaryJSON, err := json.Marshal(summaryOf)
	if err != nil {
		return err
	}
	// The findings are marshalled with the two spooled lists empty, and
	// the spools written in their place: the same bytes as marshalling
	// them whole.
	findingsJSON, err := json.Marshal(f)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if _, err := fmt.Fprintf(bw, "{\n\"metadata\": %s,\n\"summary\": %s,\n\"findings\": ", metadata, summaryJSON); err != nil {
		return err
	}
	if err := spliceSpools(bw, findingsJSON, map[string]*spool{
		`"unused_product_access":[]`: unused, `"never_used_product_access":[]`: neverUsed,
	}); err != nil {
		return err
	}
	if _, err := bw.WriteString(",\n\"rows\": ["); err != nil {
		return err
	}

	// The second reading: the rows.
	first := true
	err = s.eachEmail(ctx, func(rows []Row) error {
		for _, row := range rows {
			line, err := json.Marshal(row)
			if err != nil {
				return err
			}
			separator := ",\n"
			if first {
				separator, first = "\n", false
			}
			if _, err := bw.WriteString(separator); err != nil {
				return err
			}
			if _, err := bw.Write(line); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := bw.WriteString("\n]}\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// tableMarker stands for the table in the page while its template runs:
// no text the template writes holds a NUL (it escapes every one).
const tableMarker = "\x00table\x00"

// writeHTML writes the page as WriteHTML does, reading the sync twice:
// the summary and findings first (the page lists every entry of the
// findings), then the table's rows, written in the place of tableMarker.
func (s *syncIndex) writeHTML(ctx context.Context, w io.Writer, inactiveDays int) error {
	unused, neverUsed := []UnusedAccess{}, []UnusedAccess{}
	summary, f, err := s.readFindings(ctx, inactiveDays,
		func(u UnusedAccess) error { unused = append(unused, u); return nil },
		func(u UnusedAccess) error { neverUsed = append(neverUsed, u); return nil })
	if err != nil {
		return err
	}
	f.UnusedProductAccess, f.NeverUsedProductAccess = unused, neverUsed
	tw := &tableWriter{w: w, table: func(w io.Writer) error {
		var b strings.Builder
		return s.eachEmail(ctx, func(rows []Row) error {
			b.Reset()
			for _, row := range rows {
				appendTableRow(&b, row)
			}
			_, err := io.WriteString(w, b.String())
			return err
		})
	}}
	if err := page.Execute(tw, pageData{s.meta, summary, f, summary.Rows, template.HTML(tableMarker)}); err != nil {
		return err
	}
	if !tw.written {
		return errors.New("the page's template shows no table")
	}
	return nil
}

// tableWriter passes the page through, writing the table where the
// template wrote tableMarker (in one write: the template writes each
// action's value at once).
type tableWriter struct {
	w       io.Writer
	table   func(io.Writer) error
	written bool
}

func (t *tableWriter) Write(p []byte) (int, error) {
	at := -1
	if !t.written {
		at = bytes.Index(p, []byte(tableMarker))
	}
	if at < 0 {
		return t.w.Write(p)
	}
	t.written = true
	if _, err := t.w.Write(p[:at]); err != nil {
		return 0, err
	}
	if err := t.table(t.w); err != nil {
		return 0, err
	}
	if _, err := t.w.Write(p[at+len(tableMarker):]); err != nil {
		return 0, err
	}
	return len(p), nil
}

// spliceSpools writes doc with each empty list in it that spools name
// (a key and "[]", found once) replaced by the spool's entries.
func spliceSpools(w io.Writer, doc []byte, spools map[string]*spool) error {
	for len(doc) > 0 {
		at, key := len(doc), ""
		for k := range spools {
			if i := bytes.Index(doc, []byte(k)); i >= 0 && i < at {
				at, key = i, k
			}
		}
		if key == "" {
			_, err := w.Write(doc)
			return err
		}
		list := at + len(key) - len("[]")
		if _, err := w.Write(doc[:list]); err != nil {
			return err
		}
		if err := spools[key].writeList(w); err != nil {
			return err
		}
		doc = doc[at+len(key):]
		delete(spools, key)
	}
	return nil
}

// spool is a JSON list written to a temporary file entry by entry, to be
// copied into the report once the entries before it are written.
type spool struct {
	file    *os.File
	w       *bufio.Writer
	entries int
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "baton-atlassian-report-*.json")
	if err != nil {
		return nil, fmt.Errorf("spooling findings: %w", err)
	}
	return &spool{file: f, w: bufio.NewWriter(f)}, nil
}

func (s *spool) add(entry any) error {
	b, err := json.Marshal(entry)
	if err != nil {
		return err
	}
	if s.entries > 0 {
		if err := s.w.WriteByte(','); err != nil {
			return err
		}
	}
	s.entries++
	_, err = s.w.Write(b)
	return err
}

// writeList writes the entries as a JSON list.
func (s *spool) writeList(w io.Writer) error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	if _, err := io.Copy(w, s.file); err != nil {
		return err
	}
	_, err := io.WriteString(w, "]")
	return err
}

func (s *spool) remove() error {
	return errors.Join(s.file.Close(), os.Remove(s.file.Name()))
}
