// Package swar scans strings 8 bytes at a time ("SIMD within a register"), for
// the hot paths that check long ASCII values byte by byte.
package swar

// Lsb and Msb have the lowest and the highest bit of every byte set.
const (
	Lsb = 0x0101010101010101
	Msb = 0x8080808080808080
)

// ZeroByte has the high bit set in the bytes of x that are zero (and possibly
// in bytes above one that is: a false positive only where a real one exists,
// so "is any byte zero" is answered exactly).
func ZeroByte(x uint64) uint64 { return (x - Lsb) &^ x & Msb }

// Below has the high bit set in the bytes of x below n (n <= 0x80), with the
// same proviso as ZeroByte.
func Below(x uint64, n byte) uint64 { return (x - uint64(n)*Lsb) &^ x & Msb }

// Equal has the high bit set in the bytes of x equal to c, with the same
// proviso as ZeroByte.
func Equal(x uint64, c byte) uint64 { return ZeroByte(x ^ uint64(c)*Lsb) }

// Load8 reads 8 bytes of s at i, little-endian; the compiler merges the loads
// into one.
func Load8(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}
