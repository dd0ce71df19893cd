package pinterest

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// digest is a SHA-256 sum kept in binary form; it is hex-encoded only when the
// wire JSON is written.
type digest [sha256.Size]byte

// HashValue returns the lowercase hex SHA-256 of s, exactly as Pinterest expects
// it in the hashed user_data fields. It does not normalize s: use the Normalize
// functions (or the UserData builder, which does both) for raw personal data.
func HashValue(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// IsHashed reports whether s, once trimmed of surrounding white space and
// stripped of zero-width characters, soft hyphens and byte order marks,
// consists of exactly 64 hexadecimal digits of either case, that is whether the
// SDK takes it for a SHA-256 hash and sends it (lowercased) instead of hashing
// it again.
func IsHashed(s string) bool {
	_, ok := asHash(s)
	return ok
}

// asHash decodes a raw value that is a SHA-256 hash: 64 hex digits once trimmed
// of surrounding white space and stripped of the invisible characters removed
// from every field (docs/normalization.md: "before anything else"), such as the
// byte order mark that starts the first column of many CSV exports.
func asHash(s string) (digest, bool) {
	if d, ok := parseHash(strings.TrimSpace(s)); ok {
		return d, true
	}
	if len(s) <= 2*sha256.Size {
		return digest{}, false
	}
	p, _, reason := prep(s, MaxValueLength)
	if reason != "" {
		return digest{}, false
	}
	return parseHash(p)
}

// parseHash decodes s when it is exactly 64 hex digits.
func parseHash(s string) (digest, bool) {
	var d digest
	if len(s) != 2*sha256.Size {
		return d, false
	}
	for i := 0; i < len(d); i++ {
		hi, ok1 := unhex(s[2*i])
		lo, ok2 := unhex(s[2*i+1])
		if !ok1 || !ok2 {
			return d, false
		}
		d[i] = hi<<4 | lo
	}
	return d, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// hexPairs holds the two lowercase hex digits of every byte value, so that a
// digest is encoded a byte, not a nibble, at a time (twice as fast as the
// nibble loop of encoding/hex; measured in BenchmarkPrepare1000's profile).
var hexPairs = func() (t [256][2]byte) {
	const digits = "0123456789abcdef"
	for i := range t {
		t[i] = [2]byte{digits[i>>4], digits[i&0x0f]}
	}
	return t
}()

// appendHex appends the lowercase hex form of d to dst.
func (d *digest) appendHex(dst []byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, 2*len(d))[:n+2*len(d)]
	out := (*[2 * sha256.Size]byte)(dst[n:])
	for i, b := range d {
		p := hexPairs[b]
		out[2*i], out[2*i+1] = p[0], p[1]
	}
	return dst
}

// String returns the lowercase hex form of d.
func (d digest) String() string { return string(d.appendHex(make([]byte, 0, 64))) }
