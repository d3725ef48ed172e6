package passgen

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestIntnRejects: with n = 70 a byte at or above 210 (the largest
// multiple of 70 below 256) must be drawn again, not reduced; 255 % 70
// would be 45, and 200 is kept as 200 % 70 = 60.
func TestIntnRejects(t *testing.T) {
	s := newSampler(bytes.NewReader(append([]byte{255, 210, 200}, make([]byte, 253)...)))
	got, err := s.intn(70)
	if err != nil {
		t.Fatal(err)
	}
	if got != 60 {
		t.Errorf("intn(70) over bytes 255, 210, 200 = %d, want 60 (the first two rejected)", got)
	}
	// Four-byte path: 0xFFFFFFFF is above the largest multiple of 7776.
	raw := []byte{0xff, 0xff, 0xff, 0xff, 0x39, 0x05, 0, 0} // then 1337
	s = newSampler(bytes.NewReader(append(raw, make([]byte, 248)...)))
	if got, err = s.intn(7776); err != nil || got != 1337 {
		t.Errorf("intn(7776) = %d, %v; want 1337 (0xFFFFFFFF rejected)", got, err)
	}
}

func TestIntnReadError(t *testing.T) {
	boom := errors.New("entropy gone")
	s := newSampler(iotest.ErrReader(boom))
	if _, err := s.intn(26); !errors.Is(err, boom) || !errors.Is(err, errRandom) {
		t.Errorf("intn over a failing reader: %v, want errRandom wrapping the cause", err)
	}
	s = newSampler(io.LimitReader(bytes.NewReader(make([]byte, 300)), 10))
	if _, err := s.intn(26); err == nil {
		t.Error("intn over a short reader succeeded")
	}
}

func TestIntnBounds(t *testing.T) {
	s := cryptoSampler()
	for _, n := range []int{0, -1} {
		if _, err := s.intn(n); err == nil {
			t.Errorf("intn(%d) succeeded", n)
		}
	}
	for range 100 {
		if v, err := s.intn(1); err != nil || v != 0 {
			t.Fatalf("intn(1) = %d, %v", v, err)
		}
		if v, err := s.intn(3); err != nil || v < 0 || v >= 3 {
			t.Fatalf("intn(3) = %d, %v", v, err)
		}
	}
}

// TestIntnUniform: the counts of intn(n) over many draws pass the
// chi-square check, for sizes on the byte path and the four-byte path.
func TestIntnUniform(t *testing.T) {
	s := cryptoSampler()
	for _, n := range []int{70, 26, 57, 300} {
		counts := make([]int, n)
		for range n * 2000 {
			v, err := s.intn(n)
			if err != nil {
				t.Fatal(err)
			}
			counts[v]++
		}
		if msg := uniformError(counts); msg != "" {
			t.Errorf("intn(%d): %s", n, msg)
		}
	}
}

// TestShuffleUniform: all 120 orders of five elements come up equally
// often. The naive shuffle (swap with any position) fails the same check.
func TestShuffleUniform(t *testing.T) {
	perms := func(shuf func(indexer, []byte) error) []int {
		counts := make([]int, 120)
		s := cryptoSampler()
		for range 120 * 500 {
			p := []byte{0, 1, 2, 3, 4}
			if err := shuf(s, p); err != nil {
				t.Fatal(err)
			}
			counts[permIndex(p)]++
		}
		return counts
	}
	if msg := uniformError(perms(shuffle)); msg != "" {
		t.Errorf("shuffle: %s", msg)
	}
	if msg := uniformError(perms(naiveShuffle)); msg == "" {
		t.Error("the chi-square check passed the naive (biased) shuffle; it cannot catch a biased shuffle")
	}
}

// permIndex numbers a permutation of 0..len-1 (Lehmer code).
func permIndex(p []byte) int {
	idx := 0
	for i := range p {
		smaller := 0
		for _, q := range p[i+1:] {
			if q < p[i] {
				smaller++
			}
		}
		idx = idx*(len(p)-i) + smaller
	}
	return idx
}

// TestChiSquareCatchesModuloBias: the check these tests rely on rejects
// intn(70) done as "byte % 70", at the same draw count TestIntnUniform
// uses. Without this, a passing TestIntnUniform would prove nothing.
func TestChiSquareCatchesModuloBias(t *testing.T) {
	counts := make([]int, 70)
	var m moduloIndexer
	for range 70 * 2000 {
		v, err := m.intn(70)
		if err != nil {
			t.Fatal(err)
		}
		counts[v]++
	}
	if msg := uniformError(counts); msg == "" {
		t.Errorf("the chi-square check passed byte %% 70 (chi-square %.1f, bound %.1f)", chiSquare(counts), chiSquareBound(70))
	}
}
