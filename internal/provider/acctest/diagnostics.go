package acctest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cureigad/terraform-provider-atlassian/internal/tfdriver"
)

// WordsPattern matches a phrase whatever line wrapping terraform applies to
// its words.
func WordsPattern(phrase string) string {
	words := strings.Fields(phrase)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(words, `\s+`)
}

// AttrError matches an error diagnostic on one attribute of one
// resource as terraform prints it: the summary, the resource address, the
// configuration line of the attribute ("<n>:   <attribute> = ..."), then
// the phrases of the detail, in order.
func AttrError(summary, address, attribute string, phrases ...string) *regexp.Regexp {
	pattern := `(?s)Error: ` + WordsPattern(summary) + `\s+with ` + regexp.QuoteMeta(address) + `,\s+on [^\n]+ line \d+, in [^\n]+:\s+\d+:\s+` +
		regexp.QuoteMeta(attribute) + `\s*=`
	for _, p := range phrases {
		pattern += `.*` + WordsPattern(p)
	}
	return regexp.MustCompile(pattern)
}

// BlockError matches an error diagnostic on a whole block (no
// attribute): the configuration line shown is the block's first.
func BlockError(summary, address string, phrases ...string) *regexp.Regexp {
	pattern := `(?s)Error: ` + WordsPattern(summary) + `\s+with ` + regexp.QuoteMeta(address) + `,\s+on [^\n]+ line \d+, in [^\n]+:\s+\d+:\s+(resource|data) "`
	for _, p := range phrases {
		pattern += `.*` + WordsPattern(p)
	}
	return regexp.MustCompile(pattern)
}

// PlainError matches an error diagnostic without a configuration
// location (import ids, provider errors): the summary, then the phrases.
func PlainError(summary string, phrases ...string) *regexp.Regexp {
	pattern := `(?s)Error: ` + WordsPattern(summary)
	for _, p := range phrases {
		pattern += `.*` + WordsPattern(p)
	}
	return regexp.MustCompile(pattern)
}

// Warning matches a warning as terraform prints it: the summary, then the
// phrases of its detail, in order.
func Warning(summary string, phrases ...string) *regexp.Regexp {
	pattern := `(?s)Warning: ` + WordsPattern(summary)
	for _, p := range phrases {
		pattern += `.*` + WordsPattern(p)
	}
	return regexp.MustCompile(pattern)
}

func ExpectOutput(t *testing.T, res tfdriver.Result, want *regexp.Regexp) {
	t.Helper()
	if !want.MatchString(res.Output) {
		t.Fatalf("terraform %s does not show %s:\n%s", res.Command, want, tfdriver.LastLines(res.Output, 80))
	}
}

func ExpectNoOutput(t *testing.T, res tfdriver.Result, unwanted string) {
	t.Helper()
	if strings.Contains(res.Output, unwanted) {
		t.Fatalf("terraform %s shows %q:\n%s", res.Command, unwanted, tfdriver.LastLines(res.Output, 80))
	}
}
