package vaultcrypto

import "sync"

// Short fields (names, usernames, passwords, URIs) are decrypted in pooled
// scratch buffers so that the only allocation is the resulting string. The
// buffers hold plaintext, so they are cleared before they go back.

const maxPooledScratch = 4 << 10

var scratchPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 512)
	return &b
}}

// getScratch returns a buffer of length 0 and capacity at least n.
func getScratch(n int) *[]byte {
	if n > maxPooledScratch {
		b := make([]byte, 0, n)
		return &b
	}
	p := scratchPool.Get().(*[]byte)
	if cap(*p) < n {
		*p = make([]byte, 0, n)
	}
	return p
}

// putScratch clears the buffer and returns it to the pool if it is small.
func putScratch(p *[]byte) {
	clear((*p)[:cap(*p)])
	if cap(*p) <= maxPooledScratch {
		scratchPool.Put(p)
	}
}
