package passgen

import "testing"

// BenchmarkPassword: bw's default password with special characters, as
// the mass reset generates one per account.
func BenchmarkPassword(b *testing.B) {
	o := Options{Length: 20, Uppercase: true, Lowercase: true, Numbers: true, Special: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Password(o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPassphrase(b *testing.B) {
	o := DefaultPassphraseOptions()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Passphrase(o); err != nil {
			b.Fatal(err)
		}
	}
}
