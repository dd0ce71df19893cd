package swar

import "testing"

// TestAgainstBytewise checks the word predicates against a byte loop on every
// byte value in every position, with a neighbour that could borrow.
func TestAgainstBytewise(t *testing.T) {
	for pos := 0; pos < 8; pos++ {
		for v := 0; v < 256; v++ {
			for _, fill := range []byte{'a', 0x00, 0x1f, 0xff} {
				b := []byte{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}
				for i := range b {
					if i != pos {
						b[i] = fill
					}
				}
				b[pos] = byte(v)
				w := Load8(string(b), 0)
				var zero, below, quote bool
				for _, c := range b {
					zero = zero || c == 0
					below = below || c < 0x20
					quote = quote || c == '"'
				}
				if (ZeroByte(w) != 0) != zero || (Below(w, 0x20) != 0) != below || (Equal(w, '"') != 0) != quote {
					t.Fatalf("bytes %x: ZeroByte %v/%v Below %v/%v Equal %v/%v", b,
						ZeroByte(w) != 0, zero, Below(w, 0x20) != 0, below, Equal(w, '"') != 0, quote)
				}
			}
		}
	}
}
