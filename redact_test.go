package pinterest_test

// No fmt verb gets around redaction: Client, Event and UserData, as values
// and as pointers, print no token and no personal data under any verb.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/capisdk/pinterest"
)

var redactVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3v", "%T"}

// redactSecrets are the forms in which a secret may leak: as is, quoted, in
// hex of either case.
func redactSecrets(values ...string) []string {
	var out []string
	for _, v := range values {
		out = append(out, v, strconv.Quote(v)[1:len(v)+1], hex.EncodeToString([]byte(v)), strings.ToUpper(hex.EncodeToString([]byte(v))))
	}
	return out
}

func redactCheck(t *testing.T, what string, v any, secrets []string, want func(verb string) string) {
	t.Helper()
	for _, verb := range redactVerbs {
		got := fmt.Sprintf(verb, v)
		for _, s := range secrets {
			if strings.Contains(got, s) {
				t.Errorf("Sprintf(%q, %s) = %q: shows %q", verb, what, got, s)
			}
		}
		if want != nil && verb != "%T" {
			if w := want(verb); got != w {
				t.Errorf("Sprintf(%q, %s) = %q, want %q", verb, what, got, w)
			}
		}
	}
}

func TestRedactEveryVerb(t *testing.T) {
	const token = "pina_SECRETTOKEN0123456789"
	const email, ip, ua = "jane.doe@example.com", "203.0.113.77", "SecretBrowser/9.9"
	sum := sha256.Sum256([]byte(email))
	digest := hex.EncodeToString(sum[:])
	secrets := redactSecrets(token, email, ip, ua, digest, "https://shop.example/private?q=1")
	// The digest's bytes in decimal, as %d of a byte array would print them.
	var dec []string
	for _, b := range sum[:8] {
		dec = append(dec, strconv.Itoa(int(b)))
	}
	secrets = append(secrets, strings.Join(dec, " "))

	c, err := pinterest.NewClient(token, pinterest.WithUserAgent("shop/1"))
	if err != nil {
		t.Fatal(err)
	}
	u := pinterest.NewUserData().Email(email).ClientIP(ip).UserAgent(ua)
	ev := pinterest.NewEvent(pinterest.EventCheckout, pinterest.SourceWeb).ID("order-1").
		URL("https://shop.example/private?q=1").User(u)

	quoted := func(s string) func(string) string {
		return func(verb string) string {
			if verb == "%q" {
				return strconv.Quote(s)
			}
			return s
		}
	}
	redactCheck(t, "*Client", c, secrets, quoted(c.String()))
	// A Client value, as fmt.Sprintf("%s", *c) would print it (go vet refuses
	// that copy of a sync.Pool, but the program still compiles and runs).
	redactCheck(t, "Client", reflect.ValueOf(c).Elem().Interface(), secrets, nil)
	redactCheck(t, "*Event", ev, secrets, quoted(ev.String()))
	redactCheck(t, "Event", *ev, secrets, quoted(ev.String()))
	redactCheck(t, "*UserData", u, secrets, quoted(u.String()))
	redactCheck(t, "UserData", *u, secrets, quoted(u.String()))
	// Inside other values too: a slice of events, a struct holding user data.
	redactCheck(t, "[]*Event", []*pinterest.Event{ev}, secrets, nil)
	redactCheck(t, "struct{U *UserData}", struct{ U *pinterest.UserData }{u}, secrets, nil)

	var nilEvent *pinterest.Event
	if got := fmt.Sprintf("%d", nilEvent); strings.Contains(got, "PANIC") {
		t.Errorf("Sprintf(%%d, nil *Event) = %q", got)
	}
}
