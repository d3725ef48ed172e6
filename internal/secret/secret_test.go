package secret

import (
	"fmt"
	"testing"
)

func TestEqual(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"sensitive-pw", "sensitive-pw", true},
		{"", "", true},
		{"sensitive-pw", "sensitive-pW", false},
		{"sensitive-pw", "sensitive-pw ", false}, // a prefix is not equal
		{"sensitive-pw", "", false},
		{"", "sensitive-pw", false},
		{"héllo", "he\u0301llo", false}, // bytes, not a Unicode normal form
	} {
		if got := Equal(tc.a, tc.b); got != tc.want {
			t.Errorf("Equal(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func ExampleEqual() {
	stored := "sensitive-correct horse"
	if Equal("sensitive-correct horse", stored) {
		fmt.Println("verified")
	}
	if !Equal("sensitive-Correct horse", stored) {
		fmt.Println("refused")
	}
	// Output:
	// verified
	// refused
}

func BenchmarkEqual(b *testing.B) {
	for b.Loop() {
		Equal("sensitive-correct horse battery staple", "sensitive-correct horse battery stapl")
	}
}
