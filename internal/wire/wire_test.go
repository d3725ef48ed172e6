package wire

import "testing"

func TestOptionalMatch(t *testing.T) {
	t.Parallel()
	if _, set := OptionalMatch(0); set {
		t.Error("0 is not set")
	}
	if MatchNumber(nil) != 0 {
		t.Error("null is 0")
	}
	for n, want := range map[int]URIMatch{1: MatchDomain, 2: MatchHost, 3: MatchStartsWith, 4: MatchExact, 5: MatchRegularExpression, 6: MatchNever} {
		m, set := OptionalMatch(n)
		if !set || m != want {
			t.Errorf("OptionalMatch(%d) = %d, %v; want %d", n, m, set, want)
		}
		if got := MatchNumber(&m); got != n {
			t.Errorf("MatchNumber(%d) = %d, want %d", m, got, n)
		}
	}
}
