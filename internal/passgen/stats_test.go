package passgen

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math"
	"testing"
)

// chiSquare returns Pearson's statistic for counts against a uniform
// distribution over len(counts) categories.
func chiSquare(counts []int) float64 {
	total := 0
	for _, c := range counts {
		total += c
	}
	want := float64(total) / float64(len(counts))
	var x2 float64
	for _, c := range counts {
		d := float64(c) - want
		x2 += d * d / want
	}
	return x2
}

// chiSquareBound is a generous upper bound for a uniform source: the
// statistic's mean (the degrees of freedom) plus six standard deviations,
// which a fair source exceeds about once in a hundred million runs. The
// draws in these tests are sized so that modulo bias lands far above it
// (TestChiSquareCatchesModuloBias shows it does).
func chiSquareBound(categories int) float64 {
	df := float64(categories - 1)
	return df + 6*math.Sqrt(2*df)
}

// uniformError describes counts that do not look uniform, or returns "".
func uniformError(counts []int) string {
	if x2, bound := chiSquare(counts), chiSquareBound(len(counts)); x2 > bound {
		return fmt.Sprintf("chi-square %.1f above the bound %.1f over %d categories", x2, bound, len(counts))
	}
	return ""
}

// moduloIndexer is the classic mistake this package must not make: a
// random byte (or uint32) reduced modulo n, without rejection. The tests
// run their statistics over it to show they would catch it.
type moduloIndexer struct{}

func (moduloIndexer) intn(n int) (int, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, err
	}
	if n <= 256 {
		return int(b[0]) % n, nil
	}
	return int(binary.LittleEndian.Uint32(b[:]) % uint32(n)), nil
}

// naiveShuffler is the other classic mistake: swapping each position
// with any position (intn(len)), which favours some permutations.
func naiveShuffle(ix indexer, p []byte) error {
	for i := range p {
		j, err := ix.intn(len(p))
		if err != nil {
			return err
		}
		p[i], p[j] = p[j], p[i]
	}
	return nil
}

func TestChiSquareBound(t *testing.T) {
	// Hand-computed: 25 degrees of freedom, sd sqrt(50).
	if got, want := chiSquareBound(26), 25+6*math.Sqrt(50); got != want {
		t.Errorf("chiSquareBound(26) = %v, want %v", got, want)
	}
	if got := chiSquare([]int{10, 10, 10}); got != 0 {
		t.Errorf("chiSquare of equal counts = %v, want 0", got)
	}
	if got := chiSquare([]int{20, 0}); got != 20 {
		t.Errorf("chiSquare([20 0]) = %v, want 20", got) // (10²+10²)/10
	}
}
