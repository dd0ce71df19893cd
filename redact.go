package pinterest

import (
	"fmt"
	"io"
	"strconv"
)

// The Format methods below make every fmt verb (%v %+v %#v %s %q %x %X %d and
// the rest) print the type's String, which names fields and counts but never
// a token or a value of personal data. Without them fmt would walk the
// struct by reflection for verbs that bypass String (%d, %x on a pointer,
// %+v of a value), dereference pointers on a bad verb, and print digests, IP
// addresses and user agents. The token is out of reflection's reach anyway
// (Client.cred is a closure), so even a Client printed by value, which has no
// Format method to call, shows no token.

// Format prints the client as String does, for every verb: %q quotes it.
func (c *Client) Format(f fmt.State, verb rune) { formatAs(f, verb, c.String()) }

// Format prints the event as Event.String does, for every verb: %q quotes it.
// It has a value receiver so that an Event value is covered too.
func (e Event) Format(f fmt.State, verb rune) { formatAs(f, verb, (&e).String()) }

// Format prints the user data as String does, for every verb: %q quotes it.
func (u UserData) Format(f fmt.State, verb rune) { formatAs(f, verb, u.String()) }

func formatAs(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	io.WriteString(f, s)
}
