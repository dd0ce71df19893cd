package pinterest

import (
	"errors"
	"strconv"
)

// checkHeaderValue refuses a header value that net/http would refuse on every
// request (a control character other than tab: NUL, CR, LF, DEL...), so that
// NewClient fails at once instead of every Send failing and being retried.
// The error names the header and the byte offset, never the value.
func checkHeaderValue(name, v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return errors.New("pinterest: NewClient: the " + name + " header has a control character at byte " + strconv.Itoa(i))
		}
	}
	return nil
}
