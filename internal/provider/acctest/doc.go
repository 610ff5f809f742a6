// Package acctest is what the provider's acceptance tests share: a sandbox
// organization per test and the provider block that reaches it (Org); the
// real terraform CLI through internal/tfdriver (CLI), which shows
// everything a user sees (the test framework hides the output of the steps
// that succeed, and cannot express "this apply may fail, the next must
// converge"), with the provider served in the test process or built as a
// plugin binary of its own; the access an apply must leave in the sandbox
// (OrgAccess); and diagnostics as terraform prints them (AttrError,
// Warning, ...).
//
// It is imported by tests only. It cannot import the provider package
// (the provider's tests import it), so what needs the provider itself (its
// address, its factories, a provider with a test clock) stays in the
// provider's test files.
package acctest
