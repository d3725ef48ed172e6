package safe_test

import (
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/safe"
)

// RecordPasswordChange: the old password goes first, dated, only when it
// changes and is not empty; five entries are kept, the newest.
func TestRecordPasswordChange(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	it := &safe.Item{Type: safe.TypeLogin, Login: &safe.Login{}}
	if it.RecordPasswordChange("first", at) || len(it.PasswordHistory) != 0 {
		t.Fatal("an empty old password was recorded")
	}
	pw := []string{"p0", "p1", "p2", "p3", "p4", "p5", "p6"}
	it.Login.Password = pw[0]
	for _, next := range pw[1:] {
		if !it.RecordPasswordChange(next, at) {
			t.Fatalf("change to %s not recorded", next)
		}
		it.Login.Password = next
	}
	if it.RecordPasswordChange("p6", at) {
		t.Error("an unchanged password was recorded")
	}
	var got []string
	for _, h := range it.PasswordHistory {
		got = append(got, h.Password)
		if !h.LastUsedDate.Equal(at) {
			t.Errorf("entry %s dated %v", h.Password, h.LastUsedDate)
		}
	}
	want := []string{"p5", "p4", "p3", "p2", "p1"}
	if len(got) != len(want) {
		t.Fatalf("history %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("history %v, want %v", got, want)
		}
	}
	if (&safe.Item{}).RecordPasswordChange("x", at) {
		t.Error("an item without a login recorded a change")
	}
}
