module github.com/bsafe-go/bsafe

go 1.25.0

require (
	github.com/google/go-cmp v0.7.0
	golang.org/x/crypto v0.55.0
	golang.org/x/sync v0.20.0
)

require golang.org/x/sys v0.47.0 // indirect
