package tfdriver

import "testing"

// The note terraform prints when a plan fails can land inside a
// diagnostic of the merged output; it moves to the end, once, and an
// output without it is left alone.
func TestPlanFailedNoteMovesToTheEnd(t *testing.T) {
	split := "Error: Summary\n\n" + planFailedNote + "\n  with atlassian_group.g,\n"
	want := "Error: Summary\n\n\n  with atlassian_group.g,\n" + planFailedNote
	if got := withPlanFailedNoteLast(split); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := withPlanFailedNoteLast(want); got != want {
		t.Errorf("an output ending in the note became %q", got)
	}
	plain := "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n"
	if got := withPlanFailedNoteLast(plain); got != plain {
		t.Errorf("an output without the note became %q", got)
	}
}
