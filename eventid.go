package pinterest

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// DerivedEventIDLength is the length of the ids DeriveEventID returns: 32
// lowercase hexadecimal digits (128 bits).
const DerivedEventIDLength = 32

// DeriveEventID returns a stable event id for an event that has none of its
// own, such as a row of an offline-sales file: the same inputs always give the
// same id, so an event sent twice (a file uploaded again, a retried job)
// carries the same event_id both times.
//
// The id is the first 32 lowercase hex digits of the SHA-256 of the ad account
// id, the event name, the event time in Unix seconds (so the time zone of t
// does not matter) and then each key, every part written as a netstring
// ("<length in bytes>:<bytes>,"). For example ad account "549755885175",
// EventCheckout at Unix time 1700000000 and key "1001" hash the bytes
// "12:549755885175,8:checkout,10:1700000000,4:1001,". Keys should say what
// makes the event unique: the order id where there is one; otherwise every
// value that describes the event. Events that agree on all of these get the
// same id.
//
// Pinterest de-duplicates web and app events by event id (within about 48
// hours, and against the Pinterest Tag only when the Tag sent the same id:
// for events the Tag also sees, use the Tag's id, not a derived one). It does
// not de-duplicate offline events, so a stable id there mainly lets you and
// your tools recognise an event sent twice.
func DeriveEventID(adAccountID string, name EventName, t time.Time, keys ...string) string {
	// The netstrings are assembled in a buffer on the stack and hashed at
	// once; only unusually long keys need the streaming hash.
	var stack [512]byte
	b := stack[:0]
	b = appendNetstring(b, adAccountID)
	b = appendNetstring(b, string(name))
	var ts [20]byte
	unix := strconv.AppendInt(ts[:0], t.Unix(), 10)
	b = strconv.AppendInt(b, int64(len(unix)), 10)
	b = append(append(append(b, ':'), unix...), ',')
	for _, k := range keys {
		b = appendNetstring(b, k)
	}
	sum := sha256.Sum256(b)
	var out [DerivedEventIDLength]byte
	hex.Encode(out[:], sum[:DerivedEventIDLength/2])
	return string(out[:])
}

// appendNetstring appends "<len>:<s>,".
func appendNetstring(dst []byte, s string) []byte {
	dst = strconv.AppendInt(dst, int64(len(s)), 10)
	dst = append(dst, ':')
	dst = append(dst, s...)
	return append(dst, ',')
}
