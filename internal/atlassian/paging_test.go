package atlassian

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestNextCursor(t *testing.T) {
	cases := map[string]string{
		"":                "",
		"  ":              "",
		"opaque-Y3Vyc29y": "opaque-Y3Vyc29y",
		"/admin/v2/orgs/o/directories/-/users?cursor=abc&limit=100":    "abc",
		"https://api.atlassian.com/admin/v2/orgs/o/users?cursor=a%2Bb": "a+b",
		"https://api.atlassian.com/admin/v2/orgs/o/users":              "",
	}
	for in, want := range cases {
		if got := NextCursor(in); got != want {
			t.Errorf("NextCursor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAllReachesTheLastPage(t *testing.T) {
	pages := map[string]Page[int]{
		"":   {Items: []int{1, 2}, Next: "c1"},
		"c1": {Items: []int{3}, Next: "c2"},
		"c2": {Items: []int{4, 5}},
	}
	got, err := Collect(All(context.Background(), func(_ context.Context, cursor string) (Page[int], error) {
		return pages[cursor], nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[1 2 3 4 5]" {
		t.Fatalf("got %v", got)
	}
}

func TestAllStopsOnARepeatedCursor(t *testing.T) {
	calls := 0
	_, err := Collect(All(context.Background(), func(_ context.Context, cursor string) (Page[int], error) {
		calls++
		return Page[int]{Items: []int{calls}, Next: "same"}, nil
	}))
	if err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("want a loop error, got %v after %d calls", err, calls)
	}
}

func TestParseRateLimitReset(t *testing.T) {
	cases := map[string]string{
		"2026-03-26T16:00Z":        "2026-03-26T16:00:00Z",
		"2026-03-26T16:00:05Z":     "2026-03-26T16:00:05Z",
		"2026-03-26T16:00:05.250Z": "2026-03-26T16:00:05.25Z",
		"2026-03-26T18:00+02:00":   "2026-03-26T16:00:00Z",
		"2026-03-26T16:00:05":      "2026-03-26T16:00:05Z",
	}
	for in, want := range cases {
		got, ok := ParseRateLimitReset(in)
		if !ok || got.Format(time.RFC3339Nano) != want {
			t.Errorf("ParseRateLimitReset(%q) = %v, %v; want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "soon", "1700000000x"} {
		if _, ok := ParseRateLimitReset(bad); ok {
			t.Errorf("ParseRateLimitReset(%q) accepted", bad)
		}
	}
}

func TestPathfEscapesValues(t *testing.T) {
	got := pathf(routeGroupMembership, "org", "dir", "g/1", "712020:abc")
	want := "/v2/orgs/org/directories/dir/groups/g%2F1/memberships/712020:abc"
	if got != want {
		t.Fatalf("pathf = %q, want %q", got, want)
	}
}
