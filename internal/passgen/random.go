package passgen

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
)

// An indexer draws uniform indexes; the generators take one so that a test
// can run them over a deliberately biased indexer and see its checks fail.
type indexer interface {
	// intn returns a uniform integer in [0, n); n is at least 1.
	intn(n int) (int, error)
}

// sampler draws uniform indexes from a random stream (crypto/rand.Reader in
// production), reading it in blocks: one read serves many characters.
type sampler struct {
	r   io.Reader
	buf [256]byte
	pos int // next unread byte of buf; len(buf) means empty
}

func newSampler(r io.Reader) *sampler {
	s := &sampler{r: r}
	s.pos = len(s.buf)
	return s
}

// errRandom wraps a failing random source; it carries no random bytes.
var errRandom = errors.New("passgen: reading crypto/rand failed")

func (s *sampler) read(p []byte) error {
	for len(p) > 0 {
		if s.pos == len(s.buf) {
			if _, err := io.ReadFull(s.r, s.buf[:]); err != nil {
				return errors.Join(errRandom, err)
			}
			s.pos = 0
		}
		k := copy(p, s.buf[s.pos:])
		s.pos += k
		p = p[k:]
	}
	return nil
}

// intn draws a byte for n ≤ 256 and four bytes otherwise, and redraws any
// value at or above the largest multiple of n the draw can hold, so that
// every remainder is equally likely. A plain "v % n" would not be: with a
// byte and n = 70, the first 46 characters would come up 4 times in 256 and
// the other 24 only 3.
func (s *sampler) intn(n int) (int, error) {
	if n <= 0 || n > 1<<31 {
		return 0, errors.New("passgen: internal error: index range out of bounds")
	}
	if n == 1 {
		return 0, nil
	}
	if n <= 256 {
		limit := 256 - 256%n // the largest multiple of n that fits
		var b [1]byte
		for {
			if err := s.read(b[:]); err != nil {
				return 0, err
			}
			if int(b[0]) < limit {
				return int(b[0]) % n, nil
			}
		}
	}
	limit := uint64(1<<32) - uint64(1<<32)%uint64(n)
	var b [4]byte
	for {
		if err := s.read(b[:]); err != nil {
			return 0, err
		}
		if v := uint64(binary.LittleEndian.Uint32(b[:])); v < limit {
			return int(v % uint64(n)), nil
		}
	}
}

// shuffle permutes p uniformly (Fisher–Yates).
func shuffle(ix indexer, p []byte) error {
	for i := len(p) - 1; i > 0; i-- {
		j, err := ix.intn(i + 1)
		if err != nil {
			return err
		}
		p[i], p[j] = p[j], p[i]
	}
	return nil
}

// wipe clears the unread random bytes: they are spare, but close to the
// ones a password was made from.
func (s *sampler) wipe() {
	clear(s.buf[:])
	s.pos = len(s.buf)
}

// cryptoSampler is the production indexer.
func cryptoSampler() *sampler { return newSampler(rand.Reader) }
