package contract

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// TallyEnv names the environment variable that, when set to a directory,
// makes every checker append its counts and violations there (see
// WriteTally), so that a whole `make test` can be summed (SumTally).
const TallyEnv = "ATLASSIAN_CONTRACT_TALLY"

// tallyFile is the one file of a tally directory. Every test process
// appends to it; each checker writes its records with one write(2) on a
// file opened O_APPEND, so records of concurrent writers never interleave.
const tallyFile = "contract-tally.jsonl"

// tallyRecord is one line of the tally: the counts of one operation, or one
// distinct violation and how many times it happened.
type tallyRecord struct {
	Operation string `json:"operation,omitempty"`
	Requests  int    `json:"requests,omitempty"`
	Answers   int    `json:"answers,omitempty"`
	Violation string `json:"violation,omitempty"`
	Times     int    `json:"times,omitempty"`
}

var tallyMu sync.Mutex // one writer at a time within a process

// WriteTally appends the checker's counts and violations to the tally
// directory named by TallyEnv; it does nothing when the variable is unset.
func (c *Checker) WriteTally() error {
	dir := os.Getenv(TallyEnv)
	if dir == "" {
		return nil
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	for op, n := range c.Counts() {
		if err := enc.Encode(tallyRecord{Operation: op, Requests: n.Requests, Answers: n.Answers}); err != nil {
			return err
		}
	}
	for _, v := range c.Violations() {
		if err := enc.Encode(tallyRecord{Violation: v.String(), Times: v.Times}); err != nil {
			return err
		}
	}
	if buf.Len() == 0 {
		return nil
	}
	tallyMu.Lock()
	defer tallyMu.Unlock()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, tallyFile), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(buf.String()); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// Tally is the sum of a tally directory.
type Tally struct {
	Counts     map[string]Count
	Violations map[string]int
}

// SumTally adds up what every checker appended to dir.
func SumTally(dir string) (t Tally, err error) {
	t = Tally{Counts: map[string]Count{}, Violations: map[string]int{}}
	f, err := os.Open(filepath.Join(dir, tallyFile))
	if err != nil {
		return t, err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var r tallyRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return t, fmt.Errorf("%s line %d: %w", f.Name(), line, err)
		}
		if r.Operation != "" {
			n := t.Counts[r.Operation]
			n.Requests += r.Requests
			n.Answers += r.Answers
			t.Counts[r.Operation] = n
		}
		if r.Violation != "" {
			t.Violations[r.Violation] += r.Times
		}
	}
	return t, sc.Err()
}

// Print writes the tally: per operation the requests and answers checked,
// then the distinct violations, most frequent first.
func (t Tally) Print(w io.Writer) error {
	// Built whole, then written at once: one write error to check.
	var b strings.Builder
	ops := sortedKeys(t.Counts)
	fmt.Fprintf(&b, "%-9s %-9s operation\n", "requests", "answers")
	var reqs, answers int
	for _, op := range ops {
		n := t.Counts[op]
		reqs, answers = reqs+n.Requests, answers+n.Answers
		fmt.Fprintf(&b, "%-9d %-9d %s\n", n.Requests, n.Answers, op)
	}
	fmt.Fprintf(&b, "%-9d %-9d in all (%d operations)\n", reqs, answers, len(ops))
	vs := sortedKeys(t.Violations)
	sort.SliceStable(vs, func(i, j int) bool { return t.Violations[vs[i]] > t.Violations[vs[j]] })
	fmt.Fprintf(&b, "\n%d distinct violations\n", len(vs))
	for _, v := range vs {
		fmt.Fprintf(&b, "%7dx %s\n", t.Violations[v], v)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
