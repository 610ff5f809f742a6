package atlassian

import "testing"

func TestGroupIDFromLocation(t *testing.T) {
	for location, want := range map[string]string{
		"https://api.atlassian.com/admin/v2/orgs/o/directories/d/groups/0f8fad5b-d9cb-469f-a165-70867728950e": "0f8fad5b-d9cb-469f-a165-70867728950e",
		"/admin/v2/orgs/o/directories/d/groups/g1/":                                                           "g1",
		"/admin/v2/orgs/o/directories/d/groups/a%2Fb":                                                         "a/b",
		"":                                      "",
		"/admin/v2/orgs/o/directories/d/groups": "",
		"/admin/v2/orgs/o/directories/d/users/someone": "",
		"::not a url": "",
	} {
		if got := groupIDFromLocation(location); got != want {
			t.Errorf("groupIDFromLocation(%q) = %q, want %q", location, got, want)
		}
	}
}
